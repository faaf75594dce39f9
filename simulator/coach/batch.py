"""Grading many messages with no conversation around them (the `grade` command, the evals)."""

from __future__ import annotations

from collections.abc import Sequence

from simulator.coach.reading import read_message
from simulator.coach.rule_coach import RuleCoach
from simulator.coach.suggestions import Visible
from simulator.errors import InvalidMessageError
from simulator.grade import Grade
from simulator.persona import Persona
from simulator.text import clean_message


def grade_texts(texts: Sequence[str], persona: Persona | None = None, coach: RuleCoach | None = None) -> list[Grade]:
    """One grade per text; over-long or control-only texts are cleaned or cut rather than refused."""
    coach = coach or RuleCoach()
    visible = Visible(persona=persona, uncovered=(), terms=(), turn=1)
    grades = []
    for text in texts:
        try:
            cleaned = clean_message(text, 100_000)
        except InvalidMessageError:
            cleaned = "."  # an empty or control-only utterance: graded as saying nothing
        grades.append(coach.grade(read_message(cleaned), visible))
    return grades
