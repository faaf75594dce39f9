"""The team service: accounts, assignments, review and comments, with every call checked against its caller.

Authorization lives here, not in the UI: the Gradio handlers, the HTTP API and the CLI all come through these
methods, and a trainee's request for someone else's session gets the same answer as one for a session that
does not exist.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from statistics import mean
from typing import Any

from simulator.errors import SimulatorError, UnknownPersonaError, UnknownSessionError
from simulator.grade import CRITERIA
from simulator.passwords import Throttle, hash_password, verify
from simulator.practice import Handle, Practice
from simulator.state import GameState
from simulator.store import SessionRecord
from simulator.team import (
    LOCAL,
    Account,
    Assignment,
    Attempt,
    Caller,
    Comment,
    NotAllowedError,
    Role,
    SignInError,
    Status,
    TeamInputError,
    check_assignment,
    check_name,
    passed,
    status,
    why_not_startable,
)
from simulator.team_store import TeamStore
from simulator.visibility import trainee_grade

WRONG_SIGN_IN = "Sign-in failed: the name or the password is wrong."
MAX_COMMENT = 2000


@dataclass(frozen=True)
class AssignmentView:
    assignment: Assignment
    persona_name: str
    status: Status
    attempts: list[Attempt]

    @property
    def best(self) -> int | None:
        scores = [a.percent for a in self.attempts if a.percent is not None]
        return max(scores) if scores else None


@dataclass(frozen=True)
class ReviewRow:
    """One line of the trainer's sessions table."""

    session_id: str
    trainee: str
    persona_id: str
    persona_name: str
    started_at: str
    turns: int
    averages: dict[str, float | None]  # per criterion, 0-2
    uncovered: int
    interests: int
    outcome: str | None
    percent: int | None
    passed: bool | None  # None when the session is not part of an assignment or is still open
    assignment_id: str | None


@dataclass
class TranscriptView:
    """A session as the caller may see it: a trainee gets their own, with hidden interests still hidden."""

    session_id: str
    trainee: str
    persona_id: str
    persona_name: str
    started_at: str
    ended_at: str | None
    outcome: str | None
    opening: str
    turns: list[dict[str, Any]]
    debrief: dict[str, Any] | None
    interests: list[dict[str, Any]]  # trainer: every interest, uncovered or not; trainee: uncovered ones only
    full: bool  # True for a trainer's view
    assignment: dict[str, Any] | None = None
    comments: list[Comment] = field(default_factory=list)

    @property
    def percent(self) -> int | None:
        return int(self.debrief["overall_percent"]) if self.debrief else None


def _averages(record: SessionRecord) -> dict[str, float | None]:
    grades = [t.grade for t in record.turns if t.grade is not None]
    return {c: round(mean(getattr(g, c).score for g in grades), 2) if grades else None for c in CRITERIA}


def _mean(values: list[float | None]) -> float | None:
    known = [v for v in values if v is not None]
    return round(mean(known), 2) if known else None


