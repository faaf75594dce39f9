"""The Gradio app: the homes, the conversation, review, cohort, assign and the Studio, built from one composition root."""

from __future__ import annotations

import logging
import sys
from html import escape
from pathlib import Path
from typing import Any

import gradio as gr

from simulator.config import Settings
from simulator.errors import SimulatorError
from simulator.ui.attempts import AttemptHandlers, wire_attempts, wire_review_rewind
from simulator.ui.downloads import Downloads
from simulator.ui.handlers import Handlers
from simulator.ui.home import HomeHandlers, build_home, clicked, home_refresh
from simulator.ui.in_flight import TurnsInFlight
from simulator.ui.launch import Built, launch_options
from simulator.ui.practice_tab import (
    FOCUS_JS,
    build_practice_tab,
    opened,
    opened_outputs,
    screen_outputs,
    send_events,
)
from simulator.ui.regrade import wire_regrade
from simulator.ui.review_tab import (
    REVIEW_TAB,
    build_review_tab,
    build_team_tabs,
    opened_review,
    review_outputs,
    wire_review,
    wire_team_tabs,
)
from simulator.ui.studio_handlers import StudioHandlers
from simulator.ui.studio_tab import build_studio_tab
from simulator.ui.style import CSS, JS
from simulator.ui.team_handlers import TeamHandlers
from simulator.ui.widgets import user_of
from simulator.wiring import build_services

log = logging.getLogger(__name__)

UI_CONCURRENCY = 16  # calls of one event (sends, starts…) served at once by one instance


