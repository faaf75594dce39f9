"""Sessions and their turns: Parley's first schema."""

from __future__ import annotations

import sqlalchemy as sa

from simulator.adapters.migrations.helpers import create_index, create_table

revision = "0001"
down_revision = None


def upgrade() -> None:
    create_table(
        "sessions",
        sa.Column("id", sa.Text, primary_key=True),
        sa.Column("persona_id", sa.Text, nullable=False),
        sa.Column("persona_name", sa.Text, nullable=False),
        sa.Column("user", sa.Text, nullable=False),
        sa.Column("opening", sa.Text, nullable=False),
        sa.Column("started_at", sa.Text, nullable=False),
        sa.Column("ended_at", sa.Text),
        sa.Column("outcome", sa.Text),
        sa.Column("state_json", sa.Text, nullable=False),
        sa.Column("debrief_json", sa.Text),
    )
    create_table(
        "turns",
        sa.Column("session_id", sa.Text, sa.ForeignKey("sessions.id"), primary_key=True),
        sa.Column("turn", sa.Integer, primary_key=True),
        sa.Column("user_text", sa.Text, nullable=False),
        sa.Column("grade_json", sa.Text),
        sa.Column("reply", sa.Text),
        sa.Column("moves_json", sa.Text, nullable=False, server_default="[]"),
        sa.Column("state_json", sa.Text),
        sa.Column("created_at", sa.Text, nullable=False),
        sa.Column("replied_at", sa.Text),
    )
    create_index("sessions_started", "sessions", ["started_at"])
