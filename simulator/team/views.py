"""What the team service hands out: assignment standings, rows of the sessions table, caller-shaped transcripts."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from statistics import mean
from typing import Any

from simulator.coach.grade import CRITERIA
from simulator.game.visibility import trainee_grade
from simulator.persona.model import Persona
from simulator.session.debrief import Debrief
from simulator.session.store import Regrade, SessionRecord
from simulator.team.model import Assignment, Attempt, Comment, Status


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
    ended_at: str | None = None


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
    debrief: Debrief | None
    interests: list[dict[str, Any]]  # trainer: every interest, uncovered or not; trainee: uncovered ones only
    full: bool  # True for a trainer's view
    assignment: dict[str, Any] | None = None
    comments: list[Comment] = field(default_factory=list)
    persona_version: int | None = None  # the team persona version played (None: a persona file)
    parent_id: str | None = None  # the session this attempt branched from
    branch_turn: int | None = None
    regrades: list[Regrade] = field(default_factory=list)  # trainers' changes, oldest first

    @property
    def percent(self) -> int | None:
        return self.debrief.overall_percent if self.debrief is not None else None


def _mean(values: list[float | None]) -> float | None:
    known = [v for v in values if v is not None]
    return round(mean(known), 2) if known else None


def progress_by_persona(review_rows: list[ReviewRow]) -> list[dict[str, Any]]:
    """Per trainee and persona, finished attempts oldest first: the first, best and latest score and outcome, and
    every score for the plot."""
    groups: dict[tuple[str, str], list[ReviewRow]] = {}
    for row in sorted(review_rows, key=lambda r: r.started_at):
        if row.percent is not None:
            groups.setdefault((row.trainee, row.persona_id), []).append(row)
    table = []
    for (trainee, pid), rows in sorted(groups.items()):
        best = max(rows, key=lambda r: r.percent or 0)
        table.append(
            {
                "trainee": trainee,
                "persona_id": pid,
                "persona": rows[0].persona_name,
                "attempts": len(rows),
                "first": {"percent": rows[0].percent, "outcome": rows[0].outcome},
                "best": {"percent": best.percent, "outcome": best.outcome},
                "latest": {"percent": rows[-1].percent, "outcome": rows[-1].outcome},
                "points": [(r.started_at, r.percent) for r in rows],
            }
        )
    return table


def cohort_table(review_rows: list[ReviewRow]) -> list[dict[str, Any]]:
    """Trainees compared per persona: sessions, finished, best and mean score, criteria, interests, agreements."""
    groups: dict[tuple[str, str], list[ReviewRow]] = {}
    for row in review_rows:
        groups.setdefault((row.persona_id, row.trainee), []).append(row)
    table = []
    for (pid, trainee), rows in sorted(groups.items()):
        done = [r.percent for r in sorted(rows, key=lambda r: r.started_at) if r.percent is not None]
        crit = {c: _mean([r.averages[c] for r in rows]) for c in CRITERIA}
        table.append(
            {
                "persona_id": pid,
                "persona": rows[0].persona_name,
                "trainee": trainee,
                "sessions": len(rows),
                "finished": len(done),
                "best_percent": max(done, default=None),
                "mean_percent": round(mean(done)) if done else None,
                "first_percent": done[0] if done else None,
                "latest_percent": done[-1] if done else None,
                "improvement": done[-1] - done[0] if len(done) > 1 else None,  # first to latest, in points
                **{f"{c}_avg": v for c, v in crit.items()},
                "mean_uncovered": round(mean(r.uncovered for r in rows), 2),
                "interests": rows[0].interests,
                "agreements": sum(1 for r in rows if r.outcome == "agreement"),
                "passed": sum(1 for r in rows if r.passed),
            }
        )
    return table


@dataclass(frozen=True)
class PlayedTurn:
    """One turn as its player may see it (hidden targets masked), and whether it had been played before."""

    turn: int
    user: str
    reply: str | None
    grade: dict[str, Any] | None
    ended: bool
    outcome: str | None
    replayed: bool


def replayed(record: SessionRecord, turn: int) -> PlayedTurn:
    """A stored turn, answered again to a client that sent it before."""
    stored = next(t for t in record.turns if t.turn == turn)
    grade = trainee_grade(stored.grade, record.state.uncovered_ids) if stored.grade is not None else None
    return PlayedTurn(turn, stored.user_text, stored.reply, grade, record.ended_at is not None, record.outcome, True)


def transcript_view(
    record: SessionRecord,
    persona: Persona | None,
    full: bool,
    assignment: Assignment | None,
    comments: list[Comment],
    regrades: list[Regrade] | None = None,
) -> TranscriptView:
    """A stored session for review: `full` for the trainee's trainer, else as the trainee may see it."""
    final = record.state
    uncovered = final.uncovered_ids
    turns = []
    for t in record.turns:
        grade: dict[str, Any] | None = None
        if t.grade is not None:
            grade = t.grade.model_dump(mode="json") if full else trainee_grade(t.grade, uncovered)
        state = t.state.summary() if t.state is not None else None
        changed = [asdict(r) for r in regrades or [] if r.turn == t.turn]
        turns.append(
            {"turn": t.turn, "user": t.user_text, "grade": grade, "reply": t.reply, "state": state, "regrades": changed}
        )
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
        comments=comments,
        persona_version=record.persona_version,
        parent_id=record.parent_id,
        branch_turn=record.branch_turn,
        regrades=list(regrades or []),
    )


def open_twins(views: list[AssignmentView], wanted: set[tuple[str, str]], version: int | None) -> list[AssignmentView]:
    """Assignments still open (not started or in progress) of the same counterpart, version and trainee as one of
    `wanted` ((trainee, persona id) pairs): assigning it again would show the same work twice."""
    return [
        v
        for v in views
        if (v.assignment.trainee.lower(), v.assignment.persona_id) in wanted
        and v.assignment.persona_version == version
        and v.status in (Status.NOT_STARTED, Status.IN_PROGRESS)
    ]
