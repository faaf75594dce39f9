"""What each person sees first: a trainee's own assignments and recent sessions; for a trainer, what needs them
now (assignments overdue or out of attempts, some due soon, finished sessions they have not opened yet)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from simulator.team.model import Caller, Role, Status
from simulator.team.store import TeamStore
from simulator.team.views import AssignmentView, ReviewRow, TranscriptView

DUE_SOON = timedelta(days=3)
RECENT = 8
OPEN = (Status.NOT_STARTED, Status.IN_PROGRESS)


@dataclass(frozen=True)
class TraineeHome:
    cards: list[AssignmentView]  # open ones first (soonest due first), then passed and missed ones
    merged: dict[str, int] = field(default_factory=dict)  # card's assignment id -> how many twins it stands for
    recent: list[ReviewRow] = field(default_factory=list)  # their own sessions, newest first


@dataclass(frozen=True)
class TrainerHome:
    overdue: list[AssignmentView]  # the due date passed before it was passed
    out_of_attempts: list[AssignmentView]  # every attempt used, none reached the target
    due_soon: list[AssignmentView]  # open, due within three days
    to_review: list[ReviewRow]  # trainees' finished sessions the trainer has not opened since they ended

    @property
    def empty(self) -> bool:
        return not (self.overdue or self.out_of_attempts or self.due_soon or self.to_review)


def _due_key(view: AssignmentView) -> tuple[date, str]:
    return (view.assignment.due or date.max, view.assignment.created_at)


def merge_twins(views: list[AssignmentView]) -> tuple[list[AssignmentView], dict[str, int]]:
    """One card per open counterpart: assignments of the same persona and version still open (given twice before
    assigning twice was refused) show once, as the one due first, which is where attempts count."""
    kept: dict[tuple[str, str, int | None], AssignmentView] = {}
    count: dict[str, int] = {}
    done = []
    for view in sorted(views, key=_due_key):
        a = view.assignment
        if view.status not in OPEN:
            done.append(view)
            continue
        key = (a.trainee.lower(), a.persona_id, a.persona_version)
        first = kept.setdefault(key, view)
        count[first.assignment.id] = count.get(first.assignment.id, 0) + 1
    return list(kept.values()) + done, {k: n for k, n in count.items() if n > 1}


class Homes:
    """Mixed into `Team`: it relies on the team's own checks and queries."""

    store: TeamStore
    today: Callable[[], date]

    def assignments(self, caller: Caller) -> list[AssignmentView]:
        raise NotImplementedError  # Team's own

    def review_rows(self, caller: Caller, *, trainee: str | None = None, limit: int = 500) -> list[ReviewRow]:
        raise NotImplementedError  # Team's own

    def transcript(self, caller: Caller, session_id: str) -> TranscriptView:
        raise NotImplementedError  # Team's own

    def trainee_home(self, caller: Caller) -> TraineeHome:
        """The caller's own assignments as cards and their latest sessions with scores."""
        own = [v for v in self.assignments(caller) if v.assignment.trainee == caller.name]
        cards, merged = merge_twins(own)
        mine = None if caller.role is Role.LOCAL else caller.name
        return TraineeHome(cards, merged, self.review_rows(caller, trainee=mine, limit=RECENT))

    def trainer_home(self, caller: Caller) -> TrainerHome:
        """What needs this trainer: nothing for anyone else (a trainee, or the local single user with no team)."""
        if caller.role is not Role.TRAINER:
            return TrainerHome([], [], [], [])
        views = self.assignments(caller)
        # A missed assignment stops needing the trainer once they assign that counterpart to that trainee again.
        newest: dict[tuple[str, str], str] = {}
        for v in views:
            key = (v.assignment.trainee.lower(), v.assignment.persona_id)
            if v.assignment.created_at > newest.get(key, ""):
                newest[key] = v.assignment.created_at
        missed = [
            v
            for v in views
            if v.status is Status.MISSED
            and v.assignment.created_at == newest[(v.assignment.trainee.lower(), v.assignment.persona_id)]
        ]
        used_up = [v for v in missed if v.assignment.attempts is not None and len(v.attempts) >= v.assignment.attempts]
        late = [v for v in missed if v not in used_up]
        soon = self.today() + DUE_SOON
        due_soon = [v for v in views if v.status in OPEN and v.assignment.due is not None and v.assignment.due <= soon]
        seen = self.store.reviewed(caller.name)
        fresh = [
            r
            for r in self.review_rows(caller)
            if r.trainee != caller.name and r.ended_at is not None and seen.get(r.session_id, "") < r.ended_at
        ]
        return TrainerHome(
            overdue=sorted(late, key=_due_key, reverse=True),
            out_of_attempts=sorted(used_up, key=_due_key, reverse=True),
            due_soon=sorted(due_soon, key=_due_key),
            to_review=fresh,
        )

    def open_for_review(self, caller: Caller, session_id: str) -> TranscriptView:
        """The transcript, as `transcript` gives it; a trainer opening a trainee's session marks it as seen."""
        view = self.transcript(caller, session_id)
        if caller.role is Role.TRAINER and view.trainee != caller.name:
            self.store.mark_reviewed(session_id, caller.name, datetime.now(UTC).isoformat(timespec="milliseconds"))
        return view
