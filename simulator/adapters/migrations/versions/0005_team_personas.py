"""Team personas with versions; a session pins the version it was played with."""

from __future__ import annotations

import sqlalchemy as sa

from simulator.adapters.migrations.helpers import add_column, create_table

revision = "0005"
down_revision = "0004"


def upgrade() -> None:
    add_column("sessions", sa.Column("persona_version", sa.Integer))
    create_table(
        "team_personas",
        sa.Column("id", sa.Text, primary_key=True),
        sa.Column("author", sa.Text, nullable=False),
        sa.Column("archived", sa.Integer, nullable=False, server_default="0"),
        sa.Column("created_at", sa.Text, nullable=False),
    )
    create_table(
        "persona_versions",
        sa.Column("persona_id", sa.Text, sa.ForeignKey("team_personas.id"), primary_key=True),
        sa.Column("version", sa.Integer, primary_key=True),
        sa.Column("status", sa.Text, nullable=False),
        sa.Column("author", sa.Text, nullable=False),
        sa.Column("data_json", sa.Text, nullable=False),
        sa.Column("check_json", sa.Text),
        sa.Column("created_at", sa.Text, nullable=False),
        sa.Column("updated_at", sa.Text, nullable=False),
        sa.CheckConstraint("status IN ('draft', 'published')"),
    )
