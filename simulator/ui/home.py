"""The first tab: "My practice" for a trainee (assignment cards, free practice, recent sessions), and for a trainer
what needs them first. Handlers are thin and go through the team service like every other."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import gradio as gr

from simulator.errors import SimulatorError
from simulator.team.model import Role, why_not_startable
from simulator.team.service import Team
from simulator.ui import home_render
from simulator.ui.handlers import Handlers
from simulator.ui.render import persona_label
from simulator.ui.widgets import choice_radio, id_picker, notice_panel


class HomeHandlers:
    def __init__(self, team: Team) -> None:
        self.team = team

    def trainee(self, username: str | None) -> tuple[str, str]:
        """(assignment cards, recent sessions) for the caller; a problem is shown in place of the cards."""
        try:
            caller = self.team.caller(username)
            home = self.team.trainee_home(caller)
        except SimulatorError as exc:
            return f"<p class='problem'>⚠️ {exc}</p>", ""
        # The card's title is the name already: the label says who they are and how hard.
        labels = {p.id: persona_label(p).split(" · ", 1)[-1] for p in self.team.personas()}
        today = self.team.today()
        blocked = {v.assignment.id: why_not_startable(v.assignment, v.attempts, today) for v in home.cards}
        cards = home_render.assignment_cards(home, labels, blocked) if caller.role is Role.TRAINEE else ""
        return cards, home_render.recent_sessions(home.recent)

    def trainer(self, username: str | None) -> str:
        """What needs a trainer now; nothing for anyone else."""
        try:
            caller = self.team.caller(username)
            if caller.role is not Role.TRAINER:
                return ""
            return home_render.trainer_queue(self.team.trainer_home(caller))
        except SimulatorError as exc:
            return f"<p class='problem'>⚠️ {exc}</p>"


def clicked(evt: gr.EventData | None) -> dict[str, str]:
    """The data attributes of the action button a panel's click came from (nothing when called without one)."""
    data = getattr(evt, "_data", None)
    return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}


@dataclass
class HomeWidgets:
    tab: gr.Tab
    notice: gr.Markdown
    needs_you: gr.HTML
    assigned_box: gr.Column
    cards: gr.HTML
    persona: gr.Dropdown
    start: gr.Button
    brief: gr.Markdown
    voice: gr.Radio
    coach: gr.Radio
    recent: gr.HTML
    past: gr.Dropdown
    refresh: gr.Button
    reopen: gr.Button
    progress: gr.HTML


def build_home(handlers: Handlers, voices: list[str], voice: str, coaches: list[str], coach: str) -> HomeWidgets:
    """Laid out inside the Tabs, first, so it is where everyone lands."""
    choices = handlers.choices()
    with gr.Tab("My practice", id="home-tab", elem_id="home-tab") as tab:
        notice = notice_panel("home-notice")
        needs_you = gr.HTML("", elem_id="trainer-home", js_on_load=home_render.ACTIONS_JS)
        with gr.Column(visible=False) as assigned_box:
            gr.Markdown("## My assignments")
            cards = gr.HTML("", elem_id="my-assignments", js_on_load=home_render.ACTIONS_JS)
        gr.Markdown("## Free practice")
        with gr.Row(equal_height=True):
            persona = gr.Dropdown(
                choices=choices,
                value=choices[0][1] if choices else None,
                label="Counterpart",
                elem_id="persona-picker",
                scale=4,
                min_width=220,
            )
            start = gr.Button("Start negotiation", variant="primary", elem_id="start", scale=1, min_width=160)
        with gr.Accordion("Their brief", open=True, elem_id="brief-panel"):
            brief = gr.Markdown(handlers.describe(choices[0][1] if choices else None), elem_id="brief")
        with gr.Row():
            voice_choice = choice_radio("Counterpart voice", voices, voice, "voice-choice")
            coach_choice = choice_radio("Coach", coaches, coach, "coach-choice")
        gr.Markdown("## Recent sessions")
        recent = gr.HTML("", elem_id="recent-sessions", js_on_load=home_render.ACTIONS_JS)
        with gr.Accordion("All my sessions and progress", open=False, elem_id="past-panel"):
            past = id_picker("Stored sessions", "past-sessions")
            with gr.Row():
                refresh = gr.Button("Refresh list", elem_id="refresh-sessions")
                reopen = gr.Button("Reopen", elem_id="reopen")
            progress = gr.HTML("", elem_id="my-progress")
        gr.Markdown(handlers.in_use(), elem_id="in-use")
    return HomeWidgets(
        tab,
        notice,
        needs_you,
        assigned_box,
        cards,
        persona,
        start,
        brief,
        voice_choice,
        coach_choice,
        recent,
        past,
        refresh,
        reopen,
        progress,
    )


def home_refresh(home: HomeHandlers, review: Any, username: str | None) -> tuple[Any, ...]:
    """The player's panels: cards, recent sessions, progress. Read on load and when the home tab is shown, never
    per turn (the home is out of sight while a conversation runs)."""
    cards, recent = home.trainee(username)
    return cards, recent, review.my_progress(username)
