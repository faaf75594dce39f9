"""HTML for the homes: a trainee's assignment cards and recent sessions, and what needs a trainer now.

Every action is a real `<button>` with its ids in data attributes; one click listener per panel (`ACTIONS_JS`)
hands them to the server as event data, where the team service checks them like any other input."""

from __future__ import annotations

from html import escape

from simulator.team.home import TraineeHome, TrainerHome
from simulator.team.views import AssignmentView, ReviewRow

# Runs once per panel in the browser: a click (or Enter/Space) on an action button sends its data attributes.
ACTIONS_JS = """
element.addEventListener('click', (event) => {
  const button = event.target.closest('button[data-action]');
  if (button && element.contains(button)) trigger('click', {...button.dataset});
});
"""


def _when(iso: str | None) -> str:
    return (iso or "")[:16].replace("T", " ")


def _button(label: str, action: str, name: str, primary: bool = False, **data: str) -> str:
    """`name` completes the label for screen readers ("Start" alone would not say which card)."""
    attrs = "".join(f" data-{k}='{escape(v)}'" for k, v in data.items())
    kind = "primary" if primary else "secondary"
    return (
        f"<button type='button' class='action {kind}' data-action='{action}'{attrs} "
        f"aria-label='{escape(label)}: {escape(name)}'>{escape(label)}</button>"
    )


def _facts(pairs: list[tuple[str, str]]) -> str:
    return "<dl class='facts'>" + "".join(f"<div><dt>{k}</dt><dd>{escape(v)}</dd></div>" for k, v in pairs) + "</dl>"


def assignment_cards(
    home: TraineeHome, labels: dict[str, str], blocked: dict[str, str | None], empty: str = "No assignments yet."
) -> str:
    """One card per assignment: counterpart, due, target, attempts, best, status and, when it can be played, Start.
    `labels` describes each persona; `blocked` says why an assignment cannot be started (None: it can)."""
    if not home.cards:
        return f"<p class='empty'>{escape(empty)}</p>"
    cards = []
    for view in home.cards:
        a = view.assignment
        why = blocked.get(a.id)
        action = (
            _button("Start" if not view.attempts else "Try again", "start", view.persona_name, True, assignment=a.id)
            if why is None
            else f"<p class='why-not'>{escape(why[:1].upper() + why[1:])}.</p>"
        )
        twins = home.merged.get(a.id, 1)
        cards.append(
            f"<li class='card' data-assignment='{escape(a.id)}' data-status='{escape(view.status.value)}' "
            f"data-assessment='{str(a.assessment).lower()}'>"
            f"<h4>{escape(view.persona_name)}"
            + (" <span class='badge'>assessment</span>" if a.assessment else "")
            + "</h4>"
            f"<p class='persona'>{escape(labels.get(a.persona_id, ''))}</p>"
            + _facts(
                [
                    ("Due", a.due.isoformat() if a.due else "no date"),
                    ("Target", f"{a.target}%"),
                    ("Attempts", f"{len(view.attempts)} of {a.attempts}" if a.attempts else f"{len(view.attempts)}"),
                    ("Best", f"{view.best}%" if view.best is not None else "—"),
                    ("Status", view.status.value),
                ]
            )
            + (f"<p class='note'><b>From {escape(a.trainer)}:</b> {escape(a.note)}</p>" if a.note else "")
            + (f"<p class='twins'>Assigned {twins} times: this card stands for all of them.</p>" if twins > 1 else "")
            + f"{action}</li>"
        )
    return f"<ul class='cards' aria-label='My assignments'>{''.join(cards)}</ul>"


def recent_sessions(rows: list[ReviewRow], reopen: bool = True) -> str:
    """The caller's latest sessions with their scores; open ones can be continued, ended ones reviewed."""
    if not rows:
        return "<p class='empty'>No sessions yet: start one above.</p>"
    items = []
    for r in rows:
        name = f"{r.persona_name}, {_when(r.started_at)}"
        outcome = (r.outcome or "open").replace("_", " ")
        score = f"{r.percent}%" if r.percent is not None else "not scored yet"
        actions = _button("Review", "review", name, session=r.session_id)
        if reopen and r.ended_at is None:
            actions = _button("Continue", "reopen", name, True, session=r.session_id) + actions
        items.append(
            f"<li class='session' data-session='{escape(r.session_id)}' data-outcome='{escape(outcome)}'>"
            f"<span class='what'><b>{escape(r.persona_name)}</b> · {escape(_when(r.started_at))}</span>"
            f"<span class='how'>{r.turns} message{'s' if r.turns != 1 else ''} · {escape(outcome)} · "
            f"<b>{escape(score)}</b></span>"
            f"<span class='actions'>{actions}</span></li>"
        )
    return f"<ul class='recent' aria-label='Recent sessions'>{''.join(items)}</ul>"


def _assignment_item(view: AssignmentView, detail: str) -> str:
    a = view.assignment
    name = f"{a.trainee}, {view.persona_name}"
    best = f" · best {view.best}%" if view.best is not None else ""
    return (
        f"<li data-assignment='{escape(a.id)}'><span class='what'><b>{escape(a.trainee)}</b> · "
        f"{escape(view.persona_name)}</span><span class='how'>{escape(detail)} · "
        f"{len(view.attempts)} attempt{'s' if len(view.attempts) != 1 else ''}{best}</span>"
        f"<span class='actions'>{_button('Their sessions', 'sessions', name, trainee=a.trainee, persona=a.persona_id)}"
        "</span></li>"
    )


def trainer_queue(home: TrainerHome) -> str:
    """What needs the trainer now, most urgent first; an empty home says so plainly."""
    if home.empty:
        return (
            "<section id='needs-you' data-empty='true'><h3>Needs you</h3><p class='empty'>Nothing needs you right now: "
            "no overdue or failed assignments and no new sessions to review.</p></section>"
        )
    parts = []
    if home.to_review:
        items = "".join(
            f"<li data-session='{escape(r.session_id)}'><span class='what'><b>{escape(r.trainee)}</b> · "
            f"{escape(r.persona_name)}</span><span class='how'>ended {escape(_when(r.ended_at))} · "
            f"{escape((r.outcome or '').replace('_', ' '))} · <b>{r.percent}%</b>"
            + ({True: " · passed", False: " · not passed", None: ""}[r.passed])
            + "</span><span class='actions'>"
            + _button("Open", "open", f"{r.trainee}, {r.persona_name}", True, session=r.session_id)
            + "</span></li>"
            for r in home.to_review
        )
        parts.append(("review", f"New sessions to review ({len(home.to_review)})", items))
    for key, title, views, detail in (
        ("overdue", "Overdue", home.overdue, "was due {due}"),
        ("out-of-attempts", "Out of attempts, not passed", home.out_of_attempts, "target {target}%"),
        ("due-soon", "Due soon", home.due_soon, "due {due} · {status}"),
    ):
        if views:
            items = "".join(
                _assignment_item(
                    v,
                    detail.format(
                        due=v.assignment.due.isoformat() if v.assignment.due else "",
                        target=v.assignment.target,
                        status=v.status.value,
                    ),
                )
                for v in views
            )
            parts.append((key, f"{title} ({len(views)})", items))
    sections = "".join(
        f"<section data-queue='{key}' aria-label='{escape(title)}'><h4>{escape(title)}</h4><ul class='queue'>{items}</ul>"
        "</section>"
        for key, title, items in parts
    )
    return f"<section id='needs-you'><h3>Needs you</h3><div class='queues'>{sections}</div></section>"
