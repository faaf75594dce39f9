"""SQLite transcripts: one file in the data directory, every write committed before it returns."""

from __future__ import annotations

import json
import logging
import os
import shutil
import sqlite3
import threading
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from simulator.adapters.sqlite_health import (
    NOT_READ,
    NOT_SAVED,
    STALE,
    UNAVAILABLE,
    UNENCODABLE,
    Damaged,
    file_problem,
    first_line,
    is_damage,
)
from simulator.adapters.sqlite_schema import migrate
from simulator.coach.grade import Grade
from simulator.errors import SessionConflictError, SessionEndedError, StorageError, UnknownSessionError
from simulator.game.state import GameState
from simulator.session.debrief import Debrief
from simulator.session.store import GradedMessage, SessionRecord, SessionSummary, TurnRecord
from simulator.text import storable

log = logging.getLogger(__name__)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


class SqliteStore:
    """Thread-safe: Gradio calls handlers from a pool, so one connection is shared behind a lock."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._failure: str | None = None  # set once the file is found damaged while running: no more writes
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
        self._lock = threading.Lock()
        try:
            self._db = sqlite3.connect(path, check_same_thread=False, timeout=10, isolation_level=None)
            # Read before anything writes: a damaged file must be reported, never "repaired" over.
            self._db.execute("SELECT count(*) FROM sqlite_master").fetchone()
            check = self._db.execute("PRAGMA quick_check").fetchone()[0]
            if check != "ok":
                raise sqlite3.DatabaseError(check)
        except sqlite3.DatabaseError as exc:
            raise StorageError(
                f"the database {path} is damaged or is not a Parley database ({first_line(exc)}). "
                "It was left untouched: move it aside (or restore a backup) and start again, "
                "or set PARLEY_DATA_DIR to another folder"
            ) from None
        # WAL with synchronous=NORMAL: a commit survives a crash of this process,
        # which is the failure we guard against, at a fraction of FULL's cost.
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute("PRAGMA foreign_keys=ON")
        migrate(self._db, path)
        self._identity = self._file_identity()

    def _file_identity(self) -> tuple[int, int]:
        found = os.stat(self.path)
        return found.st_dev, found.st_ino

    def _file_problem(self) -> str | None:
        return file_problem(self.path, self._identity)

    def _raise_if_damaged(self, exc: sqlite3.DatabaseError) -> None:
        """A SQLite error that comes from a damaged file switches writing off (the file is checked once)."""
        problem = self._file_problem()
        if problem is not None or is_damage(exc):
            raise self._fail(problem or first_line(exc)) from None

    def _fail(self, problem: str) -> StorageError:
        """Stop writing for good, and keep the WAL's acknowledged turns aside before anything checkpoints them."""
        if self._failure is None:
            self._failure = problem
            wal = self.path.with_name(self.path.name + "-wal")
            kept = ""
            if wal.exists():
                saved = wal.with_name(f"{wal.name}.saved-{datetime.now(UTC):%Y%m%dT%H%M%S}")
                try:
                    shutil.copy2(wal, saved)
                    kept = f"; the recent writes were copied to {saved}"
                except OSError:
                    pass
            log.error("database %s failed while running: %s%s. No more writes are accepted.", self.path, problem, kept)
        return StorageError(UNAVAILABLE, detail=f"{self.path}: {self._failure}")

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            if self._failure is not None:
                raise self._fail(self._failure)
            try:
                self._db.execute("BEGIN IMMEDIATE")
                yield self._db
                problem = self._file_problem()
                if problem is not None:
                    raise Damaged(problem)
                self._db.execute("COMMIT")
            except BaseException as exc:
                # Any exception, not only SQLite's: a transaction left open blocks every other writer.
                if self._db.in_transaction:
                    self._db.execute("ROLLBACK")
                if isinstance(exc, Damaged):
                    raise self._fail(str(exc)) from None
                if isinstance(exc, sqlite3.DatabaseError) and not isinstance(exc, sqlite3.IntegrityError):
                    self._raise_if_damaged(exc)
                if isinstance(exc, UnicodeEncodeError):
                    raise StorageError(UNENCODABLE, detail=first_line(exc)) from None
                if isinstance(exc, sqlite3.Error):
                    log.warning("write to %s failed: %s", self.path, first_line(exc))
                    raise StorageError(NOT_SAVED, detail=first_line(exc)) from None
                raise

    @contextmanager
    def _reading(self) -> Iterator[sqlite3.Connection]:
        """Reads under the lock; a read that finds the file damaged switches writing off, as a write would."""
        with self._lock:
            try:
                yield self._db
            except sqlite3.DatabaseError as exc:
                self._raise_if_damaged(exc)
                log.warning("read from %s failed: %s", self.path, first_line(exc))
                raise StorageError(NOT_READ, detail=first_line(exc)) from None

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def create_session(
        self,
        *,
        session_id: str,
        persona_id: str,
        persona_name: str,
        user: str,
        opening: str,
        state: GameState,
        voice: str = "scripted",
        coach: str = "rules",
        assignment_id: str | None = None,
        persona_version: int | None = None,
    ) -> None:
        with self._write() as db:
            db.execute(
                "INSERT INTO sessions (id, persona_id, persona_name, user, opening, started_at, state_json, voice, coach, "
                "assignment_id, persona_version) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                (
                    session_id,
                    persona_id,
                    persona_name,
                    user,
                    opening,
                    _now(),
                    json.dumps(state.to_dict()),
                    voice,
                    coach,
                    assignment_id,
                    persona_version,
                ),
            )

    def _expect(self, db: sqlite3.Connection, session_id: str, last_turn: int) -> None:
        """Refuse a write from a stale copy of the session: it must be open and its last stored turn `last_turn`."""
        row = db.execute(
            "SELECT s.ended_at, (SELECT coalesce(max(turn), 0) FROM turns WHERE session_id = s.id) "
            "FROM sessions s WHERE s.id=?",
            (session_id,),
        ).fetchone()
        if row is None:
            raise UnknownSessionError(session_id)
        if row[0] is not None:
            raise SessionEndedError("this conversation has ended: start a new one to keep practising")
        if row[1] != last_turn:
            raise SessionConflictError(STALE)

    def add_user_message(self, session_id: str, turn: int, text: str) -> None:
        with self._write() as db:
            self._expect(db, session_id, turn - 1)
            db.execute(
                "INSERT INTO turns (session_id, turn, user_text, created_at) VALUES (?,?,?,?)",
                (session_id, turn, text, _now()),
            )

    def add_grade(self, session_id: str, turn: int, grade: Grade) -> None:
        with self._write() as db:
            db.execute(
                "UPDATE turns SET grade_json=? WHERE session_id=? AND turn=?",
                (grade.model_dump_json(), session_id, turn),
            )

    def add_reply(
        self,
        session_id: str,
        turn: int,
        reply: str,
        moves: list[str],
        state: GameState,
        tokens: dict[str, int] | None = None,
    ) -> None:
        payload = json.dumps(state.to_dict())
        with self._write() as db:
            self._expect(db, session_id, turn)
            db.execute(
                "UPDATE turns SET reply=?, moves_json=?, state_json=?, replied_at=?, tokens_json=? "
                "WHERE session_id=? AND turn=?",
                (reply, json.dumps(moves), payload, _now(), json.dumps(tokens) if tokens else None, session_id, turn),
            )
            db.execute("UPDATE sessions SET state_json=? WHERE id=?", (payload, session_id))

    def finish(self, session_id: str, outcome: str, state: GameState, debrief: Debrief, *, turn: int) -> None:
        """End the session as of its turn `turn`; a copy that has not seen every stored turn is refused."""
        with self._write() as db:
            self._expect(db, session_id, turn)
            db.execute(
                "UPDATE sessions SET ended_at=?, outcome=?, state_json=?, debrief_json=? WHERE id=?",
                (_now(), outcome, json.dumps(state.to_dict()), debrief.model_dump_json(), session_id),
            )

    def get_session(self, session_id: str) -> SessionRecord:
        if session_id != storable(session_id):
            raise UnknownSessionError(storable(session_id))  # no stored id holds a character SQLite cannot take
        with self._reading() as db:
            row = db.execute(
                "SELECT id, persona_id, persona_name, user, started_at, opening, state_json, ended_at, outcome, debrief_json, "
                "voice, coach, assignment_id, persona_version "
                "FROM sessions WHERE id=?",
                (session_id,),
            ).fetchone()
            if row is None:
                raise UnknownSessionError(session_id)
            turns = db.execute(
                "SELECT turn, user_text, grade_json, reply, moves_json, state_json, created_at, replied_at, tokens_json "
                "FROM turns WHERE session_id=? ORDER BY turn",
                (session_id,),
            ).fetchall()
        return SessionRecord(
            id=row[0],
            persona_id=row[1],
            persona_name=row[2],
            user=row[3],
            started_at=row[4],
            opening=row[5],
            state=_state(row[0], row[6]),
            ended_at=row[7],
            outcome=row[8],
            debrief=_debrief(row[0], row[9]) if row[9] else None,
            voice=row[10],
            coach=row[11],
            assignment_id=row[12],
            persona_version=row[13],
            turns=[
                TurnRecord(
                    turn=t[0],
                    user_text=t[1],
                    grade=Grade.model_validate_json(t[2]) if t[2] else None,
                    reply=t[3],
                    moves=json.loads(t[4]),
                    state=_state(row[0], t[5], t[0]) if t[5] else None,
                    created_at=t[6],
                    replied_at=t[7],
                    tokens=json.loads(t[8]) if t[8] else None,
                )
                for t in turns
            ],
        )

    def graded_messages(self) -> list[GradedMessage]:
        """Every graded user message, oldest session first: what transcript search should hold."""
        with self._reading() as db:
            rows = db.execute(
                "SELECT t.session_id, s.persona_id, t.turn, t.user_text, t.grade_json FROM turns t "
                "JOIN sessions s ON s.id = t.session_id WHERE t.grade_json IS NOT NULL ORDER BY s.started_at, t.turn"
            ).fetchall()
        return [GradedMessage(r[0], r[1], r[2], r[3], Grade.model_validate_json(r[4])) for r in rows]

    def list_sessions(self, limit: int = 50, users: Collection[str] | None = None) -> list[SessionSummary]:
        """The newest sessions first; only those of `users` when given."""
        where, params = "", []
        if users is not None:
            names = sorted(set(users))
            where = f"WHERE s.user IN ({','.join('?' * len(names))}) " if names else "WHERE 0 "
            params = names
        with self._reading() as db:
            rows = db.execute(
                "SELECT s.id, s.persona_id, s.persona_name, s.user, s.started_at, count(t.turn), s.outcome, "
                "s.assignment_id FROM sessions s LEFT JOIN turns t ON t.session_id = s.id "
                f"{where}GROUP BY s.id ORDER BY s.started_at DESC, s.rowid DESC LIMIT ?",
                (*params, limit),
            ).fetchall()
        return [SessionSummary(*row) for row in rows]


def _state(session_id: str, payload: str, turn: int | None = None) -> GameState:
    """A stored game state, typed; a damaged one names its session instead of failing somewhere later."""
    try:
        return GameState.from_dict(json.loads(payload))
    except (ValueError, TypeError, KeyError) as exc:
        where = f"session {session_id}" + (f", turn {turn}" if turn is not None else "")
        raise StorageError(
            f"the stored game state of {where} is damaged: restore the database from a backup", detail=repr(exc)
        ) from None


def _debrief(session_id: str, payload: str) -> Debrief:
    try:
        return Debrief.model_validate_json(payload)
    except ValueError as exc:  # pydantic's ValidationError is a ValueError
        raise StorageError(
            f"the stored debrief of session {session_id} is damaged: restore the database from a backup",
            detail=str(exc)[:500],
        ) from None
