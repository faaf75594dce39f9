"""When each trainer last opened a session in review: their home lists the finished sessions new to them."""

from __future__ import annotations

import sqlalchemy as sa

from simulator.adapters.migrations.helpers import create_index, create_table

revision = "0010"
down_revision = "0009"


def upgrade() -> None:
    create_table(
        "reviews",
        sa.Column("session_id", sa.Text, sa.ForeignKey("sessions.id"), primary_key=True),
        sa.Column("reviewer", sa.Text, primary_key=True),
        sa.Column("at", sa.Text, nullable=False),
    )
    create_index("reviews_reviewer", "reviews", ["reviewer"])
