"""Accounts, assignments and comments in the same SQLite file as the transcripts."""

from __future__ import annotations

import json
from collections.abc import Collection
from datetime import date

from simulator.adapters.sqlite_store import SqliteStore, _now
from simulator.errors import StorageError, TeamInputError
from simulator.session.store import SessionRecord
from simulator.team.model import Account, Assignment, Attempt, Comment, Role
from simulator.text import storable

_ASSIGNMENT_COLUMNS = "id, trainer, trainee, persona_id, due, target, attempts, note, created_at, persona_version"


def _assignment(row: tuple[object, ...]) -> Assignment:
    due = row[4]
    return Assignment(
        id=str(row[0]),
        trainer=str(row[1]),
        trainee=str(row[2]),
        persona_id=str(row[3]),
        due=date.fromisoformat(str(due)) if due else None,
        target=int(str(row[5])),
        attempts=int(str(row[6])) if row[6] is not None else None,
        note=str(row[7]),
        created_at=str(row[8]),
        persona_version=int(str(row[9])) if row[9] is not None else None,
    )


def _account(row: tuple[object, ...]) -> Account:
    """From (name, role, trainer, created_at, …)."""
    return Account(str(row[0]), Role(str(row[1])), str(row[2]) if row[2] else None, str(row[3]))


