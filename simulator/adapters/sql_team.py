"""Accounts, assignments and comments in the same database as the transcripts (SQLAlchemy Core)."""

from __future__ import annotations

import json
from collections.abc import Collection, Sequence
from dataclasses import asdict
from datetime import date
from typing import Any

from sqlalchemy import RowMapping, Select, false, func, literal, select

from simulator.adapters.sql_engine import _now
from simulator.adapters.sql_schema import assignments as assignments_table
from simulator.adapters.sql_schema import comments as comments_table
from simulator.adapters.sql_schema import external_identities, sessions, turns, users
from simulator.adapters.sql_schema import regrades as regrades_table
from simulator.adapters.sql_schema import reviews as reviews_table
from simulator.adapters.sql_store import SqlStore
from simulator.errors import StorageError, TeamInputError
from simulator.session.store import Regrade, SessionRecord
from simulator.team.model import Account, Assignment, Attempt, Comment, Role
from simulator.text import storable


def _assignment(row: RowMapping) -> Assignment:
    return Assignment(
        id=row["id"],
        trainer=row["trainer"],
        trainee=row["trainee"],
        persona_id=row["persona_id"],
        due=date.fromisoformat(row["due"]) if row["due"] else None,
        target=int(row["target"]),
        attempts=int(row["attempts"]) if row["attempts"] is not None else None,
        note=row["note"],
        created_at=row["created_at"],
        persona_version=int(row["persona_version"]) if row["persona_version"] is not None else None,
        assessment=bool(row["assessment"]),
    )


def _account(row: RowMapping) -> Account:
    return Account(row["name"], Role(row["role"]), row["trainer"] or None, row["created_at"], bool(row["disabled"]))


def _lower(column: Any, names: Collection[str]) -> Any:
    """Account names match without case, folded by the database itself on both sides, so a lookup agrees with
    the unique index on lower(name) (SQLite's lower() and NOCASE fold ASCII only; Python's lower() would not)."""
    return func.lower(column).in_([func.lower(literal(n)) for n in names]) if names else false()


def _named(name: str) -> Any:
    return _lower(users.c.name, [name])


