"""Each team persona's history: who created, edited, published, archived or restored it, and when."""

from __future__ import annotations

import sqlalchemy as sa

from simulator.adapters.migrations.helpers import create_index, create_table

revision = "0012"
down_revision = "0011"


def upgrade() -> None:
    create_table(
        "persona_events",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("persona_id", sa.Text, sa.ForeignKey("team_personas.id"), nullable=False),
        sa.Column("version", sa.Integer),
        sa.Column("action", sa.Text, nullable=False),
        sa.Column("by", sa.Text, nullable=False),
        sa.Column("at", sa.Text, nullable=False),
        sqlite_autoincrement=True,
    )
    create_index("persona_events_persona", "persona_events", ["persona_id", "id"])
