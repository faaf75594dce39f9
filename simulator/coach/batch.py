"""Grading many messages with no conversation around them (the evals), on every core for large batches."""

from __future__ import annotations

import multiprocessing
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor

from simulator.coach.grade import Grade
from simulator.coach.reading import read_message
from simulator.coach.rule_coach import RuleCoach
from simulator.coach.suggestions import Visible
from simulator.errors import InvalidMessageError
from simulator.persona.model import Persona
from simulator.text import clean_message

# Below this many texts, starting worker processes (about half a second each) costs more than it saves.
PARALLEL_FROM = 2000


def grade_texts(
    texts: Sequence[str],
    persona: Persona | None = None,
    coach: RuleCoach | None = None,
    contexts: Sequence[Sequence[str]] | None = None,
    workers: int = 1,
    learned: bool = True,
) -> list[Grade]:
    """One grade per text, in order; over-long or control-only texts are cleaned or cut rather than refused.

    `contexts`, when given, holds for each text what the same speaker said just before it in the same turn.
    With `workers` > 1, large batches graded by rules alone are split over that many processes. The workers are
    spawned, so a calling script must start from an `if __name__ == "__main__":` guard; a coach with embeddings
    holds a model, so it always grades in this process. `learned=False` grades by the rules alone (the evals
    compare the two).
    """
    contexts = contexts if contexts is not None else [()] * len(texts)
    if coach is None and workers > 1 and len(texts) >= PARALLEL_FROM:
        size = -(-len(texts) // workers)
        chunks = [(texts[i : i + size], contexts[i : i + size], persona, learned) for i in range(0, len(texts), size)]
        # "spawn": a fresh interpreter per worker is safe even when the caller runs threads.
        with ProcessPoolExecutor(len(chunks), mp_context=multiprocessing.get_context("spawn")) as pool:
            return [grade for part in pool.map(_grade_chunk, chunks) for grade in part]
    return _grade_all(texts, contexts, persona, coach or _coach(learned))


def _coach(learned: bool) -> RuleCoach:
    return RuleCoach() if learned else RuleCoach(learned=None)


def _grade_chunk(chunk: tuple[Sequence[str], Sequence[Sequence[str]], Persona | None, bool]) -> list[Grade]:
    texts, contexts, persona, learned = chunk
    return _grade_all(texts, contexts, persona, _coach(learned))


def _grade_all(
    texts: Sequence[str], contexts: Sequence[Sequence[str]], persona: Persona | None, coach: RuleCoach
) -> list[Grade]:
    visible = Visible(persona=persona, uncovered=(), terms=(), turn=1)
    grades = []
    for text, context in zip(texts, contexts, strict=True):
        try:
            cleaned = clean_message(text, 100_000)
        except InvalidMessageError:
            cleaned = "."  # an empty or control-only utterance: graded as saying nothing
        grades.append(coach.grade(read_message(cleaned, context), visible))
    return grades
