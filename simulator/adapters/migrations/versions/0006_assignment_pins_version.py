"""An assignment may pin a team persona version; sessions are found by user and by assignment."""

from __future__ import annotations

import sqlalchemy as sa

from simulator.adapters.migrations.helpers import add_column, create_index

revision = "0006"
down_revision = "0005"


def upgrade() -> None:
    add_column("assignments", sa.Column("persona_version", sa.Integer))
    create_index("sessions_user", "sessions", ["user"])
    create_index("sessions_assignment", "sessions", ["assignment_id"])
