"""Rewind, "try another way", the attempts tree and side-by-side comparison, in the conversation tab."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from html import escape
from typing import Any

import gradio as gr

from simulator.errors import SimulatorError
from simulator.reports.html import tree_html
from simulator.session.practice import Handle
from simulator.session.store import SessionRecord
from simulator.team.service import Team
from simulator.ui.handlers import Chat, Handlers, Screen, said
from simulator.ui.in_flight import TurnsInFlight
from simulator.ui.widgets import id_picker, user_of


def history(record: SessionRecord) -> Chat:
    chat: Chat = [said("assistant", record.opening)]
    for t in record.turns:
        chat.append(said("user", t.user_text))
        if t.reply is not None:
            chat.append(said("assistant", t.reply))
    return chat


def comparison_html(sides: list[dict[str, Any]]) -> str:
    """Two attempts side by side: per message the scores and trust, then uncovered interests and the outcome."""
    a, b = sides
    rows = []
    for n in range(max(len(a["turns"]), len(b["turns"]))):
        cells = []
        for side, name in ((a, "first"), (b, "second")):
            t = side["turns"][n] if n < len(side["turns"]) else None
            said, found = f"data-label='{name}: message · scores'", f"data-label='{name}: trust · found'"
            if t is None:
                cells.append(f"<td {said}></td><td {found}></td>")
                continue
            s = t["scores"]
            scores = f"Q {s['questions']} · I {s['interests']} · C {s['collaboration']}" if s else "not graded"
            cells.append(
                f"<td {said} data-turn='{t['turn']}'>{escape(t['text'][:120])}<br><small>{scores}</small></td>"
                f"<td {found} class='trust'>{t['trust'] if t['trust'] is not None else ''}"
                f"<br><small>{t['uncovered'] if t['uncovered'] is not None else 0} found</small></td>"
            )
        differ = (
            " class='differs'" if n < len(a["turns"]) and n < len(b["turns"]) and a["turns"][n] != b["turns"][n] else ""
        )
        rows.append(f"<tr{differ}><th>{n + 1}</th>{''.join(cells)}</tr>")
    head = "".join(
        f"<th colspan='2'><code>{escape(s['id'])}</code>"
        + (f" (from message {s['branch_turn']})" if s["branch_turn"] else " (first attempt)")
        + "</th>"
        for s in sides
    )
    foot = "".join(
        f"<td colspan='2' data-label='end' data-outcome='{escape(s['outcome'])}'>{escape(s['outcome'].replace('_', ' '))} · "
        f"{s['uncovered']} interests uncovered · trust {s['trust']}"
        + (f" · score {s['percent']}%" if s["percent"] is not None else "")
        + "</td>"
        for s in sides
    )
    return (
        "<table id='comparison' class='fold'><thead><tr><th>message</th>"
        + head
        + "</tr><tr><th></th>"
        + "<th>your message · scores</th><th>trust · interests found</th>" * 2
        + f"</tr></thead><tbody>{''.join(rows)}</tbody><tfoot><tr><th>end</th>{foot}</tr></tfoot></table>"
    )


class AttemptHandlers:
    """Through the team service, like every handler: it checks who may branch, read and compare."""

    def __init__(self, team: Team, handlers: Handlers) -> None:
        self.team = team
        self.handlers = handlers

    def rewind(self, turn: Any, handle: Handle | None, username: str | None = None) -> Screen:
        """A new attempt from before message `turn`; that message's words go back in the box, to say otherwise."""
        if handle is None:
            return self.handlers.blocked("Start or reopen a conversation first.", None, None, username)
        caller = self.team.caller(username)
        try:
            number = int(turn or 0)
            old = self.team.record(caller, handle.session_id)
            new, record = self.team.branch(caller, handle.session_id, number)
        except (SimulatorError, ValueError, TypeError) as exc:
            return self.handlers.blocked(str(exc), handle, None, username)
        words = next((t.user_text for t in old.turns if t.turn == number), "")
        return self.handlers.screen(
            new,
            history(record),
            username,
            notice=f"Rewound to before message {number}: a new attempt ({new.session_id}). Say it another way.",
            draft=words,
        )

    def rewind_session(self, session_id: str | None, turn: Any, username: str | None = None) -> Screen | str:
        """From Review: a trainer tries a trainee's moment themselves. The new attempt (the trainer's own) as a
        Practice screen, or why not."""
        if not session_id or turn in (None, ""):
            return "⚠️ Open a session and choose the message to try yourself."
        try:
            number = int(turn)
            caller = self.team.caller(username)
            old = self.team.record(caller, session_id)
            new, record = self.team.branch(caller, session_id, number)
        except (SimulatorError, ValueError, TypeError) as exc:
            return f"⚠️ {exc}"
        words = next((t.user_text for t in old.turns if t.turn == number), "")
        notice = f"Your own attempt from before message {number} of {old.user}'s session {old.id}. Say it your way."
        return self.handlers.screen(new, history(record), username, notice=notice, draft=words)

    def retry_stream(self, text: str, handle: Handle | None, username: str | None = None) -> Iterator[Screen | Chat]:
        """'Try another way': the last message replayed, with the words in the box, in a new attempt."""
        if handle is None:
            yield self.handlers.blocked("Start or reopen a conversation first.", None, None, username, draft=text)
            return
        if not (text or "").strip():
            yield self.handlers.blocked("Write the message you want to try instead first.", handle, None, username)
            return
        try:
            new, record = self.team.branch(self.team.caller(username), handle.session_id, handle.state.turn)
        except SimulatorError as exc:
            yield self.handlers.blocked(str(exc), handle, None, username, draft=text)
            return
        yield from self.handlers.send_stream(text, new, history(record), username, draft_after="")  # sent: empty it

    def tree(self, handle: Handle | None, username: str | None = None) -> tuple[str, list[tuple[str, str]]]:
        """The tree of attempts of the conversation on screen, and the choices to compare."""
        if handle is None:
            return "", []
        try:
            family = self.team.attempts(self.team.caller(username), handle.session_id)
        except SimulatorError as exc:
            return f"<p>{escape(str(exc))}</p>", []
        choices = [
            (f"{s.id} · " + ("first attempt" if s.parent_id is None else f"from message {s.branch_turn}"), s.id)
            for s in family
        ]
        return tree_html(family, handle.session_id), choices

    def compare(self, first: str | None, second: str | None, username: str | None = None) -> str:
        if not first or not second:
            return "<p>Choose two attempts to compare.</p>"
        try:
            return comparison_html(self.team.compare(self.team.caller(username), first, second))
        except SimulatorError as exc:
            return f"<p>⚠️ {escape(str(exc))}</p>"


