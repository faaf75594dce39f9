"""What each viewer may see of a persona; the one place hidden interests are filtered."""

from __future__ import annotations

import re
from collections.abc import Collection
from typing import Any

from simulator.coach.grade import Grade
from simulator.game.state import GameState
from simulator.persona.model import Persona
from simulator.text import content_stems, overlap

HIDDEN_TARGET = "hidden"
NEAR_DUPLICATE = 0.6  # share of a secret's content words that counts as saying it
MIN_SHARED_WORDS = 5


def public_persona(persona: Persona) -> dict[str, Any]:
    """The face the trainee sees before the first message."""
    return {
        "id": persona.id,
        "name": persona.name,
        "role": persona.role,
        "archetype": persona.archetype.value,
        "difficulty": persona.difficulty.value,
        "scenario": persona.scenario,
        "opening": persona.opening,
        "positions": [p.statement for p in persona.positions],
        "interests_to_find": len(persona.hidden_interests),
        "max_turns": persona.max_turns,
    }


def trainee_grade(grade: Grade, uncovered: Collection[str]) -> dict[str, Any]:
    """The grade as the trainee sees it: targets not yet uncovered show only as 'hidden'."""
    data = grade.model_dump(mode="json")
    data["interests"]["targets"] = [t if t in uncovered else HIDDEN_TARGET for t in grade.interests.targets]
    return data


def ledger(persona: Persona, state: GameState) -> list[dict[str, Any]]:
    """The interests uncovered so far, in the order they came out."""
    rows = []
    for found in state.uncovered:
        interest = persona.interest(found.interest_id)
        rows.append(
            {
                "id": interest.id,
                "level": interest.level.value,
                "summary": interest.summary,
                "turn": found.turn,
                "question": found.question,
                "agreed": state.terms.get(interest.id),
            }
        )
    return rows


def _secrets(persona: Persona, uncovered: Collection[str]) -> list[tuple[str, str]]:
    found = set(uncovered)
    secrets = []
    for interest in persona.hidden_interests:
        if interest.id not in found:
            secrets += [(interest.id, interest.summary), (interest.id, interest.reveal)]
    return secrets


def find_leak(text: str, persona: Persona, uncovered: Collection[str]) -> str | None:
    """The id of a not-yet-uncovered interest that `text` gives away (exactly or nearly), else None."""
    lowered = text.lower()
    words = content_stems(text)
    for interest in persona.hidden_interests:
        if interest.id not in uncovered and re.search(rf"\b{re.escape(interest.id)}\b", lowered):
            return interest.id
    for interest_id, secret in _secrets(persona, uncovered):
        if secret.lower() in lowered:
            return interest_id
        shared = len(words & content_stems(secret))
        if shared >= MIN_SHARED_WORDS and overlap(text, secret) >= NEAR_DUPLICATE:
            return interest_id
    return None
