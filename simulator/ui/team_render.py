"""HTML for the assignments, review and cohort panels; pure functions of what the caller may see."""

from __future__ import annotations

from html import escape

from simulator.coach.grade import CRITERIA
from simulator.reports.tables import table
from simulator.team.views import AssignmentView, ReviewRow

SHORT = {"questions": "Q", "interests": "I", "collaboration": "C"}


def assignments_table(views: list[AssignmentView], for_trainee: bool) -> str:
    if not views:
        text = "No assignments yet." if for_trainee else "You have not assigned anything yet."
        return f"<p class='empty'>{text}</p>"
    head = ["Counterpart", "Due", "Target", "Attempts", "Best", "Status", "Note"]
    if not for_trainee:
        head.insert(0, "Trainee")
    rows = []
    for v in views:
        a = v.assignment
        cells: list[object] = [
            v.persona_name + (" (assessment)" if a.assessment else ""),
            a.due.isoformat() if a.due else "—",
            f"{a.target}%",
            f"{len(v.attempts)}/{a.attempts or '∞'}",
            f"{v.best}%" if v.best is not None else "—",
            v.status.value,
            a.note,
        ]
        if not for_trainee:
            cells.insert(0, a.trainee)
        attrs = (
            f"data-assignment='{escape(a.id)}' data-status='{escape(v.status.value)}'"
            f" data-assessment='{str(a.assessment).lower()}'"
        )
        rows.append((attrs, cells))
    return table(head, rows, classes="assignments")


def sessions_table(rows: list[ReviewRow]) -> str:
    if not rows:
        return "<p class='empty'>No sessions match.</p>"
    head = ["Trainee", "Counterpart", "Date", "Turns", *(SHORT[c] + " avg" for c in CRITERIA), "Interests", "Outcome"]
    head += ["Score", "Pass"]
    body = []
    for r in rows:
        verdict = {True: "passed", False: "not passed", None: "—"}[r.passed]
        cells = [
            r.trainee,
            r.persona_name,
            r.started_at[:16].replace("T", " "),
            r.turns,
            *(r.averages[c] for c in CRITERIA),
            f"{r.uncovered}/{r.interests}",
            (r.outcome or "open").replace("_", " "),
            f"{r.percent}%" if r.percent is not None else "—",
            verdict,
        ]
        body.append((f"data-session='{escape(r.session_id)}'", cells))
    return table(head, body, table_id="sessions-table")


def session_label(row: ReviewRow) -> str:
    score = f" · {row.percent}%" if row.percent is not None else ""
    return f"{row.started_at[:16].replace('T', ' ')} · {row.trainee} · {row.persona_name}{score}"
