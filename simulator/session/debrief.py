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
from simulator.game.levers import DURABILITY, PART_PHRASE, VALUE_LEVERS, durability_in, evidence, levers_in, put_forward
from simulator.game.state import GameState, Outcome
from simulator.game.visibility import ledger
from simulator.persona.model import Archetype, Persona
from simulator.text import shorten

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


def _try_next(
    persona: Persona, state: GameState, turns: list[GradedTurn], durability: dict[str, Any], levers_used: list[str]
) -> list[str]:
    """Three habits to practise, most important first, from what happened. Each tip has a topic and no two
    tips share one; a tip names only depths and levers this persona has."""
    tips: dict[str, str] = {}

    def tip(topic: str, text: str) -> None:
        tips.setdefault(topic, text)

    reasons = Counter(t.grade.collaboration.reason for t in turns if t.grade.collaboration.score == 0)
    closed = sum(1 for t in turns if t.grade.questions.score == 1)
    no_question = sum(1 for t in turns if t.grade.questions.score == 0)
    probes = sum(1 for t in turns if t.grade.interests.score == 2)
    warm = sum(1 for t in turns if t.grade.collaboration.score == 2)
    levels = [level for level in DEEPER if any(i.level is level for i in persona.hidden_interests)]
    reached = {persona.interest(i).level for i in state.uncovered_ids}
    unreached = [level for level in levels if level not in reached]
    if reasons:
        worst = reasons.most_common(1)[0][0]
        tip(
            "tone",
            f"Your lowest moment was {worst}. When they push, name what you hear and ask what they need, instead of pushing back.",
        )
    if state.premature_proposals:
        tip(
            "timing",
            "You proposed before you knew why they wanted what they asked for. Spend the first turns only on questions.",
        )
    if no_question > len(turns) / 2:
        tip(
            "questions",
            "Most of your messages asked nothing. End each one with an open question that starts with 'what' or 'how'.",
        )
    elif closed > probes:
        tip(
            "questions",
            "Many of your questions could be answered in a word. Ask 'what would…' and 'how does…' to get stories, not facts.",
        )
    if probes and not state.uncovered:
        tip(
            "trust",
            "You asked good questions but they did not open up: they did not trust you enough yet. "
            + (
                "Share your own constraints first; this counterpart trusts openness, not questions."
                if persona.archetype.value == "low_trust"
                else "Acknowledge their position before you probe."
            ),
        )
    if warm < max(1, len(turns) // 3):
        tip(
            "acknowledge",
            "Acknowledge their side more often ('I can see why that matters'); it costs nothing and buys trust.",
        )
    if len(state.uncovered) < len(persona.hidden_interests) and unreached:
        # A depth this persona has and the trainee never reached; not which interest stayed hidden.
        tip(
            "depth",
            f"Some of their needs stayed hidden. You never reached {unreached[0].value} needs: try '{DEEPER[unreached[0]]}'",
        )
    missing = [PART_PHRASE[part] for part in durability["missing"]]
    if state.outcome is Outcome.AGREEMENT and missing:
        tip(
            "durability",
            f"Your deal may not last: it does not say {_listed(missing, 'or')}. Settle that before you confirm.",
        )
    if state.uncovered and not state.terms:
        tip(
            "options",
            "You found their interests but never offered options that meet them. Try 'what if we…' built on what they told you.",
        )
    # Fill to three with habits this conversation did not already cover, in this persona's own terms.
    if missing:
        tip("durability", f"Before you close, agree {_listed(missing, 'and')}.")
    unused = _persona_levers(persona, levers_used)
    if unused:
        tip(
            "levers",
            f"Look for value to add, not only to split: {_listed(unused, 'or')} could meet their needs at little cost to you.",
        )
    if unreached:
        tip("depth", f"Play this counterpart again and reach for their {unreached[0].value} needs.")
    else:
        tip("again", "Play this counterpart again and uncover the same needs in fewer turns.")
    others = [a.value.replace("_", "-") for a in Archetype if a is not persona.archetype]
    tip(
        "stretch",
        f"Practise the same habits under different pressure: try a {others[0]} or a {others[1]} counterpart next.",
    )
    return list(tips.values())[:3]


def _listed(items: list[str], last: str) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + f" {last} " + items[-1]


def _persona_levers(persona: Persona, used: list[str]) -> list[str]:
    """Value levers that this persona's own satisfiers use and the trainee did not."""
    theirs = dict.fromkeys(n for i in persona.hidden_interests for s in i.satisfiers for n in levers_in(s.description))
    return [name for name in theirs if name not in used]


def _put_forward(text: str) -> str:
    return put_forward(read_message(text))


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
    levers = _levers(offered)
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
        value_levers=levers,
        durability=durability,
        try_next=_try_next(persona, state, turns, durability, [v["lever"] for v in levers]),
    )
