"""Team personas and their versions in the same SQLite file as the transcripts."""

from __future__ import annotations

import json
from typing import Any

from simulator.adapters.sqlite_store import SqliteStore, _now
from simulator.errors import StudioInputError
from simulator.studio.model import PersonaVersion, Status
from simulator.text import storable

_COLUMNS = "persona_id, version, status, author, data_json, check_json, created_at, updated_at"


def _version(row: tuple[Any, ...]) -> PersonaVersion:
    return PersonaVersion(
        persona_id=row[0],
        version=int(row[1]),
        status=Status(row[2]),
        author=row[3],
        data=json.loads(row[4]),
        check=json.loads(row[5]) if row[5] else None,
        created_at=row[6],
        updated_at=row[7],
    )


class SqlitePersonaStore:
    """Shares the transcript store's connection and lock (and its damaged-file checks)."""

    def __init__(self, store: SqliteStore) -> None:
        self.store = store

    def team_persona_ids(self) -> list[str]:
        with self.store._reading() as db:
            return [r[0] for r in db.execute("SELECT id FROM team_personas ORDER BY created_at, id")]

    def versions(self, persona_id: str) -> list[PersonaVersion]:
        if persona_id != storable(persona_id):
            return []
        with self.store._reading() as db:
            rows = db.execute(
                f"SELECT {_COLUMNS} FROM persona_versions WHERE persona_id=? ORDER BY version", (persona_id,)
            ).fetchall()
        return [_version(r) for r in rows]

    def save_draft(self, persona_id: str, data: dict[str, Any], author: str) -> PersonaVersion:
        payload = json.dumps(data, ensure_ascii=False)
        now = _now()
        with self.store._write() as db:
            db.execute(
                "INSERT OR IGNORE INTO team_personas (id, author, created_at) VALUES (?,?,?)", (persona_id, author, now)
            )
            newest = db.execute(
                "SELECT version, status FROM persona_versions WHERE persona_id=? ORDER BY version DESC LIMIT 1",
                (persona_id,),
            ).fetchone()
            if newest is not None and newest[1] == Status.DRAFT.value:
                version = int(newest[0])
                # The draft's last check was for other data: it no longer holds.
                db.execute(
                    "UPDATE persona_versions SET data_json=?, check_json=NULL, author=?, updated_at=? "
                    "WHERE persona_id=? AND version=?",
                    (payload, author, now, persona_id, version),
                )
            else:
                version = int(newest[0]) + 1 if newest is not None else 1
                db.execute(
                    f"INSERT INTO persona_versions ({_COLUMNS}) VALUES (?,?,?,?,?,?,?,?)",
                    (persona_id, version, Status.DRAFT.value, author, payload, None, now, now),
                )
            row = db.execute(
                f"SELECT {_COLUMNS} FROM persona_versions WHERE persona_id=? AND version=?", (persona_id, version)
            ).fetchone()
        return _version(row)

    def save_check(self, persona_id: str, version: int, check: dict[str, Any]) -> None:
        with self.store._write() as db:
            db.execute(
                "UPDATE persona_versions SET check_json=? WHERE persona_id=? AND version=?",
                (json.dumps(check), persona_id, version),
            )

    def publish(self, persona_id: str, version: int) -> None:
        with self.store._write() as db:
            changed = db.execute(
                "UPDATE persona_versions SET status=?, updated_at=? WHERE persona_id=? AND version=? AND status=?",
                (Status.PUBLISHED.value, _now(), persona_id, version, Status.DRAFT.value),
            ).rowcount
            if changed != 1:
                raise StudioInputError(f"'{persona_id}' has no draft version {version} to publish")

    def set_archived(self, persona_id: str, archived: bool) -> None:
        with self.store._write() as db:
            db.execute("UPDATE team_personas SET archived=? WHERE id=?", (int(archived), persona_id))

    def is_archived(self, persona_id: str) -> bool:
        with self.store._reading() as db:
            row = db.execute("SELECT archived FROM team_personas WHERE id=?", (persona_id,)).fetchone()
        return bool(row and row[0])

    def published(self) -> list[PersonaVersion]:
        with self.store._reading() as db:
            rows = db.execute(
                f"SELECT {_COLUMNS} FROM persona_versions WHERE status=? ORDER BY persona_id, version",
                (Status.PUBLISHED.value,),
            ).fetchall()
        return [_version(r) for r in rows]
