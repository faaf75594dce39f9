"""Bring any Parley database up to the newest schema with Alembic, in place, keeping every row.

A SQLite file from before Alembic carries its schema number in `PRAGMA user_version` (1 to 6), which is the
number of the Alembic revision it matches: it is stamped with that revision and upgraded from there."""

from __future__ import annotations

from importlib.resources import files

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, inspect

from simulator.errors import StorageError

LEGACY_SCHEMAS = 6  # the last schema number the hand-written SQLite upgrades wrote


def _config(connection: Connection) -> Config:
    config = Config()
    config.set_main_option("script_location", str(files("simulator.adapters") / "migrations"))
    config.attributes["connection"] = connection
    return config


def head() -> str:
    """The newest revision this Parley knows."""
    return str(ScriptDirectory(str(files("simulator.adapters") / "migrations")).get_current_head())


def current(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


def upgrade(connection: Connection, where: str) -> str | None:
    """Upgrade the database behind `connection` (inside its transaction); `where` names it in messages.
    Returns the revision it was at before (None: a new database)."""
    if connection.dialect.name == "postgresql":
        # Two app instances starting at once on one server upgrade one after the other, not both at once.
        connection.exec_driver_sql("SELECT pg_advisory_xact_lock(7306273)")
    config = _config(connection)
    script = ScriptDirectory.from_config(config)
    known = {s.revision for s in script.walk_revisions()}
    found = current(connection)
    sqlite = connection.dialect.name == "sqlite"
    if found is None and inspect(connection).has_table("sessions"):
        number = int(connection.exec_driver_sql("PRAGMA user_version").scalar() or 1) if sqlite else 0
        if number > LEGACY_SCHEMAS:
            raise StorageError(f"the database {where} was written by a newer Parley (schema {number}); upgrade Parley")
        if number < 1:
            raise StorageError(
                f"the database {where} holds Parley tables but no record of their schema (no alembic_version "
                "table): it was not made by Parley's `db upgrade`. It was left untouched"
            )
        command.stamp(config, f"{number:04d}")
        found = f"{number:04d}"
    elif found is not None and found not in known:
        raise StorageError(
            f"the database {where} was written by a newer Parley (schema {found}); upgrade Parley before using it"
        )
    command.upgrade(config, "head")
    if sqlite:
        # An older Parley reads this number and refuses the file instead of "upgrading" it by hand.
        connection.exec_driver_sql(f"PRAGMA user_version={int(head())}")
    return found
