"""The built-in coach: deterministic rules, every score explained by quoted words."""

from __future__ import annotations

import copy
from collections.abc import Sequence
from dataclasses import replace
from typing import Literal, Protocol

import numpy as np

from simulator.coach.embedding import Vectors
from simulator.coach.grade import Criterion, Grade, InterestsCriterion
from simulator.coach.interest_words import DETAIL, TIMING_ONLY
from simulator.coach.knowledge import Knowledge
from simulator.coach.learned import LearnedLayer, shipped
from simulator.coach.lexicon import ADDRESSED
from simulator.coach.phases import later_phase
from simulator.coach.reading import Reading
from simulator.coach.suggestions import SITUATION, Visible, suggest, topic_of
from simulator.coach.targets import (
    NEAREST_DOCUMENTS,
    SEMANTIC_CONTRAST,
    SEMANTIC_CONTRAST_DETAIL,
    SEMANTIC_CONTRAST_OPEN,
    interest_targets,
    ranked_interests,
)
from simulator.persona.model import Persona
from simulator.text import overlap, shorten

# A tip is used only when its situation is this close (cosine, MiniLM) to the problem the rules saw: measured,
# tips written for that problem score 0.65-1.0 and the nearest unrelated ones 0.45-0.62.
TIP_FITS = 0.64
TIP_NEAR_EQUAL = 0.08  # tips this close to the best are told apart by the user's own words

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

    def feedback(self, reading: Reading, visible: Visible, ruling: Grade) -> Grade:
        """The grade shown for a message whose rule grade (`ruling`, which drives the game) is already known."""
        ...


def _questions(reading: Reading) -> Criterion:
    if reading.open_questions:
        q = reading.open_questions[0]
        return Criterion(score=2, evidence=shorten(q.text), reason="asks an open question")
    if reading.questions:
        q = reading.questions[0]
        why = "an argumentative question" if q.text in reading.rhetorical else "only closed questions"
        return Criterion(score=1, evidence=shorten(q.text), reason=why)
    if reading.chat:
        # A real question, asked about their life away from the deal: counted by its form (interests gives it no credit).
        q = next((c for c in reading.chat if c.kind == "open"), reading.chat[0])
        score, kind = (2, "an open question") if q.kind == "open" else (1, "a closed question")
        return Criterion(score=score, evidence=shorten(q.text), reason=f"{kind}, about their life away from the deal")
    if reading.pleasantries:
        return Criterion(
            score=0,
            evidence=shorten(reading.pleasantries[0]),
            reason="small talk, not a question that seeks understanding",
        )
    if reading.housekeeping:
        return Criterion(
            score=0,
            evidence=shorten(reading.housekeeping[0]),
            reason="a check on the conversation itself, not a question that seeks understanding",
        )
    return Criterion(score=0, evidence="", reason="no question")


