"""The game rules: how one graded message moves the counterpart. Pure and deterministic."""

from __future__ import annotations

from simulator.coach.grade import Grade
from simulator.coach.reading import Reading
from simulator.game.archetypes import REACTIONS, Reactions
from simulator.game.levers import DURABILITY, confirms, durability_in, put_forward
from simulator.game.state import GameState, Move, MoveKind, Outcome, Phase, Proposal, Uncovering
from simulator.persona.model import Persona
from simulator.text import matching_cues, shorten

MAX_TRUST_GAIN = 15  # per message: no single line buys a relationship
CLOSING_TURNS = 4  # messages the closing step waits for the parts of a lasting deal before it seals what it has
PARTS = tuple(DURABILITY)  # expectations, success metrics, communication, adjustment


def initial_state(persona: Persona) -> GameState:
    return GameState(trust=persona.trust, patience=persona.patience)


def _clamp(value: int) -> int:
    return max(0, min(100, value))


def _trust_change(reading: Reading, grade: Grade, persona: Persona, state: GameState, r: Reactions) -> int:
    gain = 0
    if reading.open_questions:
        gain += r.open_question
    if grade.interests.score == 2:
        gain += r.probe
        if any(matching_cues(p.cues, reading.stems) for p in persona.positions):
            gain += r.addresses_demand
    if reading.acknowledge:
        gain += r.acknowledge + (r.acknowledge_after_escalation if state.escalations else 0)
    if reading.joint:
        gain += r.joint
    if reading.transparent:
        gain += r.transparent
    if reading.promise:
        gain += r.promise
    return min(gain, MAX_TRUST_GAIN)


def _met_interests(reading: Reading, persona: Persona, state: GameState) -> dict[str, str]:
    """Uncovered interests that this proposal offers a satisfier for: id -> satisfier."""
    met: dict[str, str] = {}
    for interest_id in state.uncovered_ids:
        for satisfier in persona.interest(interest_id).satisfiers:
            if matching_cues(satisfier.cues, reading.stems):
                met[interest_id] = satisfier.description
                break
    return met


def _deal_ready(persona: Persona, state: GameState, r: Reactions) -> bool:
    core = [i for i in state.uncovered_ids if persona.interest(i).core]
    if len(state.uncovered) < persona.deal.min_uncovered or state.trust < persona.deal.min_trust:
        return False
    if not all(i in state.terms for i in core):
        return False
    return not r.proposal_needs_demand_met or all(p.id in state.softened for p in persona.positions)


def _enter(state: GameState, phase: Phase) -> None:
    order = list(Phase)
    for step in order[order.index(state.phase) + 1 : order.index(phase) + 1]:
        state.phases.setdefault(step.value, state.turn)
        state.phase = step


def _uncover(reading: Reading, grade: Grade, persona: Persona, state: GameState) -> Move | None:
    """Reveal the first target they trust the user enough for, else deflect."""
    if grade.interests.score < 2:
        return None
    hidden_targets = [t for t in grade.interests.targets if t not in state.uncovered_ids]
    if not hidden_targets:
        return None
    for interest_id in hidden_targets:
        if state.trust >= persona.interest(interest_id).trust_needed:
            question = reading.probes[0].text if reading.probes else reading.text
            state.uncovered.append(Uncovering(interest_id, state.turn, shorten(question, 300)))
            state.trust = _clamp(state.trust + 3)
            return Move(MoveKind.REVEAL, interest_id=interest_id)
    return Move(MoveKind.DEFLECT, interest_id=hidden_targets[0])


def _proposal(reading: Reading, persona: Persona, state: GameState, r: Reactions) -> Move | None:
    if not reading.proposal:
        return None
    met = _met_interests(reading, persona, state)
    state.proposals.append(Proposal(state.turn, shorten(reading.proposal, 300), sorted(met)))
    if not state.uncovered:
        state.premature_proposals += 1
        state.patience = _clamp(state.patience - r.premature_proposal_patience)
    state.terms.update(met)
    newly_softened = [
        p for p in persona.positions if p.id not in state.softened and any(i in state.terms for i in p.behind)
    ]
    state.softened += [p.id for p in newly_softened]
    if state.terms:
        _enter(state, Phase.BUILDING)
    if met and _deal_ready(persona, state, r):
        state.closing_since = state.turn
        if all(part in state.durability for part in PARTS):
            state.outcome = Outcome.AGREEMENT  # it already says how it will last: nothing left to settle
            return Move(MoveKind.ACCEPT)
        return Move(MoveKind.IN_PRINCIPLE)
    if newly_softened:
        return Move(MoveKind.SOFTEN, position_id=newly_softened[0].id)
    return Move(MoveKind.COUNTER if met else MoveKind.REJECT_PROPOSAL)


def _terms_given(reading: Reading, state: GameState) -> list[str]:
    """Parts of a lasting deal this message puts forward for the first time (recorded in the state)."""
    new = [part for part in durability_in(put_forward(reading)) if part not in state.durability]
    for part in new:
        state.durability[part] = state.turn
    return new


