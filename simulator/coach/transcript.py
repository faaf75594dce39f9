"""Grading conversations people already have: one speaker's turns, each read after what the other side said."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from statistics import mean
from typing import Any

from simulator.coach.grade import CRITERIA, Grade
from simulator.coach.reading import read_message
from simulator.coach.rule_coach import RuleCoach
from simulator.coach.suggestions import Visible
from simulator.persona.model import Persona
from simulator.text import clean_message

SPEAKER_LINE = re.compile(r"^\s*([A-Za-z][\w .'\-]{0,40}?)\s*:\s+(.+?)\s*$")


@dataclass(frozen=True)
class Utterance:
    speaker: str
    text: str


def parse_conversation(lines: Sequence[str]) -> list[Utterance] | None:
    """`Name: text` lines, or JSONL with `speaker` and `text`; None when the input is not a conversation."""
    rows = [line for line in lines if line.strip()]
    if not rows:
        return None
    if all(row.lstrip().startswith("{") for row in rows):
        turns = []
        for row in rows:
            try:
                item = json.loads(row)
            except json.JSONDecodeError:
                return None
            if not (
                isinstance(item, dict) and isinstance(item.get("speaker"), str) and isinstance(item.get("text"), str)
            ):
                return None
            turns.append(Utterance(item["speaker"].strip(), item["text"]))
    else:
        matches = [SPEAKER_LINE.match(row) for row in rows]
        if not all(matches):
            return None
        turns = [Utterance(m.group(1).strip(), m.group(2)) for m in matches if m]
    return turns if len({t.speaker for t in turns}) >= 2 else None


@dataclass(frozen=True)
class GradedUtterance:
    turn: int
    speaker: str
    text: str
    grade: Grade

    def as_json(self) -> dict[str, Any]:
        return {
            "turn": self.turn,
            "speaker": self.speaker,
            "text": self.text,
            "grade": self.grade.model_dump(mode="json"),
        }


def grade_conversation(
    turns: Sequence[Utterance], speaker: str, coach: RuleCoach, persona: Persona | None = None
) -> list[GradedUtterance]:
    """Grade `speaker`'s turns; each is read with the other side's last words as context."""
    items = []
    previous: str | None = None
    numbered = []
    for n, turn in enumerate(turns, start=1):
        if turn.speaker.casefold() == speaker.casefold():
            text = clean_message(turn.text, 100_000) if turn.text.strip() else "."
            visible = Visible(persona=persona, uncovered=(), terms=(), turn=n, previous=previous)
            items.append((read_message(text), visible))
            numbered.append((n, turn))
        else:
            previous = turn.text
    grades = coach.grade_many(items)
    return [GradedUtterance(n, t.speaker, t.text, g) for (n, t), g in zip(numbered, grades, strict=True)]


def summary(graded: Sequence[GradedUtterance]) -> dict[str, Any]:
    if not graded:
        return {"turns": 0}
    scores = {c: round(mean(getattr(g.grade, c).score for g in graded), 2) for c in CRITERIA}
    return {
        "turns": len(graded),
        "mean": scores,
        "overall_percent": round(100 * sum(scores.values()) / 6),
        "open_questions": sum(1 for g in graded if g.grade.questions.score == 2),
        "probes": sum(1 for g in graded if g.grade.interests.score == 2),
        "hostile_or_dismissive": sum(1 for g in graded if g.grade.collaboration.score == 0),
        "best_turn": max(graded, key=lambda g: (g.grade.total, -g.turn)).turn,
        "weakest_turn": min(graded, key=lambda g: (g.grade.total, g.turn)).turn,
    }
