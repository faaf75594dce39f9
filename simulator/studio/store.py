"""The storage port for team personas and their versions; `adapters/sql_personas.py` implements it."""

from __future__ import annotations

from typing import Any, Protocol

from simulator.studio.model import PersonaVersion


class PersonaStore(Protocol):
    """Each call is committed before it returns; a published version is never changed."""

    def team_persona_ids(self) -> list[str]: ...

    def versions(self, persona_id: str) -> list[PersonaVersion]:
        """Oldest first; empty for an id the team never made."""
        ...

    def save_draft(self, persona_id: str, data: dict[str, Any], author: str) -> PersonaVersion:
        """Replace the persona's draft, or start one (the next version) when its newest version is published."""
        ...

    def save_check(self, persona_id: str, version: int, check: dict[str, Any]) -> None: ...

    def publish(self, persona_id: str, version: int) -> None: ...

    def set_archived(self, persona_id: str, archived: bool) -> None: ...

    def is_archived(self, persona_id: str) -> bool: ...

    def published(self) -> list[PersonaVersion]:
        """Every published version of every team persona, oldest first."""
        ...
