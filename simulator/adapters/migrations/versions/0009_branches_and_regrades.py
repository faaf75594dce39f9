"""Attempts that branch from a turn of another session, trainers' re-grades of a turn, and assessments."""

from __future__ import annotations

import sqlalchemy as sa

from simulator.adapters.migrations.helpers import add_column, create_index, create_table

revision = "0009"
down_revision = "0008"


def upgrade() -> None:
    add_column("sessions", sa.Column("parent_id", sa.Text))
    add_column("sessions", sa.Column("branch_turn", sa.Integer))
    add_column("sessions", sa.Column("root_id", sa.Text))
    create_index("sessions_root", "sessions", ["root_id"])
    add_column("assignments", sa.Column("assessment", sa.Integer, nullable=False, server_default="0"))
    create_table(
        "regrades",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("session_id", sa.Text, sa.ForeignKey("sessions.id"), nullable=False),
        sa.Column("turn", sa.Integer, nullable=False),
        sa.Column("criterion", sa.Text, nullable=False),
        sa.Column("before", sa.Integer, nullable=False),
        sa.Column("after", sa.Integer, nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("by", sa.Text, nullable=False),
        sa.Column("at", sa.Text, nullable=False),
    )
    create_index("regrades_session", "regrades", ["session_id", "turn"])
