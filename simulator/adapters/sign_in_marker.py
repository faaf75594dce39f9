"""The record, kept beside the database and apart from it, that this installation has accounts.

Whether the app asks people to sign in must never be read from the data alone: a database that was deleted,
emptied, replaced or rolled back (a damaged WAL drops its last writes) holds no accounts, and an app that
believed it would serve every transcript to anyone. The marker is written when an account is committed and
whenever a start finds accounts; while it is there, sign-in stays on, and a start without accounts stops."""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, event
from sqlalchemy.sql.dml import Insert

from simulator.adapters.sql_schema import users

log = logging.getLogger(__name__)

MARKER_NAME = "accounts-exist"
ACCOUNT_ADDED = "parley_account_added"  # set in a connection's info when it inserted an account


class AccountsMarker:
    """One line per database (its path or URL, without password) that had accounts: a data folder may serve
    several databases over time (`PARLEY_DATABASE_URL`), and each is judged by its own line."""

    def __init__(self, path: Path, database: str) -> None:
        self.path = path
        self.database = database

    @classmethod
    def beside(cls, path: Path, file: Path | None, where: str) -> AccountsMarker:
        """The marker at `path` for a database: a SQLite file in the marker's folder is named by its name alone,
        so the folder can move with both in it; any other database by `where`."""
        if file is not None and file.resolve().parent == path.resolve().parent:
            return cls(path, file.name)
        return cls(path, where)

    def _lines(self) -> list[str]:
        try:
            return self.path.read_text(encoding="utf-8").splitlines()
        except FileNotFoundError:
            return []
        except (OSError, UnicodeDecodeError):
            return [self.database]  # unreadable: fail closed, as if it named this database

    def present(self) -> bool:
        return self.database in self._lines()

    def write(self) -> None:
        """Idempotent; written whole (a temporary file renamed), so a crash leaves the old file or the new one."""
        lines = self._lines()
        if self.database in lines:
            return
        if not lines:
            lines = [
                "# Parley: these databases had accounts, so the app starts on them only with sign-in, and refuses",
                "# to start on one that has lost them. Remove a line only if every account was removed on purpose.",
            ]
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            temporary = self.path.with_name(self.path.name + ".tmp")
            temporary.write_text("\n".join([*lines, self.database]) + "\n", encoding="utf-8")
            os.replace(temporary, self.path)
        except OSError as exc:
            # Sign-in is still on while accounts are there; only the guard against losing them is missing.
            log.error("cannot write %s (%s): a database later lost would not be noticed at start", self.path, exc)

    def missing(self, what: str) -> str:
        """One line for the operator: what is gone, and the two ways on."""
        return (
            f"{what}, but it had accounts ({self.path} says so), so Parley will not start on it without them: "
            f"restore the database from a backup, or, if every account was removed on purpose, remove its line "
            f"from {self.path.name}"
        )


def watch_account_inserts(engine: Engine) -> None:
    """Mark each connection that inserted an account, so the store writes the marker once that commit is done."""

    @event.listens_for(engine, "after_execute")
    def _inserted(db: Any, statement: Any, *_: Any) -> None:
        if isinstance(statement, Insert) and statement.table is users:
            db.info[ACCOUNT_ADDED] = True
