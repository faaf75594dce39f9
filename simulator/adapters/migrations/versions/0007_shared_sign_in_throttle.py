"""Failed sign-ins in the database, so every app instance throttles alike; one account per name in any case."""

from __future__ import annotations

import sqlalchemy as sa

from simulator.adapters.migrations.helpers import create_index, create_table

revision = "0007"
down_revision = "0006"


def upgrade() -> None:
    create_table(
        "sign_in_failures",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("key", sa.Text, nullable=False),
        sa.Column("at", sa.Integer, nullable=False),
        sqlite_autoincrement=True,
    )
    create_index("sign_in_failures_key", "sign_in_failures", ["key", "at"])
    # SQLite's NOCASE key already keeps names apart without case; PostgreSQL needs this index to do the same.
    create_index("users_name_lower", "users", [sa.text("lower(name)")], unique=True)
