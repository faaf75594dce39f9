"""The HTML report: a transcript or a cohort as one self-contained page, plots as inline SVG, no outside requests."""

from __future__ import annotations

from html import escape
from typing import Any

from simulator.coach.grade import CRITERIA
from simulator.reports.plots import line_chart
from simulator.reports.tables import table
from simulator.reports.visual import LABELS, visual_debrief
from simulator.session.store import SessionSummary
from simulator.team.model import Comment
from simulator.team.views import TranscriptView


def progress_chart(trainee: str, points: list[tuple[str, int]]) -> str:
    """A trainee's overall score per finished session, oldest first."""
    return line_chart(
        f"Progress of {trainee} across sessions",
        {"Overall %": [float(p) for _, p in points]},
        y_max=100,
        x_labels=[d[5:10] for d, _ in points],
        chart_id=f"progress-{trainee}",
    )


def tree_html(family: list[SessionSummary], current: str | None) -> str:
    """The attempts as a tree: each branch under the attempt it came from, with the message it replays."""
    if not family:
        return ""
    children: dict[str | None, list[SessionSummary]] = {}
    ids = {s.id for s in family}
    for s in family:
        children.setdefault(s.parent_id if s.parent_id in ids else None, []).append(s)

    def items(parent: str | None) -> str:
        out = []
        for s in children.get(parent, []):
            label = "first attempt" if s.parent_id is None else f"from message {s.branch_turn}"
            mark = " <b>(on screen)</b>" if s.id == current else ""
            out.append(
                f"<li data-session='{escape(s.id)}' data-branch-turn='{s.branch_turn or ''}'>"
                f"<code>{escape(s.id)}</code> · {label} · {s.turns} messages · {escape(s.outcome or 'open')}{mark}"
                f"{items(s.id)}</li>"
            )
        return f"<ul>{''.join(out)}</ul>" if out else ""

    return f"<div id='attempts-tree'>{items(None)}</div>"


def progress_table(rows: list[dict[str, Any]]) -> str:
    """First, best and latest attempt per persona, each with its plot across attempts."""
    if not rows:
        return "<p class='empty'>No finished sessions yet.</p>"

    def point(p: dict[str, Any]) -> str:
        return f"{p['percent']}% · {(p['outcome'] or 'open').replace('_', ' ')}"

    body = [
        (
            f"data-persona='{escape(r['persona_id'])}' data-trainee='{escape(r['trainee'])}'",
            [
                r["persona"],
                r["attempts"],
                point(r["first"]),
                point(r["best"]),
                point(r["latest"]),
                line_chart(
                    f"{r['persona']} across attempts",
                    {"Overall %": [float(p) for _, p in r["points"]]},
                    y_max=100,
                    x_labels=[str(n) for n in range(1, len(r["points"]) + 1)],
                    chart_id=f"attempts-{r['persona_id']}",
                ),
            ],
        )
        for r in rows
    ]
    return table(
        ["Counterpart", "Attempts", "First", "Best", "Latest", "Across attempts"],
        body,
        table_id="progress-table",
        raw=[5],
    )


STYLE = """
body { font-family: system-ui, sans-serif; max-width: 960px; margin: 2em auto; color: #222; }
table { border-collapse: collapse; margin: 1em 0; } td, th { border: 1px solid #ccc; padding: .3em .5em; vertical-align: top; }
.turn { border-left: 4px solid #1565c0; padding: .3em .8em; margin: .8em 0; }
.reply { color: #444; margin-left: 1.5em; } .comment { background: #fff8e1; padding: .3em .5em; margin: .3em 0; }
.score-0 { color: #c62828; } .score-1 { color: #8a5a00; } .score-2 { color: #2e7d32; }
.plots { display: flex; flex-wrap: wrap; gap: 1em; } .ladder-and-deal { display: flex; flex-wrap: wrap; gap: 2em; }
.ladder { list-style: none; padding: 0; } .rung { border-left: 4px solid #bbb; padding: .2em .6em; margin: .3em 0; }
.rung[data-reached='true'] { border-color: #16a34a; } .rung .meaning { color: #555; font-size: .9em; }
.checklist { list-style: none; padding: 0; } .missed { color: #555; }
"""


def page(title: str, body: str) -> str:
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>{escape(title)}</title><style>{STYLE}</style></head><body>{body}</body></html>"
    )


