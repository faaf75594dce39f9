"""Trainers and trainees: who someone is, what they were assigned, and how an assignment stands.

Pure domain: no storage, no UI, no crypto. `simulator/team/service.py` applies these rules to stored data.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from simulator.errors import TeamInputError

NAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$")
MIN_PASSWORD = 8
MAX_PASSWORD_BYTES = 72  # bcrypt reads no further; longer ones are refused rather than silently cut


class Role(StrEnum):
    TRAINER = "trainer"
    TRAINEE = "trainee"
    LOCAL = "local"  # the single user of an app with no accounts: sees and does everything


@dataclass(frozen=True)
class Caller:
    """Whoever is asking: every service call takes one, and every read and write is checked against it."""

    name: str
    role: Role

    @property
    def is_trainer(self) -> bool:
        return self.role in (Role.TRAINER, Role.LOCAL)


LOCAL = Caller("local", Role.LOCAL)


@dataclass(frozen=True)
class Account:
    name: str
    role: Role
    trainer: str | None  # a trainee's own trainer; None puts them in the pool every trainer sees
    created_at: str
    disabled: bool = False  # may not sign in (by password or single sign-on); their work is kept


@dataclass(frozen=True)
class Assignment:
    id: str
    trainer: str
    trainee: str
    persona_id: str
    due: date | None
    target: int  # overall score in percent a finished session must reach
    attempts: int | None  # the most sessions that count; None for no limit
    note: str
    created_at: str
    persona_version: int | None = None  # a pinned team persona version; None follows the latest published
    assessment: bool = False  # no rewind, no coach panel and no tips until the end; a fixed attempt limit


@dataclass(frozen=True)
class Attempt:
    """One session started from an assignment."""

    session_id: str
    started_at: str
    ended: bool
    percent: int | None  # the debrief's overall score once ended


class Status(StrEnum):
    NOT_STARTED = "not started"
    IN_PROGRESS = "in progress"
    PASSED = "passed"
    MISSED = "missed"


def check_name(name: str) -> str:
    name = name.strip()
    if not NAME_PATTERN.fullmatch(name):
        raise TeamInputError(
            f"'{name}' is not a usable name: use 1-40 letters, digits, dots, dashes or underscores, starting with a "
            "letter or digit"
        )
    return name


def check_password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise TeamInputError(f"the password is too short: use at least {MIN_PASSWORD} characters")
    if len(password.encode()) > MAX_PASSWORD_BYTES:
        raise TeamInputError(f"the password is too long: use at most {MAX_PASSWORD_BYTES} bytes")
    return password


def check_assignment(target: int, attempts: int | None, due: date | None, today: date, note: str) -> None:
    """Everything about an assignment that does not need the database."""
    if not 0 <= target <= 100:
        raise TeamInputError(f"the target score must be a percentage from 0 to 100, not {target}")
    if attempts is not None and not 1 <= attempts <= 100:
        raise TeamInputError(f"the attempt limit must be from 1 to 100 (or empty for no limit), not {attempts}")
    if due is not None and due < today:
        raise TeamInputError(f"the due date {due.isoformat()} is in the past: choose today or a later day")
    if len(note) > 1000:
        raise TeamInputError("the note is too long: keep it under 1,000 characters")


def passed(assignment: Assignment, attempt: Attempt) -> bool:
    return attempt.ended and attempt.percent is not None and attempt.percent >= assignment.target


def status(assignment: Assignment, attempts: list[Attempt], today: date) -> Status:
    """Passed once any counted session reaches the target; missed when time or attempts ran out first."""
    if any(passed(assignment, a) for a in attempts):
        return Status.PASSED
    if assignment.due is not None and today > assignment.due:
        return Status.MISSED
    used = assignment.attempts is not None and len(attempts) >= assignment.attempts
    if used and all(a.ended for a in attempts):
        return Status.MISSED
    return Status.IN_PROGRESS if attempts else Status.NOT_STARTED


def why_not_startable(assignment: Assignment, attempts: list[Attempt], today: date) -> str | None:
    """Why another session cannot count toward this assignment, or None when it can."""
    if assignment.due is not None and today > assignment.due:
        return f"this assignment was due on {assignment.due.isoformat()}: practise from the counterpart picker instead"
    if assignment.attempts is not None and len(attempts) >= assignment.attempts:
        return f"all {assignment.attempts} attempts of this assignment are used: reopen one from your past sessions"
    return None


@dataclass(frozen=True)
class Comment:
    id: int
    session_id: str
    turn: int
    author: str
    text: str
    created_at: str