@dataclass
class AttemptWidgets:
    rewind_to: gr.Number
    rewind: gr.Button
    retry: gr.Button
    tree: gr.HTML
    first: gr.Dropdown
    second: gr.Dropdown
    compare: gr.Button
    comparison: gr.HTML


def build_attempts() -> AttemptWidgets:
    """The rewind row and the attempts accordion, laid out where they are called (under the chat)."""
    with gr.Row():
        rewind_to = gr.Number(value=1, precision=0, minimum=1, label="Rewind to before message", elem_id="rewind-to")
        rewind = gr.Button("Rewind here", elem_id="rewind")
        retry = gr.Button("Try another way", elem_id="retry")
    with gr.Accordion("Attempts", open=False, elem_id="attempts"):
        tree = gr.HTML("", elem_id="attempts-panel")
        with gr.Row():
            first = id_picker("Attempt", "compare-a")
            second = id_picker("Compare with", "compare-b")
            compare = gr.Button("Compare side by side", elem_id="compare")
        comparison = gr.HTML("", elem_id="comparison-panel")
    return AttemptWidgets(rewind_to, rewind, retry, tree, first, second, compare, comparison)


def wire_review_rewind(
    attempts: AttemptHandlers,
    button: gr.Button,
    inputs: list[Any],
    opened_out: list[Any],
    opened: Callable[[Screen], tuple[Any, ...]],
    notice: Any,
    refresh_after: Callable[[Any], Any],
) -> None:
    """Review's "Try this moment yourself": the branch opens in the conversation tab (`opened` fills `opened_out`)."""

    def on_review_rewind(s: str | None, n: Any, request: gr.Request) -> tuple[Any, ...]:
        result = attempts.rewind_session(s, n, user_of(request))
        if isinstance(result, str):
            return (*[gr.skip()] * len(opened_out), result)
        return (*opened(result), "Opened in the Conversation tab.")

    refresh_after(button.click(on_review_rewind, inputs, [*opened_out, notice], api_name="rewind_from_review"))


def wire_attempts(
    attempts: AttemptHandlers,
    w: AttemptWidgets,
    handle: gr.State,
    draft: gr.Textbox,
    screen: list[Any],
    turns: TurnsInFlight,
) -> Callable[[Any], Any]:
    """Connect the widgets; returns a function that chains the tree's refresh after another event."""

    def on_tree(h: Any, request: gr.Request) -> tuple[Any, ...]:
        html, choices = attempts.tree(h, user_of(request))
        return html, gr.Dropdown(choices=choices, value=None), gr.Dropdown(choices=choices, value=None)

    def shown(result: Screen) -> tuple[Any, ...]:
        # A refused rewind or retry leaves the conversation on screen as it is (these events do not read the chat).
        refused = result.notice.startswith("⚠️")
        return (gr.skip() if refused else result.chat, *result.outputs()[1:])

    def on_rewind(n: Any, h: Any, request: gr.Request) -> tuple[Any, ...]:
        return shown(attempts.rewind(n, h, user_of(request)))

    def on_retry(t: str, h: Any, request: gr.Request) -> Iterator[tuple[Any, ...]]:
        # Pressed while a reply arrives, it replays that message once the reply is in, not the one before it.
        with turns.settled(h, ending=False):
            for item in attempts.retry_stream(t, h, user_of(request)):
                yield shown(item) if isinstance(item, Screen) else (item, *[gr.skip()] * (len(screen) - 1))

    def on_compare(a: str | None, b: str | None, request: gr.Request) -> str:
        return attempts.compare(a, b, user_of(request))

    outputs = [w.tree, w.first, w.second]

    def refresh_after(event: Any) -> Any:
        return event.then(on_tree, [handle], outputs, api_name=False)

    refresh_after(w.rewind.click(on_rewind, [w.rewind_to, handle], screen, api_name="rewind"))
    refresh_after(w.retry.click(on_retry, [draft, handle], screen, api_name="retry"))
    w.compare.click(on_compare, [w.first, w.second], w.comparison, api_name="compare")
    return refresh_after