def transcript_body(view: TranscriptView, prefix: str = "") -> str:
    """The transcript as HTML: meta, the visual debrief, every message with its grade and comments, the tips."""
    notes: dict[int, list[Comment]] = {}
    for c in view.comments:
        notes.setdefault(c.turn, []).append(c)
    head = (
        f"<h2>{escape(view.trainee)} with {escape(view.persona_name)}"
        + (f" <span class='version'>(version {view.persona_version})</span>" if view.persona_version else "")
        + "</h2>"
        f"<p>Session <code>{escape(view.session_id)}</code> · started {escape(view.started_at[:16].replace('T', ' '))} · "
        f"outcome: <b>{escape((view.outcome or 'still open').replace('_', ' '))}</b>"
        + (f" · overall {view.percent}%" if view.percent is not None else "")
        + (f" · assignment target {view.assignment['target']}%" if view.assignment else "")
        + (
            f" · <span class='branch'>an attempt from message {view.branch_turn} of "
            f"<code>{escape(view.parent_id)}</code></span>"
            if view.parent_id
            else ""
        )
        + "</p>"
    )
    items = [
        f"<div class='turn opening'><p class='reply'><b>{escape(view.persona_name)}:</b> {escape(view.opening)}</p></div>"
    ]
    for t in view.turns:
        grade = t["grade"]
        graded = ""
        if grade:
            cells = "".join(
                f"<td class='score-{grade[c]['score']}'><b>{LABELS[c]} {grade[c]['score']}/2</b><br>"
                f"{escape(grade[c]['reason'])}"
                + (f"<br><q>{escape(grade[c]['evidence'])}</q>" if grade[c]["evidence"] else "")
                + "</td>"
                for c in CRITERIA
            )
            targets = grade["interests"].get("targets") or []
            graded = (
                f"<table class='grade'><tr>{cells}</tr></table>"
                + (f"<p>Went after: {escape(', '.join(targets))}</p>" if targets else "")
                + f"<p><i>Try:</i> {escape(grade['suggestion'])}</p>"
            )
        state = t["state"]
        meter = (
            f"<p class='state'>trust {state['trust']} · patience {state['patience']} · phase {escape(state['phase'])}"
            f" · uncovered: {escape(', '.join(state['uncovered']) or 'none')}</p>"
            if state
            else ""
        )
        comments = "".join(
            f"<div class='comment' data-turn='{t['turn']}'><b>{escape(c.author)}</b>: {escape(c.text)}</div>"
            for c in notes.get(t["turn"], [])
        )
        reply = f"<p class='reply'><b>{escape(view.persona_name)}:</b> {escape(t['reply'])}</p>" if t["reply"] else ""
        # Trainers' re-grades, beside the coach's score: who, when, from what to what, and why.
        regrades = "".join(
            f"<p class='regrade' data-criterion='{escape(r['criterion'])}'><b>{escape(r['by'])}</b> re-graded "
            f"{LABELS[r['criterion']]} {r['before']}/2 → <b>{r['after']}/2</b> ({escape(r['at'][:16].replace('T', ' '))}): "
            f"{escape(r['reason'])}</p>"
            for r in t.get("regrades", [])
        )
        items.append(
            f"<div class='turn' data-turn='{t['turn']}'><p><b>{t['turn']}. {escape(view.trainee)}:</b> "
            f"{escape(t['user'])}</p>{graded}{regrades}{meter}{comments}{reply}</div>"
        )
    debrief = ""
    if view.debrief is not None:
        d = view.debrief
        debrief = (
            f"<h3>Debrief</h3><p>{escape(d.outcome_text)} Overall {d.overall_percent}%.</p><ul>"
            + "".join(f"<li>{escape(tip)}</li>" for tip in d.try_next)
            + "</ul>"
        )
    return head + visual_debrief(view, prefix) + "".join(items) + debrief


def transcript_html(view: TranscriptView) -> str:
    return page(f"Parley transcript {view.session_id}", transcript_body(view))


COHORT_COLUMNS = [
    ("persona", "Counterpart"),
    ("trainee", "Trainee"),
    ("sessions", "Sessions"),
    ("finished", "Finished"),
    ("best_percent", "Best %"),
    ("mean_percent", "Mean %"),
    ("first_percent", "First %"),
    ("latest_percent", "Latest %"),
    ("improvement", "Change"),
    ("questions_avg", "Questions"),
    ("interests_avg", "Interests"),
    ("collaboration_avg", "Collaboration"),
    ("mean_uncovered", "Interests found"),
    ("agreements", "Agreements"),
    ("passed", "Passed"),
]


def cohort_table_html(rows: list[dict[str, Any]]) -> str:
    body = [("", ["" if r[k] is None else r[k] for k, _ in COHORT_COLUMNS]) for r in rows]
    return table([label for _, label in COHORT_COLUMNS], body, table_id="cohort-table")


def cohort_html(rows: list[dict[str, Any]], views: list[TranscriptView]) -> str:
    by_trainee: dict[str, list[tuple[str, int]]] = {}
    for v in sorted(views, key=lambda v: v.started_at):
        if v.percent is not None:
            by_trainee.setdefault(v.trainee, []).append((v.started_at, v.percent))
    charts = "".join(progress_chart(t, pts) for t, pts in sorted(by_trainee.items()))
    sessions = "".join(f"<hr>{transcript_body(v, prefix=f's{v.session_id}-')}" for v in views)
    return page("Parley cohort report", f"<h1>Cohort</h1>{cohort_table_html(rows)}{charts}{sessions}")