class SqliteTeamStore:
    """Shares the transcript store's connection and lock, so a session and its assignment agree."""

    def __init__(self, store: SqliteStore) -> None:
        self.store = store

    def _read(self, sql: str, params: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
        if any(isinstance(p, str) and p != storable(p) for p in params):
            return []  # nothing stored holds a character SQLite cannot take (an unpaired surrogate)
        with self.store._reading() as db:
            return list(db.execute(sql, params).fetchall())

    def count_accounts(self) -> int:
        return int(str(self._read("SELECT count(*) FROM users")[0][0]))

    def add_account(self, name: str, role: Role, password_hash: str, trainer: str | None) -> Account:
        created = _now()
        try:
            with self.store._write() as db:
                db.execute(
                    "INSERT INTO users (name, role, password_hash, trainer, created_at) VALUES (?,?,?,?,?)",
                    (name, role.value, password_hash, trainer, created),
                )
        except StorageError as exc:
            if "UNIQUE" in (exc.detail or ""):
                raise TeamInputError(f"there is already an account named '{name}': choose another name") from None
            raise
        return Account(name, role, trainer, created)

    def account(self, name: str) -> tuple[Account, str] | None:
        rows = self._read("SELECT name, role, trainer, created_at, password_hash FROM users WHERE name=?", (name,))
        if not rows:
            return None
        return _account(rows[0]), str(rows[0][4])

    def newest_password_hash(self) -> str | None:
        rows = self._read("SELECT password_hash FROM users ORDER BY created_at DESC LIMIT 1")
        return str(rows[0][0]) if rows else None

    def accounts(self) -> list[Account]:
        rows = self._read("SELECT name, role, trainer, created_at FROM users ORDER BY role, name COLLATE NOCASE")
        return [_account(r) for r in rows]

    def set_password(self, name: str, password_hash: str) -> None:
        with self.store._write() as db:
            db.execute("UPDATE users SET password_hash=? WHERE name=?", (password_hash, name))

    def remove_account(self, name: str) -> None:
        with self.store._write() as db:
            db.execute("DELETE FROM users WHERE name=?", (name,))

    def add_assignments(self, assignments: list[Assignment]) -> None:
        with self.store._write() as db:
            db.executemany(
                f"INSERT INTO assignments ({_ASSIGNMENT_COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?,?)",
                [
                    (
                        a.id,
                        a.trainer,
                        a.trainee,
                        a.persona_id,
                        a.due.isoformat() if a.due else None,
                        a.target,
                        a.attempts,
                        a.note,
                        a.created_at,
                        a.persona_version,
                    )
                    for a in assignments
                ],
            )

    def assignment(self, assignment_id: str) -> Assignment | None:
        rows = self._read(f"SELECT {_ASSIGNMENT_COLUMNS} FROM assignments WHERE id=?", (assignment_id,))
        return _assignment(rows[0]) if rows else None

    def assignments(self, trainees: Collection[str] | None = None) -> list[Assignment]:
        sql = f"SELECT {_ASSIGNMENT_COLUMNS} FROM assignments"
        params: tuple[object, ...] = ()
        if trainees is not None:
            names = sorted(set(trainees))
            sql += f" WHERE trainee IN ({','.join('?' * len(names))})" if names else " WHERE 0"
            params = tuple(names)
        rows = self._read(sql + " ORDER BY coalesce(due, '9999'), created_at", params)
        return [_assignment(r) for r in rows]

    def attempts(self, assignment_ids: Collection[str]) -> dict[str, list[Attempt]]:
        ids = sorted(set(assignment_ids))
        found: dict[str, list[Attempt]] = {i: [] for i in ids}
        if not ids:
            return found
        rows = self._read(
            "SELECT assignment_id, id, started_at, ended_at, debrief_json FROM sessions "
            f"WHERE assignment_id IN ({','.join('?' * len(ids))}) ORDER BY started_at",
            tuple(ids),
        )
        for r in rows:
            debrief = json.loads(str(r[4])) if r[4] else None
            percent = int(debrief["overall_percent"]) if debrief else None
            found[str(r[0])].append(Attempt(str(r[1]), str(r[2]), r[3] is not None, percent))
        return found

    def add_comment(self, session_id: str, turn: int, author: str, text: str) -> Comment:
        created = _now()
        with self.store._write() as db:
            cursor = db.execute(
                "INSERT INTO comments (session_id, turn, author, text, created_at) VALUES (?,?,?,?,?)",
                (session_id, turn, author, text, created),
            )
            comment_id = int(cursor.lastrowid or 0)
        return Comment(comment_id, session_id, turn, author, text, created)

    def comments(self, session_id: str) -> list[Comment]:
        rows = self._read(
            "SELECT id, session_id, turn, author, text, created_at FROM comments WHERE session_id=? ORDER BY turn, id",
            (session_id,),
        )
        return [Comment(int(str(r[0])), str(r[1]), int(str(r[2])), str(r[3]), str(r[4]), str(r[5])) for r in rows]

    def import_session(self, record: SessionRecord, comments: list[Comment]) -> None:
        """One transaction: the session, every turn and every comment, or nothing."""
        try:
            with self.store._write() as db:
                known = db.execute("SELECT 1 FROM assignments WHERE id=?", (record.assignment_id,)).fetchone()
                db.execute(
                    "INSERT INTO sessions (id, persona_id, persona_name, user, opening, started_at, ended_at, outcome, "
                    "state_json, debrief_json, voice, coach, assignment_id, persona_version) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                    (
                        record.id,
                        record.persona_id,
                        record.persona_name,
                        record.user,
                        record.opening,
                        record.started_at,
                        record.ended_at,
                        record.outcome,
                        json.dumps(record.state.to_dict()),
                        record.debrief.model_dump_json() if record.debrief is not None else None,
                        record.voice,
                        record.coach,
                        record.assignment_id if known else None,
                        record.persona_version,
                    ),
                )
                db.executemany(
                    "INSERT INTO turns (session_id, turn, user_text, grade_json, reply, moves_json, state_json, "
                    "created_at, replied_at, tokens_json) VALUES (?,?,?,?,?,?,?,?,?,?)",
                    [
                        (
                            record.id,
                            t.turn,
                            t.user_text,
                            t.grade.model_dump_json() if t.grade else None,
                            t.reply,
                            json.dumps(t.moves),
                            json.dumps(t.state.to_dict()) if t.state is not None else None,
                            t.created_at,
                            t.replied_at,
                            json.dumps(t.tokens) if t.tokens else None,
                        )
                        for t in record.turns
                    ],
                )
                db.executemany(
                    "INSERT INTO comments (session_id, turn, author, text, created_at) VALUES (?,?,?,?,?)",
                    [(record.id, c.turn, c.author, c.text, c.created_at) for c in comments],
                )
        except StorageError as exc:
            if "UNIQUE" in (exc.detail or ""):
                raise TeamInputError(
                    f"session {record.id} is already in this database: nothing was imported for it"
                ) from None
            raise
