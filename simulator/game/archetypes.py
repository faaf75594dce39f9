"""How each archetype reacts: the numbers behind 'competitive', 'unreasonable' and 'low trust'."""

from __future__ import annotations

from dataclasses import dataclass

from simulator.persona.model import Archetype


@dataclass(frozen=True, kw_only=True)
class Reactions:
    """Trust and patience changes for one kind of counterpart (trust and patience run 0-100)."""

    open_question: int  # trust for an open question
    probe: int  # trust for probing their interests
    acknowledge: int
    acknowledge_after_escalation: int  # extra trust for calm acknowledgement once they have escalated
    joint: int
    transparent: int
    promise: int  # "trust me": empty words
    addresses_demand: int  # asking what an extreme demand is meant to achieve
    hostile_trust: int
    hostile_patience: int
    split_trust: int
    split_patience: int
    stall_patience: int  # a message that neither asks nor builds
    premature_proposal_patience: int
    turn_patience: int  # every turn costs a little
    proposal_needs_demand_met: bool  # an extreme demand blocks any deal until its interest is met
    insists_on: str  # the part of a lasting deal (levers.DURABILITY) they will not close without


REACTIONS: dict[Archetype, Reactions] = {
    # Anchors hard and escalates at aggression, but respects calm acknowledgement.
    Archetype.COMPETITIVE: Reactions(
        open_question=2,
        probe=3,
        acknowledge=5,
        acknowledge_after_escalation=6,
        joint=2,
        transparent=4,
        promise=0,
        addresses_demand=2,
        hostile_trust=12,
        hostile_patience=25,
        split_trust=6,
        split_patience=12,
        stall_patience=6,
        premature_proposal_patience=4,
        turn_patience=2,
        proposal_needs_demand_met=False,
        insists_on="success metrics",  # wants something to hold the other side to
    ),
    # Extreme demands that ease only when the interest behind them is addressed.
    Archetype.UNREASONABLE: Reactions(
        open_question=2,
        probe=3,
        acknowledge=4,
        acknowledge_after_escalation=2,
        joint=3,
        transparent=3,
        promise=0,
        addresses_demand=7,
        hostile_trust=10,
        hostile_patience=18,
        split_trust=5,
        split_patience=10,
        stall_patience=8,
        premature_proposal_patience=6,
        turn_patience=2,
        proposal_needs_demand_met=True,
        insists_on="adjustment",  # a remedy if it fails again
    ),
    # Starts guarded; questions alone earn little, openness about your own side earns a lot.
    Archetype.LOW_TRUST: Reactions(
        open_question=0,
        probe=1,
        acknowledge=2,
        acknowledge_after_escalation=1,
        joint=1,
        transparent=9,
        promise=-5,
        addresses_demand=1,
        hostile_trust=15,
        hostile_patience=15,
        split_trust=5,
        split_patience=8,
        stall_patience=5,
        premature_proposal_patience=5,
        turn_patience=2,
        proposal_needs_demand_met=False,
        insists_on="communication",  # a regular check-in: silence is what broke trust before
    ),
}


# How each archetype sounds, for a model-backed voice; our own words.
STYLE: dict[Archetype, str] = {
    Archetype.COMPETITIVE: (
        "You anchor high and treat concessions as losses. Pressure makes you push back harder; "
        "calm, precise acknowledgement earns grudging respect. You never agree to anything the rules have not granted."
    ),
    Archetype.UNREASONABLE: (
        "Your demands are extreme and you repeat them. You only ease off when someone shows they understand "
        "what a demand is meant to achieve for you. Logic alone does not move you."
    ),
    Archetype.LOW_TRUST: (
        "You are guarded and assume you will be let down again. Promises mean nothing to you; "
        "openness about the other side's own limits slowly earns a little trust."
    ),
}
