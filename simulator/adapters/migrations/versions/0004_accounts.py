"""Accounts, assignments and trainer comments; a session may count toward an assignment."""

from __future__ import annotations

import sqlalchemy as sa

from simulator.adapters.migrations.helpers import add_column, create_table
from simulator.adapters.sql_schema import NAME

revision = "0004"
down_revision = "0003"


def upgrade() -> None:
    add_column("sessions", sa.Column("assignment_id", sa.Text))
    create_table(
        "users",
        sa.Column("name", NAME, primary_key=True),
        sa.Column("role", sa.Text, nullable=False),
        sa.Column("password_hash", sa.Text, nullable=False),
        sa.Column("trainer", NAME, sa.ForeignKey("users.name")),
        sa.Column("created_at", sa.Text, nullable=False),
        sa.CheckConstraint("role IN ('trainer', 'trainee')"),
    )
    create_table(
        "assignments",
        sa.Column("id", sa.Text, primary_key=True),
        sa.Column("trainer", NAME, sa.ForeignKey("users.name"), nullable=False),
        sa.Column("trainee", NAME, sa.ForeignKey("users.name"), nullable=False),
        sa.Column("persona_id", sa.Text, nullable=False),
        sa.Column("due", sa.Text),
        sa.Column("target", sa.Integer, nullable=False),
        sa.Column("attempts", sa.Integer),
        sa.Column("note", sa.Text, nullable=False, server_default=""),
        sa.Column("created_at", sa.Text, nullable=False),
    )
    create_table(
        "comments",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("session_id", sa.Text, sa.ForeignKey("sessions.id"), nullable=False),
        sa.Column("turn", sa.Integer, nullable=False),
        sa.Column("author", sa.Text, nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("created_at", sa.Text, nullable=False),
        sqlite_autoincrement=True,
    )
