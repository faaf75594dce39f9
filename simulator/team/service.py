"""The team service: accounts, assignments, review and comments, with every call checked against its caller.

Authorization lives here, not in the UI: the Gradio handlers, the HTTP API and the CLI all come through these
methods, and a trainee's request for someone else's session gets the same answer as one for a session that
does not exist.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Collection, Iterator, Sequence
from datetime import UTC, date, datetime
from statistics import mean
from typing import Any

from simulator.coach.grade import CRITERIA
from simulator.errors import (
    NotAllowedError,
    SimulatorError,
    TeamInputError,
    UnknownPersonaError,
    UnknownSessionError,
)
from simulator.persona.model import Persona
from simulator.session.debrief import Debrief
from simulator.session.practice import Handle, Practice, TurnResult
from simulator.session.store import GradedMessage, Regrade, SessionRecord, SessionSummary
from simulator.team.accounts import Accounts
from simulator.team.attempts import Attempts
from simulator.team.home import Homes
from simulator.team.model import (
    Assignment,
    Attempt,
    Caller,
    Comment,
    Role,
    check_assignment,
    passed,
    status,
    why_not_startable,
)
from simulator.team.passwords import Throttle
from simulator.team.store import TeamStore
from simulator.team.turns import TurnsByNumber
from simulator.team.views import (
    AssignmentView,
    ReviewRow,
    TranscriptView,
    cohort_table,
    open_twins,
    progress_by_persona,
    transcript_view,
)
from simulator.text import storable

MAX_COMMENT = 2000


def _averages(record: SessionRecord) -> dict[str, float | None]:
    grades = [t.grade for t in record.turns if t.grade is not None]
    return {c: round(mean(getattr(g, c).score for g in grades), 2) if grades else None for c in CRITERIA}


class Team(Accounts, Attempts, Homes, TurnsByNumber):
    """Sessions, assignments, review and comments, each call checked against its caller (see `Accounts`)."""

    def __init__(
        self,
        practice: Practice,
        store: TeamStore,
        *,
        throttle: Throttle | None = None,
        today: Callable[[], date] = lambda: datetime.now(UTC).date(),
        rounds: int = 12,
    ) -> None:
        super().__init__(store, practice.store, throttle=throttle, rounds=rounds)
        self.practice = practice
        self.today = today

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

    def _own(self, caller: Caller, session_id: str) -> SessionRecord:
        record = self._readable(caller, session_id)
        if caller.role is not Role.LOCAL and record.user != caller.name:
            raise NotAllowedError("only the person who negotiated this session can continue it")
        return record

    # --- playing: the one door the UI's practice panel goes through -----------------------------------------

    def personas(self) -> list[Persona]:
        return self.practice.catalog.ordered()

    def persona(self, persona_id: str) -> Persona:
        return self.practice.catalog.get(persona_id)

    def engine(self) -> tuple[list[str], list[str], bool]:
        """(voices, coaches, whether meaning-based help is on): what this installation plays with."""
        meaning = getattr(self.practice.rule_coach, "knowledge", None) is not None
        return list(self.practice.voices), list(self.practice.coaches), meaning

    def send_stream(self, caller: Caller, handle: Handle, text: str) -> Iterator[str | TurnResult]:
        self.check_handle(caller, handle)
        yield from self.practice.send_stream(handle, text)

    def send(self, caller: Caller, handle: Handle, text: str) -> TurnResult:
        self.check_handle(caller, handle)
        return self.practice.send(handle, text)

    def end(self, caller: Caller, handle: Handle) -> Debrief:
        self.check_handle(caller, handle)
        return self.practice.end(handle)

    def debrief(self, caller: Caller, handle: Handle) -> Debrief:
        self._readable(caller, handle.session_id)
        return self.practice.debrief(handle)

    def record(self, caller: Caller, session_id: str) -> SessionRecord:
        """One whole stored session the caller may read (the operator's CLI reads any, as the local caller)."""
        return self._readable(caller, session_id)

    def graded_messages(self, caller: Caller) -> list[GradedMessage]:
        """Every graded message the caller may read, oldest first (what transcript search should hold)."""
        visible = self._visible_users(caller)
        if visible is None:
            return self.practice.store.graded_messages()
        readable = {s.id for s in self.practice.store.list_sessions(10**9, visible)}
        return [m for m in self.practice.store.graded_messages() if m.session_id in readable]

    def summaries(self, caller: Caller, limit: int = 100, *, own: bool = False) -> list[SessionSummary]:
        """The caller's readable sessions (`own`: only those they played), newest first, without transcripts."""
        users = self._visible_users(caller)
        if own and caller.role is not Role.LOCAL:
            users = {caller.name}
        return self.practice.store.list_sessions(limit, users)

    def start(self, caller: Caller, persona_id: str, voice: str | None = None, coach: str | None = None) -> Handle:
        return self.practice.start(persona_id, user=caller.name, voice=voice, coach=coach)

    def resume(self, caller: Caller, session_id: str) -> tuple[Handle, SessionRecord]:
        return self.practice.resume(session_id, self._own(caller, session_id))

    def check_handle(self, caller: Caller, handle: Handle) -> None:
        """A live conversation may be played only by whoever started it."""
        self._own(caller, handle.session_id)

    def session_list(
        self, caller: Caller, limit: int = 100, trainee: str | None = None, persona_id: str | None = None
    ) -> list[SessionRecord]:
        """The caller's readable sessions, newest first; filtered before any whole transcript is loaded."""
        users = self._visible_users(caller)
        if trainee:
            users = {u for u in users if u.lower() == trainee.lower()} if users is not None else {trainee}
        summaries = self.practice.store.list_sessions(limit, users)
        return [
            self.practice.store.get_session(s.id) for s in summaries if not persona_id or s.persona_id == persona_id
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
        version: int | None = None,
        assessment: bool = False,
    ) -> list[Assignment]:
        """One assignment per trainee and persona, all written together or none. `version` pins a team persona's
        published version (one persona only); without it the assignment follows the latest."""
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
        note = storable(note)
        check_assignment(target, attempts, due, self.today(), note.strip())
        if assessment and attempts is None:
            raise TeamInputError("an assessment needs an attempt limit: set how many sessions count (1 or more)")
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
        if version is not None:
            if len(personas) != 1:
                raise TeamInputError("pin a version for one counterpart at a time")
            if (personas[0], version) not in self.practice.catalog.versions:
                known = sorted(v for pid, v in self.practice.catalog.versions if pid == personas[0])
                raise TeamInputError(
                    f"'{personas[0]}' has no published version {version}"
                    + (f": choose one of {', '.join(map(str, known))}" if known else " (it is not a Studio persona)")
                )
        wanted = {(mine[n.lower()].lower(), p) for n in names for p in personas}
        twins = open_twins(self._views(self.store.assignments({t for t, _ in wanted})), wanted, version)
        if twins:
            first = twins[0]
            due = f", due {first.assignment.due.isoformat()}" if first.assignment.due else ""
            raise TeamInputError(
                f"{first.assignment.trainee} already has {first.persona_name} assigned ({first.status.value}{due}): "
                "nothing was assigned; let them finish that one, or pick another counterpart"
                + (f" (and {len(twins) - 1} more already assigned)" if len(twins) > 1 else "")
            )
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
                persona_version=version,
                assessment=assessment,
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
            persona = self.practice.catalog.find(a.persona_id, a.persona_version)
            name = persona.name if persona else f"{a.persona_id} (persona file missing)"
            if persona is not None and a.persona_version is not None:
                name += f" (version {a.persona_version})"
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
            assignment.persona_id,
            user=caller.name,
            voice=voice,
            coach=coach,
            assignment_id=assignment.id,
            version=assignment.persona_version,
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
        for record in self.session_list(caller, limit, trainee, persona_id):
            state = record.state
            persona = self.practice.catalog.find(record.persona_id, record.persona_version)
            percent = record.debrief.overall_percent if record.debrief is not None else None
            assignment = assignments.get(record.assignment_id or "")
            verdict = None
            # An open assessment's player sees no average or percentage of it, here as everywhere.
            held = self._held(caller, record)
            if assignment is not None and record.ended_at is not None:
                verdict = passed(assignment, Attempt(record.id, record.started_at, True, percent))
            row = ReviewRow(
                session_id=record.id,
                trainee=record.user,
                persona_id=record.persona_id,
                persona_name=record.persona_name,
                started_at=record.started_at,
                turns=len(record.turns),
                averages=dict.fromkeys(CRITERIA) if held else _averages(record),
                uncovered=len(state.uncovered),
                interests=len(persona.hidden_interests) if persona else 0,
                outcome=record.outcome,
                percent=None if held else percent,
                passed=verdict,
                assignment_id=assignment.id if assignment else None,
                ended_at=record.ended_at,
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
        persona = self.practice.catalog.find(record.persona_id, record.persona_version)  # the version played
        assignment = self.store.assignment(record.assignment_id) if record.assignment_id else None
        regrades = self.practice.store.regrades(record.id)
        view = transcript_view(record, persona, full, assignment, self.store.comments(record.id), regrades)
        if self.assessing(caller, session_id):
            for t in view.turns:  # an open assessment: the player sees their grades when it ends
                t["grade"], t["regrades"] = None, []
        return view

    def comment(self, caller: Caller, session_id: str, turn: int, text: str) -> Comment:
        if not caller.is_trainer:
            raise NotAllowedError("only a trainer can comment on a transcript")
        record = self._readable(caller, session_id)
        text = storable(text).strip()
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

    def progress_by_persona(self, caller: Caller, trainee: str) -> list[dict[str, Any]]:
        """First, best and latest score and outcome per persona, for a trainee (themselves, or their trainer)."""
        return progress_by_persona(self.review_rows(caller, trainee=trainee))

    def cohort(self, caller: Caller, persona_id: str | None = None) -> list[dict[str, Any]]:
        """Trainees compared per persona: sessions, finished, best and mean score, criteria, interests, agreements."""
        if not caller.is_trainer:
            raise NotAllowedError("only a trainer can compare trainees")
        # Trainees compared: a trainer's own practice (trying a trainee's moment, say) is not part of it.
        rows = [r for r in self.review_rows(caller, persona_id=persona_id) if r.trainee != caller.name]
        return cohort_table(rows)

    def export_record(self, caller: Caller, session_id: str) -> tuple[SessionRecord, list[Comment]]:
        """Everything stored about a session, for a re-importable export; trainers only."""
        if not caller.is_trainer:
            raise NotAllowedError("only a trainer can export transcripts")
        record = self._readable(caller, session_id)
        return record, self.store.comments(record.id)

    def import_record(self, record: SessionRecord, comments: list[Comment], regrades: Sequence[Regrade] = ()) -> None:
        """For the operator (the CLI)."""
        if self.practice.catalog.find(record.persona_id, record.persona_version) is None:
            raise SimulatorError(
                f"session {record.id} is with persona '{record.persona_id}', which this installation does not have: "
                "add its persona file first"
            )
        self.store.import_session(record, comments, regrades)
