"""What a model-backed counterpart may be told: need to know only.

A hidden interest's summary and reveal never enter the prompt before it is uncovered: the model is
told only how to behave while it stays hidden. So no message, however it is phrased, can make the
model say what it was never told.
"""

from __future__ import annotations

from collections.abc import Sequence

from simulator.counterpart.scripted import Exchange
from simulator.game.archetypes import STYLE
from simulator.game.levers import PART_PHRASE
from simulator.game.state import GameState, Move, MoveKind
from simulator.persona.model import Persona
from simulator.prompts import render

MOVE_TEXT: dict[MoveKind, str] = {
    MoveKind.OPENING: "open the conversation with your position",
    MoveKind.ANCHOR: "hold your position; restate what you want without giving new reasons",
    MoveKind.ACKNOWLEDGE: "warm a little: recognise what they said, without conceding anything",
    MoveKind.DEFLECT: "sidestep the question in the guarded way described above; do not explain why",
    MoveKind.REVEAL: "share the reason you have just decided to tell them (listed above as already told)",
    MoveKind.ESCALATE: "push back hard against their aggression",
    MoveKind.REJECT_SPLIT: "refuse to split the difference",
    MoveKind.REJECT_PROPOSAL: "turn the proposal down: it does nothing for what you need",
    MoveKind.COUNTER: "say the proposal helps but is not yet enough",
    MoveKind.SOFTEN: "ease off your demand a little, now that what is behind it is being met",
    MoveKind.ACCEPT: "agree to the deal as proposed",
    MoveKind.WALK_AWAY: "end the conversation and leave",
    MoveKind.OUT_OF_TURNS: "say you are out of time",
    MoveKind.CLARIFY: "ask them to say that again plainly, in English",
    MoveKind.IN_PRINCIPLE: "say you accept the substance in principle, but nothing is sealed yet",
    MoveKind.ASK_TERM: "ask, in your own words, for the part of the deal that is still missing",
    MoveKind.NOTE_TERM: "react briefly to the part of the deal they just put forward",
}


def move_text(move: Move) -> str:
    """One move as an instruction to the model, with the part of a lasting deal it is about."""
    if move.kind is MoveKind.ASK_TERM:
        if move.part is None:
            return "ask them to confirm the deal"
        insist = "insist that you will not close without it: " if move.insisting else ""
        return f"{insist}ask for {PART_PHRASE[move.part]}"
    if move.kind is MoveKind.NOTE_TERM and move.part:
        return f"react briefly to what they proposed about {PART_PHRASE[move.part]}"
    return MOVE_TEXT[move.kind]


def _bullets(lines: Sequence[str]) -> str:
    return "\n".join(f"- {line}" for line in lines) if lines else "- (nothing yet)"


def counterpart_prompt(
    persona: Persona,
    state: GameState,
    moves: Sequence[Move],
    scripted_line: str,
    recent: Sequence[Exchange],
    summary: str,
) -> str:
    """The counterpart's prompt for this turn, built only from what it may know now."""
    told = set(state.uncovered_ids)
    uncovered = [persona.interest(i).reveal for i in state.uncovered_ids]
    guarded = [i.behaviour_while_hidden for i in persona.hidden_interests if i.id not in told]
    conversation = "\n".join(f"Them: {x.user}\n{persona.name}: {x.reply}" for x in recent) or "(none yet)"
    return render(
        "counterpart",
        {
            "name": persona.name,
            "role": persona.role,
            "style": persona.style,
            "archetype": persona.archetype.value.replace("_", " "),
            "archetype_style": STYLE[persona.archetype],
            "positions": _bullets([p.statement for p in persona.positions]),
            "uncovered": _bullets(uncovered),
            "guarded": _bullets(guarded),
            "move": "; then ".join(move_text(m) for m in moves),
            "scripted_line": scripted_line,
            "summary": summary or "(nothing earlier)",
            "recent": conversation,
        },
    )
