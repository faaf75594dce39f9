"""The counterpart's game state and the moves the rules choose; plain data, serialisable."""

from __future__ import annotations

import copy
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field, replace
from enum import StrEnum
from typing import Any


class Phase(StrEnum):
    UNDERSTANDING = "understanding"
    EXPLORING = "exploring"
    BUILDING = "building"


class Outcome(StrEnum):
    AGREEMENT = "agreement"
    WALK_AWAY = "walk_away"
    OUT_OF_TURNS = "out_of_turns"
    ENDED_BY_USER = "ended_by_user"


class MoveKind(StrEnum):
    OPENING = "opening"
    ANCHOR = "anchor"
    ACKNOWLEDGE = "acknowledge"
    DEFLECT = "deflect"
    REVEAL = "reveal"
    ESCALATE = "escalate"
    REJECT_SPLIT = "reject_split"
    REJECT_PROPOSAL = "reject_proposal"
    COUNTER = "counter"
    SOFTEN = "soften"
    ACCEPT = "accept"  # the deal is sealed: the conversation ends in agreement
    IN_PRINCIPLE = "in_principle"  # they accept the substance; the closing step settles how it will work
    ASK_TERM = "ask_term"  # in closing, they ask for a missing part of a lasting deal (or to confirm)
    NOTE_TERM = "note_term"  # they react to a part of a lasting deal the trainee put forward
    WALK_AWAY = "walk_away"
    OUT_OF_TURNS = "out_of_turns"
    CLARIFY = "clarify"


@dataclass(frozen=True)
class Move:
    """What the counterpart does this turn; the voice turns it into words."""

    kind: MoveKind
    interest_id: str | None = None
    position_id: str | None = None
    part: str | None = None  # a part of a lasting deal (levers.DURABILITY); None with ASK_TERM asks to confirm
    insisting: bool = False  # ASK_TERM after the trainee tried to close without the part they insist on


@dataclass
class Uncovering:
    interest_id: str
    turn: int
    question: str


@dataclass
class Proposal:
    turn: int
    text: str
    meets: list[str]


@dataclass
class GameState:
    """Everything the rules remember between turns."""

    trust: int
    patience: int
    turn: int = 0
    phase: Phase = Phase.UNDERSTANDING
    phases: dict[str, int] = field(default_factory=lambda: {Phase.UNDERSTANDING.value: 0})
    uncovered: list[Uncovering] = field(default_factory=list)
    terms: dict[str, str] = field(default_factory=dict)  # interest id -> satisfier agreed in principle
    proposals: list[Proposal] = field(default_factory=list)
    softened: list[str] = field(default_factory=list)
    hostile_strikes: int = 0
    escalations: int = 0
    premature_proposals: int = 0
    outcome: Outcome | None = None
    closing_since: int | None = None  # the turn they accepted in principle; the closing step runs from there
    durability: dict[str, int] = field(default_factory=dict)  # part of a lasting deal -> turn it was put forward
    lines_said: dict[str, int] = field(default_factory=dict)  # the scripted voice's memory, for variety

    @property
    def uncovered_ids(self) -> tuple[str, ...]:
        return tuple(u.interest_id for u in self.uncovered)

    @property
    def closing(self) -> bool:
        """Agreed in principle, not yet sealed."""
        return self.closing_since is not None and self.outcome is None

    @property
    def ended(self) -> bool:
        return self.outcome is not None

    def copy(self) -> GameState:
        """An independent copy: rules and voices never change a state someone else holds."""
        return copy.deepcopy(self)

    def with_lines_said(self, keys: Iterable[str]) -> GameState:
        """This state once the counterpart has used the written lines `keys` (the voice reports them; the
        pipeline records them here, so a resumed session keeps varying its lines)."""
        said = dict(self.lines_said)
        for key in keys:
            said[key] = said.get(key, 0) + 1
        return replace(self.copy(), lines_said=said)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["phase"] = self.phase.value
        data["outcome"] = self.outcome.value if self.outcome else None
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> GameState:
        data = dict(data)
        data["phase"] = Phase(data["phase"])
        data["outcome"] = Outcome(data["outcome"]) if data.get("outcome") else None
        data["uncovered"] = [Uncovering(**u) for u in data.get("uncovered", [])]
        data["proposals"] = [Proposal(**p) for p in data.get("proposals", [])]
        return cls(**data)

    def summary(self) -> dict[str, Any]:
        """The state as the trainee may see it."""
        return {
            "trust": self.trust,
            "patience": self.patience,
            "uncovered": list(self.uncovered_ids),
            "phase": self.phase.value,
            "closing": self.closing,
            "durability": sorted(self.durability),
            "outcome": self.outcome.value if self.outcome else None,
        }
