"""Sign-ins that every app instance recognises, and accounts that can be disabled (single sign-on creates them)."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from simulator.adapters.migrations.helpers import add_column, create_index, create_table

revision = "0008"
down_revision = "0007"


def upgrade() -> None:
    # 0007 wrote milliseconds into a 32-bit column on PostgreSQL (SQLite's integers are 64-bit already).
    if op.get_bind().dialect.name == "postgresql":
        op.alter_column("sign_in_failures", "at", type_=sa.BigInteger)
    add_column("users", sa.Column("disabled", sa.Integer, nullable=False, server_default="0"))
    create_table(
        "sign_in_tokens",
        sa.Column("token_hash", sa.Text, primary_key=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("created_at", sa.BigInteger, nullable=False),
        sa.Column("expires_at", sa.BigInteger, nullable=False),
    )
    create_index("sign_in_tokens_name", "sign_in_tokens", ["name"])
