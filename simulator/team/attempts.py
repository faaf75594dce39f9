"""Attempts and re-grades, checked against the caller: rewind a session to any message and try again in a branch,
see the tree of attempts, compare two of them, and (trainers) change a criterion score with a reason."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from simulator.coach.grade import CRITERIA
from simulator.errors import NotAllowedError, TeamInputError
from simulator.session.practice import Handle, Practice
from simulator.session.store import Regrade, SessionRecord, SessionSummary
from simulator.team.model import Caller, Role
from simulator.team.store import TeamStore
from simulator.text import storable

MAX_REASON = 500


def effective_scores(record: SessionRecord, regrades: list[Regrade]) -> dict[int, dict[str, int]]:
    """Each graded turn's scores with the latest trainer re-grade of each criterion applied."""
    scores = {t.turn: t.grade.scores() for t in record.turns if t.grade is not None}
    for r in regrades:
        if r.turn in scores:
            scores[r.turn][r.criterion] = r.after
    return scores


class Attempts:
    """Mixed into `Team`: it relies on the team's own session checks."""

    practice: Practice
    store: TeamStore

    def _readable(self, caller: Caller, session_id: str) -> SessionRecord:
        raise NotImplementedError  # Team's own

    def _visible_users(self, caller: Caller) -> set[str] | None:
        raise NotImplementedError  # Accounts' own

    def branch(self, caller: Caller, session_id: str, branch_turn: int) -> tuple[Handle, SessionRecord]:
        """Rewind: a new attempt, the caller's own, that replays `session_id` from its message `branch_turn`. The
        caller may branch any session they may read (trainers: their trainees'); only the player's own branch stays
        an attempt of the assignment."""
        record = self._readable(caller, session_id)
        if self._assessment_of(record):
            raise NotAllowedError("this session is an assessment: it cannot be rewound or tried again")
        # A branch replays part of an attempt, so it never counts as an attempt of the assignment.
        handle = self.practice.branch(record, branch_turn, caller.name)
        return handle, self.practice.store.get_session(handle.session_id)

    def _assessment_of(self, record: SessionRecord) -> bool:
        if record.assignment_id is None:
            return False
        assignment = self.store.assignment(record.assignment_id)
        return assignment is not None and assignment.assessment

    def assessing(self, caller: Caller, session_id: str) -> bool:
        """Whether grades are held back from this caller for now: an open assessment session, seen by its player."""
        return self._held(caller, self._readable(caller, session_id))

    def _held(self, caller: Caller, record: SessionRecord) -> bool:
        return record.outcome is None and record.user == caller.name and self._assessment_of(record)

    def attempts(self, caller: Caller, session_id: str) -> list[SessionSummary]:
        """The family of attempts `session_id` belongs to (root first), only the ones the caller may read."""
        record = self._readable(caller, session_id)
        visible = self._visible_users(caller)
        return [s for s in self.practice.store.family(record.family) if visible is None or s.user in visible]

    def compare(self, caller: Caller, first: str, second: str) -> list[dict[str, Any]]:
        """Two attempts side by side: per message the scores (re-grades applied) and trust, then the outcome."""
        sides = []
        for session_id in (first, second):
            record = self._readable(caller, session_id)
            # An open assessment shows its player no score anywhere, this view included (even of itself).
            held = self._held(caller, record)
            scores = {} if held else effective_scores(record, self.practice.store.regrades(record.id))
            turns = [
                {
                    "turn": t.turn,
                    "text": t.user_text,
                    "scores": scores.get(t.turn),
                    "trust": t.state.trust if t.state else None,
                    "uncovered": len(t.state.uncovered) if t.state else None,
                }
                for t in record.turns
            ]
            total = [sum(s.values()) for s in scores.values()]
            sides.append(
                {
                    "id": record.id,
                    "branch_turn": record.branch_turn,
                    "turns": turns,
                    "uncovered": len(record.state.uncovered),
                    "trust": record.state.trust,
                    "outcome": record.outcome or "open",
                    "percent": round(100 * sum(total) / (6 * len(total))) if total else None,
                }
            )
        return sides

    def regrade(
        self, caller: Caller, session_id: str, turn: int, criterion: str, score: int, reason: str
    ) -> list[Regrade]:
        """A trainer changes one criterion of one of their trainee's turns; the change is kept beside the coach's
        score, with who, when, before and after. Returns every re-grade of the session."""
        if not caller.is_trainer:
            raise NotAllowedError("only a trainer can re-grade a message")
        record = self._readable(caller, session_id)
        if caller.role is not Role.LOCAL and record.user == caller.name:
            raise NotAllowedError("a trainer re-grades their trainees' messages, not their own")
        if criterion not in CRITERIA:
            raise TeamInputError(f"no criterion '{criterion}': choose one of {', '.join(CRITERIA)}")
        if score not in (0, 1, 2):
            raise TeamInputError(f"a score is 0, 1 or 2, not {score}")
        reason = storable(reason).strip()
        if not reason:
            raise TeamInputError("say why you change the score: the trainee sees your reason")
        if len(reason) > MAX_REASON:
            raise TeamInputError(f"the reason is too long: keep it under {MAX_REASON} characters")
        graded = {t.turn for t in record.turns if t.grade is not None}
        if turn not in graded:
            raise TeamInputError(f"session {session_id} has no graded message {turn}: choose one of its turns")
        earlier = self.practice.store.regrades(record.id)
        before = effective_scores(record, earlier)[turn][criterion]
        if before == score:
            raise TeamInputError(f"message {turn} already scores {score} on {criterion}")
        at = datetime.now(UTC).isoformat(timespec="seconds")
        self.practice.store.add_regrade(Regrade(record.id, turn, criterion, before, score, reason, caller.name, at))
        return self.practice.store.regrades(record.id)

    def regrades(self, caller: Caller, session_id: str) -> list[Regrade]:
        return self.practice.store.regrades(self._readable(caller, session_id).id)
