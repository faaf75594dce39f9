"""The tokens each turn's model calls used."""

from __future__ import annotations

import sqlalchemy as sa

from simulator.adapters.migrations.helpers import add_column

revision = "0002"
down_revision = "0001"


def upgrade() -> None:
    add_column("turns", sa.Column("tokens_json", sa.Text))
