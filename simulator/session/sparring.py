"""Scripted negotiators to play against personas: one that follows the method, one that does the opposite.

They check that the game rewards the method and punishes its opposite (tests and `evals/`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from simulator.game.state import GameState
from simulator.persona.model import Archetype, Persona

OPENERS = (
    "I appreciate you making the time, and I can see this matters a great deal to you.",
    "That makes sense, and I want to understand it properly before I suggest anything.",
    "Thank you for being direct with me; it helps.",
    "I hear you. I would rather solve this together than trade numbers.",
)
OPENNESS = (
    "To be open with you, my constraint is that I cannot change the terms on my own without a reason I can explain.",
    "To be transparent about my side, our margins on this are thin and I answer to my own boss for it.",
    "To be honest, our situation is that we need this to work too, and I will show you our numbers if it helps.",
)
BAD_LINES = (
    "Our position is final. Accept it.",
    "Take it or leave it. That's our final offer.",
    "Let's just split the difference and be done.",
    "This is ridiculous. We'll go to a competitor if you keep this up.",
    "I don't care about your internal problems. Meet our number.",
    "Fine, meet me in the middle and we're done.",
)


# Closing: each part of a lasting deal, as a good negotiator puts it (levers.DURABILITY reads them).
CLOSING_TERMS = {
    "expectations": "Let's write down who does what by when, so each step has an owner.",
    "success metrics": "We'll measure success against targets we set together.",
    "communication": "We'll hold a weekly check-in with one point of contact on each side.",
    "adjustment": "And we'll review it after three months and adjust if things change.",
}


def closing_message(state: GameState) -> str:
    """Every part of a lasting deal not yet on the table, then a check that it works for them."""
    missing = [line for part, line in CLOSING_TERMS.items() if part not in state.durability]
    return " ".join([*missing, "Does that work for you?"])


@dataclass
class GoodNegotiator:
    """Asks open questions, acknowledges, is open about its own side, then proposes what meets their interests.

    It draws questions from the persona's example probes (the questions a skilled negotiator would ask)
    and builds proposals only from interests already uncovered.
    """

    persona: Persona
    asked: dict[str, int] = field(default_factory=dict)

    def next_message(self, state: GameState) -> str:
        turn = state.turn
        warm = OPENERS[turn % len(OPENERS)]
        if self.persona.archetype is Archetype.LOW_TRUST:
            warm = f"{warm} {OPENNESS[turn % len(OPENNESS)]}"
        if state.closing:
            return f"{warm} {closing_message(state)}"
        hidden = [i for i in self.persona.hidden_interests if i.id not in state.uncovered_ids]
        turns_left = self.persona.max_turns - turn
        if hidden and turns_left > 3:
            target = hidden[0]
            n = self.asked.get(target.id, 0)
            self.asked[target.id] = n + 1
            return f"{warm} {target.probes[n % len(target.probes)]}"
        return f"{warm} {self._proposal(state)}"

    def _proposal(self, state: GameState) -> str:
        offers = []
        for interest_id in state.uncovered_ids:
            satisfier = self.persona.interest(interest_id).satisfiers[0]
            offers.append(
                f"{satisfier.description[0].lower()}{satisfier.description[1:].rstrip('.')} ({satisfier.cues[0]})"
            )
        return "What if we " + "; and we could also ".join(offers) + "?"


@dataclass
class StopsAsking(GoodNegotiator):
    """Follows the method until it has found their interests, then stops asking: it states its proposals and
    closes with a bare "agreed". The game may still reach a deal; the coach should see the difference."""

    def next_message(self, state: GameState) -> str:
        message = super().next_message(state)
        if state.closing:
            return "Agreed. Let's sign."
        if " What if we " in f" {message}":
            offers = message.split("What if we ", 1)[1].rstrip("?")
            return f"We will {offers}. That is our offer."
        return message


@dataclass
class BadNegotiator:
    """Demands, threatens and splits the difference; never asks why."""

    persona: Persona

    def next_message(self, state: GameState) -> str:
        return BAD_LINES[state.turn % len(BAD_LINES)]
