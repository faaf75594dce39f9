"""Which voice and coach a session was started with."""

from __future__ import annotations

import sqlalchemy as sa

from simulator.adapters.migrations.helpers import add_column

revision = "0003"
down_revision = "0002"


def upgrade() -> None:
    add_column("sessions", sa.Column("voice", sa.Text, nullable=False, server_default="scripted"))
    add_column("sessions", sa.Column("coach", sa.Text, nullable=False, server_default="rules"))
