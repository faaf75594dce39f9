"""Reading and writing a test's database behind the store's back, on either database."""

from __future__ import annotations

from sqlalchemy import create_engine, text

from simulator.adapters.sql_store import SqlStore


def read_rows(store: SqlStore, sql: str, **params: object) -> list[tuple[object, ...]]:
    """Rows read through a connection of its own, as another process (or app instance) would see them."""
    engine = create_engine(store.url)
    try:
        with engine.connect() as db:
            return [tuple(r) for r in db.execute(text(sql), params)]
    finally:
        engine.dispose()


def write_rows(store: SqlStore, sql: str, **params: object) -> None:
    engine = create_engine(store.url)
    try:
        with engine.begin() as db:
            db.execute(text(sql), params)
    finally:
        engine.dispose()
