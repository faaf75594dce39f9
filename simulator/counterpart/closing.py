"""The closing step's written lines (simulator/data/closing.yaml): one set per archetype, about the persona's deal."""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Annotated

import yaml
from pydantic import BaseModel, ConfigDict, Field

from simulator.game.levers import DURABILITY
from simulator.game.state import GameState, Move, MoveKind
from simulator.persona.model import Archetype, Persona

Lines = Annotated[list[Annotated[str, Field(min_length=1)]], Field(min_length=2)]


class ClosingLines(BaseModel):
    """What one archetype says while a deal agreed in principle is made to last."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    in_principle: Lines
    ask: dict[str, Lines]  # each part of DURABILITY, and "confirm"
    insist: Lines
    noted: dict[str, Lines]  # each part of DURABILITY
    noted_early: Lines  # a part put forward before there is a deal to make last


@cache
def closing_lines() -> dict[Archetype, ClosingLines]:
    raw = yaml.safe_load(resources.files("simulator").joinpath("data", "closing.yaml").read_text(encoding="utf-8"))
    lines = {Archetype(name): ClosingLines.model_validate(body) for name, body in raw.items()}
    for archetype, body in lines.items():
        # A missing part would only show up mid-conversation; fail at start instead.
        missing = [p for p in (*DURABILITY, "confirm") if p not in body.ask] + [
            p for p in DURABILITY if p not in body.noted
        ]
        if missing or set(lines) != set(Archetype):
            raise ValueError(
                f"simulator/data/closing.yaml: {archetype.value} lacks lines for {missing or 'an archetype'}"
            )
    return lines


def closing_options(persona: Persona, state: GameState, move: Move) -> tuple[str, list[str]] | None:
    """The key and the lines for a closing move ({topic} filled in), or None for any other move."""
    body = closing_lines()[persona.archetype]
    if move.kind is MoveKind.IN_PRINCIPLE:
        key, options = "in_principle", body.in_principle
    elif move.kind is MoveKind.ASK_TERM and move.insisting:
        key, options = "insist", body.insist
    elif move.kind is MoveKind.ASK_TERM:
        part = move.part or "confirm"
        key, options = f"ask:{part}", body.ask[part]
    elif move.kind is MoveKind.NOTE_TERM and move.part:
        early = state.closing_since is None
        key, options = ("noted_early", body.noted_early) if early else (f"noted:{move.part}", body.noted[move.part])
    else:
        return None
    topic = persona.positions[0].topic
    return f"closing:{key}", [line.replace("{topic}", topic) for line in options]
