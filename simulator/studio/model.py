"""A team persona's versions: drafts the trainer edits, published versions nobody edits again."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class Status(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    ARCHIVED = "archived"  # a whole persona: hidden from new practice and assignments, old transcripts keep it


@dataclass(frozen=True)
class PersonaVersion:
    """One version of a team persona. A draft's data may not be valid yet; a published one always is."""

    persona_id: str
    version: int
    status: Status  # DRAFT or PUBLISHED
    author: str
    data: dict[str, Any]
    check: dict[str, Any] | None  # the last check report (CheckReport.to_dict), for the data as it is now
    created_at: str
    updated_at: str


@dataclass(frozen=True)
class LibraryEntry:
    """One row of the Studio's persona library."""

    persona_id: str
    name: str
    source: str  # "built-in" or "team"
    status: Status
    version: int | None  # the newest version (None for built-ins)
    published_version: int | None
    author: str
    check: str  # the last check's one-line summary, or "not checked"
    updated_at: str


class Action(StrEnum):
    """What a trainer (or the operator) did to a team persona, as its history records it."""

    CREATED = "created"
    EDITED = "edited"
    PUBLISHED = "published"
    ARCHIVED = "archived"
    RESTORED = "restored"


@dataclass(frozen=True)
class PersonaEvent:
    """One line of a team persona's history: who did what to which version, and when."""

    persona_id: str
    version: int | None  # None for archiving and restoring, which apply to the whole persona
    action: Action
    by: str
    at: str
