"""Transcripts in SQLite (a file in the data directory, the default) or PostgreSQL, through SQLAlchemy Core.
Every write is committed before it returns."""

from __future__ import annotations

import json
import logging
import sqlite3
import threading
from collections.abc import Collection, Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path

from sqlalchemy import Connection, false, func, literal_column, select
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, IntegrityError

from simulator.adapters import sql_migrate
from simulator.adapters.sign_in_marker import ACCOUNT_ADDED, AccountsMarker, watch_account_inserts
from simulator.adapters.sql_attempts import SqlAttempts, summaries_select
from simulator.adapters.sql_engine import _now, check_file, database_url, make_engine, shown
from simulator.adapters.sql_schema import sessions, turns
from simulator.adapters.sqlite_health import (
    NOT_READ,
    NOT_SAVED,
    STALE,
    UNAVAILABLE,
    UNENCODABLE,
    Damaged,
    FileWatch,
    damaged_at_start,
    first_line,
    is_damage,
    torn_wal,
    wal_tail_problem,
)
from simulator.coach.grade import Grade
from simulator.errors import SessionConflictError, SessionEndedError, StorageError, UnknownSessionError
from simulator.game.state import GameState
from simulator.session.debrief import Debrief
from simulator.session.store import GradedMessage, SessionRecord, SessionSummary, TurnRecord
from simulator.text import storable

log = logging.getLogger(__name__)


