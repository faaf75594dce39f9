"""The conversation tab: one conversation on screen. The brief folds away once it starts; the chat and the coach
sit side by side on a wide screen and behind a two-way switch on a narrow one; the message box stays in view
(Enter sends, Shift+Enter starts a new line); a live status line says who is thinking and what the coach gave."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import gradio as gr

from simulator.text import storable
from simulator.ui.attempts import AttemptWidgets, build_attempts
from simulator.ui.handlers import Handlers, Screen, said
from simulator.ui.in_flight import TurnsInFlight
from simulator.ui.render import thinking
from simulator.ui.widgets import notice_panel, user_of

TAB = "practice-tab"
# The status line is a polite live region: a screen reader announces each reply and grade without moving focus.
LIVE_JS = "element.setAttribute('role', 'status'); element.setAttribute('aria-live', 'polite');"
# Narrow screens show one pane at a time; the switch flips it in the browser, with no round trip.
PANE_JS = "(pane) => { const p = document.getElementById('practice-panes'); if (p) p.dataset.pane = pane; return []; }"
# After a conversation opens, bring the message box into view and put the cursor in it. The first time the tab
# shows, Gradio sets its components' initial values in an animation frame after they appear, wiping anything
# typed before it; the cursor lands after that frame, so it tells the person (and the tests) the box is ready.
FOCUS_JS = """
() => { setTimeout(() => requestAnimationFrame(() => {
  const box = document.querySelector('#draft textarea');
  if (box) { box.scrollIntoView({block: 'nearest'}); box.focus({preventScroll: true}); }
}), 50); return []; }
"""
EMPTY_STATUS = "No conversation yet: start one from My practice."


@dataclass
class PracticeWidgets:
    brief_box: gr.Accordion
    brief: gr.Markdown
    status: gr.HTML
    pane: gr.Radio
    chat: gr.Chatbot
    draft: gr.Textbox
    send: gr.Button
    end: gr.Button
    notice: gr.Markdown
    coach: gr.HTML
    meters: gr.HTML
    ledger: gr.HTML
    debrief: gr.Markdown
    plots: gr.HTML
    attempts: AttemptWidgets


def build_practice_tab() -> PracticeWidgets:
    with gr.Tab("Conversation", id=TAB, elem_id=TAB):
        with gr.Accordion("Brief", open=False, elem_id="brief-box") as brief_box:
            brief = gr.Markdown(EMPTY_STATUS, elem_id="session-brief")
        status = gr.HTML(f"<p>{EMPTY_STATUS}</p>", elem_id="status", js_on_load=LIVE_JS)
        pane = gr.Radio(
            ["Conversation", "Coach"], value="Conversation", label="Show", show_label=False, elem_id="pane-switch"
        )
        with gr.Row(elem_id="practice-panes", equal_height=False):
            with gr.Column(scale=3, min_width=300, elem_id="chat-pane"):
                # Plain text, not markdown: a message's remote image would be fetched by the browser.
                chat = gr.Chatbot(
                    label="Negotiation",
                    elem_id="chat",
                    height="clamp(240px, calc(100dvh - 430px), 560px)",
                    render_markdown=False,
                    buttons=["copy_all"],
                )
                with gr.Group(elem_id="composer"):
                    draft = gr.Textbox(
                        label="Your message (Enter sends, Shift+Enter for a new line)",
                        placeholder="Ask, acknowledge, explore…",
                        elem_id="draft",
                        lines=1,
                        max_lines=6,
                    )
                    with gr.Row():
                        send = gr.Button("Send", variant="primary", elem_id="send", min_width=120)
                        end = gr.Button("End and debrief", elem_id="end", min_width=120)
                notice = notice_panel("notice")
                attempts = build_attempts()
            with gr.Column(scale=2, min_width=300, elem_id="coach-pane"):
                gr.Markdown("## Coach")
                coach = gr.HTML("<p>Send a message: the coach grades each one as you send it.</p>", elem_id="coach")
                meters = gr.HTML("", elem_id="meters")
                ledger = gr.HTML("", elem_id="ledger-panel")
        debrief = gr.Markdown("", elem_id="debrief")
        plots = gr.HTML("", elem_id="debrief-plots")
    pane.change(None, pane, None, js=PANE_JS)
    return PracticeWidgets(
        brief_box,
        brief,
        status,
        pane,
        chat,
        draft,
        send,
        end,
        notice,
        coach,
        meters,
        ledger,
        debrief,
        plots,
        attempts,
    )


def screen_outputs(w: PracticeWidgets, handle: gr.State) -> list[Any]:
    """The components a `Screen` fills, in its order."""
    return [w.chat, w.coach, w.meters, w.ledger, w.debrief, w.notice, handle, w.draft, w.plots, w.status]


def opened_outputs(w: PracticeWidgets, handle: gr.State, tabs: gr.Tabs, home_notice: gr.Markdown) -> list[Any]:
    """A conversation opened from elsewhere: the screen, its brief (folded), the tab, and the home's notice."""
    return [*screen_outputs(w, handle), w.brief, w.brief_box, tabs, home_notice]


def opened(screen: Screen) -> tuple[Any, ...]:
    """Values for `opened_outputs`: on success the conversation tab comes forward with the brief folded; a refusal
    stays where the person is, with the reason beside what they clicked."""
    if not screen.ok:
        return (*screen.outputs(), gr.skip(), gr.skip(), gr.skip(), screen.notice)
    title = screen.brief.splitlines()[0].lstrip("# ") if screen.brief else "Brief"
    return (
        *screen.outputs(),
        screen.brief,
        gr.Accordion(label=f"Brief: {title}", open=False),
        gr.Tabs(selected=TAB),
        "",
    )


# A press of Send that waited for the reply before it (Send is `always_last`) and finds the box empty, this soon
# after the reply, is a second press for the message just answered: it is not a new, empty message.
REPEAT_S = 2.0


def send_events(handlers: Handlers, size: int, turns: TurnsInFlight) -> Any:
    """The send handler: a thinking state at once, then the reply as it grows, then the whole page."""

    def on_send(t: str, h: Any, c: Any, request: gr.Request) -> Iterator[tuple[Any, ...]]:
        """The grade is stored before the first piece of the reply, so the coach panel shows it with that piece."""
        username = user_of(request)
        if h is not None and not (t or "").strip() and turns.finished_within(h, REPEAT_S):
            yield (gr.skip(),) * size
            return
        with turns.answering(h):
            yield from answer(t, h, c, username)

    def answer(t: str, h: Any, c: Any, username: str | None) -> Iterator[tuple[Any, ...]]:
        if h is not None and (t or "").strip() and not h.state.ended:
            name = handlers.counterpart_name(h)
            # The message shows at once and the box empties; a refusal below puts both back as they were.
            yield (
                [*(c or []), said("user", storable(t).strip())],  # a lone surrogate would break the page's JSON
                *[gr.skip()] * 6,
                "",
                gr.skip(),
                thinking(name),
            )
        graded = False
        for item in handlers.send_stream(t, h, c, username=username):
            if isinstance(item, Screen):
                yield item.outputs()
                continue
            coach_now = gr.skip() if graded else handlers.coach_panel(h, username)
            graded = True
            yield (item, coach_now, *[gr.skip()] * (size - 2))

    return on_send
