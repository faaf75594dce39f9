"""The Gradio app: persona picker, chat, coach panel, trust meter, ledger and debrief."""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator
from html import escape
from pathlib import Path
from typing import Any

import gradio as gr

from simulator.config import Settings
from simulator.errors import SimulatorError
from simulator.ui.attempts import AttemptHandlers, build_attempts, wire_attempts, wire_review_rewind
from simulator.ui.downloads import Downloads
from simulator.ui.handlers import Handlers, Screen
from simulator.ui.launch import Built, launch_options
from simulator.ui.regrade import build_regrade, wire_regrade
from simulator.ui.studio_handlers import StudioHandlers
from simulator.ui.studio_tab import build_studio_tab
from simulator.ui.style import CSS
from simulator.ui.team_handlers import TeamHandlers
from simulator.ui.widgets import any_persona, choice_radio, export_format, id_picker, user_of
from simulator.wiring import build_services

log = logging.getLogger(__name__)


def build(settings: Settings) -> Built:
    """The Blocks app and the services behind it (the caller decides whether sign-in is needed).
    Raises `StorageError` when the database cannot be opened."""
    services = build_services(settings)
    catalog, practice, team, degraded = services.catalog, services.practice, services.team, services.search_off
    downloads = Downloads()
    handlers = Handlers(team)
    review = TeamHandlers(team, downloads)
    studio = StudioHandlers(services.studio, team, downloads)
    choices = handlers.choices()
    with gr.Blocks(title="Parley") as app:
        handle = gr.State(None)
        gr.Markdown("# Parley\nPractise a hard negotiation. Ask before you tell; the coach grades every message.")
        who = gr.HTML("", elem_id="who")
        if catalog.skipped:
            # File names only: the page never shows where the server keeps its files.
            skipped = "\n".join(
                f"- `{escape(Path(e.path).name)}`: {escape('; '.join(e.problems))}" for e in catalog.skipped
            )
            gr.Markdown(f"**Some persona files were skipped:**\n{skipped}", elem_id="skipped-personas")
        with gr.Tabs() as tabs:
            with gr.Tab("Practice", id="practice-tab", elem_id="practice-tab"):
                gr.Markdown(handlers.in_use(), elem_id="in-use")
                voice = choice_radio("Counterpart voice", list(practice.voices), practice.voice.name, "voice-choice")
                coach_choice = choice_radio("Coach", list(practice.coaches), practice.coach.name, "coach-choice")
                if degraded:
                    gr.Markdown(
                        "**Transcript search and tip matching are off: the embedding store could not be opened "
                        "(the server log says why). Grading and saving work as usual.**",
                        elem_id="search-problem",
                    )
                with gr.Group(visible=False) as assigned_box:
                    gr.Markdown("### My assignments")
                    assigned = gr.HTML("", elem_id="my-assignments")
                    with gr.Row():
                        assignment = id_picker("Assignment", "assignment-picker", scale=4)
                        start_assigned = gr.Button("Start assignment", elem_id="start-assignment", scale=1)
                with gr.Row():
                    with gr.Column(scale=3):
                        with gr.Row():
                            persona = gr.Dropdown(
                                choices=choices,
                                value=choices[0][1] if choices else None,
                                label="Counterpart",
                                elem_id="persona-picker",
                                scale=4,
                            )
                            start = gr.Button("Start negotiation", variant="primary", elem_id="start", scale=1)
                        brief = gr.Markdown(handlers.describe(choices[0][1] if choices else None), elem_id="brief")
                        # Plain text, not markdown: a message's remote image would be fetched by the browser.
                        chat = gr.Chatbot(label="Negotiation", elem_id="chat", height=420, render_markdown=False)
                        draft = gr.Textbox(
                            label="Your message", placeholder="Ask, acknowledge, explore…", elem_id="draft", lines=2
                        )
                        with gr.Row():
                            send = gr.Button("Send", variant="primary", elem_id="send")
                            end = gr.Button("End and debrief", elem_id="end")
                        notice = gr.Markdown("", elem_id="notice")
                        attempt_widgets = build_attempts()
                    with gr.Column(scale=2):
                        gr.Markdown("## Coach")
                        coach = gr.HTML(
                            "<p>Send a message: the coach grades each one as you send it.</p>", elem_id="coach"
                        )
                        meter = gr.HTML("", elem_id="meters")
                        ledger = gr.HTML("", elem_id="ledger-panel")
                debrief = gr.Markdown("", elem_id="debrief")
                debrief_plots = gr.HTML("", elem_id="debrief-plots")
                with gr.Accordion("Past sessions", open=False):
                    past = id_picker("Stored sessions", "past-sessions")
                    with gr.Row():
                        refresh = gr.Button("Refresh list", elem_id="refresh-sessions")
                        reopen = gr.Button("Reopen", elem_id="reopen")
                    my_progress = gr.HTML("", elem_id="my-progress")
            with gr.Tab("Review", id="review-tab", elem_id="review-tab"):
                with gr.Row():
                    trainee_filter = id_picker("Trainee", "filter-trainee")
                    persona_filter = any_persona(review, "filter-persona")
                    only = gr.Radio(
                        choices=[("all", ""), ("passed", "passed"), ("not passed", "not passed"), ("open", "open")],
                        value="",
                        label="Show",
                        elem_id="filter-only",
                    )
                    apply_filter = gr.Button("Show sessions", elem_id="apply-filter")
                sessions = gr.HTML("", elem_id="sessions-panel")
                with gr.Row():
                    picked = id_picker("Session", "review-session", scale=4)
                    open_btn = gr.Button("Open transcript", elem_id="open-transcript", scale=1)
                review_notice = gr.Markdown("", elem_id="review-notice")
                transcript = gr.HTML("", elem_id="transcript-panel")
                with gr.Group(visible=False) as comment_box:
                    with gr.Row():
                        turn = id_picker("Message", "comment-turn", scale=1)
                        comment_text = gr.Textbox(label="Comment for the trainee", elem_id="comment-text", scale=4)
                        add_comment = gr.Button("Add comment", elem_id="add-comment", scale=1)
                    regrade_widgets = build_regrade()
                    try_it = gr.Button("Try this moment yourself (in Practice)", elem_id="rewind-review")
                    with gr.Row():
                        fmt = export_format("html", "export-format")
                        export_btn = gr.Button("Export transcript", elem_id="export-transcript")
                    export_file = gr.HTML("", elem_id="export-file")
            with gr.Tab("Cohort", id="cohort-tab", elem_id="cohort-tab", visible=False) as cohort_tab:
                with gr.Row():
                    cohort_persona = any_persona(review, "cohort-persona")
                    show_cohort = gr.Button("Compare trainees", elem_id="show-cohort")
                cohort_table = gr.HTML("", elem_id="cohort-panel")
                with gr.Row():
                    cohort_fmt = export_format("csv", "cohort-format")
                    cohort_export = gr.Button("Export cohort", elem_id="export-cohort")
                cohort_notice = gr.Markdown("", elem_id="cohort-notice")
                cohort_file = gr.HTML("", elem_id="cohort-file")
            with gr.Tab("Assign", id="assign-tab", elem_id="assign-tab", visible=False) as assign_tab:
                with gr.Row():
                    assign_trainees = id_picker("Trainees", "assign-trainees", multiselect=True)
                    assign_personas = gr.Dropdown(
                        choices=review.persona_choices(),
                        multiselect=True,
                        label="Counterparts",
                        elem_id="assign-personas",
                    )
                with gr.Row():
                    due = gr.Textbox(label="Due date (YYYY-MM-DD, optional)", elem_id="assign-due")
                    target = gr.Number(
                        value=70, minimum=0, maximum=100, precision=0, label="Target score %", elem_id="assign-target"
                    )
                    attempts = gr.Number(
                        value=0, precision=0, label="Attempt limit (0: no limit)", elem_id="assign-attempts"
                    )
                    pin = gr.Number(value=0, precision=0, label="Pin version (0: latest)", elem_id="assign-version")
                    assessment = gr.Checkbox(
                        label="Assessment: no rewind, grades only at the end", elem_id="assign-assessment"
                    )
                assign_note = gr.Textbox(label="Note for the trainee", elem_id="assign-note")
                assign_btn = gr.Button("Assign", variant="primary", elem_id="assign")
                assign_notice = gr.Markdown("", elem_id="assign-notice")
                assigned_table = gr.HTML("", elem_id="assigned-table")
            studio_tab, studio_library, studio_picker = build_studio_tab(studio, user_of)

        screen = [chat, coach, meter, ledger, debrief, notice, handle, draft, debrief_plots]
        attempt_handlers = AttemptHandlers(team, handlers)
        refresh_attempts = wire_attempts(attempt_handlers, attempt_widgets, handle, draft, screen)

        def on_load(request: gr.Request) -> tuple[Any, ...]:
            user = user_of(request)
            land = review.landing(user)
            trainer_table = review.my_assignments(user)[0] if land.assigns else ""
            return (
                land.header,
                gr.Group(visible=land.trainee),
                land.assignments,
                gr.Dropdown(choices=land.assignment_choices, value=None),
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
                trainer_table,
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
                assigned_box,
                assigned,
                assignment,
                past,
                trainee_filter,
                sessions,
                picked,
                comment_box,
                cohort_tab,
                assign_tab,
                assign_trainees,
                assigned_table,
                persona,
                assign_personas,
                studio_tab,
                studio_library,
                studio_picker,
            ],
            api_name="landing",
        )
        persona.change(handlers.describe, persona, brief, api_name="describe")

        def on_start(
            p: str | None, h: Any, c: Any, v: str | None, k: str | None, request: gr.Request
        ) -> tuple[Any, ...]:
            return handlers.start(p, h, c, v, k, username=user_of(request)).outputs()

        def on_start_assignment(
            a: str | None, h: Any, c: Any, v: str | None, k: str | None, request: gr.Request
        ) -> tuple[Any, ...]:
            return handlers.start_assignment(a, h, c, v, k, username=user_of(request)).outputs()

        def on_send(t: str, h: Any, c: Any, request: gr.Request) -> Iterator[tuple[Any, ...]]:
            """The reply grows in the chat as checked pieces arrive; the grade is stored before the first piece,
            so the coach panel shows it with that piece. The rest of the page follows when the turn is stored."""
            graded = False
            for item in handlers.send_stream(t, h, c, username=user_of(request)):
                if isinstance(item, Screen):
                    yield item.outputs()
                    continue
                coach_now = gr.skip() if graded else handlers.coach_panel(h, user_of(request))
                graded = True
                yield (item, coach_now, *[gr.skip()] * (len(screen) - 2))

        def on_end(h: Any, c: Any, request: gr.Request) -> tuple[Any, ...]:
            return handlers.end(h, c, username=user_of(request)).outputs()

        def on_reopen(s: str | None, h: Any, c: Any, request: gr.Request) -> tuple[Any, ...]:
            return handlers.reopen(s, h, c, username=user_of(request)).outputs()

        def on_refresh(request: gr.Request) -> tuple[Any, ...]:
            user = user_of(request)
            return gr.Dropdown(choices=handlers.session_choices(user)), review.my_progress(user)

        def on_assignments(request: gr.Request) -> tuple[Any, ...]:
            table, picks = review.my_assignments(user_of(request))
            return table, gr.Dropdown(choices=picks), review.my_progress(user_of(request))

        # Starting, sending and ending can move an assignment's status: the list follows each of them.
        moves_status = [
            start_assigned.click(
                on_start_assignment,
                [assignment, handle, chat, voice, coach_choice],
                screen,
                api_name="start_assignment",
            ),
            send.click(on_send, [draft, handle, chat], screen, api_name="send"),
            draft.submit(on_send, [draft, handle, chat], screen, api_name="send_on_enter"),
            end.click(on_end, [handle, chat], screen, api_name="end"),
        ]
        for n, event in enumerate(moves_status):
            event.then(on_assignments, None, [assigned, assignment, my_progress], api_name=f"my_assignments_{n}")
            refresh_attempts(event)
        refresh_attempts(start.click(on_start, [persona, handle, chat, voice, coach_choice], screen, api_name="start"))
        refresh_attempts(reopen.click(on_reopen, [past, handle, chat], screen, api_name="reopen"))
        refresh.click(on_refresh, None, [past, my_progress], api_name="own_sessions")

        def on_filter(t: str | None, p: str | None, o: str | None, request: gr.Request) -> tuple[Any, ...]:
            table, picks = review.sessions(t, p, o, user_of(request))
            return table, gr.Dropdown(choices=picks, value=None)

        def on_open(s: str | None, request: gr.Request) -> tuple[Any, ...]:
            html, turns, message = review.open_session(s, user_of(request))
            return html, gr.Dropdown(choices=turns, value=turns[-1] if turns else None), message

        def on_comment(s: str | None, n: Any, text: str, request: gr.Request) -> tuple[Any, ...]:
            return review.comment(s, n, text, user_of(request))

        def on_export(s: str | None, f: str, request: gr.Request) -> tuple[Any, ...]:
            return review.export_session(s, f, user_of(request))

        def on_cohort(p: str | None, request: gr.Request) -> str:
            return review.cohort(p, user_of(request))

        def on_cohort_export(p: str | None, f: str, request: gr.Request) -> tuple[Any, ...]:
            return review.export_cohort(p, f, user_of(request))

        def on_assign(
            t: Any, p: Any, d: str | None, g: Any, a: Any, n: str | None, v: Any, x: bool, request: gr.Request
        ) -> tuple[Any, ...]:
            return review.assign(t, p, d, g, a, n, user_of(request), v, bool(x))

        apply_filter.click(on_filter, [trainee_filter, persona_filter, only], [sessions, picked], api_name="sessions")
        open_btn.click(on_open, [picked], [transcript, turn, review_notice], api_name="transcript")
        add_comment.click(
            on_comment, [picked, turn, comment_text], [transcript, comment_text, review_notice], api_name="comment"
        )
        wire_regrade(review, regrade_widgets, picked, turn, transcript, review_notice)
        wire_review_rewind(attempt_handlers, try_it, [picked, turn], screen, review_notice, tabs, refresh_attempts)
        export_btn.click(on_export, [picked, fmt], [export_file, review_notice], api_name="export_transcript")
        show_cohort.click(on_cohort, [cohort_persona], cohort_table, api_name="cohort")
        cohort_export.click(
            on_cohort_export, [cohort_persona, cohort_fmt], [cohort_file, cohort_notice], api_name="export_cohort"
        )
        assign_btn.click(
            on_assign,
            [assign_trainees, assign_personas, due, target, attempts, assign_note, pin, assessment],
            [assign_notice, assigned_table],
            api_name="assign",
        )
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
    built.app.launch(
        server_name=settings.host,
        server_port=settings.port,
        css=CSS,
        footer_links=[],
        **launch_options(built),
    )
