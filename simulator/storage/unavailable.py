"""A store that refuses every write with the reason the real one could not open."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from simulator.errors import StorageError
from simulator.grade import Grade
from simulator.store import SessionRecord, SessionSummary


class UnavailableStore:
    """Lets the app start and explain the problem instead of crashing; practice stays off, so nothing goes unsaved."""

    def __init__(self, problem: str) -> None:
        self.problem = problem

    def _refuse(self) -> StorageError:
        return StorageError(self.problem)

    def create_session(self, **_: Any) -> None:
        raise self._refuse()

    def add_user_message(self, session_id: str, turn: int, text: str) -> None:
        raise self._refuse()

    def add_grade(self, session_id: str, turn: int, grade: Grade) -> None:
        raise self._refuse()

    def add_reply(
        self,
        session_id: str,
        turn: int,
        reply: str,
        moves: list[str],
        state: dict[str, Any],
        tokens: dict[str, int] | None = None,
    ) -> None:
        raise self._refuse()

    def finish(self, session_id: str, outcome: str, state: dict[str, Any], debrief: dict[str, Any]) -> None:
        raise self._refuse()

    def get_session(self, session_id: str) -> SessionRecord:
        raise self._refuse()

    def list_sessions(self, limit: int = 50, users: Collection[str] | None = None) -> list[SessionSummary]:
        return []
