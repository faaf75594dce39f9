"""Alembic's entry: migrations run on the connection the store opened (see `adapters/sql_migrate.py`)."""

from __future__ import annotations

from alembic import context

from simulator.adapters.sql_schema import metadata

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
