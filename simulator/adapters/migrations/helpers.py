"""Steps that can meet a database where they already happened.

Before Alembic, Parley upgraded SQLite files by hand and recreated any missing table or index on every start,
so a file marked with an old schema number may already hold parts of later schemas. Each step looks first."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op


def _inspector() -> sa.Inspector:
    return sa.inspect(op.get_bind())


def create_table(name: str, *columns: Any, **options: Any) -> None:
    if not _inspector().has_table(name):
        op.create_table(name, *columns, **options)


def add_column(table: str, column: sa.Column[Any]) -> None:
    if column.name not in {c["name"] for c in _inspector().get_columns(table)}:
        op.add_column(table, column)


def create_index(name: str, table: str, columns: list[Any], *, unique: bool = False) -> None:
    if name not in {i["name"] for i in _inspector().get_indexes(table)}:
        op.create_index(name, table, columns, unique=unique)
