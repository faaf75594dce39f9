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


def grade_texts(
    texts: Sequence[str],
    persona: Persona | None = None,
    coach: RuleCoach | None = None,
    contexts: Sequence[Sequence[str]] | None = None,
) -> list[Grade]:
    """One grade per text; over-long or control-only texts are cleaned or cut rather than refused.

    `contexts`, when given, holds for each text what the same speaker said just before it in the same turn.
    """
    coach = coach or RuleCoach()
    visible = Visible(persona=persona, uncovered=(), terms=(), turn=1)
    grades = []
    for n, text in enumerate(texts):
        try:
            cleaned = clean_message(text, 100_000)
        except InvalidMessageError:
            cleaned = "."  # an empty or control-only utterance: graded as saying nothing
        context = contexts[n] if contexts is not None else ()
        grades.append(coach.grade(read_message(cleaned, context), visible))
    return grades
