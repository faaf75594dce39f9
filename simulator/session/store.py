"""The storage interface the engine needs; adapters in `simulator/adapters/` implement it.

Records travel typed: the game state as `GameState`, the debrief as `Debrief`. Only an adapter turns them into
its own format, so no caller re-reads a stored dict by key."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Protocol

from simulator.coach.grade import Grade
from simulator.game.state import GameState
from simulator.session.debrief import Debrief


@dataclass
class TurnRecord:
    turn: int
    user_text: str
    grade: Grade | None
    reply: str | None
    moves: list[str]
    state: GameState | None  # the state after this turn's reply (None until it is stored)
    created_at: str
    replied_at: str | None = None
    tokens: dict[str, int] | None = None


@dataclass
class SessionRecord:
    id: str
    persona_id: str
    persona_name: str
    user: str
    started_at: str
    opening: str
    state: GameState
    ended_at: str | None = None
    outcome: str | None = None
    debrief: Debrief | None = None
    turns: list[TurnRecord] = field(default_factory=list)
    voice: str = "scripted"
    coach: str = "rules"
    assignment_id: str | None = None
    persona_version: int | None = None  # the team persona version played; None for a persona from a file
    parent_id: str | None = None  # the session this attempt branched from
    branch_turn: int | None = None  # the parent's turn this attempt replays; its earlier turns are copied
    root_id: str | None = None  # the first session of this family of attempts (None: this one)

    @property
    def family(self) -> str:
        return self.root_id or self.id


@dataclass(frozen=True)
class Regrade:
    """A trainer's change to one criterion of one turn's grade; every change is kept."""

    session_id: str
    turn: int
    criterion: str
    before: int
    after: int
    reason: str
    by: str
    at: str


@dataclass(frozen=True)
class GradedMessage:
    """One graded user message, as transcript search indexes it."""

    session_id: str
    persona_id: str
    turn: int
    text: str
    grade: Grade


@dataclass(frozen=True)
class SessionSummary:
    id: str
    persona_id: str
    persona_name: str
    user: str
    started_at: str
    turns: int
    outcome: str | None
    assignment_id: str | None = None
    parent_id: str | None = None
    branch_turn: int | None = None


class Store(Protocol):
    """Durable transcripts: each call is committed before it returns."""

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
    ) -> None: ...

    def add_user_message(self, session_id: str, turn: int, text: str) -> None: ...

    def add_grade(self, session_id: str, turn: int, grade: Grade) -> None: ...

    def add_reply(
        self,
        session_id: str,
        turn: int,
        reply: str,
        moves: list[str],
        state: GameState,
        tokens: dict[str, int] | None = None,
    ) -> None: ...

    def finish(self, session_id: str, outcome: str, state: GameState, debrief: Debrief, *, turn: int) -> None: ...

    def get_session(self, session_id: str) -> SessionRecord: ...

    def create_branch(
        self,
        *,
        session_id: str,
        parent: SessionRecord,
        branch_turn: int,
        user: str,
        state: GameState,
        assignment_id: str | None,
    ) -> None:
        """A new session that replays `parent` from its turn `branch_turn`: the turns before it are copied as
        they were stored, and `state` (the parent's state before that turn) is its state. One transaction."""
        ...

    def family(self, root_id: str) -> list[SessionSummary]:
        """Every session of one family of attempts (the root and all branches), oldest first."""
        ...

    def add_regrade(self, regrade: Regrade) -> None: ...

    def regrades(self, session_id: str) -> list[Regrade]:
        """Every re-grade of the session, oldest first."""
        ...

    def list_sessions(self, limit: int = 50, users: Collection[str] | None = None) -> list[SessionSummary]: ...

    def graded_messages(self) -> list[GradedMessage]: ...


class TranscriptSink(Protocol):
    """Somewhere graded user messages are indexed for search (best effort: SQLite stays the record)."""

    def add(self, session_id: str, turn: int, persona_id: str, text: str, grade: Grade) -> None: ...

    def flush(self) -> None:
        """Wait until everything added is searchable."""
