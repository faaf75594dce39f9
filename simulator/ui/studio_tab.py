"""The Studio tab (trainers, and the local user): build, check, test-play, publish and share personas."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import gradio as gr

from simulator.errors import SimulatorError
from simulator.persona.model import Archetype, Level
from simulator.studio.service import EXPORT_FORMATS
from simulator.ui import studio_form as form
from simulator.ui.studio_handlers import FormWritten, Opened, StudioHandlers

UserOf = Callable[[gr.Request | None], str | None]
LEVELS = [lv.value for lv in Level]
UPLOAD_JS = """
async () => {
  const input = document.querySelector('#studio-file-input');
  if (!input || !input.files.length) return 'Choose a file first.';
  const file = input.files[0];
  const answer = await fetch('parley/studio/import?name=' + encodeURIComponent(file.name), {
    method: 'POST', headers: {'X-Parley-Import': '1'}, body: file, credentials: 'same-origin'});
  const data = await answer.json().catch(() => ({error: 'the server answered with something unexpected'}));
  return data.notice || ('⚠️ ' + (data.error || 'not allowed'));
}
"""


def build_studio_tab(studio: StudioHandlers, user_of: UserOf) -> tuple[gr.Tab, gr.HTML, gr.Dropdown]:
    """The tab and what the page's landing fills in (the library and the picker)."""
    with gr.Tab("Studio", id="studio-tab", elem_id="studio-tab", visible=False) as tab:
        current = gr.State("")
        trial = gr.State(None)
        library = gr.HTML("", elem_id="studio-library")
        with gr.Row():
            picker = gr.Dropdown(choices=[], label="Persona", elem_id="studio-picker")
            open_btn = gr.Button("Open", elem_id="studio-open")
            copy_btn = gr.Button("Copy to edit", elem_id="studio-copy")
        with gr.Row():
            archetype = gr.Radio(
                [a.value for a in Archetype], value="competitive", label="Template", elem_id="studio-archetype"
            )
            new_btn = gr.Button("New from template", elem_id="studio-new")
        with gr.Accordion("From a description", open=False):
            if studio.studio.drafter is not None:
                description = gr.Textbox(
                    lines=3, label="Who they are and what is at stake", elem_id="studio-description"
                )
                draft_btn = gr.Button("Draft it with the model", elem_id="studio-draft")
            else:
                gr.Markdown(
                    "No model is configured, so the form asks for what only you know; the rest comes from the template."
                )
                face = [
                    gr.Textbox(label=label, elem_id=f"studio-guided-{key}")
                    for key, label in (
                        ("name", "Name"),
                        ("role", "Role and organisation"),
                        ("scenario", "The brief the trainee reads"),
                        ("opening", "Their first line"),
                        ("position", "What they demand"),
                    )
                ]
                hidden: list[Any] = []
                for n in range(1, 5):
                    with gr.Row():
                        hidden += [
                            gr.Dropdown(
                                [lv.value for lv in Level],
                                value=LEVELS[(n - 1) % 4],
                                label=f"Interest {n}: level",
                                elem_id=f"studio-guided-level-{n}",
                            ),
                            gr.Textbox(label="What it is (for you)", elem_id=f"studio-guided-summary-{n}"),
                            gr.Textbox(label="What they say once it is uncovered", elem_id=f"studio-guided-reveal-{n}"),
                            gr.Textbox(label="A question that uncovers it", elem_id=f"studio-guided-probe-{n}"),
                            gr.Textbox(label="A proposal that meets it", elem_id=f"studio-guided-satisfier-{n}"),
                        ]
                guided_btn = gr.Button("Make the draft", elem_id="studio-guided")
        with gr.Accordion("Import (Parley YAML/JSON or a Character Card's JSON)", open=False):
            gr.HTML(
                '<label>A file (YAML, JSON, card JSON or card PNG): <input type="file" id="studio-file-input" '
                'accept=".yaml,.yml,.json,.png"></label>',
                elem_id="studio-file-box",
            )
            upload_btn = gr.Button("Import the file as a draft", elem_id="studio-upload")
            pasted = gr.Textbox(lines=6, label="Or paste the file's text", elem_id="studio-import-text")
            import_btn = gr.Button("Import as a draft", elem_id="studio-import")
        notice = gr.Markdown("", elem_id="studio-notice")
        editing = gr.Markdown("", elem_id="studio-editing")
        editor = gr.Code(
            "", language="yaml", label="Persona (YAML)", interactive=True, max_lines=40, elem_id="studio-yaml"
        )
        problems = gr.Markdown("", elem_id="studio-problems")
        with gr.Accordion(
            "Form (every field: public face, numbers, each hidden interest, each position, each move's lines)",
            open=False,
        ):
            with gr.Row():
                fill_btn = gr.Button("Fill the form from the YAML", elem_id="studio-form-fill")
                apply_btn = gr.Button("Apply the form to the YAML", elem_id="studio-form-apply")
            form_face = [
                gr.Dropdown([a.value for a in Archetype], label=k, elem_id=f"studio-form-{k}")
                if k == "archetype"
                else gr.Dropdown(["easy", "medium", "hard"], label=k, elem_id=f"studio-form-{k}")
                if k == "difficulty"
                else gr.Textbox(label=k, lines=3 if k in ("scenario", "style") else 1, elem_id=f"studio-form-{k}")
                for k in form.FACE
            ]
            with gr.Row():
                form_face += [
                    gr.Number(label=k, precision=0, elem_id=f"studio-form-{k.replace('.', '-')}") for k in form.NUMBERS
                ]
            which = gr.Dropdown(choices=[], label="Hidden interest", elem_id="studio-form-interest")
            form_interest: list[Any] = [
                gr.Dropdown(LEVELS, label=k, elem_id=f"studio-form-i-{k}")
                if k == "level"
                else gr.Textbox(label=k, lines=1 if k == "id" else 2, elem_id=f"studio-form-i-{k}")
                for k in form.INTEREST_TEXT
            ]
            form_interest += [
                gr.Checkbox(label="core (must be met for a deal)", elem_id="studio-form-i-core"),
                gr.Textbox(label="deflections (one per line)", lines=3, elem_id="studio-form-i-deflections"),
                gr.Textbox(label="probes (one per line)", lines=4, elem_id="studio-form-i-probes"),
                gr.Textbox(label="cues (comma-separated)", elem_id="studio-form-i-cues"),
                gr.Number(label="trust_needed", precision=0, elem_id="studio-form-i-trust"),
                gr.Textbox(
                    label="satisfiers (one per line: description | cue, cue)",
                    lines=3,
                    elem_id="studio-form-i-satisfiers",
                ),
            ]
            position_pick = gr.Dropdown(choices=[], label="Position", elem_id="studio-form-position")
            form_position: list[Any] = [
                gr.Textbox(label=k, elem_id=f"studio-form-p-{k}") for k in form.POSITION_TEXT
            ] + [
                gr.Textbox(label="cues (comma-separated)", elem_id="studio-form-p-cues"),
                gr.Textbox(label="behind (interest ids, comma-separated)", elem_id="studio-form-p-behind"),
            ]
            move_pick = gr.Dropdown(
                list(form.MOVES), value="anchor", label="Scripted lines for", elem_id="studio-form-move"
            )
            move_lines = gr.Textbox(label="lines (one per line)", lines=4, elem_id="studio-form-lines")
        with gr.Row():
            save_btn = gr.Button("Save draft", variant="primary", elem_id="studio-save")
            check_btn = gr.Button("Check", elem_id="studio-check")
            publish_btn = gr.Button("Publish", elem_id="studio-publish")
            archive_btn = gr.Button("Archive", elem_id="studio-archive")
        report = gr.Markdown("", elem_id="studio-report")
        with gr.Row():
            fmt = gr.Radio(list(EXPORT_FORMATS), value="yaml", label="Share as", elem_id="studio-format")
            export_btn = gr.Button("Export", elem_id="studio-export")
        export_link = gr.HTML("", elem_id="studio-file")
        with gr.Accordion(
            "Test-play (author view: the hidden ledger and each message's targets; nothing is stored)", open=False
        ):
            trial_start = gr.Button("Start a trial", elem_id="studio-trial-start")
            trial_log = gr.Markdown("", elem_id="studio-trial-log")
            trial_text = gr.Textbox(label="Your message", elem_id="studio-trial-text")
            trial_send = gr.Button("Send", elem_id="studio-trial-send")

    def shown(opened: Opened, request: gr.Request) -> tuple[Any, ...]:
        table, choices = studio.library(user_of(request))
        title = f"**Editing:** `{opened.persona_id}`" if opened.persona_id else ""
        value = opened.persona_id or None
        return (
            opened.persona_id,
            opened.yaml,
            opened.problems,
            opened.notice,
            title,
            table,
            gr.Dropdown(choices=choices, value=value),
            "",
        )

    editor_out = [current, editor, problems, notice, editing, library, picker, report]

    def on_open(p: str | None, request: gr.Request) -> tuple[Any, ...]:
        return shown(studio.open(p, user_of(request)), request)

    def on_copy(p: str | None, request: gr.Request) -> tuple[Any, ...]:
        return shown(studio.copy(p, user_of(request)), request)

    def on_new(a: str | None, request: gr.Request) -> tuple[Any, ...]:
        return shown(studio.new(a, user_of(request)), request)

    def on_draft(d: str, a: str | None, request: gr.Request) -> tuple[Any, ...]:
        return shown(studio.draft(d, a, user_of(request)), request)

    def on_guided(values: dict[Any, Any], request: gr.Request) -> tuple[Any, ...]:
        # Gradio passes a set of inputs as one {component: value} dict: the form has too many fields to list.
        parts = [values.get(c, "") for c in [*face, *hidden]]
        return shown(studio.guided(values.get(archetype), user_of(request), *parts), request)

    def on_import(text: str, request: gr.Request) -> tuple[Any, ...]:
        opened, left = studio.import_text(text, user_of(request))
        return (*shown(opened, request), left)

    def on_save(c: str, text: str, request: gr.Request) -> tuple[Any, ...]:
        found, said = studio.save(c, text, user_of(request))
        table, _ = studio.library(user_of(request))
        return found, said, table

    def on_check(c: str, request: gr.Request) -> tuple[Any, ...]:
        text = studio.check(c, user_of(request))
        return text, studio.library(user_of(request))[0]

    def on_publish(c: str, request: gr.Request) -> tuple[Any, ...]:
        said = studio.publish(c, user_of(request))
        return said, studio.library(user_of(request))[0]

    def on_archive(c: str, request: gr.Request) -> tuple[Any, ...]:
        said = studio.archive(c, user_of(request))
        return said, studio.library(user_of(request))[0]

    def on_export(c: str, f: str, request: gr.Request) -> tuple[str, str]:
        return studio.export(c, f, user_of(request))

    def on_trial(c: str, request: gr.Request) -> tuple[Any, str]:
        return studio.test_start(c, user_of(request))

    def on_trial_send(t: Any, text: str, log: str, request: gr.Request) -> Iterator[tuple[Any, Any]]:
        """As in a conversation: the box empties as the message goes, and what is typed meanwhile stays."""
        if t is not None and (text or "").strip():
            yield gr.skip(), ""
        shown, kept = studio.test_send(t, text, log, user_of(request))
        yield shown, kept or gr.skip()  # a refused message comes back to the box

    def on_fill(text: str, request: gr.Request) -> tuple[Any, ...]:
        try:
            filled = studio.form_fill(text, user_of(request))
        except SimulatorError as exc:
            return (*([gr.update()] * (len(form_face) + 3)), f"⚠️ {exc}")
        return (
            *filled.face,
            gr.Dropdown(choices=filled.interests, value=0 if filled.interests else None),
            gr.Dropdown(choices=filled.positions, value=0 if filled.positions else None),
            filled.anchor_lines,
            "",
        )

    def on_interest(text: str, index: Any, request: gr.Request) -> list[Any]:
        try:
            return studio.form_interest(text, index, user_of(request))
        except (SimulatorError, ValueError, TypeError):  # the API can send any index
            return [gr.update()] * len(form_interest)

    def on_apply(values: dict[Any, Any], request: gr.Request) -> tuple[Any, str]:
        written = FormWritten(
            [values[c] for c in form_face],
            values[which],
            [values[c] for c in form_interest],
            values[position_pick],
            [values[c] for c in form_position],
            values[move_pick],
            values[move_lines],
        )
        try:
            text = studio.form_apply(values[editor], written, user_of(request))
        except (SimulatorError, ValueError) as exc:
            return gr.update(), f"⚠️ {exc}"
        return text, "The form was written into the YAML: save the draft to keep it."

    def on_position(text: str, index: Any, request: gr.Request) -> list[Any]:
        try:
            return studio.form_position(text, index, user_of(request))
        except (SimulatorError, ValueError, TypeError):  # the API can send any index
            return [gr.update()] * len(form_position)

    def on_move(text: str, move: str | None, request: gr.Request) -> Any:
        try:
            return studio.form_move(text, move, user_of(request))
        except SimulatorError:
            return gr.update()

    def on_validate(text: str, request: gr.Request) -> str:
        return studio.validate(text, user_of(request))

    fill_btn.click(
        on_fill, [editor], [*form_face, which, position_pick, move_lines, notice], api_name="studio_form_fill"
    )
    position_pick.change(on_position, [editor, position_pick], form_position, api_name="studio_form_position")
    move_pick.change(on_move, [editor, move_pick], move_lines, api_name="studio_form_move")
    which.change(on_interest, [editor, which], form_interest, api_name="studio_form_interest")
    apply_btn.click(
        on_apply,
        {editor, which, position_pick, move_pick, move_lines, *form_face, *form_interest, *form_position},
        [editor, notice],
        api_name="studio_form_apply",
    )
    open_btn.click(on_open, [picker], editor_out, api_name="studio_open")
    copy_btn.click(on_copy, [picker], editor_out, api_name="studio_copy")
    new_btn.click(on_new, [archetype], editor_out, api_name="studio_new")

    def on_refresh(request: gr.Request) -> tuple[Any, ...]:
        table, choices = studio.library(user_of(request))
        return table, gr.Dropdown(choices=choices)

    # The file goes to the guard's import route from the browser (Gradio's upload route stays closed).
    upload_btn.click(None, None, [notice], js=UPLOAD_JS).then(
        on_refresh, None, [library, picker], api_name="studio_refresh"
    )
    if studio.studio.drafter is not None:
        draft_btn.click(on_draft, [description, archetype], editor_out, api_name="studio_draft")
    else:
        guided_btn.click(on_guided, {archetype, *face, *hidden}, editor_out, api_name="studio_guided")
    import_btn.click(on_import, [pasted], [*editor_out, pasted], api_name="studio_import")
    editor.change(on_validate, [editor], [problems], api_name="studio_validate", trigger_mode="always_last")
    save_btn.click(on_save, [current, editor], [problems, notice, library], api_name="studio_save")
    check_btn.click(on_check, [current], [report, library], api_name="studio_check")
    publish_btn.click(on_publish, [current], [notice, library], api_name="studio_publish")
    archive_btn.click(on_archive, [current], [notice, library], api_name="studio_archive")
    export_btn.click(on_export, [current, fmt], [export_link, notice], api_name="studio_export")
    trial_start.click(on_trial, [current], [trial, trial_log], api_name="studio_trial")
    gr.on(
        [trial_send.click, trial_text.submit],
        on_trial_send,
        [trial, trial_text, trial_log],
        [trial_log, trial_text],
        api_name="studio_trial_send",
        trigger_mode="always_last",  # a message sent while the last is answered goes next, not dropped
    )
    return tab, library, picker
