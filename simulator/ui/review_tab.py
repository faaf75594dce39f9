"""The Review, Cohort and Assign tabs: transcripts with their visual debrief, comments and re-grades; trainees
compared; counterparts assigned. Every handler goes through `TeamHandlers`, which asks the team service."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import gradio as gr

from simulator.ui.regrade import RegradeWidgets, build_regrade
from simulator.ui.team_handlers import TeamHandlers
from simulator.ui.widgets import any_persona, export_format, id_picker, notice_panel, user_of

REVIEW_TAB = "review-tab"


@dataclass
class ReviewWidgets:
    trainee_filter: gr.Dropdown
    persona_filter: gr.Dropdown
    only: gr.Radio
    apply_filter: gr.Button
    sessions: gr.HTML
    picked: gr.Dropdown
    open_btn: gr.Button
    notice: gr.Markdown
    transcript: gr.HTML
    comment_box: gr.Group
    turn: gr.Dropdown
    comment_text: gr.Textbox
    add_comment: gr.Button
    regrade: RegradeWidgets
    try_it: gr.Button
    fmt: gr.Radio
    export_btn: gr.Button
    export_file: gr.HTML


@dataclass
class TeamTabs:
    cohort_tab: gr.Tab
    cohort_persona: gr.Dropdown
    show_cohort: gr.Button
    cohort_table: gr.HTML
    cohort_fmt: gr.Radio
    cohort_export: gr.Button
    cohort_notice: gr.Markdown
    cohort_file: gr.HTML
    assign_tab: gr.Tab
    trainees: gr.Dropdown
    personas: gr.Dropdown
    due: gr.Textbox
    target: gr.Number
    attempts: gr.Number
    pin: gr.Number
    assessment: gr.Checkbox
    note: gr.Textbox
    assign_btn: gr.Button
    assign_notice: gr.Markdown
    assigned_table: gr.HTML


def build_review_tab(review: TeamHandlers) -> ReviewWidgets:
    with gr.Tab("Review", id=REVIEW_TAB, elem_id=REVIEW_TAB):
        with gr.Row():
            trainee_filter = id_picker("Trainee", "filter-trainee", min_width=160)
            persona_filter = any_persona(review, "filter-persona")
            only = gr.Radio(
                choices=[("all", ""), ("passed", "passed"), ("not passed", "not passed"), ("open", "open")],
                value="",
                label="Show",
                elem_id="filter-only",
            )
            apply_filter = gr.Button("Show sessions", elem_id="apply-filter", min_width=160)
        sessions = gr.HTML("", elem_id="sessions-panel")
        with gr.Row():
            picked = id_picker("Session", "review-session", scale=4, min_width=220)
            open_btn = gr.Button("Open transcript", elem_id="open-transcript", scale=1, min_width=160)
        notice = notice_panel("review-notice")
        transcript = gr.HTML("", elem_id="transcript-panel")
        with gr.Group(visible=False) as comment_box:
            with gr.Row():
                turn = id_picker("Message", "comment-turn", scale=1, min_width=120)
                comment_text = gr.Textbox(
                    label="Comment for the trainee", elem_id="comment-text", scale=4, min_width=220
                )
                add_comment = gr.Button("Add comment", elem_id="add-comment", scale=1, min_width=140)
            regrade = build_regrade()
            try_it = gr.Button("Try this moment yourself (in Conversation)", elem_id="rewind-review")
            with gr.Row():
                fmt = export_format("html", "export-format")
                export_btn = gr.Button("Export transcript", elem_id="export-transcript")
            export_file = gr.HTML("", elem_id="export-file")
    return ReviewWidgets(
        trainee_filter,
        persona_filter,
        only,
        apply_filter,
        sessions,
        picked,
        open_btn,
        notice,
        transcript,
        comment_box,
        turn,
        comment_text,
        add_comment,
        regrade,
        try_it,
        fmt,
        export_btn,
        export_file,
    )


def build_team_tabs(review: TeamHandlers) -> TeamTabs:
    with gr.Tab("Cohort", id="cohort-tab", elem_id="cohort-tab", visible=False) as cohort_tab:
        with gr.Row():
            cohort_persona = any_persona(review, "cohort-persona")
            show_cohort = gr.Button("Compare trainees", elem_id="show-cohort")
        cohort_table = gr.HTML("", elem_id="cohort-panel")
        with gr.Row():
            cohort_fmt = export_format("csv", "cohort-format")
            cohort_export = gr.Button("Export cohort", elem_id="export-cohort")
        cohort_notice = notice_panel("cohort-notice")
        cohort_file = gr.HTML("", elem_id="cohort-file")
    with gr.Tab("Assign", id="assign-tab", elem_id="assign-tab", visible=False) as assign_tab:
        with gr.Row():
            trainees = id_picker("Trainees", "assign-trainees", multiselect=True, min_width=220)
            personas = gr.Dropdown(
                choices=review.persona_choices(),
                multiselect=True,
                label="Counterparts",
                elem_id="assign-personas",
                min_width=220,
            )
        with gr.Row():
            due = gr.Textbox(label="Due date (YYYY-MM-DD, optional)", elem_id="assign-due", min_width=160)
            target = gr.Number(
                value=70, minimum=0, maximum=100, precision=0, label="Target score %", elem_id="assign-target"
            )
            attempts = gr.Number(value=0, precision=0, label="Attempt limit (0: no limit)", elem_id="assign-attempts")
            pin = gr.Number(value=0, precision=0, label="Pin version (0: latest)", elem_id="assign-version")
            assessment = gr.Checkbox(label="Assessment: no rewind, grades only at the end", elem_id="assign-assessment")
        note = gr.Textbox(label="Note for the trainee", elem_id="assign-note")
        assign_btn = gr.Button("Assign", variant="primary", elem_id="assign")
        assign_notice = notice_panel("assign-notice")
        assigned_table = gr.HTML("", elem_id="assigned-table")
    return TeamTabs(
        cohort_tab,
        cohort_persona,
        show_cohort,
        cohort_table,
        cohort_fmt,
        cohort_export,
        cohort_notice,
        cohort_file,
        assign_tab,
        trainees,
        personas,
        due,
        target,
        attempts,
        pin,
        assessment,
        note,
        assign_btn,
        assign_notice,
        assigned_table,
    )


def review_outputs(w: ReviewWidgets, tabs: gr.Tabs) -> list[Any]:
    """An opened transcript, from the Review tab or from a home: tab, picker, transcript, its messages, notice."""
    return [tabs, w.picked, w.transcript, w.turn, w.notice]


def opened_review(review: TeamHandlers, session_id: str | None, username: str | None) -> tuple[Any, ...]:
    html, turns, message = review.open_session(session_id, username)
    return (
        gr.Tabs(selected=REVIEW_TAB),
        gr.Dropdown(value=session_id) if html else gr.skip(),
        html,
        gr.Dropdown(choices=turns, value=turns[-1] if turns else None),
        message,
    )


def wire_review(review: TeamHandlers, w: ReviewWidgets) -> None:
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

    w.apply_filter.click(
        on_filter, [w.trainee_filter, w.persona_filter, w.only], [w.sessions, w.picked], api_name="sessions"
    )
    w.open_btn.click(on_open, [w.picked], [w.transcript, w.turn, w.notice], api_name="transcript")
    w.add_comment.click(
        on_comment, [w.picked, w.turn, w.comment_text], [w.transcript, w.comment_text, w.notice], api_name="comment"
    )
    w.export_btn.click(on_export, [w.picked, w.fmt], [w.export_file, w.notice], api_name="export_transcript")


def wire_team_tabs(review: TeamHandlers, t: TeamTabs) -> None:
    def on_cohort(p: str | None, request: gr.Request) -> str:
        return review.cohort(p, user_of(request))

    def on_cohort_export(p: str | None, f: str, request: gr.Request) -> tuple[Any, ...]:
        return review.export_cohort(p, f, user_of(request))

    def on_assign(
        tr: Any, p: Any, d: str | None, g: Any, a: Any, n: str | None, v: Any, x: bool, request: gr.Request
    ) -> tuple[Any, ...]:
        return review.assign(tr, p, d, g, a, n, user_of(request), v, bool(x))

    t.show_cohort.click(on_cohort, [t.cohort_persona], t.cohort_table, api_name="cohort")
    t.cohort_export.click(
        on_cohort_export, [t.cohort_persona, t.cohort_fmt], [t.cohort_file, t.cohort_notice], api_name="export_cohort"
    )
    t.assign_btn.click(
        on_assign,
        [t.trainees, t.personas, t.due, t.target, t.attempts, t.note, t.pin, t.assessment],
        [t.assign_notice, t.assigned_table],
        api_name="assign",
    )
