"""The trainer's re-grade row in the Review tab: one criterion of one message, a new score and why."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import gradio as gr

from simulator.coach.grade import CRITERIA
from simulator.ui.team_handlers import TeamHandlers
from simulator.ui.widgets import user_of


@dataclass
class RegradeWidgets:
    criterion: gr.Dropdown
    score: gr.Number
    reason: gr.Textbox
    button: gr.Button


def build_regrade() -> RegradeWidgets:
    with gr.Row():
        # Any value reaches the service, which names a criterion it does not know.
        criterion = gr.Dropdown(
            choices=list(CRITERIA), label="Re-grade", elem_id="regrade-criterion", allow_custom_value=True
        )
        score = gr.Number(value=1, precision=0, minimum=0, maximum=2, label="New score", elem_id="regrade-score")
        reason = gr.Textbox(label="Why (the trainee sees it)", elem_id="regrade-reason", scale=3)
        button = gr.Button("Re-grade", elem_id="regrade")
    return RegradeWidgets(criterion, score, reason, button)


def wire_regrade(
    review: TeamHandlers, w: RegradeWidgets, session: gr.Dropdown, turn: gr.Dropdown, transcript: gr.HTML, notice: Any
) -> None:
    def on_regrade(s: str | None, n: Any, c: str | None, g: Any, r: str, request: gr.Request) -> tuple[str, str, str]:
        return review.regrade(s, n, c, g, r, user_of(request))

    w.button.click(
        on_regrade, [session, turn, w.criterion, w.score, w.reason], [transcript, w.reason, notice], api_name="regrade"
    )
