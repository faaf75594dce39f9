"""HTML and Markdown for the browser panels; pure functions of trainee-visible data."""

from __future__ import annotations

from html import escape
from typing import Any

from simulator.game.levers import PART_PHRASE
from simulator.game.state import GameState
from simulator.game.visibility import HIDDEN_TARGET, ledger, public_persona
from simulator.persona.model import Persona
from simulator.session.debrief import Debrief

LABELS = {"questions": "Asked questions", "interests": "Probed interests", "collaboration": "Stayed collaborative"}


def persona_label(persona: Persona) -> str:
    return f"{persona.name} · {persona.role} · {persona.archetype.value.replace('_', ' ')} · {persona.difficulty.value}"


def brief(persona: Persona) -> str:
    face = public_persona(persona)
    positions = "\n".join(f"- {escape(p)}" for p in face["positions"])
    return (
        f"### {escape(face['name'])}, {escape(face['role'])}\n"
        f"**Archetype:** {face['archetype'].replace('_', ' ')} · **Difficulty:** {face['difficulty']} · "
        f"**Turns:** {face['max_turns']} · **Hidden interests to find:** {face['interests_to_find']}\n\n"
        f"{escape(face['scenario'])}\n\n**What they say they want:**\n{positions}"
    )


def _grade_block(grade: dict[str, Any], turn: int, text: str, latest: bool, names: dict[str, str]) -> str:
    rows = []
    for name, label in LABELS.items():
        c = grade[name]
        evidence = f"<q>{escape(c['evidence'])}</q>" if c["evidence"] else ""
        targets = ""
        if name == "interests" and c.get("targets"):
            shown = ["a need they have not shared yet" if t == HIDDEN_TARGET else names.get(t, t) for t in c["targets"]]
            targets = f"<div class='targets'>went after: {escape(', '.join(dict.fromkeys(shown)))}</div>"
        rows.append(
            f"<div class='criterion' data-criterion='{name}' data-score='{c['score']}'>"
            f"<b>{label}</b> <span class='score score-{c['score']}'>{c['score']}/2</span> "
            f"<span class='reason'>{escape(c['reason'])}</span><div class='evidence'>{evidence}</div>{targets}</div>"
        )
    notices = "".join(f"<p class='notice'>{escape(n)}</p>" for n in grade.get("notices", []))
    total = sum(grade[name]["score"] for name in LABELS)
    attrs = " id='coach-grade' open" if latest else ""
    return (
        f"<details class='grade'{attrs} data-turn='{turn}'><summary>Message {turn} · {total}/6 · "
        f"<i>{escape(text[:60])}{'…' if len(text) > 60 else ''}</i></summary>{''.join(rows)}"
        f"<p class='suggestion'><b>Try:</b> {escape(grade['suggestion'])}</p>{notices}</details>"
    )


def coach_panel(graded: list[tuple[int, str, dict[str, Any]]], names: dict[str, str] | None = None) -> str:
    """Every graded message, newest first and open: scores, the words that earned them, one suggestion. `names`
    gives the summary of each interest already uncovered, shown instead of its id."""
    if not graded:
        return "<div id='coach-empty'><p>Send a message: the coach grades each one as you send it.</p></div>"
    blocks = [
        _grade_block(g, turn, text, latest=(i == 0), names=names or {})
        for i, (turn, text, g) in enumerate(reversed(graded))
    ]
    return f"<div id='coach-history'>{''.join(blocks)}</div>"


ASSESSMENT_PANEL = (
    "<div id='coach-history' data-assessment='open'><p><b>Assessment.</b> The coach grades every message as usual, "
    "but you see the grades and tips when the conversation ends.</p></div>"
)