class SqlStore(SqlAttempts):
    """Thread-safe: Gradio calls handlers from a pool, and each call takes its own pooled connection."""

    def __init__(self, target: Path | str, *, marker: Path | None = None) -> None:
        self.url = database_url(target)
        self.where = shown(self.url)
        self._failure: str | None = None  # set once the file is found damaged while running: no more writes
        self._watch: FileWatch | None = None  # the SQLite files, once opened
        self._trouble: str | None = None  # why the last write failed (a full disk…), until one succeeds again
        self.marker: AccountsMarker | None = None  # the record, beside the database, that it had accounts
        self.upgraded_from: str | None = None  # the schema revision found on opening (None: a new database)
        try:
            url = make_url(self.url)
        except ArgumentError:
            raise StorageError(
                f"PARLEY_DATABASE_URL is not a database URL ({self.where}): use postgresql+psycopg://user:pass@host/db "
                "or sqlite:///path/to/parley.sqlite3"
            ) from None
        self.sqlite = url.get_backend_name() == "sqlite"
        self.path: Path | None = Path(url.database) if self.sqlite and url.database else None
        if self.sqlite:
            if self.path is None:
                raise StorageError("a SQLite database URL needs a file: sqlite:///path/to/parley.sqlite3")
            check_file(self.path)
            self.where = str(self.path)
        if marker is not None:
            self.marker = AccountsMarker.beside(marker, self.path, self.where)
            if self.path is not None and not self.path.exists() and self.marker.present():
                raise StorageError(self.marker.missing(f"the database {self.path} is missing"))
        if self.path is not None and self.path.exists():
            torn = wal_tail_problem(self.path)  # before SQLite's recovery forgets what it cannot read
            if torn is not None:
                raise torn_wal(self.path, torn)
        # SQLite has one writer at a time: writers in this process queue on a lock instead of SQLite's busy wait.
        self._lock = threading.Lock() if self.sqlite else None
        self.engine = make_engine(self.url, self.where, self.sqlite)
        if self.marker is not None:
            watch_account_inserts(self.engine)
        try:
            if self.sqlite:
                with self.engine.connect() as db:
                    # Read before anything writes: a damaged file must be reported, never "repaired" over.
                    db.exec_driver_sql("SELECT count(*) FROM sqlite_master").fetchone()
                    check = db.exec_driver_sql("PRAGMA quick_check").scalar()
                    if check != "ok":
                        raise sqlite3.DatabaseError(check)
                assert self.path is not None
                self._watch = FileWatch(self.path)  # the file exists now: the first connection made it
            with self._writing() as db:
                self.upgraded_from = sql_migrate.upgrade(db, self.where)
        except DBAPIError as exc:
            self.engine.dispose()
            if self.sqlite:
                raise damaged_at_start(self.where, first_line(exc.orig)) from None
            raise StorageError(
                f"cannot open the database {self.where} ({first_line(exc.orig)}): check PARLEY_DATABASE_URL and "
                "that the server is running and reachable"
            ) from None
        except (sqlite3.DatabaseError, StorageError) as exc:
            self.engine.dispose()
            if isinstance(exc, StorageError):
                raise
            raise damaged_at_start(self.where, first_line(exc)) from None

    def _raise_if_damaged(self, exc: BaseException | None) -> None:
        """An error that comes from a damaged SQLite file switches writing off (the file is checked once)."""
        if not self.sqlite:
            return
        problem = self._watch.problem() if self._watch is not None else None
        if problem is not None or (isinstance(exc, sqlite3.DatabaseError) and is_damage(exc)):
            raise self._fail(problem or first_line(exc)) from None

    def _fail(self, problem: str) -> StorageError:
        """Stop writing for good, and keep the WAL's acknowledged turns aside before anything checkpoints them."""
        if self._failure is None:
            self._failure = problem
            kept = self._watch.save_wal() if self._watch is not None else ""
            log.error("database %s failed while running: %s%s. No more writes are accepted.", self.where, problem, kept)
        return StorageError(UNAVAILABLE, detail=f"{self.where}: {self._failure}")

    @contextmanager
    def _writing(self) -> Iterator[Connection]:
        """One transaction, committed when the block ends, on a connection that writes."""
        with self._lock or nullcontext(), self.engine.connect().execution_options(parley_write=True) as db:
            db.info.pop(ACCOUNT_ADDED, None)  # left by a transaction that rolled back
            try:
                with db.begin():
                    yield db
                    damaged = self._watch.before_commit() if self._watch is not None else None
                    if damaged is not None:
                        raise damaged
            except Damaged as exc:
                raw = db.connection.dbapi_connection
                if exc.wal and self._watch is not None and isinstance(raw, sqlite3.Connection):
                    self._watch.rescue(raw, self.where)
                raise
            self._trouble = None
            if self._watch is not None:
                self._watch.committed()
            if self.marker is not None and db.info.pop(ACCOUNT_ADDED, False):
                self.marker.write()

    @contextmanager
    def _write(self) -> Iterator[Connection]:
        if self._failure is not None:
            raise self._fail(self._failure)
        try:
            with self._writing() as db:
                yield db
        except Damaged as exc:
            raise self._fail(str(exc)) from None
        except IntegrityError as exc:
            detail = first_line(exc.orig)
            if getattr(exc.orig, "sqlstate", None) == "23505":  # PostgreSQL's unique violation
                detail = f"UNIQUE: {detail}"
            log.warning("write to %s failed: %s", self.where, detail)
            raise StorageError(NOT_SAVED, detail=detail) from None
        except DBAPIError as exc:
            self._raise_if_damaged(exc.orig)
            self._trouble = first_line(exc.orig)
            log.warning("write to %s failed: %s", self.where, self._trouble)
            raise StorageError(NOT_SAVED, detail=self._trouble) from None
        except UnicodeEncodeError as exc:
            raise StorageError(UNENCODABLE, detail=first_line(exc)) from None

    @contextmanager
    def _reading(self) -> Iterator[Connection]:
        """A read; one that finds the file damaged switches writing off, as a write would."""
        try:
            with self.engine.connect() as db:
                yield db
        except DBAPIError as exc:
            self._raise_if_damaged(exc.orig)
            log.warning("read from %s failed: %s", self.where, first_line(exc.orig))
            raise StorageError(NOT_READ, detail=first_line(exc.orig)) from None

    def reachable(self) -> str | None:
        """None when the database answers now; else what is wrong, fit for the public `/healthz` (details: the log)."""
        if self._failure is not None:
            return "saving is switched off (the database was damaged while running)"
        try:
            with self.engine.connect() as db:
                db.exec_driver_sql("SELECT 1").scalar()
        except DBAPIError as exc:
            log.warning("database %s does not answer: %s", self.where, first_line(exc.orig))
            return "database unreachable"
        problem = self._watch.problem() if self._watch is not None else None
        if problem is not None:
            self._fail(problem)  # found between commits: no later commit is acknowledged either
            return "saving is switched off (the database was damaged while running)"
        if self._trouble is not None:  # a full disk answers reads and refuses every write
            return "saving is failing (the last write was refused; the server log says why)"
        return None

    def close(self) -> None:
        self.engine.dispose()

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
                sessions.insert().values(
                    id=session_id,
                    persona_id=persona_id,
                    persona_name=persona_name,
                    user=user,
                    opening=opening,
                    started_at=_now(),
                    state_json=json.dumps(state.to_dict()),
                    voice=voice,
                    coach=coach,
                    assignment_id=assignment_id,
                    persona_version=persona_version,
                )
            )

    def _expect(self, db: Connection, session_id: str, last_turn: int) -> None:
        """Refuse a write from a stale copy of the session: it must be open and its last stored turn `last_turn`.

        The session's row is locked first (PostgreSQL; SQLite's writer lock does the same), so two tabs or two
        app instances sending to one session take turns: neither sees the other's half-written turn."""
        last = (
            select(func.coalesce(func.max(turns.c.turn), 0))
            .where(turns.c.session_id == sessions.c.id)
            .scalar_subquery()
        )
        # One round trip: the lock, whether it ended, and its last stored turn.
        found = db.execute(
            select(sessions.c.ended_at, last).where(sessions.c.id == session_id).with_for_update(of=sessions)
        ).first()
        if found is None:
            raise UnknownSessionError(session_id)
        if found[0] is not None:
            raise SessionEndedError("this conversation has ended: start a new one to keep practising")
        if found[1] != last_turn:
            raise SessionConflictError(STALE)

    def add_user_message(self, session_id: str, turn: int, text: str) -> None:
        with self._write() as db:
            self._expect(db, session_id, turn - 1)
            db.execute(turns.insert().values(session_id=session_id, turn=turn, user_text=text, created_at=_now()))

    def add_grade(self, session_id: str, turn: int, grade: Grade) -> None:
        with self._write() as db:
            db.execute(
                turns.update()
                .where(turns.c.session_id == session_id, turns.c.turn == turn)
                .values(grade_json=grade.model_dump_json())
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
            written = db.execute(
                turns.update()
                .where(turns.c.session_id == session_id, turns.c.turn == turn, turns.c.reply.is_(None))
                .values(
                    reply=reply,
                    moves_json=json.dumps(moves),
                    state_json=payload,
                    replied_at=_now(),
                    tokens_json=json.dumps(tokens) if tokens else None,
                )
            )
            if written.rowcount != 1:
                # Another instance finished this turn first (a retry after a cut-off): one reply is kept.
                raise SessionConflictError(STALE)
            db.execute(sessions.update().where(sessions.c.id == session_id).values(state_json=payload))

    def finish(self, session_id: str, outcome: str, state: GameState, debrief: Debrief, *, turn: int) -> None:
        """End the session as of its turn `turn`; a copy that has not seen every stored turn is refused."""
        with self._write() as db:
            self._expect(db, session_id, turn)
            db.execute(
                sessions.update()
                .where(sessions.c.id == session_id)
                .values(
                    ended_at=_now(),
                    outcome=outcome,
                    state_json=json.dumps(state.to_dict()),
                    debrief_json=debrief.model_dump_json(),
                )
            )

    def get_session(self, session_id: str) -> SessionRecord:
        if session_id != storable(session_id):
            raise UnknownSessionError(storable(session_id))  # no stored id holds a character a database cannot take
        with self._reading() as db:
            row = db.execute(select(sessions).where(sessions.c.id == session_id)).mappings().first()
            if row is None:
                raise UnknownSessionError(session_id)
            found = db.execute(select(turns).where(turns.c.session_id == session_id).order_by(turns.c.turn))
            rows = list(found.mappings())
        return SessionRecord(
            id=row["id"],
            persona_id=row["persona_id"],
            persona_name=row["persona_name"],
            user=row["user"],
            started_at=row["started_at"],
            opening=row["opening"],
            state=_state(row["id"], row["state_json"]),
            ended_at=row["ended_at"],
            outcome=row["outcome"],
            debrief=_debrief(row["id"], row["debrief_json"]) if row["debrief_json"] else None,
            voice=row["voice"],
            coach=row["coach"],
            assignment_id=row["assignment_id"],
            persona_version=row["persona_version"],
            parent_id=row["parent_id"],
            branch_turn=row["branch_turn"],
            root_id=row["root_id"],
            turns=[
                TurnRecord(
                    turn=t["turn"],
                    user_text=t["user_text"],
                    grade=Grade.model_validate_json(t["grade_json"]) if t["grade_json"] else None,
                    reply=t["reply"],
                    moves=json.loads(t["moves_json"]),
                    state=_state(row["id"], t["state_json"], t["turn"]) if t["state_json"] else None,
                    created_at=t["created_at"],
                    replied_at=t["replied_at"],
                    tokens=json.loads(t["tokens_json"]) if t["tokens_json"] else None,
                )
                for t in rows
            ],
        )

    def graded_messages(self) -> list[GradedMessage]:
        """Every graded user message, oldest session first: what transcript search should hold."""
        query = (
            select(turns.c.session_id, sessions.c.persona_id, turns.c.turn, turns.c.user_text, turns.c.grade_json)
            .join(sessions, sessions.c.id == turns.c.session_id)
            .where(turns.c.grade_json.is_not(None))
            .order_by(sessions.c.started_at, turns.c.session_id, turns.c.turn)
        )
        with self._reading() as db:
            rows = db.execute(query).all()
        return [GradedMessage(r[0], r[1], r[2], r[3], Grade.model_validate_json(r[4])) for r in rows]

    def list_sessions(self, limit: int = 50, users: Collection[str] | None = None) -> list[SessionSummary]:
        """The newest sessions first; only those of `users` when given."""
        # Sessions started in the same millisecond: SQLite's rowid keeps them in the order they were made.
        tie = literal_column("sessions.rowid").desc() if self.sqlite else sessions.c.id.desc()
        query = summaries_select().order_by(sessions.c.started_at.desc(), tie).limit(limit)
        if users is not None:
            names = sorted({u for u in users if u == storable(u)})
            query = query.where(sessions.c.user.in_(names) if names else false())
        with self._reading() as db:
            rows = db.execute(query).all()
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