def _next_ask(state: GameState, r: Reactions) -> Move:
    """What the counterpart asks for next while closing: the part they insist on first, then the others in order."""
    order = [r.insists_on, *(p for p in PARTS if p != r.insists_on)]
    missing = [p for p in order if p not in state.durability]
    return Move(MoveKind.ASK_TERM, part=missing[0]) if missing else Move(MoveKind.ASK_TERM)


def _settle(reading: Reading, persona: Persona, state: GameState, r: Reactions, new: list[str]) -> list[Move]:
    """One message of the closing step: react to each part given, then seal, insist or ask for the next part."""
    moves = [Move(MoveKind.NOTE_TERM, part=part) for part in new]
    since = state.closing_since if state.closing_since is not None else state.turn
    complete = all(p in state.durability for p in PARTS)
    has_insisted = r.insists_on in state.durability
    out_of_time = state.turn - since >= CLOSING_TURNS or state.turn >= persona.max_turns
    if out_of_time or (has_insisted and (complete or confirms(reading))):
        state.outcome = Outcome.AGREEMENT
        return [*moves, Move(MoveKind.ACCEPT)]
    if confirms(reading):  # closing without the one thing this counterpart needs to trust the deal
        return [*moves, Move(MoveKind.ASK_TERM, part=r.insists_on, insisting=True)]
    return [*moves, _next_ask(state, r)]


def _closing(persona: Persona, state: GameState) -> Move | None:
    if state.outcome is not None:
        return None
    if (
        state.patience <= 0
        or state.trust < persona.walk_away.below_trust
        or state.hostile_strikes >= persona.walk_away.hostile_strikes
    ):
        state.outcome = Outcome.WALK_AWAY
        return Move(MoveKind.WALK_AWAY)
    if state.turn >= persona.max_turns:
        state.outcome = Outcome.OUT_OF_TURNS
        return Move(MoveKind.OUT_OF_TURNS)
    return None


def advance(persona: Persona, state: GameState, reading: Reading, grade: Grade) -> tuple[GameState, list[Move]]:
    """The next state and the counterpart's moves (a closing move, if any, comes last)."""
    if state.ended:
        raise ValueError("the conversation has ended; no more turns")
    state = state.copy()
    r = REACTIONS[persona.archetype]
    state.turn += 1
    state.patience = _clamp(state.patience - r.turn_patience)
    move: Move | None
    if not reading.english and not (state.closing and confirms(reading)):  # "Agreed, let's sign." is short
        move = Move(MoveKind.CLARIFY)
    elif reading.hostile:
        state.hostile_strikes += 1
        state.escalations += 1
        state.trust = _clamp(state.trust - r.hostile_trust)
        state.patience = _clamp(state.patience - r.hostile_patience)
        move = Move(MoveKind.ESCALATE)
    elif reading.split:
        state.trust = _clamp(state.trust - r.split_trust)
        state.patience = _clamp(state.patience - r.split_patience)
        move = Move(MoveKind.REJECT_SPLIT)
    elif state.closing:
        state.trust = _clamp(state.trust + _trust_change(reading, grade, persona, state, r))
        moves = _settle(reading, persona, state, r, _terms_given(reading, state))
        closing = _closing(persona, state)
        return state, [*moves, closing] if closing else moves
    else:
        state.trust = _clamp(state.trust + _trust_change(reading, grade, persona, state, r))
        uncovered = _uncover(reading, grade, persona, state)
        if state.uncovered and (
            reading.exploring or reading.proposal or len(state.uncovered) >= persona.deal.min_uncovered
        ):
            _enter(state, Phase.EXPLORING)
        new_terms = _terms_given(reading, state)
        offered = _proposal(reading, persona, state, r)
        if offered and offered.kind is MoveKind.IN_PRINCIPLE:
            # Agreed in principle: say so, note what they already put forward, ask for the next missing part.
            notes = [Move(MoveKind.NOTE_TERM, part=part) for part in new_terms]
            return state, [offered, *notes, _next_ask(state, r)]
        if offered and offered.kind is MoveKind.ACCEPT:
            move = offered
        else:
            move = (uncovered if uncovered and uncovered.kind is MoveKind.REVEAL else None) or offered or uncovered
        if move is None:
            if reading.warm or reading.open_questions:
                move = Move(MoveKind.ACKNOWLEDGE) if reading.warm else Move(MoveKind.ANCHOR)
            else:
                move = Move(MoveKind.ANCHOR)
        if grade.questions.score == 0 and grade.interests.score == 0 and not reading.warm and not reading.proposal:
            state.patience = _clamp(state.patience - r.stall_patience)
        if new_terms and move.kind is not MoveKind.ACCEPT:
            # Terms of a lasting deal get a reaction at any phase, before the counterpart's main move.
            moves = [Move(MoveKind.NOTE_TERM, part=new_terms[0]), move]
            closing = _closing(persona, state)
            return state, [*moves, closing] if closing else moves
    moves = [move]
    closing = _closing(persona, state)
    if closing:
        moves.append(closing)
    return state, moves
