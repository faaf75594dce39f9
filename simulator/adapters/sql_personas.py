"""Team personas and their versions in the same database as the transcripts (SQLAlchemy Core)."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Connection, RowMapping, select
from sqlalchemy.dialects import postgresql, sqlite

from simulator.adapters.sql_engine import _now
from simulator.adapters.sql_schema import persona_events, persona_versions, team_personas
from simulator.adapters.sql_store import SqlStore
from simulator.errors import StudioInputError
from simulator.studio.model import Action, PersonaEvent, PersonaVersion, Status
from simulator.text import storable


def _version(row: RowMapping) -> PersonaVersion:
    return PersonaVersion(
        persona_id=row["persona_id"],
        version=int(row["version"]),
        status=Status(row["status"]),
        author=row["author"],
        data=json.loads(row["data_json"]),
        check=json.loads(row["check_json"]) if row["check_json"] else None,
        created_at=row["created_at"],
        updated_at=row["updated_at"],
    )


def _one(persona_id: str, version: int) -> Any:
    return (persona_versions.c.persona_id == persona_id) & (persona_versions.c.version == version)


def _record(db: Connection, persona_id: str, version: int | None, action: Action, by: str, at: str) -> None:
    db.execute(
        persona_events.insert().values(persona_id=persona_id, version=version, action=action.value, by=by, at=at)
    )


class SqlPersonaStore:
    """Shares the transcript store's engine (and its damaged-file checks)."""

    def __init__(self, store: SqlStore) -> None:
        self.store = store

    def team_persona_ids(self) -> list[str]:
        query = select(team_personas.c.id).order_by(team_personas.c.created_at, team_personas.c.id)
        with self.store._reading() as db:
            return [r[0] for r in db.execute(query)]

    def owner(self, persona_id: str) -> str | None:
        if persona_id != storable(persona_id):
            return None
        with self.store._reading() as db:
            row = db.execute(select(team_personas.c.author).where(team_personas.c.id == persona_id)).first()
        return str(row[0]) if row else None

    def history(self, persona_id: str) -> list[PersonaEvent]:
        if persona_id != storable(persona_id):
            return []
        query = select(persona_events).where(persona_events.c.persona_id == persona_id).order_by(persona_events.c.id)
        with self.store._reading() as db:
            return [
                PersonaEvent(r["persona_id"], r["version"], Action(r["action"]), r["by"], r["at"])
                for r in db.execute(query).mappings()
            ]

    def versions(self, persona_id: str) -> list[PersonaVersion]:
        if persona_id != storable(persona_id):
            return []
        query = (
            select(persona_versions)
            .where(persona_versions.c.persona_id == persona_id)
            .order_by(persona_versions.c.version)
        )
        with self.store._reading() as db:
            return [_version(r) for r in db.execute(query).mappings()]

    def _ensure_persona(self, db: Connection, persona_id: str, author: str, now: str) -> None:
        insert = (postgresql.insert if db.dialect.name == "postgresql" else sqlite.insert)(team_personas)
        db.execute(insert.values(id=persona_id, author=author, created_at=now).on_conflict_do_nothing())

    def save_draft(self, persona_id: str, data: dict[str, Any], author: str) -> PersonaVersion:
        payload = json.dumps(data, ensure_ascii=False)
        now = _now()
        with self.store._write() as db:
            self._ensure_persona(db, persona_id, author, now)
            # Lock the persona's row, so two trainers saving at once on PostgreSQL do not both add version n+1.
            db.execute(select(team_personas.c.id).where(team_personas.c.id == persona_id).with_for_update())
            newest = db.execute(
                select(persona_versions.c.version, persona_versions.c.status)
                .where(persona_versions.c.persona_id == persona_id)
                .order_by(persona_versions.c.version.desc())
                .limit(1)
            ).first()
            if newest is not None and newest[1] == Status.DRAFT.value:
                version = int(newest[0])
                # The draft's last check was for other data: it no longer holds.
                db.execute(
                    persona_versions.update()
                    .where(_one(persona_id, version))
                    .values(data_json=payload, check_json=None, author=author, updated_at=now)
                )
                _record(db, persona_id, version, Action.EDITED, author, now)
            else:
                version = int(newest[0]) + 1 if newest is not None else 1
                db.execute(
                    persona_versions.insert().values(
                        persona_id=persona_id,
                        version=version,
                        status=Status.DRAFT.value,
                        author=author,
                        data_json=payload,
                        check_json=None,
                        created_at=now,
                        updated_at=now,
                    )
                )
                _record(db, persona_id, version, Action.CREATED, author, now)
            row = db.execute(select(persona_versions).where(_one(persona_id, version))).mappings().one()
        return _version(row)

    def save_check(self, persona_id: str, version: int, check: dict[str, Any]) -> None:
        with self.store._write() as db:
            db.execute(persona_versions.update().where(_one(persona_id, version)).values(check_json=json.dumps(check)))

    def publish(self, persona_id: str, version: int, by: str) -> None:
        now = _now()
        with self.store._write() as db:
            changed = db.execute(
                persona_versions.update()
                .where(_one(persona_id, version), persona_versions.c.status == Status.DRAFT.value)
                .values(status=Status.PUBLISHED.value, updated_at=now)
            ).rowcount
            if changed != 1:
                raise StudioInputError(f"'{persona_id}' has no draft version {version} to publish")
            _record(db, persona_id, version, Action.PUBLISHED, by, now)

    def set_archived(self, persona_id: str, archived: bool, by: str) -> None:
        now = _now()
        with self.store._write() as db:
            changed = db.execute(
                team_personas.update().where(team_personas.c.id == persona_id).values(archived=int(archived))
            ).rowcount
            if changed == 1:
                _record(db, persona_id, None, Action.ARCHIVED if archived else Action.RESTORED, by, now)

    def is_archived(self, persona_id: str) -> bool:
        if persona_id != storable(persona_id):
            return False
        with self.store._reading() as db:
            row = db.execute(select(team_personas.c.archived).where(team_personas.c.id == persona_id)).first()
        return bool(row and row[0])

    def published(self) -> list[PersonaVersion]:
        query = (
            select(persona_versions)
            .where(persona_versions.c.status == Status.PUBLISHED.value)
            .order_by(persona_versions.c.persona_id, persona_versions.c.version)
        )
        with self.store._reading() as db:
            return [_version(r) for r in db.execute(query).mappings()]
