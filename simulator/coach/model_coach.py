"""A model-backed coach: structured output into the same grade, checked, with the rule coach as the floor.

The model sees the rubric, the message and the rule coach's findings, never a hidden interest; interest
targets stay the rule coach's. Invalid or missing output, or feedback that names what is still hidden,
falls back to the rule grade, and the grade says which coach made it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Annotated, Protocol

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from simulator.coach.grade import Criterion, Grade, InterestsCriterion
from simulator.coach.reading import Reading
from simulator.coach.rule_coach import RuleCoach
from simulator.coach.suggestions import Visible, topic_of
from simulator.errors import ModelError
from simulator.game.visibility import find_leak
from simulator.prompts import render

Score = Annotated[int, Field(ge=0, le=2)]


class ModelCriterion(BaseModel):
    model_config = ConfigDict(extra="ignore")

    score: Score
    evidence: str = ""
    reason: str = ""


class CoachGrade(BaseModel):
    """What the model must return (as a function call)."""

    model_config = ConfigDict(extra="ignore")

    questions: ModelCriterion
    interests: ModelCriterion
    collaboration: ModelCriterion
    suggestion: str = Field(min_length=3)


class StructuredModel(Protocol):
    """Fills `CoachGrade` for a prompt, or raises ModelError."""

    name: str

    def fill(self, prompt: str) -> dict[str, object]: ...


def _findings(rule: Grade) -> str:
    return "; ".join(
        f"{name} {getattr(rule, name).score} ({getattr(rule, name).reason})"
        for name in ("questions", "interests", "collaboration")
    )


def coach_prompt(reading: Reading, visible: Visible, rule: Grade) -> str:
    persona = visible.persona
    return render(
        "coach",
        {
            "counterpart": f"{persona.name}, {persona.role} ({persona.archetype.value.replace('_', ' ')})"
            if persona
            else "unknown",
            "topic": topic_of(reading, persona),
            "phase": visible.phase,
            "findings": _findings(rule),
            "previous": visible.previous or "(nothing yet)",
            "message": reading.text,
        },
    )


@dataclass
class LLMCoach:
    model: StructuredModel
    floor: RuleCoach = field(default_factory=RuleCoach)
    name: str = "llm"

    def grade(self, reading: Reading, visible: Visible) -> Grade:
        return self.grade_many([(reading, visible)])[0]

    def feedback(self, reading: Reading, visible: Visible, ruling: Grade) -> Grade:
        """The model's grade on top of the rule grade the turn already has (not graded a second time)."""
        return self._grade(reading, visible, ruling)

    def grade_many(self, items: Sequence[tuple[Reading, Visible]]) -> list[Grade]:
        return [
            self._grade(reading, visible, rule)
            for (reading, visible), rule in zip(items, self.floor.grade_many(items), strict=True)
        ]

    def _fallback(self, rule: Grade, why: str) -> Grade:
        # The reason travels in the grade itself: the coach object is shared by every session of the app.
        text = f"The model coach's grade was not used ({why}); the built-in coach graded this message."
        return rule.model_copy(update={"notices": [*rule.notices, text]})

    def _grade(self, reading: Reading, visible: Visible, rule: Grade) -> Grade:
        try:
            raw = self.model.fill(coach_prompt(reading, visible, rule))
            out = CoachGrade.model_validate(raw)
        except ModelError as exc:
            return self._fallback(rule, str(exc))
        except ValidationError:
            return self._fallback(rule, "its output did not match the grade's shape")
        if visible.persona is not None and find_leak(
            " ".join([out.suggestion, out.questions.reason, out.interests.reason, out.collaboration.reason]),
            visible.persona,
            visible.uncovered,
        ):
            return self._fallback(rule, "its feedback named something the trainee has not uncovered")

        def quoted(model: ModelCriterion, floor: Criterion) -> tuple[str, str]:
            # Evidence must be the trainee's own words; otherwise keep the rule coach's quote.
            if model.evidence and model.evidence in reading.text:
                return model.evidence, model.reason or floor.reason
            return floor.evidence, model.reason or floor.reason

        q_evidence, q_reason = quoted(out.questions, rule.questions)
        i_evidence, i_reason = quoted(out.interests, rule.interests)
        c_evidence, c_reason = quoted(out.collaboration, rule.collaboration)
        return Grade(
            questions=Criterion(score=out.questions.score, evidence=q_evidence, reason=q_reason),
            interests=InterestsCriterion(
                score=out.interests.score, evidence=i_evidence, reason=i_reason, targets=rule.interests.targets
            ),
            collaboration=Criterion(score=out.collaboration.score, evidence=c_evidence, reason=c_reason),
            suggestion=out.suggestion,
            coach="llm",
            notices=rule.notices,
        )