class SqlTeamStore:
    """Shares the transcript store's engine, so a session and its assignment are in one database."""

    def __init__(self, store: SqlStore) -> None:
        self.store = store

    def _read(self, query: Select[Any], *params: str) -> list[RowMapping]:
        if any(p != storable(p) for p in params):
            return []  # nothing stored holds a character the database cannot take (an unpaired surrogate)
        with self.store._reading() as db:
            return list(db.execute(query).mappings())

    def count_accounts(self) -> int:
        with self.store._reading() as db:
            return int(db.execute(select(func.count()).select_from(users)).scalar() or 0)

    def add_account(self, name: str, role: Role, password_hash: str, trainer: str | None) -> Account:
        created = _now()
        try:
            with self.store._write() as db:
                db.execute(
                    users.insert().values(
                        name=name, role=role.value, password_hash=password_hash, trainer=trainer, created_at=created
                    )
                )
        except StorageError as exc:
            if "UNIQUE" in (exc.detail or ""):
                raise TeamInputError(f"there is already an account named '{name}': choose another name") from None
            raise
        return Account(name, role, trainer, created)

    def account(self, name: str) -> tuple[Account, str] | None:
        rows = self._read(select(users).where(_named(name)), name)
        if not rows:
            return None
        return _account(rows[0]), str(rows[0]["password_hash"])

    def external_account(self, issuer: str, subject: str) -> tuple[Account, str] | None:
        query = select(users).select_from(
            external_identities.join(users, func.lower(users.c.name) == func.lower(external_identities.c.name))
        )
        query = query.where(external_identities.c.issuer == issuer, external_identities.c.subject == subject)
        rows = self._read(query, issuer, subject)
        if not rows:
            return None
        return _account(rows[0]), str(rows[0]["password_hash"])

    def add_external_account(self, issuer: str, subject: str, name: str, role: Role, password_hash: str) -> Account:
        created = _now()
        try:
            with self.store._write() as db:
                db.execute(
                    users.insert().values(
                        name=name, role=role.value, password_hash=password_hash, trainer=None, created_at=created
                    )
                )
                db.execute(
                    external_identities.insert().values(
                        issuer=storable(issuer), subject=storable(subject), name=name, created_at=created
                    )
                )
        except StorageError as exc:
            if "UNIQUE" in (exc.detail or "").upper():
                raise TeamInputError(
                    f"there is already an account named '{name}', or one for this sign-in: choose another name"
                ) from None
            raise
        return Account(name, role, None, created)

    def newest_password_hash(self) -> str | None:
        with self.store._reading() as db:
            found = db.execute(
                select(users.c.password_hash)
                .where(users.c.password_hash.like("$2%"))
                .order_by(users.c.created_at.desc())
                .limit(1)
            ).first()
        return str(found[0]) if found else None

    def accounts(self) -> list[Account]:
        query = select(users).order_by(users.c.role, func.lower(users.c.name))
        return [_account(r) for r in self._read(query)]

    def set_password(self, name: str, password_hash: str) -> None:
        with self.store._write() as db:
            db.execute(users.update().where(_named(name)).values(password_hash=password_hash))

    def set_role(self, name: str, role: Role) -> None:
        with self.store._write() as db:
            db.execute(users.update().where(_named(name)).values(role=role.value))

    def set_disabled(self, name: str, disabled: bool) -> None:
        with self.store._write() as db:
            db.execute(users.update().where(_named(name)).values(disabled=int(disabled)))

    def remove_account(self, name: str) -> None:
        with self.store._write() as db:
            # Its single sign-on link goes with it: the same person signing in again gets a new account.
            db.execute(external_identities.delete().where(_lower(external_identities.c.name, [name])))
            db.execute(users.delete().where(_named(name)))

    def add_assignments(self, assignments: list[Assignment]) -> None:
        if not assignments:
            return
        with self.store._write() as db:
            db.execute(
                assignments_table.insert(),
                [
                    {
                        "id": a.id,
                        "trainer": a.trainer,
                        "trainee": a.trainee,
                        "persona_id": a.persona_id,
                        "due": a.due.isoformat() if a.due else None,
                        "target": a.target,
                        "attempts": a.attempts,
                        "note": a.note,
                        "created_at": a.created_at,
                        "persona_version": a.persona_version,
                        "assessment": int(a.assessment),
                    }
                    for a in assignments
                ],
            )

    def assignment(self, assignment_id: str) -> Assignment | None:
        rows = self._read(select(assignments_table).where(assignments_table.c.id == assignment_id), assignment_id)
        return _assignment(rows[0]) if rows else None

    def assignments(self, trainees: Collection[str] | None = None) -> list[Assignment]:
        table = assignments_table
        query = select(table).order_by(func.coalesce(table.c.due, "9999"), table.c.created_at, table.c.id)
        if trainees is not None:
            query = query.where(_lower(table.c.trainee, sorted({t for t in trainees if t == storable(t)})))
        return [_assignment(r) for r in self._read(query)]

    def attempts(self, assignment_ids: Collection[str]) -> dict[str, list[Attempt]]:
        ids = sorted({i for i in assignment_ids if i == storable(i)})
        found: dict[str, list[Attempt]] = {i: [] for i in ids}
        if not ids:
            return found
        query = (
            select(sessions.c.assignment_id, sessions.c.id, sessions.c.started_at, sessions.c.ended_at)
            .add_columns(sessions.c.debrief_json)
            .where(sessions.c.assignment_id.in_(ids))
            .order_by(sessions.c.started_at, sessions.c.id)
        )
        for r in self._read(query):
            debrief = json.loads(r["debrief_json"]) if r["debrief_json"] else None
            percent = int(debrief["overall_percent"]) if debrief else None
            found[r["assignment_id"]].append(Attempt(r["id"], r["started_at"], r["ended_at"] is not None, percent))
        return found

    def add_comment(self, session_id: str, turn: int, author: str, text: str) -> Comment:
        created = _now()
        with self.store._write() as db:
            result = db.execute(
                comments_table.insert().values(
                    session_id=session_id, turn=turn, author=author, text=text, created_at=created
                )
            )
            key = result.inserted_primary_key
            assert key is not None  # an insert of one row always has its key
            comment_id = int(key[0])
        return Comment(comment_id, session_id, turn, author, text, created)

    def comments(self, session_id: str) -> list[Comment]:
        table = comments_table
        query = select(table).where(table.c.session_id == session_id).order_by(table.c.turn, table.c.id)
        return [
            Comment(r["id"], r["session_id"], r["turn"], r["author"], r["text"], r["created_at"])
            for r in self._read(query, session_id)
        ]

    def mark_reviewed(self, session_id: str, reviewer: str, at: str) -> None:
        table = reviews_table
        mine = (table.c.session_id == session_id) & (table.c.reviewer == reviewer)
        try:
            with self.store._write() as db:
                db.execute(table.delete().where(mine))
                db.execute(table.insert().values(session_id=session_id, reviewer=reviewer, at=at))
        except StorageError as exc:
            if "UNIQUE" not in str(getattr(exc, "detail", "")):
                raise
            # Another instance wrote the same mark at the same moment: it is there either way.

    def reviewed(self, reviewer: str) -> dict[str, str]:
        table = reviews_table
        query = select(table.c.session_id, table.c.at).where(table.c.reviewer == reviewer)
        return {r["session_id"]: r["at"] for r in self._read(query, reviewer)}

    def import_session(self, record: SessionRecord, comments: list[Comment], regrades: Sequence[Regrade] = ()) -> None:
        """One transaction: the session, every turn, comment and re-grade, or nothing."""
        try:
            with self.store._write() as db:
                known = db.execute(
                    select(assignments_table.c.id).where(assignments_table.c.id == record.assignment_id)
                ).first()
                db.execute(
                    sessions.insert().values(
                        id=record.id,
                        persona_id=record.persona_id,
                        persona_name=record.persona_name,
                        user=record.user,
                        opening=record.opening,
                        started_at=record.started_at,
                        ended_at=record.ended_at,
                        outcome=record.outcome,
                        state_json=json.dumps(record.state.to_dict()),
                        debrief_json=record.debrief.model_dump_json() if record.debrief is not None else None,
                        voice=record.voice,
                        coach=record.coach,
                        assignment_id=record.assignment_id if known else None,
                        persona_version=record.persona_version,
                        parent_id=record.parent_id,
                        branch_turn=record.branch_turn,
                        root_id=record.root_id,
                    )
                )
                if record.turns:
                    db.execute(
                        turns.insert(),
                        [
                            {
                                "session_id": record.id,
                                "turn": t.turn,
                                "user_text": t.user_text,
                                "grade_json": t.grade.model_dump_json() if t.grade else None,
                                "reply": t.reply,
                                "moves_json": json.dumps(t.moves),
                                "state_json": json.dumps(t.state.to_dict()) if t.state is not None else None,
                                "created_at": t.created_at,
                                "replied_at": t.replied_at,
                                "tokens_json": json.dumps(t.tokens) if t.tokens else None,
                            }
                            for t in record.turns
                        ],
                    )
                if comments:
                    db.execute(
                        comments_table.insert(),
                        [
                            {
                                "session_id": record.id,
                                "turn": c.turn,
                                "author": c.author,
                                "text": c.text,
                                "created_at": c.created_at,
                            }
                            for c in comments
                        ],
                    )
                if regrades:
                    db.execute(regrades_table.insert(), [asdict(r) | {"session_id": record.id} for r in regrades])
        except StorageError as exc:
            if "UNIQUE" in (exc.detail or ""):
                raise TeamInputError(
                    f"session {record.id} is already in this database: nothing was imported for it"
                ) from None
            raise