class Team:
    def __init__(
        self,
        practice: Practice,
        store: TeamStore,
        *,
        throttle: Throttle | None = None,
        today: Callable[[], date] = lambda: datetime.now(UTC).date(),
        rounds: int = 12,
    ) -> None:
        self.practice = practice
        self.store = store
        self.throttle = throttle or Throttle()
        self.today = today
        self.rounds = rounds

    # --- accounts -------------------------------------------------------------------------------------------

    def accounts_exist(self) -> bool:
        return self.store.count_accounts() > 0

    def add_user(self, name: str, role: Role | str, password: str, trainer: str | None = None) -> Account:
        """For the operator (the CLI): no caller, since whoever holds the database file holds everything."""
        name = check_name(name)
        try:
            role = Role(role)
        except ValueError:
            raise TeamInputError(f"unknown role '{role}': use trainer or trainee") from None
        if role is Role.LOCAL:
            raise TeamInputError("unknown role 'local': use trainer or trainee")
        if trainer is not None:
            if role is not Role.TRAINEE:
                raise TeamInputError("only a trainee has a trainer: drop --trainer for a trainer account")
            found = self.store.account(trainer)
            if found is None or found[0].role is not Role.TRAINER:
                raise TeamInputError(f"no trainer account named '{trainer}': add it first, or leave --trainer out")
            trainer = found[0].name
        if self.store.account(name) is not None:
            raise TeamInputError(f"there is already an account named '{name}': choose another name")
        return self.store.add_account(name, role, hash_password(password, self.rounds), trainer)

    def set_password(self, name: str, password: str) -> None:
        found = self.store.account(name)
        if found is None:
            raise TeamInputError(f"no account named '{name}' (`python -m simulator users list` shows them)")
        self.store.set_password(found[0].name, hash_password(password, self.rounds))

    def remove_user(self, name: str) -> None:
        found = self.store.account(name)
        if found is None:
            raise TeamInputError(f"no account named '{name}' (`python -m simulator users list` shows them)")
        account = found[0]
        if self.practice.store.list_sessions(1, users=[account.name]) or self.store.assignments([account.name]):
            raise TeamInputError(
                f"'{account.name}' has sessions or assignments; they are kept, so the account stays. "
                "Change its password to lock it instead"
            )
        if any(a.trainer == account.name for a in self.store.accounts()):
            raise TeamInputError(f"'{account.name}' is the trainer of other accounts: move those trainees first")
        self.store.remove_account(account.name)

    def users(self) -> list[Account]:
        return self.store.accounts()

    def sign_in(self, name: str, password: str) -> Caller:
        """Raises `SignInError` with the same words whatever was wrong; a name is paused after repeated failures."""
        name = name.strip()
        wait = self.throttle.wait_left(name)
        if wait > 0:
            raise SignInError(f"Too many failed sign-ins for this name: wait {int(wait) + 1} seconds and try again.")
        found = self.store.account(name) if name else None
        if not verify(password, found[1] if found else None) or found is None:
            self.throttle.failed(name)
            raise SignInError(WRONG_SIGN_IN)
        self.throttle.succeeded(name)
        return Caller(found[0].name, found[0].role)

    def check_credentials(self, name: str, password: str) -> bool:
        """Gradio's login hook: True or False, with throttling applied."""
        try:
            self.sign_in(name, password)
        except SignInError:
            return False
        return True

    def caller(self, username: str | None) -> Caller:
        """Who a request comes from: a signed-in account, or the local user when the app has no accounts."""
        if not username:
            if self.accounts_exist():
                raise NotAllowedError(
                    "sign in first: this app has accounts (if they were added after it started, restart it)"
                )
            return LOCAL
        found = self.store.account(username)
        if found is None:
            raise NotAllowedError("your account no longer exists: ask a trainer")
        return Caller(found[0].name, found[0].role)

    def trainees_of(self, caller: Caller) -> list[Account]:
        """The trainees a trainer looks after: their own, plus those with no trainer yet."""
        if not caller.is_trainer:
            return []
        return [
            a
            for a in self.store.accounts()
            if a.role is Role.TRAINEE and (caller.role is Role.LOCAL or a.trainer in (None, caller.name))
        ]

    def _visible_users(self, caller: Caller) -> set[str] | None:
        """Whose sessions the caller may read; None means everyone's (the local single user)."""
        if caller.role is Role.LOCAL:
            return None
        if caller.role is Role.TRAINEE:
            return {caller.name}
        return {a.name for a in self.trainees_of(caller)} | {caller.name}

    # --- sessions -------------------------------------------------------------------------------------------

    def _readable(self, caller: Caller, session_id: str) -> SessionRecord:
        try:
            record = self.practice.store.get_session(session_id)
        except UnknownSessionError:
            record = None
        visible = self._visible_users(caller)
        if record is None or (visible is not None and record.user not in visible):
            raise NotAllowedError(f"you have no session '{session_id}'")
        return record

    def _own(self, caller: Caller, session_id: str) -> None:
        record = self._readable(caller, session_id)
        if caller.role is not Role.LOCAL and record.user != caller.name:
            raise NotAllowedError("only the person who negotiated this session can continue it")

    def start(self, caller: Caller, persona_id: str, voice: str | None = None, coach: str | None = None) -> Handle:
        return self.practice.start(persona_id, user=caller.name, voice=voice, coach=coach)

    def resume(self, caller: Caller, session_id: str) -> tuple[Handle, SessionRecord]:
        self._own(caller, session_id)
        return self.practice.resume(session_id)

    def check_handle(self, caller: Caller, handle: Handle) -> None:
        """A live conversation may be played only by whoever started it."""
        self._own(caller, handle.session_id)

    def session_list(self, caller: Caller, limit: int = 100) -> list[SessionRecord]:
        visible = self._visible_users(caller)
        return [self.practice.store.get_session(s.id) for s in self.practice.store.list_sessions(limit, visible)]

    def own_sessions(self, caller: Caller, limit: int = 100) -> list[tuple[str, str, str, int, str | None]]:
        """(id, started, persona, turns, outcome) of the caller's own sessions, for reopening."""
        users = None if caller.role is Role.LOCAL else [caller.name]
        return [
            (s.id, s.started_at, s.persona_name, s.turns, s.outcome)
            for s in self.practice.store.list_sessions(limit, users)
        ]

    # --- assignments ----------------------------------------------------------------------------------------

    def assign(
        self,
        caller: Caller,
        trainees: Collection[str],
        persona_ids: Collection[str],
        *,
        due: date | str | None = None,
        target: int = 70,
        attempts: int | None = None,
        note: str = "",
    ) -> list[Assignment]:
        """One assignment per trainee and persona, all written together or none."""
        if not caller.is_trainer:
            raise NotAllowedError("only a trainer can assign counterparts")
        if isinstance(due, str):
            try:
                due = date.fromisoformat(due.strip()) if due.strip() else None
            except ValueError:
                raise TeamInputError(f"'{due}' is not a date: write it as YYYY-MM-DD, e.g. 2026-12-31") from None
        names = [t.strip() for t in trainees if t.strip()]
        personas = [p.strip() for p in persona_ids if p.strip()]
        if not names:
            raise TeamInputError("choose at least one trainee")
        if not personas:
            raise TeamInputError("choose at least one counterpart")
        check_assignment(target, attempts, due, self.today(), note.strip())
        mine = {a.name.lower(): a.name for a in self.trainees_of(caller)}
        unknown = [n for n in names if n.lower() not in mine]
        if unknown:
            raise TeamInputError(
                f"no trainee of yours named {', '.join(repr(n) for n in unknown)}: "
                "add them with `python -m simulator users add NAME --role trainee`"
            )
        for persona_id in personas:
            if persona_id not in self.practice.catalog.personas:
                raise UnknownPersonaError(persona_id, sorted(self.practice.catalog.personas))
        created = datetime.now(UTC).isoformat(timespec="milliseconds")
        made = [
            Assignment(
                id=uuid.uuid4().hex[:10],
                trainer=caller.name,
                trainee=mine[n.lower()],
                persona_id=p,
                due=due,
                target=target,
                attempts=attempts,
                note=note.strip(),
                created_at=created,
            )
            for n in dict.fromkeys(names)
            for p in dict.fromkeys(personas)
        ]
        self.store.add_assignments(made)
        return made

    def _views(self, assignments: list[Assignment]) -> list[AssignmentView]:
        attempts = self.store.attempts([a.id for a in assignments])
        today = self.today()
        views = []
        for a in assignments:
            persona = self.practice.catalog.personas.get(a.persona_id)
            name = persona.name if persona else f"{a.persona_id} (persona file missing)"
            views.append(AssignmentView(a, name, status(a, attempts[a.id], today), attempts[a.id]))
        return views

    def assignments(self, caller: Caller) -> list[AssignmentView]:
        """A trainee's own assignments; a trainer's view of their trainees' ones."""
        visible = self._visible_users(caller)
        return self._views(self.store.assignments(visible))

    def start_assignment(
        self, caller: Caller, assignment_id: str, voice: str | None = None, coach: str | None = None
    ) -> Handle:
        assignment = self.store.assignment(assignment_id)
        if assignment is None or assignment.trainee != caller.name:
            raise NotAllowedError(f"you have no assignment '{assignment_id}'")
        problem = why_not_startable(assignment, self.store.attempts([assignment.id])[assignment.id], self.today())
        if problem:
            raise TeamInputError(problem)
        return self.practice.start(
            assignment.persona_id, user=caller.name, voice=voice, coach=coach, assignment_id=assignment.id
        )

    # --- review ---------------------------------------------------------------------------------------------

    def review_rows(
        self,
        caller: Caller,
        *,
        trainee: str | None = None,
        persona_id: str | None = None,
        only: str | None = None,
        limit: int = 500,
    ) -> list[ReviewRow]:
        """The sessions table, newest first; `only` is 'passed', 'not passed', 'open' or None."""
        assignments = {a.id: a for a in self.store.assignments(self._visible_users(caller))}
        rows = []
        for record in self.session_list(caller, limit):
            if trainee and record.user.lower() != trainee.lower():
                continue
            if persona_id and record.persona_id != persona_id:
                continue
            state = GameState.from_dict(record.state)
            persona = self.practice.catalog.personas.get(record.persona_id)
            percent = int(record.debrief["overall_percent"]) if record.debrief else None
            assignment = assignments.get(record.assignment_id or "")
            verdict = None
            if assignment is not None and record.ended_at is not None:
                verdict = passed(assignment, Attempt(record.id, record.started_at, True, percent))
            row = ReviewRow(
                session_id=record.id,
                trainee=record.user,
                persona_id=record.persona_id,
                persona_name=record.persona_name,
                started_at=record.started_at,
                turns=len(record.turns),
                averages=_averages(record),
                uncovered=len(state.uncovered),
                interests=len(persona.hidden_interests) if persona else 0,
                outcome=record.outcome,
                percent=percent,
                passed=verdict,
                assignment_id=assignment.id if assignment else None,
            )
            if only == "passed" and row.passed is not True:
                continue
            if only == "not passed" and row.passed is not False:
                continue
            if only == "open" and record.ended_at is not None:
                continue
            rows.append(row)
        return rows

    def transcript(self, caller: Caller, session_id: str) -> TranscriptView:
        record = self._readable(caller, session_id)
        full = caller.is_trainer and (caller.role is Role.LOCAL or record.user != caller.name)
        persona = self.practice.catalog.personas.get(record.persona_id)
        final = GameState.from_dict(record.state)
        uncovered = final.uncovered_ids
        turns = []
        for t in record.turns:
            grade: dict[str, Any] | None = None
            if t.grade is not None:
                grade = t.grade.model_dump(mode="json") if full else trainee_grade(t.grade, uncovered)
            state = GameState.from_dict(t.state).summary() if t.state else None
            turns.append({"turn": t.turn, "user": t.user_text, "grade": grade, "reply": t.reply, "state": state})
        found = {u.interest_id: u for u in final.uncovered}
        interests = []
        if persona is not None:
            for interest in persona.hidden_interests:
                if interest.id not in found and not full:
                    continue  # a trainee never sees an interest before their own session uncovered it
                hit = found.get(interest.id)
                interests.append(
                    {
                        "id": interest.id,
                        "level": interest.level.value,
                        "summary": interest.summary,
                        "uncovered_turn": hit.turn if hit else None,
                        "question": hit.question if hit else None,
                    }
                )
        assignment = self.store.assignment(record.assignment_id) if record.assignment_id else None
        return TranscriptView(
            session_id=record.id,
            trainee=record.user,
            persona_id=record.persona_id,
            persona_name=record.persona_name,
            started_at=record.started_at,
            ended_at=record.ended_at,
            outcome=record.outcome,
            opening=record.opening,
            turns=turns,
            debrief=record.debrief,
            interests=interests,
            full=full,
            assignment=(
                {
                    "id": assignment.id,
                    "target": assignment.target,
                    "due": str(assignment.due or ""),
                    "note": assignment.note,
                }
                if assignment
                else None
            ),
            comments=self.store.comments(record.id),
        )

    def comment(self, caller: Caller, session_id: str, turn: int, text: str) -> Comment:
        if not caller.is_trainer:
            raise NotAllowedError("only a trainer can comment on a transcript")
        record = self._readable(caller, session_id)
        text = text.strip()
        if not text:
            raise TeamInputError("write a comment first")
        if len(text) > MAX_COMMENT:
            raise TeamInputError(f"the comment is too long: keep it under {MAX_COMMENT:,} characters")
        if turn not in {t.turn for t in record.turns}:
            raise TeamInputError(f"session {session_id} has no message {turn}: choose one of its turns")
        return self.store.add_comment(record.id, turn, caller.name, text)

    def progress(self, caller: Caller, trainee: str) -> list[ReviewRow]:
        """A trainee's finished sessions, oldest first: their progress across sessions."""
        rows = [r for r in self.review_rows(caller, trainee=trainee) if r.percent is not None]
        return list(reversed(rows))

    def cohort(self, caller: Caller, persona_id: str | None = None) -> list[dict[str, Any]]:
        """Trainees compared per persona: sessions, finished, best and mean score, criteria, interests, agreements."""
        if not caller.is_trainer:
            raise NotAllowedError("only a trainer can compare trainees")
        groups: dict[tuple[str, str], list[ReviewRow]] = {}
        for row in self.review_rows(caller, persona_id=persona_id):
            groups.setdefault((row.persona_id, row.trainee), []).append(row)
        table = []
        for (pid, trainee), rows in sorted(groups.items()):
            done = [r for r in rows if r.percent is not None]
            crit = {c: _mean([r.averages[c] for r in rows]) for c in CRITERIA}
            table.append(
                {
                    "persona_id": pid,
                    "persona": rows[0].persona_name,
                    "trainee": trainee,
                    "sessions": len(rows),
                    "finished": len(done),
                    "best_percent": max((r.percent for r in done if r.percent is not None), default=None),
                    "mean_percent": round(mean(r.percent for r in done if r.percent is not None)) if done else None,
                    **{f"{c}_avg": v for c, v in crit.items()},
                    "mean_uncovered": round(mean(r.uncovered for r in rows), 2),
                    "interests": rows[0].interests,
                    "agreements": sum(1 for r in rows if r.outcome == "agreement"),
                    "passed": sum(1 for r in rows if r.passed),
                }
            )
        return table

    def export_record(self, caller: Caller, session_id: str) -> tuple[SessionRecord, list[Comment]]:
        """Everything stored about a session, for a re-importable export; trainers only."""
        if not caller.is_trainer:
            raise NotAllowedError("only a trainer can export transcripts")
        record = self._readable(caller, session_id)
        return record, self.store.comments(record.id)

    def import_record(self, record: SessionRecord, comments: list[Comment]) -> None:
        """For the operator (the CLI)."""
        if record.persona_id not in self.practice.catalog.personas:
            raise SimulatorError(
                f"session {record.id} is with persona '{record.persona_id}', which this installation does not have: "
                "add its persona file first"
            )
        self.store.import_session(record, comments)
