"""The coach's typed grade for one user message; the same model for every coach."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

Score = Annotated[int, Field(ge=0, le=2)]
CRITERIA = ("questions", "interests", "collaboration")


class Criterion(BaseModel):
    """One criterion's score, the user's words that earned it, and why."""

    model_config = ConfigDict(extra="forbid")

    score: Score
    evidence: str = Field(default="", description="The user's own words that earned the score.")
    reason: str = Field(default="", description="Why this score, in a few words.")


class InterestsCriterion(Criterion):
    targets: list[str] = Field(default_factory=list, description="Ids of the hidden interests the message went after.")


class Grade(BaseModel):
    """Scores 0-2 on three criteria, with evidence and one concrete suggestion."""

    model_config = ConfigDict(extra="forbid")

    questions: Criterion
    interests: InterestsCriterion
    collaboration: Criterion
    suggestion: str
    coach: Literal["rules", "llm"] = "rules"
    notices: list[str] = Field(
        default_factory=list, description="Things the user should know, e.g. a language warning."
    )

    @property
    def total(self) -> int:
        return self.questions.score + self.interests.score + self.collaboration.score

    def scores(self) -> dict[str, int]:
        return {name: getattr(self, name).score for name in CRITERIA}
