"""Single sign-on accounts are linked by the provider's issuer and subject, never by a name a user can choose."""

from __future__ import annotations

import sqlalchemy as sa

from simulator.adapters.migrations.helpers import create_index, create_table
from simulator.adapters.sql_schema import NAME

revision = "0011"
down_revision = "0010"


def upgrade() -> None:
    create_table(
        "external_identities",
        sa.Column("issuer", sa.Text, primary_key=True),
        sa.Column("subject", sa.Text, primary_key=True),
        sa.Column("name", NAME, sa.ForeignKey("users.name"), nullable=False),
        sa.Column("created_at", sa.Text, nullable=False),
    )
    create_index("external_identities_name", "external_identities", ["name"], unique=True)
