"""Small builders for the app's pickers, and who is asking."""

from __future__ import annotations

from html import escape
from typing import Any

import gradio as gr

from simulator.ui.team_handlers import TeamHandlers


def notice_panel(elem_id: str) -> gr.Markdown:
    """A Markdown panel for text the app composes from stored words (a persona's name, a file name, a refusal):
    whatever markup those words hold is shown as written, never drawn. The one escaping rule for Markdown sinks
    (the HTML panels escape in their renderers). Wrapped on the instance: a subclass of a Gradio component makes
    Gradio write a stub file beside this module."""
    panel = gr.Markdown("", elem_id=elem_id)
    shown = panel.postprocess

    def escaped(value: Any) -> Any:
        return shown(escape(value, quote=False) if isinstance(value, str) else value)

    panel.postprocess = escaped
    return panel


def choice_radio(label: str, options: list[str], default: str, elem_id: str) -> gr.Radio:
    """A picker that only shows when there is something to choose."""
    return gr.Radio(choices=options, value=default, label=label, visible=len(options) > 1, elem_id=elem_id)


def id_picker(label: str, elem_id: str, **options: Any) -> gr.Dropdown:
    """A picker of ids filled per caller on load. Any value is let through to the team service, which decides
    what the caller may see: that check, not the list of choices, is what guards the data (API calls included)."""
    return gr.Dropdown(choices=[], label=label, elem_id=elem_id, allow_custom_value=True, **options)


def any_persona(review: TeamHandlers, elem_id: str) -> gr.Dropdown:
    """A counterpart filter that starts at "any"."""
    return gr.Dropdown(choices=[("any", ""), *review.persona_choices()], value="", label="Counterpart", elem_id=elem_id)


def export_format(default: str, elem_id: str) -> gr.Radio:
    return gr.Radio(choices=["json", "csv", "html"], value=default, label="Export as", elem_id=elem_id)


def user_of(request: gr.Request | None) -> str | None:
    """The signed-in name from Gradio's session cookie; None when the app runs without accounts."""
    return getattr(request, "username", None) if request is not None else None
