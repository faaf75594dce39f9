"""The Gradio app: persona picker, chat, coach panel, trust meter, ledger and debrief."""

from __future__ import annotations

import os
from html import escape

import gradio as gr

from simulator.config import Settings
from simulator.errors import StorageError
from simulator.persona_files import PersonaCatalog, load_folder
from simulator.practice import Practice
from simulator.storage.sqlite_store import SqliteStore
from simulator.storage.unavailable import UnavailableStore
from simulator.store import Store
from simulator.ui.handlers import Handlers
from simulator.wiring import build_practice

CSS = """
#coach-history details { margin-bottom: .5em; }
#coach-history summary { cursor: pointer; }
#coach-history .criterion { margin: .4em 0; padding: .3em .5em; border-left: 4px solid #999; }
#coach-history .criterion[data-score='2'] { border-color: #2e7d32; }
#coach-history .criterion[data-score='1'] { border-color: #f9a825; }
#coach-history .criterion[data-score='0'] { border-color: #c62828; }
#coach-history .evidence q { font-style: italic; }
#coach-history .suggestion { background: #eef5ff; padding: .5em; border-radius: 6px; }
#trust-meter progress { width: 100%; }
"""


def _practice(settings: Settings, catalog: PersonaCatalog) -> tuple[Practice, str | None, str | None]:
    """(practice, a problem that switches practice off, a lesser problem that only loses search and tips)."""
    try:
        store: Store = SqliteStore(settings.database_path)
    except StorageError as exc:
        return Practice(catalog, UnavailableStore(str(exc))), str(exc), None
    try:
        return build_practice(settings, catalog, store), None, None
    except StorageError as exc:
        # Without Chroma the rule coach still grades and nothing is lost; only meaning-based help is off.
        return Practice(catalog, store, max_message_chars=settings.max_message_chars), None, str(exc)


def _choice(label: str, options: list[str], default: str, elem_id: str) -> gr.Radio:
    """A picker that only shows when there is something to choose."""
    return gr.Radio(choices=options, value=default, label=label, visible=len(options) > 1, elem_id=elem_id)


def build_app(settings: Settings) -> gr.Blocks:
    catalog = load_folder(settings.personas_dir)
    practice, problem, degraded = _practice(settings, catalog)
    handlers = Handlers(practice, problem)
    choices = handlers.choices()
    with gr.Blocks(title="Parley") as app:
        handle = gr.State(None)
        gr.Markdown("# Parley\nPractise a hard negotiation. Ask before you tell; the coach grades every message.")
        if catalog.skipped:
            skipped = "\n".join(f"- `{escape(e.path)}`: {escape('; '.join(e.problems))}" for e in catalog.skipped)
            gr.Markdown(f"**Some persona files were skipped:**\n{skipped}", elem_id="skipped-personas")
        if problem:
            gr.Markdown(f"**Practice is off: {escape(problem)}**", elem_id="storage-problem")
        gr.Markdown(handlers.in_use(), elem_id="in-use")
        voice = _choice(
            "Counterpart voice", list(handlers.practice.voices), handlers.practice.voice.name, "voice-choice"
        )
        coach_choice = _choice("Coach", list(handlers.practice.coaches), handlers.practice.coach.name, "coach-choice")
        if degraded:
            gr.Markdown(f"**Transcript search and tip matching are off: {escape(degraded)}**", elem_id="search-problem")
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
                chat = gr.Chatbot(label="Negotiation", elem_id="chat", height=420)
                draft = gr.Textbox(
                    label="Your message", placeholder="Ask, acknowledge, explore…", elem_id="draft", lines=2
                )
                with gr.Row():
                    send = gr.Button("Send", variant="primary", elem_id="send")
                    end = gr.Button("End and debrief", elem_id="end")
                notice = gr.Markdown("", elem_id="notice")
            with gr.Column(scale=2):
                gr.Markdown("## Coach")
                coach = gr.HTML("<p>Send a message: the coach grades each one as you send it.</p>", elem_id="coach")
                meter = gr.HTML("", elem_id="meters")
                ledger = gr.HTML("", elem_id="ledger-panel")
        debrief = gr.Markdown("", elem_id="debrief")
        with gr.Accordion("Past sessions", open=False):
            past = gr.Dropdown(choices=handlers.session_choices(), label="Stored sessions", elem_id="past-sessions")
            with gr.Row():
                refresh = gr.Button("Refresh list", elem_id="refresh-sessions")
                reopen = gr.Button("Reopen", elem_id="reopen")

        screen = [chat, coach, meter, ledger, debrief, notice, handle, draft]
        persona.change(handlers.describe, persona, brief)
        start.click(
            lambda p, h, c, v, k: handlers.start(p, h, c, v, k).outputs(),
            [persona, handle, chat, voice, coach_choice],
            screen,
        )
        send_event = {
            "fn": lambda t, h, c: handlers.send(t, h, c).outputs(),
            "inputs": [draft, handle, chat],
            "outputs": screen,
        }
        send.click(**send_event)
        draft.submit(**send_event)
        end.click(lambda h, c: handlers.end(h, c).outputs(), [handle, chat], screen)
        reopen.click(lambda s, h, c: handlers.reopen(s, h, c).outputs(), [past, handle, chat], screen)
        refresh.click(lambda: gr.Dropdown(choices=handlers.session_choices()), None, past)
    return app


def main() -> None:
    settings = Settings.from_env()
    app = build_app(settings)
    app.launch(
        server_name=os.environ.get("PARLEY_HOST", "127.0.0.1"),
        server_port=int(os.environ.get("PARLEY_PORT", "7860")),
        css=CSS,
        footer_links=[],
    )
