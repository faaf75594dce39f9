"""The end-of-conversation summary: scores, interests found, phases, outcome, what to try next."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from statistics import mean
from typing import Any

from pydantic import BaseModel, ConfigDict

from simulator.coach.grade import CRITERIA, Grade
from simulator.coach.reading import read_message
from simulator.coach.suggestions import DEEPER
from simulator.game.levers import DURABILITY, VALUE_LEVERS, durability_in, evidence, levers_in
from simulator.game.state import GameState, Outcome
from simulator.game.visibility import ledger
from simulator.persona.model import Persona
from simulator.text import shorten, split_sentences

OUTCOME_TEXT = {
    Outcome.AGREEMENT: "You reached an agreement that meets their core interests.",
    Outcome.WALK_AWAY: "They walked away from the table.",
    Outcome.OUT_OF_TURNS: "Time ran out before you agreed.",
    Outcome.ENDED_BY_USER: "You ended the conversation.",
}


@dataclass(frozen=True)
class GradedTurn:
    turn: int
    text: str
    grade: Grade


class Debrief(BaseModel):
    model_config = ConfigDict(extra="forbid")

    persona_id: str
    outcome: str | None
    outcome_text: str
    turns: int
    per_turn: list[dict[str, Any]]
    overall: dict[str, float]
    overall_percent: int
    uncovered: list[dict[str, Any]]
    still_hidden: int
    depths_reached: list[str]
    phases: dict[str, int]
    proposals: int
    premature_proposals: int
    trust: int
    proposal_before_understanding: bool
    value_levers: list[dict[str, Any]]
    durability: dict[str, Any]
    try_next: list[str]


def _try_next(persona: Persona, state: GameState, turns: list[GradedTurn], durability: dict[str, Any]) -> list[str]:
    """Three habits to practise, most important first, from what happened."""
    tips: list[str] = []
    reasons = Counter(t.grade.collaboration.reason for t in turns if t.grade.collaboration.score == 0)
    closed = sum(1 for t in turns if t.grade.questions.score == 1)
    no_question = sum(1 for t in turns if t.grade.questions.score == 0)
    probes = sum(1 for t in turns if t.grade.interests.score == 2)
    warm = sum(1 for t in turns if t.grade.collaboration.score == 2)
    if reasons:
        worst = reasons.most_common(1)[0][0]
        tips.append(
            f"Your lowest moment was {worst}. When they push, name what you hear and ask what they need, instead of pushing back."
        )
    if state.premature_proposals:
        tips.append(
            "You proposed before you knew why they wanted what they asked for. Spend the first turns only on questions."
        )
    if no_question > len(turns) / 2:
        tips.append(
            "Most of your messages asked nothing. End each one with an open question that starts with 'what' or 'how'."
        )
    elif closed > probes:
        tips.append(
            "Many of your questions could be answered in a word. Ask 'what would…' and 'how does…' to get stories, not facts."
        )
    if probes and not state.uncovered:
        tips.append(
            "You asked good questions but they did not open up: they did not trust you enough yet. "
            + (
                "Share your own constraints first; this counterpart trusts openness, not questions."
                if persona.archetype.value == "low_trust"
                else "Acknowledge their position before you probe."
            )
        )
    if warm < max(1, len(turns) // 3):
        tips.append(
            "Acknowledge their side more often ('I can see why that matters'); it costs nothing and buys trust."
        )
    if len(state.uncovered) < len(persona.hidden_interests):
        # Suggest a depth never reached: any of the four, so the tip says nothing of what stayed hidden.
        reached = {persona.interest(i).level for i in state.uncovered_ids}
        missing = next((level for level in DEEPER if level not in reached), None)
        if missing is not None:
            tips.append(
                f"Some of their needs stayed hidden. You never reached {missing.value} needs: try '{DEEPER[missing]}'"
            )
    if state.outcome is Outcome.AGREEMENT and len(durability["missing"]) >= 2:
        tips.append(
            "Your deal may not last: before you close, agree who does what, how you will measure success, "
            "how you will keep in touch, and how to adjust if things change."
        )
    if state.uncovered and not state.terms:
        tips.append(
            "You found their interests but never offered options that meet them. Try 'what if we…' built on what they told you."
        )
    # Always three: the habits every negotiation rewards fill any gap.
    tips += [
        "Before you close, agree how you will measure success, keep in touch and adjust if things change.",
        "Look for value to add, not only to split: timing, phasing, risk sharing or future work can cost you little.",
        "Play the same counterpart again and try to uncover a need one level deeper than this time.",
    ]
    unique = list(dict.fromkeys(tips))
    return unique[:3]


def _put_forward(text: str) -> str:
    """The sentences that put something on the table. A question about them ("what matters to you in this
    renewal?", "how would you measure success?") names a lever or a term without offering it."""
    reading = read_message(text)
    asking = {q.text for q in reading.questions if q.kind == "open" or q.probe}
    return " ".join(s for s in split_sentences(text) if s not in asking)


def _levers(offered: list[tuple[int, str]]) -> list[dict[str, Any]]:
    """Each value lever the user used, with the first turn and sentence that used it."""
    seen: dict[str, dict[str, Any]] = {}
    for turn, text in offered:
        for name in levers_in(text):
            seen.setdefault(
                name, {"lever": name, "turn": turn, "evidence": shorten(evidence(text, VALUE_LEVERS[name]))}
            )
    return list(seen.values())


def _durability(state: GameState, offered: list[tuple[int, str]]) -> dict[str, Any]:
    """Whether the deal states expectations, success metrics, communication and adjustment."""
    found: dict[str, dict[str, Any]] = {}
    for turn, text in offered:
        for name in durability_in(text):
            found.setdefault(name, {"turn": turn, "evidence": shorten(evidence(text, DURABILITY[name]))})
    parts = {name: found.get(name) for name in DURABILITY}
    missing = [name for name, where in parts.items() if where is None]
    if state.outcome is not Outcome.AGREEMENT:
        verdict = "no agreement was reached"
    elif not missing:
        verdict = "likely to last: it states expectations, success metrics, communication and how to adjust"
    else:
        verdict = "fragile: it does not say " + ", ".join(missing)
    return {"parts": parts, "missing": missing, "verdict": verdict}


def build_debrief(persona: Persona, state: GameState, turns: list[GradedTurn]) -> Debrief:
    per_turn = [{"turn": t.turn, **t.grade.scores(), "total": t.grade.total} for t in turns]
    overall = {c: round(mean(getattr(t.grade, c).score for t in turns), 2) if turns else 0.0 for c in CRITERIA}
    percent = round(100 * sum(overall.values()) / 6) if turns else 0
    found = ledger(persona, state)
    offered = [(t.turn, _put_forward(t.text)) for t in turns]  # each message read once for levers and terms
    durability = _durability(state, offered)
    return Debrief(
        persona_id=persona.id,
        outcome=state.outcome.value if state.outcome else None,
        outcome_text=OUTCOME_TEXT[state.outcome] if state.outcome else "The conversation is still open.",
        turns=len(turns),
        per_turn=per_turn,
        overall=overall,
        overall_percent=percent,
        uncovered=found,
        still_hidden=len(persona.hidden_interests) - len(found),
        depths_reached=sorted({row["level"] for row in found}),
        phases=dict(state.phases),
        proposals=len(state.proposals),
        premature_proposals=state.premature_proposals,
        trust=state.trust,
        proposal_before_understanding=state.premature_proposals > 0,
        value_levers=_levers(offered),
        durability=durability,
        try_next=_try_next(persona, state, turns, durability),
    )
