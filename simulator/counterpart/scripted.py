"""The scripted counterpart: speaks the persona's own lines for the moves the rules chose."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from simulator.game.state import GameState, Move, MoveKind
from simulator.persona.model import Persona


@dataclass(frozen=True)
class Exchange:
    """One user message and the counterpart's reply."""

    user: str
    reply: str


@dataclass
class TurnReport:
    """What one turn's model calls produced besides the reply. One per turn, so concurrent users' notices and
    token counts never mix (the voice object itself is shared by every session of the app)."""

    notices: list[str] = field(default_factory=list)
    usage: list[dict[str, int]] = field(default_factory=list)  # one entry per model call


class Voice(Protocol):
    """Turns the rules' moves into the counterpart's words."""

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


class ScriptedVoice:
    """Works offline and instantly; cycles each move's lines so it does not repeat itself."""

    name = "scripted"
    needs_history = False

    def _pick(self, state: GameState, key: str, options: list[str]) -> str:
        used = state.lines_said.get(key, 0)
        state.lines_said[key] = used + 1
        return options[used % len(options)]

    def line(self, persona: Persona, state: GameState, move: Move) -> str:
        if move.kind is MoveKind.OPENING:
            return persona.opening
        if move.kind is MoveKind.REVEAL and move.interest_id:
            lead = self._pick(state, "reveal_lead", persona.lines.reveal_lead)
            return f"{lead} {persona.interest(move.interest_id).reveal}"
        if move.kind is MoveKind.DEFLECT and move.interest_id:
            interest = persona.interest(move.interest_id)
            return self._pick(state, f"deflect:{interest.id}", interest.deflections)
        if move.kind is MoveKind.SOFTEN and move.position_id:
            position = next(p for p in persona.positions if p.id == move.position_id)
            return position.softened
        options: list[str] = getattr(persona.lines, move.kind.value)
        return self._pick(state, move.kind.value, options)

    def speak(self, persona: Persona, state: GameState, moves: list[Move], history: Sequence[Exchange] = ()) -> str:
        """Mutates `state.lines_said` (the voice's memory travels with the state so resumes stay varied)."""
        return " ".join(self.line(persona, state, move).strip() for move in moves)

    def speak_stream(
        self,
        persona: Persona,
        state: GameState,
        moves: list[Move],
        history: Sequence[Exchange] = (),
        report: TurnReport | None = None,
    ) -> Iterator[str]:
        yield self.speak(persona, state, moves, history)  # written lines arrive whole: one piece
