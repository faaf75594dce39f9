"""Opening a database: its URL, its engine (with SQLite's settings on every connection), and the SQLite file's
first checks."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError

from simulator.adapters.sqlite_health import first_line
from simulator.errors import StorageError


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def database_url(target: Path | str) -> str:
    """A path is a SQLite file; a string is a SQLAlchemy URL (`postgresql+psycopg://…`, `sqlite:///…`)."""
    return f"sqlite:///{target}" if isinstance(target, Path) else target


def shown(url: str) -> str:
    """A URL fit for a message or a log: never its password."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "(an unreadable database URL)"


def check_file(path: Path) -> None:
    """Refuse a SQLite file that cannot be a database we may open (its folder unwritable, or emptied)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StorageError(
            f"cannot create the data folder {path.parent} ({exc}); set PARLEY_DATA_DIR to a writable folder"
        ) from None
    if path.exists() and path.stat().st_size == 0:
        # SQLite would take an empty file for a new database, and an app whose accounts file was truncated
        # would come up without sign-in. Only a person can tell a new install from lost data.
        raise StorageError(
            f"the database {path} is empty (0 bytes), so its accounts and transcripts are gone or were never "
            "written. It was left untouched: restore a backup, or delete the file if this is a new installation"
        )


def make_engine(url: str, where: str, sqlite: bool) -> Engine:
    """The engine for `url`; on SQLite, WAL and foreign keys on every connection, and writers that lock at once."""
    try:
        if not sqlite:
            # pre_ping: a connection the server dropped (a restart, an idle timeout) is replaced, not failed.
            return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 10})
    except (NoSuchModuleError, ImportError) as exc:
        raise StorageError(
            f"no driver for the database {where} ({first_line(exc)}): use postgresql+psycopg://… "
            "(psycopg 3 is installed with Parley) or sqlite:///…"
        ) from None

    @event.listens_for(engine, "connect")
    def _connect(dbapi: sqlite3.Connection, _record: Any) -> None:
        dbapi.isolation_level = None  # SQLAlchemy begins transactions itself, below
        # WAL with synchronous=NORMAL: a commit survives a crash of this process,
        # which is the failure we guard against, at a fraction of FULL's cost.
        dbapi.execute("PRAGMA journal_mode=WAL")
        dbapi.execute("PRAGMA synchronous=NORMAL")
        dbapi.execute("PRAGMA foreign_keys=ON")

    @event.listens_for(engine, "begin")
    def _begin(db: Connection) -> None:
        # A writer takes the write lock at once, so a turn's check and its insert see the same database.
        db.exec_driver_sql("BEGIN IMMEDIATE" if db.get_execution_options().get("parley_write") else "BEGIN")

    return engine