def build(settings: Settings) -> Built:
    """The Blocks app and the services behind it (the caller decides whether sign-in is needed).
    Raises `StorageError` when the database cannot be opened."""
    services = build_services(settings)
    services.check_accounts()
    catalog, practice, team, degraded = services.catalog, services.practice, services.team, services.search_off
    downloads = Downloads()
    handlers = Handlers(team)
    review = TeamHandlers(team, downloads)
    studio = StudioHandlers(services.studio, team, downloads)
    home = HomeHandlers(team)
    with gr.Blocks(title="Parley") as app:
        handle = gr.State(None)
        with gr.Row(elem_id="masthead", equal_height=True):
            gr.Markdown("# Parley", elem_id="title")
            who = gr.HTML("", elem_id="who")
        gr.Markdown(
            "Practise a hard negotiation. Ask before you tell; the coach grades every message.", elem_id="tagline"
        )
        if catalog.skipped:
            # File names only: the page never shows where the server keeps its files.
            skipped = "\n".join(
                f"- `{escape(Path(e.path).name)}`: {escape('; '.join(e.problems))}" for e in catalog.skipped
            )
            gr.Markdown(f"**Some persona files were skipped:**\n{skipped}", elem_id="skipped-personas")
        if degraded:
            gr.Markdown(
                "**Transcript search and tip matching are off: the embedding store could not be opened "
                "(the server log says why). Grading and saving work as usual.**",
                elem_id="search-problem",
            )
        with gr.Tabs(elem_id="tabs") as tabs:
            h = build_home(
                handlers, list(practice.voices), practice.voice.name, list(practice.coaches), practice.coach.name
            )
            p = build_practice_tab()
            r = build_review_tab(review)
            t = build_team_tabs(review)
            studio_tab, studio_library, studio_picker = build_studio_tab(studio, user_of)

        screen = screen_outputs(p, handle)
        opened_out = opened_outputs(p, handle, tabs, h.notice)
        review_out = review_outputs(r, tabs)  # tabs first, then what an opened transcript fills
        attempt_handlers = AttemptHandlers(team, handlers)
        turns = TurnsInFlight()
        refresh_attempts = wire_attempts(attempt_handlers, p.attempts, handle, p.draft, screen, turns)
        home_out = [h.cards, h.recent, h.progress]

        def on_home_tab(request: gr.Request) -> tuple[Any, ...]:
            """Coming back home shows what starting, sending and ending moved meanwhile: the home is out of sight
            while they happen, so it is read once here rather than after every turn."""
            user = user_of(request)
            return (*home_refresh(home, review, user), home.trainer(user))

        def on_load(request: gr.Request) -> tuple[Any, ...]:
            user = user_of(request)
            land = review.landing(user)
            cards, recent = home.trainee(user)
            return (
                land.header,
                gr.Tab(label="Home" if land.assigns else "My practice"),
                home.trainer(user),
                gr.Column(visible=land.trainee),
                cards,
                recent,
                review.my_progress(user),
                gr.Dropdown(choices=handlers.session_choices(user), value=None),
                gr.Dropdown(
                    choices=[("any", ""), *[(n, n) for n in land.trainee_choices]], value="", visible=land.trainer
                ),
                land.table,
                gr.Dropdown(choices=land.session_choices, value=None),
                gr.Group(visible=land.trainer),
                gr.Tab(visible=land.trainer),
                gr.Tab(visible=land.assigns),
                gr.Dropdown(choices=land.trainee_choices, value=[]),
                review.assigned_table(user) if land.assigns else "",
                # Personas published in the Studio since start: every page load lists them, no restart.
                gr.Dropdown(choices=handlers.choices()),
                gr.Dropdown(choices=review.persona_choices(), value=[]),
                gr.Tab(visible=land.trainer),
                *studio.landing(user, land.trainer),
            )

        app.load(
            on_load,
            None,
            [
                who,
                h.tab,
                h.needs_you,
                h.assigned_box,
                h.cards,
                h.recent,
                h.progress,
                h.past,
                r.trainee_filter,
                r.sessions,
                r.picked,
                r.comment_box,
                t.cohort_tab,
                t.assign_tab,
                t.trainees,
                t.assigned_table,
                h.persona,
                t.personas,
                studio_tab,
                studio_library,
                studio_picker,
            ],
            api_name="landing",
        )
        h.persona.change(handlers.describe, h.persona, h.brief, api_name="describe")

        def on_start(
            pid: str | None, hd: Any, c: Any, v: str | None, k: str | None, request: gr.Request
        ) -> tuple[Any, ...]:
            return opened(handlers.start(pid, hd, c, v, k, username=user_of(request)))

        def on_card(
            hd: Any, c: Any, v: str | None, k: str | None, evt: gr.EventData, request: gr.Request
        ) -> tuple[Any, ...]:
            """A Start button on an assignment card: its assignment id comes as the click's data."""
            chosen = clicked(evt).get("assignment")
            return opened(handlers.start_assignment(chosen, hd, c, v, k, username=user_of(request)))

        def on_recent(hd: Any, c: Any, evt: gr.EventData, request: gr.Request) -> tuple[Any, ...]:
            """Continue an open session in the conversation tab, or review one in the Review tab."""
            data, user = clicked(evt), user_of(request)
            if data.get("action") == "review":
                _, *shown = opened_review(review, data.get("session"), user)
                return (*[gr.skip()] * (len(opened_out) - 2), gr.Tabs(selected=REVIEW_TAB), gr.skip(), *shown)
            return (*opened(handlers.reopen(data.get("session"), hd, c, username=user)), *[gr.skip()] * 4)

        def on_queue(evt: gr.EventData, request: gr.Request) -> tuple[Any, ...]:
            """A trainer's home: open a new session, or list a trainee's sessions with one counterpart."""
            data, user = clicked(evt), user_of(request)
            if data.get("action") == "sessions":
                trainee, persona = data.get("trainee", ""), data.get("persona", "")
                table, picks = review.sessions(trainee, persona, "", user)
                return (
                    gr.Tabs(selected=REVIEW_TAB),
                    gr.Dropdown(choices=picks, value=None),
                    *[gr.skip()] * 3,
                    gr.Dropdown(value=trainee),
                    gr.Dropdown(value=persona),
                    table,
                )
            return (*opened_review(review, data.get("session"), user), *[gr.skip()] * 3)

        def on_end(hd: Any, c: Any, request: gr.Request) -> tuple[Any, ...]:
            """End pressed while the reply is still arriving ends the conversation once it has arrived. The chat
            stays as the page shows it: the one read at the press may lack the rest of that reply."""
            with turns.settled(hd):
                return (gr.skip(), *handlers.end(hd, c, username=user_of(request)).outputs()[1:])

        def on_reopen(s: str | None, hd: Any, c: Any, request: gr.Request) -> tuple[Any, ...]:
            return opened(handlers.reopen(s, hd, c, username=user_of(request)))

        def on_refresh(request: gr.Request) -> tuple[Any, ...]:
            user = user_of(request)
            return gr.Dropdown(choices=handlers.session_choices(user)), review.my_progress(user)

        on_send = send_events(handlers, len(screen), turns)
        starts = [h.voice, h.coach]
        events = [
            h.start.click(on_start, [h.persona, handle, p.chat, *starts], opened_out, api_name="start"),
            h.cards.click(on_card, [handle, p.chat, *starts], opened_out, api_name="start_assignment"),
            h.recent.click(on_recent, [handle, p.chat], [*opened_out, *review_out[1:]], api_name="recent_session"),
            h.reopen.click(on_reopen, [h.past, handle, p.chat], opened_out, api_name="reopen"),
            # One event for Send and Enter, so the two never run at once; a message sent while the reply is still
            # arriving goes once it ends (Gradio's default drops it), read from the box then.
            gr.on(
                [p.send.click, p.draft.submit],
                on_send,
                [p.draft, handle, p.chat],
                screen,
                api_name="send",
                trigger_mode="always_last",
            ),
            p.end.click(on_end, [handle, p.chat], screen, api_name="end"),
        ]
        for event in events:
            refresh_attempts(event)  # starting, sending and ending can add an attempt
        for event in events[:4]:  # a conversation just opened: the message box comes into view, with the cursor
            event.then(None, None, None, js=FOCUS_JS)
        h.needs_you.click(
            on_queue, None, [*review_out, r.trainee_filter, r.persona_filter, r.sessions], api_name="needs_you"
        )
        h.refresh.click(on_refresh, None, [h.past, h.progress], api_name="own_sessions")
        # Coming back home shows what changed meanwhile.
        h.tab.select(on_home_tab, None, [*home_out, h.needs_you], api_name="home")
        wire_review(review, r)
        wire_regrade(review, r.regrade, r.picked, r.turn, r.transcript, r.notice)
        wire_review_rewind(
            attempt_handlers, r.try_it, [r.picked, r.turn], opened_out, opened, r.notice, refresh_attempts
        )
        wire_team_tabs(review, t)
    # Gradio runs one call of each event at a time across all users unless told otherwise: one trainee's reply
    # would keep every other waiting. The services are safe to call at once (the JSON API does).
    app.queue(default_concurrency_limit=UI_CONCURRENCY)
    return Built(app, team, downloads, studio.upload, services)


def build_app(settings: Settings) -> gr.Blocks:
    return build(settings).app


def main() -> None:
    try:
        settings = Settings.from_env()
        built = build(settings)
    except SimulatorError as exc:
        detail = getattr(exc, "detail", None)
        print(f"parley: cannot start: {exc}" + (f" ({detail})" if detail else ""), file=sys.stderr)
        raise SystemExit(2) from None
    try:
        built.app.launch(
            server_name=settings.host,
            server_port=settings.port,
            css=CSS,
            js=JS,
            footer_links=[],
            **launch_options(built),
        )
    except OSError as exc:
        # Most often the port: an instance stopped a moment ago may hold it for a few seconds more. Gradio's own
        # words go on to name its settings, not Parley's: the first sentence is enough.
        reason = str(exc).split(". ")[0].strip() or type(exc).__name__
        print(
            f"parley: cannot start: cannot listen on {settings.host}:{settings.port} ({reason}): "
            "if Parley was just stopped, wait a few seconds and start again; else set PARLEY_PORT to a free port",
            file=sys.stderr,
        )
        raise SystemExit(2) from None
