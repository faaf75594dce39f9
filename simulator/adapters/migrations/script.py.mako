"""${message}"""

from __future__ import annotations

from alembic import op
import sqlalchemy as sa

from simulator.adapters.migrations.helpers import add_column, create_index, create_table

revision = ${repr(up_revision)}
down_revision = ${repr(down_revision)}


def upgrade() -> None:
    ${upgrades if upgrades else "pass"}
