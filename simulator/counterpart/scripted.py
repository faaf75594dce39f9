"""The scripted counterpart: speaks the persona's own lines for the moves the rules chose."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from simulator.counterpart.closing import closing_options
from simulator.game.state import GameState, Move, MoveKind
from simulator.persona.model import Persona


@dataclass(frozen=True)
class Exchange:
    """One user message and the counterpart's reply."""

    user: str
    reply: str


@dataclass
class TurnReport:
    """What one turn's voice produced besides the reply: the only place a turn's inspection data lives. One per
    turn, so concurrent users' notices and token counts never mix (the voice object is shared by every session)."""

    notices: list[str] = field(default_factory=list)
    usage: list[dict[str, int]] = field(default_factory=list)  # one entry per model call
    prompts: list[str] = field(default_factory=list)  # every prompt sent this turn, in order
    lines: list[str] = field(default_factory=list)  # keys of the written lines used, so the next turn varies
    fell_back: bool = False  # a model voice's reply was not used: the scripted line was (operators count these)


class Voice(Protocol):
    """Turns the rules' moves into the counterpart's words. A voice never changes the state it is given: what it
    said (and which written lines it used) goes into the turn's report."""

    name: str
    needs_history: bool  # whether the voice should be given the conversation so far

    def speak_stream(
        self,
        persona: Persona,
        state: GameState,
        moves: list[Move],
        history: Sequence[Exchange] = (),
        report: TurnReport | None = None,
    ) -> Iterator[str]:
        """The reply in pieces, each one shown as it comes (the one streaming method every voice has)."""
        ...


@dataclass(frozen=True)
class Said:
    """A scripted reply and the written lines it used."""

    text: str
    lines: tuple[str, ...]


class ScriptedVoice:
    """Works offline and instantly; cycles each move's lines so it does not repeat itself."""

    name = "scripted"
    needs_history = False

    def line(
        self, persona: Persona, state: GameState, move: Move, used: Counter[str] | None = None
    ) -> tuple[str, str | None]:
        """The line for one move and the key of the written line it used (None for lines that never vary).
        `used` counts lines already picked earlier in this same reply."""
        used = used if used is not None else Counter()

        def pick(key: str, options: list[str]) -> tuple[str, str]:
            return options[(state.lines_said.get(key, 0) + used[key]) % len(options)], key

        if move.kind is MoveKind.OPENING:
            return persona.opening, None
        if move.kind is MoveKind.REVEAL and move.interest_id:
            lead, key = pick("reveal_lead", persona.lines.reveal_lead)
            return f"{lead} {persona.interest(move.interest_id).reveal}", key
        if move.kind is MoveKind.DEFLECT and move.interest_id:
            interest = persona.interest(move.interest_id)
            return pick(f"deflect:{interest.id}", interest.deflections)
        closing = closing_options(persona, state, move)
        if closing is not None:
            return pick(*closing)
        if move.kind is MoveKind.SOFTEN and move.position_id:
            position = next(p for p in persona.positions if p.id == move.position_id)
            return position.softened, None
        options: list[str] = getattr(persona.lines, move.kind.value)
        return pick(move.kind.value, options)

    def say(self, persona: Persona, state: GameState, moves: list[Move]) -> Said:
        used: Counter[str] = Counter()
        parts = []
        for move in moves:
            text, key = self.line(persona, state, move, used)
            parts.append(text.strip())
            if key is not None:
                used[key] += 1
        return Said(" ".join(parts), tuple(used.elements()))

    def speak_stream(
        self,
        persona: Persona,
        state: GameState,
        moves: list[Move],
        history: Sequence[Exchange] = (),
        report: TurnReport | None = None,
    ) -> Iterator[str]:
        said = self.say(persona, state, moves)
        if report is not None:
            report.lines.extend(said.lines)
        yield said.text  # written lines arrive whole: one piece
