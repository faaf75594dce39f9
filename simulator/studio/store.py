"""The storage port for team personas and their versions; `adapters/sql_personas.py` implements it."""

from __future__ import annotations

from typing import Any, Protocol

from simulator.studio.model import PersonaEvent, PersonaVersion


class PersonaStore(Protocol):
    """Each call is committed before it returns; a published version is never changed. Every change is recorded
    in the persona's history (who, when) in the same transaction."""

    def team_persona_ids(self) -> list[str]: ...

    def owner(self, persona_id: str) -> str | None:
        """Who created the persona (its first draft); None for an id the team never made."""
        ...

    def versions(self, persona_id: str) -> list[PersonaVersion]:
        """Oldest first; empty for an id the team never made."""
        ...

    def save_draft(self, persona_id: str, data: dict[str, Any], author: str) -> PersonaVersion:
        """Replace the persona's draft, or start one (the next version) when its newest version is published.
        Recorded as `author` creating or editing that version."""
        ...

    def save_check(self, persona_id: str, version: int, check: dict[str, Any]) -> None: ...

    def publish(self, persona_id: str, version: int, by: str) -> None: ...

    def set_archived(self, persona_id: str, archived: bool, by: str) -> None: ...

    def history(self, persona_id: str) -> list[PersonaEvent]:
        """Everything done to the persona, oldest first."""
        ...

    def is_archived(self, persona_id: str) -> bool: ...

    def published(self) -> list[PersonaVersion]:
        """Every published version of every team persona, oldest first."""
        ...
