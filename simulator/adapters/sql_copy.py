"""Move a whole team's database to another one (SQLite to PostgreSQL, usually), verified before it commits."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Table, func, select

from simulator.adapters.sql_schema import TABLES, sessions, turns, users
from simulator.adapters.sql_store import SqlStore
from simulator.errors import StorageError

BATCH = 1000


@dataclass(frozen=True)
class CopyReport:
    counts: dict[str, int]  # rows per table, the same in both databases
    transcripts: int  # sessions whose transcript digest matched
    digest: str  # sha256 over every transcript's digest, in session order: compare it across machines


def _rows(db: Connection, table: Table) -> Iterator[list[dict[str, Any]]]:
    order = list(table.primary_key.columns)
    result = db.execution_options(yield_per=BATCH).execute(select(table).order_by(*order)).mappings()
    for part in result.partitions():
        yield [dict(r) for r in part]


def counts(db: Connection) -> dict[str, int]:
    return {t.name: int(db.execute(select(func.count()).select_from(t)).scalar() or 0) for t in TABLES}


def transcript_digests(db: Connection) -> dict[str, str]:
    """sha256 of each session's row and all its turns, column by column: equal digests, equal transcripts."""
    digests: dict[str, Any] = {}
    for row in db.execute(select(sessions).order_by(sessions.c.id)).mappings():
        digests[row["id"]] = hashlib.sha256(json.dumps(dict(row), sort_keys=True).encode())
    for row in db.execute(select(turns).order_by(turns.c.session_id, turns.c.turn)).mappings():
        digests[row["session_id"]].update(json.dumps(dict(row), sort_keys=True).encode())
    return {k: v.hexdigest() for k, v in digests.items()}


def copy_database(source: SqlStore, target: SqlStore) -> CopyReport:
    """Copy every row of `source` into `target`, which must be empty (and is already upgraded, as any store is).

    One transaction on the target: counts and every transcript's digest are compared before it commits, so a
    copy that does not match leaves the target as empty as it was."""
    if source.url == target.url:
        raise StorageError(f"the copy's source and target are the same database ({target.where})")
    with source._reading() as db:
        held = counts(db)
        expected = transcript_digests(db)
    with target._write() as out:
        found = {name: n for name, n in counts(out).items() if n}
        if found:
            listed = ", ".join(f"{n} in {name}" for name, n in found.items())
            raise StorageError(
                f"the target database {target.where} is not empty ({listed}): copy into a new, empty database"
            )
        with source._reading() as db:
            for table in TABLES:
                for batch in _rows(db, table):
                    if table is users:
                        # A trainee names their trainer: every account first, then who trains whom.
                        out.execute(table.insert(), [{**r, "trainer": None} for r in batch])
                        for r in batch:
                            if r["trainer"] is not None:
                                out.execute(
                                    users.update().where(users.c.name == r["name"]).values(trainer=r["trainer"])
                                )
                    else:
                        out.execute(table.insert(), batch)
        if out.dialect.name == "postgresql":
            # Comment, re-grade and history ids were copied as they were: each sequence must continue after the highest.
            for name in ("comments", "regrades", "persona_events"):
                out.exec_driver_sql(
                    f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), coalesce(max(id), 0) + 1, false) FROM {name}"
                )
        copied, digests = counts(out), transcript_digests(out)
        if copied != held or digests != expected:
            wrong = sorted(k for k in expected if digests.get(k) != expected[k])
            raise StorageError(
                f"the copy into {target.where} did not match its source (rows {copied} against {held}; "
                f"{len(wrong)} transcripts differ, e.g. {wrong[:3]}): nothing was kept in the target"
            )
    total = hashlib.sha256("".join(expected[k] for k in sorted(expected)).encode()).hexdigest()
    return CopyReport(held, len(expected), total)