def meters(state: GameState | None, tokens: dict[str, int] | None = None) -> str:
    if state is None:
        return ""
    used = (
        f"<p id='tokens'>Model tokens this session: {tokens['prompt']:,} in, {tokens['completion']:,} out</p>"
        if tokens
        else ""
    )
    return used + (
        f"<div id='trust-meter' data-trust='{state.trust}'>"
        f"<label for='trust-bar'>Trust {state.trust}/100</label>"
        f"<progress id='trust-bar' max='100' value='{state.trust}'>{state.trust}</progress>"
        f"<label for='patience-bar'>Patience {state.patience}/100</label>"
        f"<progress id='patience-bar' max='100' value='{state.patience}'>{state.patience}</progress>"
        f"<p>Phase: <b>{state.phase.value}</b> · turn {state.turn}</p>{closing_checklist(state)}</div>"
    )


def closing_checklist(state: GameState) -> str:
    """Once they agree in principle: the parts of a lasting deal settled so far."""
    if state.closing_since is None:
        return ""
    items = "".join(
        f"<li data-part='{escape(part)}' data-settled='{str(part in state.durability).lower()}'>"
        f"{'✓' if part in state.durability else '○'} {escape(part)}: {escape(text)}</li>"
        for part, text in PART_PHRASE.items()
    )
    return f"<div id='closing'><b>Making it last</b><ul>{items}</ul></div>"


def found_names(persona: Persona, state: GameState) -> dict[str, str]:
    """The summaries of the interests this conversation has uncovered (only those: the rest stay hidden)."""
    return {i.id: i.summary for i in persona.hidden_interests if i.id in state.uncovered_ids}


def ledger_panel(persona: Persona | None, state: GameState | None) -> str:
    if persona is None or state is None:
        return ""
    rows = ledger(persona, state)
    hidden = len(persona.hidden_interests) - len(rows)
    items = "".join(
        f"<li data-interest='{escape(r['id'])}'><b>{escape(r['level'])}</b> (turn {r['turn']}): {escape(r['summary'])}"
        + (f"<br><i>on the table: {escape(r['agreed'])}</i>" if r["agreed"] else "")
        + "</li>"
        for r in rows
    )
    return f"<div id='ledger'><h3>Interests uncovered</h3><ul>{items}</ul><p>{hidden} still hidden.</p></div>"


def debrief_markdown(debrief: Debrief) -> str:
    lines = [
        "## Debrief",
        f"**{debrief.outcome_text}** Overall score {debrief.overall_percent}%.",
        "",
        "| Criterion | Average (0-2) |",
        "|---|---|",
    ]
    lines += [f"| {LABELS[k]} | {v} |" for k, v in debrief.overall.items()]
    lines += ["", "**Per message:** " + ", ".join(f"#{t['turn']}: {t['total']}/6" for t in debrief.per_turn)]
    # The interests by depth, the question that opened each and the parts of a lasting deal are in the visual
    # debrief beside this text (`reports/visual.py`), the same one review shows.
    lines += ["", "**Phases:** " + " \u2192 ".join(f"{k} (turn {v})" for k, v in debrief.phases.items())]
    if debrief.proposal_before_understanding:
        lines.append("You proposed before you understood their interests.")
    levers = ", ".join(f"{v['lever']} (turn {v['turn']})" for v in debrief.value_levers) or "none"
    lines += ["", f"**Value levers used:** {escape(levers)}"]
    lines += ["", "**Try next time:**"] + [f"1. {escape(t)}" for t in debrief.try_next]
    return "\n".join(lines)


SHORT_LABELS = {"questions": "questions", "interests": "interests", "collaboration": "collaboration"}


def status_line(persona_name: str, state: GameState, grade: dict[str, Any] | None, held: bool) -> str:
    """One sentence for the live region: who spoke and, unless an assessment holds it back, the newest grade."""
    if state.ended:
        outcome = state.outcome.value.replace("_", " ") if state.outcome else "ended"
        return f"Conversation over: {outcome}. Your debrief is below the conversation."
    if state.turn == 0:
        return f"{persona_name} opened the conversation. Your turn: ask before you tell."
    scores = ""
    if grade is not None and not held:
        scores = " Coach: " + ", ".join(f"{SHORT_LABELS[k]} {grade[k]['score']}/2" for k in LABELS) + "."
    return f"{persona_name} replied to message {state.turn}.{scores}"


def thinking(persona_name: str) -> str:
    return f"<span class='thinking'>{escape(persona_name)} is thinking</span>"