def _interests(reading: Reading, visible: Visible, ranked: Sequence[tuple[str, float]] = ()) -> InterestsCriterion:
    targets: list[str] = []
    if visible.persona is not None:
        targets, _general = interest_targets(reading, visible.persona, visible.uncovered, ranked)
    probes = reading.probes
    if (
        visible.previous
        and probes
        and all(q.kind == "closed" and overlap(q.plain, visible.previous) >= 0.6 for q in probes)
    ):
        # "So you need 25% off?" only repeats their position back; it does not probe why.
        q = probes[0]
        return InterestsCriterion(score=1, evidence=shorten(q.text), reason="repeats their position back")
    if probes:
        q = probes[0]
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
    """Grades by rules, and by meaning where it has `Knowledge`: deterministic and explainable either way.

    Measured on the labelled data (evals/coach_eval.py), nearest-exemplar votes did not improve the three
    scores over the rules, so meaning is used where it does help: which hidden interest a question goes
    after, and which coaching tip fits the message.
    """

    name = "rules"

    def __init__(
        self, knowledge: Knowledge | None = None, learned: LearnedLayer | Literal["shipped"] | None = "shipped"
    ) -> None:
        self.knowledge = knowledge
        # The learned layer decides where the rules' findings are weak (coach/learned.py); None: rules alone.
        self.learned = shipped() if learned == "shipped" else learned
        # Every problem the rules can name, embedded once (a turn never waits for it).
        self._situations: dict[str, Vectors] = {}
        if knowledge is not None:
            texts = sorted(set(SITUATION.values()))
            self._situations = dict(zip(texts, knowledge.embedder.embed(texts), strict=True))

    def grade(self, reading: Reading, visible: Visible) -> Grade:
        return self.grade_many([(reading, visible)])[0]

    def knowing(self, persona: Persona) -> RuleCoach:
        """This coach, also knowing the meaning of `persona`'s interests (the situations stay embedded once)."""
        if self.knowledge is None:
            return self
        other = copy.copy(self)
        other.knowledge = self.knowledge.with_persona(persona)
        return other

    def feedback(self, reading: Reading, visible: Visible, ruling: Grade) -> Grade:
        return ruling  # the rules' grade is this coach's own

    def grade_many(self, items: Sequence[tuple[Reading, Visible]]) -> list[Grade]:
        """Grade several messages. With knowledge, the messages that ask a counterpart something are embedded in one
        batch (their targets need meaning); the others only if their tip needs it, which is rare and keeps most
        statements off the sentence model."""
        vectors: list[Vectors | None] = [None] * len(items)
        if self.knowledge is not None:
            asking = [
                n for n, (reading, visible) in enumerate(items) if reading.questions and visible.persona is not None
            ]
            if asking:
                embedded = self.knowledge.embedder.embed([items[n][0].plain for n in asking])
                for n, vector in zip(asking, embedded, strict=True):
                    vectors[n] = vector
        return [self._grade(reading, visible, vectors[n]) for n, (reading, visible) in enumerate(items)]

    def _ranked(self, reading: Reading, visible: Visible, vector: Vectors | None) -> list[tuple[str, float]]:
        """This persona's interests by closeness in meaning (`ranked_interests`), when the message asks something."""
        if self.knowledge is None or visible.persona is None or vector is None or not reading.questions:
            return []
        cues = self.knowledge.cues_for(visible.persona)  # this version's own interests
        if cues is None or len(cues) == 0:
            return []
        return ranked_interests([(n.label, n.score) for n in cues.nearest(vector[None, :], k=len(cues))[0]])

    def _contrast(self, ranked: Sequence[tuple[str, float]], vector: Vectors | None) -> float:
        """How much nearer the nearest interest is than the off-deal chat the message most resembles."""
        if self.knowledge is None or vector is None or not ranked:
            return float("-inf")
        off_deal = self.knowledge.exemplars.closeness(vector, "not_probing", NEAREST_DOCUMENTS)
        return ranked[0][1] - off_deal

    def _suggestion(self, reading: Reading, scores: dict[str, int], visible: Visible, vector: Vectors | None) -> str:
        advice = suggest(reading, scores, visible)
        if self.knowledge is None or advice.criterion is None or not advice.situation:
            return advice.text
        archetype = visible.persona.archetype.value if visible.persona else None
        fitting = [
            n
            for n, t in enumerate(self.knowledge.tips)
            if t.criterion == advice.criterion and t.fits(visible.phase, archetype)
        ]
        if not fitting:
            return advice.text
        tips = self.knowledge.tip_index.vectors[fitting]
        # The tip written for the problem the rules saw; among near-equals, the one nearest what the user wrote.
        to_problem = tips @ self._situations[advice.situation]
        best = float(to_problem.max())
        if best < TIP_FITS:
            return advice.text  # no tip in the library is about this problem: the rule line is built from it
        close = to_problem >= best - TIP_NEAR_EQUAL
        if int(close.sum()) > 1:
            if vector is None:
                vector = self.knowledge.embedder.embed([reading.plain])[0]
            to_problem = np.where(close, to_problem + tips @ vector, -np.inf)
        chosen = fitting[int(np.argmax(to_problem))]
        tip = self.knowledge.tips[chosen]
        example = tip.example.replace("{topic}", topic_of(reading, visible.persona))
        return f"{tip.tip} Try: '{example}'"

    def _grade(self, reading: Reading, visible: Visible, vector: Vectors | None) -> Grade:
        questions = _questions(reading)
        ranked = self._ranked(reading, visible, vector)
        contrast = self._contrast(ranked, vector)
        # A question about a figure or a date needs a clear lead to count: most ask for the detail, not the why.
        detail_lead = SEMANTIC_CONTRAST + SEMANTIC_CONTRAST_DETAIL
        about_them = [
            q
            for q in reading.questions
            if not (DETAIL.search(q.plain) or TIMING_ONLY.match(q.plain)) or contrast >= detail_lead
        ]
        # An open question addressed to them needs less of a lead than a closed or impersonal one.
        open_to_them = [q for q in about_them if q.kind == "open" and ADDRESSED.search(q.plain)]
        if (
            about_them
            and not reading.probes
            and (contrast >= SEMANTIC_CONTRAST or (open_to_them and contrast >= SEMANTIC_CONTRAST_OPEN))
        ):
            # No rule saw a probe, but the question is close in meaning to what this counterpart cares about.
            probe = (open_to_them or about_them)[0]
            reading = replace(
                reading, asked=tuple(replace(q, probe="meaning") if q is probe else q for q in reading.asked)
            )
        interests = _interests(reading, visible, ranked)
        collaboration = _collaboration(reading)
        if self.learned is not None:
            questions, interests, collaboration = self.learned.decide(reading, questions, interests, collaboration)
        questions, interests = later_phase(reading, visible, questions, interests)
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
            suggestion=self._suggestion(reading, scores, visible, vector),
            coach="rules",
            notices=notices,
        )
