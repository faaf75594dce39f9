"""The visual debrief, the same in practice, in review and in the HTML export: each criterion per message, trust
over the conversation, the ladder of depths with the question that opened each interest, and the parts of a deal
that make it last. Pure functions of a `TranscriptView`, so each viewer sees only what their view holds."""

from __future__ import annotations

from html import escape
from typing import Any

from simulator.coach.grade import CRITERIA
from simulator.game.levers import PART_PHRASE
from simulator.reports.plots import line_chart
from simulator.team.views import TranscriptView

LABELS = {"questions": "Questions", "interests": "Interests", "collaboration": "Collaboration"}
# The method's depths, from what is said down to who they want to be; surface is the stated position.
DEPTHS = {
    "surface": "what they say they want",
    "practical": "the goal behind it",
    "emotional": "how they need to feel about it",
    "political": "how it must look to others",
    "identity": "who they want to be",
}


def score_chart(view: TranscriptView, prefix: str = "") -> str:
    series: dict[str, list[float | None]] = {
        LABELS[c]: [float(t["grade"][c]["score"]) if t["grade"] else None for t in view.turns] for c in CRITERIA
    }
    labels = [str(t["turn"]) for t in view.turns]
    return line_chart(
        "Score per message",
        series,
        y_max=2,
        x_labels=labels,
        chart_id=f"{prefix}score-chart",
        y_label="0-2",
        kind="score-chart",
    )


def trust_chart(view: TranscriptView, prefix: str = "") -> str:
    values: list[float | None] = [float(t["state"]["trust"]) if t["state"] else None for t in view.turns]
    labels = [str(t["turn"]) for t in view.turns]
    return line_chart(
        "Trust over the conversation",
        {"Trust": values},
        y_max=100,
        x_labels=labels,
        chart_id=f"{prefix}trust-chart",
        kind="trust-chart",
    )


def _found(interest: dict[str, Any]) -> str:
    if interest["uncovered_turn"] is None:
        return f"<li class='missed' data-interest='{escape(interest['id'])}'>{escape(interest['summary'])} · not uncovered</li>"
    question = interest.get("question") or ""
    opened = f" · opened by <q>{escape(question)}</q>" if question else ""
    return (
        f"<li class='found' data-interest='{escape(interest['id'])}'>{escape(interest['summary'])} · "
        f"message {interest['uncovered_turn']}{opened}</li>"
    )


def depth_ladder(view: TranscriptView) -> str:
    """Surface to identity: the interests found at each depth and the question that opened each. A trainee's view
    holds only the interests they uncovered, so nothing hidden is named or placed on a rung."""
    by_depth: dict[str, list[dict[str, Any]]] = {}
    for interest in view.interests:
        by_depth.setdefault(interest["level"], []).append(interest)
    rungs = []
    for depth, meaning in DEPTHS.items():
        here = by_depth.get(depth, [])
        reached = depth == "surface" or any(i["uncovered_turn"] is not None for i in here)
        if depth == "surface":
            body = "<p>Their stated position: on the table from the start.</p>"
        elif here:
            body = "<ul>" + "".join(_found(i) for i in here) + "</ul>"
        else:
            body = "<p>Nothing found here.</p>"
        rungs.append(
            f"<li class='rung' data-depth='{depth}' data-reached='{str(reached).lower()}'>"
            f"<div class='rung-head'><span class='depth'>{'✓' if reached else '○'} {depth.capitalize()}</span> "
            f"<span class='meaning'>{meaning}</span></div>{body}</li>"
        )
    found = sum(1 for i in view.interests if i["uncovered_turn"] is not None)
    if view.full:
        summary = f"{found} of {len(view.interests)} hidden interests uncovered."
    elif view.debrief is not None:
        summary = f"{found} of {found + view.debrief.still_hidden} hidden interests uncovered."
    else:
        summary = f"{found} hidden interests uncovered so far."
    return (
        "<section class='depth-ladder' aria-label='Interests by depth'><h3>How deep you went</h3>"
        f"<p class='ladder-summary'>{summary}</p><ol class='ladder'>{''.join(rungs)}</ol></section>"
    )


def durability_checklist(view: TranscriptView) -> str:
    """The four parts of a lasting deal, each with the message that settled it, and the verdict."""
    if view.debrief is None:
        return ""
    parts: dict[str, Any] = view.debrief.durability.get("parts", {})
    items = []
    for part, phrase in PART_PHRASE.items():
        where = parts.get(part)
        said = (
            f" <small>message {where['turn']}: <q>{escape(where['evidence'])}</q></small>"
            if where
            else " <small>not said</small>"
        )
        items.append(
            f"<li data-part='{escape(part)}' data-settled='{str(where is not None).lower()}'>"
            f"{'✓' if where else '○'} {escape(phrase)}{said}</li>"
        )
    verdict = escape(str(view.debrief.durability.get("verdict", "")))
    return (
        "<section class='durability' aria-label='Would the deal last'><h3>Would the deal last?</h3>"
        f"<p>{verdict[:1].upper() + verdict[1:]}.</p><ul class='checklist'>{''.join(items)}</ul></section>"
    )


def visual_debrief(view: TranscriptView, prefix: str = "") -> str:
    """Charts, ladder and checklist in one block; `prefix` keeps element ids unique when two views share a page."""
    return (
        f"<div class='visual-debrief' id='{prefix}visual-debrief'>"
        f"<div class='plots'>{score_chart(view, prefix)}{trust_chart(view, prefix)}</div>"
        f"<div class='ladder-and-deal'>{depth_ladder(view)}{durability_checklist(view)}</div></div>"
    )
