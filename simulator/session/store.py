"""The storage interface the engine needs; adapters in `simulator/storage/` implement it."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any, Protocol

from simulator.coach.grade import Grade


@dataclass
class TurnRecord:
    turn: int
    user_text: str
    grade: Grade | None
    reply: str | None
    moves: list[str]
    state: dict[str, Any] | None
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
    state: dict[str, Any]
    ended_at: str | None = None
    outcome: str | None = None
    debrief: dict[str, Any] | None = None
    turns: list[TurnRecord] = field(default_factory=list)
    voice: str = "scripted"
    coach: str = "rules"
    assignment_id: str | None = None


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
        state: dict[str, Any],
        voice: str = "scripted",
        coach: str = "rules",
        assignment_id: str | None = None,
    ) -> None: ...

    def add_user_message(self, session_id: str, turn: int, text: str) -> None: ...

    def add_grade(self, session_id: str, turn: int, grade: Grade) -> None: ...

    def add_reply(
        self,
        session_id: str,
        turn: int,
        reply: str,
        moves: list[str],
        state: dict[str, Any],
        tokens: dict[str, int] | None = None,
    ) -> None: ...

    def finish(
        self, session_id: str, outcome: str, state: dict[str, Any], debrief: dict[str, Any], *, turn: int
    ) -> None: ...

    def get_session(self, session_id: str) -> SessionRecord: ...

    def list_sessions(self, limit: int = 50, users: Collection[str] | None = None) -> list[SessionSummary]: ...

    def graded_messages(self) -> list[GradedMessage]: ...


class TranscriptSink(Protocol):
    """Somewhere graded user messages are indexed for search (best effort: SQLite stays the record)."""

    def add(self, session_id: str, turn: int, persona_id: str, text: str, grade: Grade) -> None: ...

    def flush(self) -> None:
        """Wait until everything added is searchable."""
