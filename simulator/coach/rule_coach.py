"""The built-in coach: deterministic rules, every score explained by quoted words."""

from __future__ import annotations

from typing import Protocol

from simulator.coach.reading import Reading
from simulator.coach.suggestions import Visible, suggest
from simulator.coach.targets import interest_targets
from simulator.grade import Criterion, Grade, InterestsCriterion
from simulator.text import shorten

HOSTILE_REASON = {
    "threat": "a threat",
    "ultimatum": "an ultimatum",
    "insult": "an insult",
    "dismissive": "dismisses their side",
    "undervalues": "plays down their needs",
    "shouting": "shouting back",
}


class Coach(Protocol):
    """What every coach offers: a typed grade for one read message."""

    name: str

    def grade(self, reading: Reading, visible: Visible) -> Grade: ...


def _questions(reading: Reading) -> Criterion:
    if reading.open_questions:
        q = reading.open_questions[0]
        return Criterion(score=2, evidence=shorten(q.text), reason="asks an open question")
    if reading.questions:
        q = reading.questions[0]
        why = "an argumentative question" if q.text in reading.rhetorical else "only closed questions"
        return Criterion(score=1, evidence=shorten(q.text), reason=why)
    if reading.pleasantries:
        return Criterion(
            score=0,
            evidence=shorten(reading.pleasantries[0]),
            reason="small talk, not a question that seeks understanding",
        )
    return Criterion(score=0, evidence="", reason="no question")


def _interests(reading: Reading, visible: Visible) -> InterestsCriterion:
    targets: list[str] = []
    if visible.persona is not None:
        targets, _general = interest_targets(reading, visible.persona, visible.uncovered)
    if reading.probes:
        q = reading.probes[0]
        return InterestsCriterion(
            score=2, evidence=shorten(q.text), reason=f"probes their interests ({q.probe})", targets=targets
        )
    asking = [q for q in reading.questions if q.text not in reading.rhetorical]
    if asking:
        why = "explores an option" if reading.proposal else "asks about positions or details"
        return InterestsCriterion(score=1, evidence=shorten(asking[0].text), reason=why)
    if reading.rhetorical:
        return InterestsCriterion(score=0, evidence=shorten(reading.rhetorical[0]), reason="argues a position")
    return InterestsCriterion(score=0, evidence="", reason="no probing: states or argues positions")


def _collaboration(reading: Reading) -> Criterion:
    if reading.hostile:
        kind, sentence = reading.hostile[0]
        return Criterion(score=0, evidence=shorten(sentence), reason=HOSTILE_REASON[kind])
    if reading.split:
        return Criterion(
            score=0, evidence=shorten(reading.split), reason="splits the difference instead of meeting interests"
        )
    for found, why in (
        (reading.acknowledge, "acknowledges their side"),
        (reading.transparent, "open about own constraints"),
        (reading.joint, "frames it as a joint problem"),
    ):
        if found:
            return Criterion(score=2, evidence=shorten(found), reason=why)
    return Criterion(score=1, evidence="", reason="neutral")


class RuleCoach:
    """Grades by rules alone; works offline and gives the same grade for the same input."""

    name = "rules"

    def grade(self, reading: Reading, visible: Visible) -> Grade:
        questions = _questions(reading)
        interests = _interests(reading, visible)
        collaboration = _collaboration(reading)
        notices = []
        if not reading.english:
            notices.append(
                "This message does not look like English; the coach reads English only, so its grade may be too low."
            )
        scores = {"questions": questions.score, "interests": interests.score, "collaboration": collaboration.score}
        return Grade(
            questions=questions,
            interests=interests,
            collaboration=collaboration,
            suggestion=suggest(reading, scores, visible),
            coach="rules",
            notices=notices,
        )
