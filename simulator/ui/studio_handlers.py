"""Handlers for the Studio tab: the persona library, the YAML editor with live validation, check, publish,
archive, import, export and test-play.

Each takes the signed-in name last and asks the Studio service, which checks the caller; the page only shows.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from typing import Any

import gradio as gr

from simulator.errors import NotAllowedError, SimulatorError, StudioInputError
from simulator.persona.cards import to_yaml
from simulator.persona.safe_load import surrogate_problem
from simulator.reports.tables import table
from simulator.studio.check import CheckReport
from simulator.studio.drafting import GuidedInterest
from simulator.studio.service import Studio, TestPlay
from simulator.team.model import Caller
from simulator.team.service import Team
from simulator.ui import studio_form as form
from simulator.ui.downloads import Downloads


def _warn(exc: Exception) -> str:
    return f"⚠️ {escape(str(exc))}"


@dataclass
class Opened:
    """What the editor shows for one persona."""

    persona_id: str
    yaml: str
    problems: str
    notice: str


@dataclass
class FormFill:
    """The form's values read from the YAML: the face and numbers, and the pickers' choices."""

    face: list[Any]
    interests: list[tuple[str, int]]
    positions: list[tuple[str, int]]
    anchor_lines: str


@dataclass
class FormWritten:
    """What the form holds when it is applied to the YAML."""

    face: list[Any]
    interest_index: int | None
    interest: list[Any]
    position_index: int | None
    position: list[Any]
    move: str | None
    lines: str


def problems_markdown(problems: list[str]) -> str:
    if not problems:
        return "✅ Valid: every field is filled in as the schema asks."
    return "**Fix before publishing:**\n" + "\n".join(
        f"- `{escape(p.split(': ', 1)[0])}`: {escape(p.split(': ', 1)[-1])}" for p in problems
    )


def report_markdown(report: CheckReport) -> str:
    lines = [f"### Check: {escape(report.summary())}"]
    for f in report.errors:
        lines.append(f"- ❌ **{f.check}** `{escape(f.where)}`: {escape(f.message)}")
    for f in report.warnings:
        lines.append(f"- ⚠️ **{f.check}** `{escape(f.where)}`: {escape(f.message)}")
    if report.difficulty:
        lines += ["", "| interest | level | trust needed | uncovered at turn | trust then |", "|---|---|---|---|---|"]
        for d in report.difficulty:
            turn = d.uncovered_turn if d.uncovered_turn is not None else "never"
            lines.append(
                f"| {d.interest_id} | {d.level} | {d.trust_needed} | {turn} | {d.trust_then if d.trust_then is not None else '-'} |"
            )
        agreed = report.agreement_turn if report.agreement_turn is not None else "no agreement"
        peer = (
            f" (built-in personas of this archetype: turn {report.peer_agreement_turn})"
            if report.peer_agreement_turn
            else ""
        )
        lines.append(f"\nGood script reaches agreement at turn **{agreed}**{peer}.")
    return "\n".join(lines)


class StudioHandlers:
    def __init__(self, studio: Studio, team: Team, downloads: Downloads) -> None:
        self.studio = studio
        self.team = team
        self.downloads = downloads

    def _caller(self, username: str | None) -> Caller:
        return self.team.caller(username)

    @staticmethod
    def _id(persona_id: str) -> str:
        """A persona id from the page (the API can send any string): one no database can store is named here."""
        lone = surrogate_problem(persona_id, "persona id")
        if lone:
            raise StudioInputError(lone)
        return persona_id

    def _trainer(self, username: str | None) -> Caller:
        """For what needs no stored data (reading the editor's text): the team service resolves the caller and
        the Studio service's own rule decides, before any text is parsed."""
        caller = self._caller(username)
        self.studio.require_trainer(caller)
        return caller

    # --- the library ------------------------------------------------------------------------------------------

    def library(self, username: str | None) -> tuple[str, list[tuple[str, str]]]:
        """(the library table, the persona picker's choices)."""
        try:
            rows = self.studio.library(self._caller(username))
        except SimulatorError as exc:
            return f"<p>{_warn(exc)}</p>", []
        body = [
            (
                f"data-persona='{escape(r.persona_id)}'",
                [
                    r.name,
                    r.persona_id,
                    r.source,
                    r.status.value,
                    r.version or "-",
                    r.published_version or "-",
                    r.author,
                    r.check,
                ],
            )
            for r in rows
        ]
        head = ["Name", "Id", "Source", "Status", "Version", "Published", "Author", "Last check"]
        library = table(head, body, classes="library")
        choices = [(f"{r.name} ({r.source}, {r.status.value})", r.persona_id) for r in rows]
        return library, choices

    def landing(self, username: str | None, trainer: bool) -> tuple[str, Any]:
        """The library and the picker as the page loads (empty for a trainee, whose tab stays hidden)."""
        if not trainer:
            return "", gr.Dropdown(choices=[], value=None)
        table, choices = self.library(username)
        return table, gr.Dropdown(choices=choices, value=None)

    def _opened(self, caller: Caller, persona_id: str, notice: str) -> Opened:
        data = self.studio.data_of(caller, persona_id)
        return Opened(
            persona_id,
            to_yaml(data),
            problems_markdown(self.studio.problems(data)),
            notice + self._history(caller, persona_id),
        )

    def _history(self, caller: Caller, persona_id: str) -> str:
        """A team persona's changes, newest first: who did what to which version, and when."""
        if persona_id in self.studio.builtin_ids:
            return ""
        lines = [
            f"- {e.at[:16].replace('T', ' ')}: {e.action.value}"
            + (f" version {e.version}" if e.version is not None else "")
            + f" by {e.by}"
            for e in reversed(self.studio.history(caller, persona_id))
        ]
        return "\n\n**History:**\n" + "\n".join(lines) if lines else ""

    def open(self, persona_id: str | None, username: str | None) -> Opened:
        if not persona_id:
            return Opened("", "", "", "Pick a persona from the library first.")
        try:
            caller = self._caller(username)
            read_only = self._id(persona_id) in self.studio.builtin_ids
            return self._opened(
                caller,
                persona_id,
                "Built in and read-only: use **Copy to edit**." if read_only else f"Editing `{persona_id}`.",
            )
        except SimulatorError as exc:
            return Opened("", "", "", _warn(exc))

    def copy(self, persona_id: str | None, username: str | None) -> Opened:
        if not persona_id:
            return Opened("", "", "", "Pick a persona to copy first.")
        try:
            caller = self._caller(username)
            draft = self.studio.copy_of(caller, self._id(persona_id))
            return self._opened(caller, draft.persona_id, f"Copied to the draft `{draft.persona_id}`.")
        except SimulatorError as exc:
            return Opened("", "", "", _warn(exc))

    def new(self, archetype: str | None, username: str | None) -> Opened:
        try:
            caller = self._caller(username)
            draft = self.studio.create(caller, self.studio.template(caller, archetype or "competitive"))
            return self._opened(
                caller, draft.persona_id, f"New draft `{draft.persona_id}` from the template: edit and save."
            )
        except SimulatorError as exc:
            return Opened("", "", "", _warn(exc))

    def draft(self, description: str, archetype: str | None, username: str | None) -> Opened:
        """With a model: the whole persona from a description; what is still invalid is shown beside it."""
        try:
            caller = self._caller(username)
            version, drafted = self.studio.draft(caller, description or "", archetype or "competitive")
        except SimulatorError as exc:
            return Opened("", "", "", _warn(exc))
        left = f" {len(drafted.problems)} problem(s) left for you to fix." if drafted.problems else ""
        return self._opened(caller, version.persona_id, f"Drafted `{version.persona_id}` by the model.{left}")

    def guided(self, archetype: str | None, username: str | None, *parts: str) -> Opened:
        """Offline: name, role, scenario, opening, position, then five fields per interest (level, summary,
        reveal, probe, satisfier)."""
        face, rest = parts[:5], parts[5:]
        interests = [
            GuidedInterest(*(str(v or "") for v in rest[n : n + 5])) for n in range(0, len(rest) - len(rest) % 5, 5)
        ]
        try:
            caller = self._caller(username)
            names = ("name", "role", "scenario", "opening", "position")
            version = self.studio.guided(
                caller,
                archetype or "competitive",
                interests,
                **{k: str(v or "") for k, v in zip(names, face, strict=True)},
            )
        except SimulatorError as exc:
            return Opened("", "", "", _warn(exc))
        return self._opened(
            caller,
            version.persona_id,
            f"Drafted `{version.persona_id}` from the form: the rest comes from the archetype; reword it here.",
        )

    def upload(self, username: str | None, name: str, blob: bytes) -> tuple[int, dict[str, str]]:
        """The file import route's answer: (HTTP status, {"notice"} or {"error"}); the guard calls it."""
        try:
            draft, imported = self.studio.import_file(self._caller(username), name, blob)
        except NotAllowedError as exc:
            return 403, {"error": str(exc)}
        except SimulatorError as exc:
            return 400, {"error": str(exc)}
        missing = f" Still to write: {', '.join(imported.missing)}." if imported.missing else ""
        return 200, {
            "notice": f"Imported {name} as the draft {draft.persona_id}: pick it in the library and open it.{missing}",
            "persona_id": draft.persona_id,
        }

    def import_text(self, text: str, username: str | None) -> tuple[Opened, str]:
        """Pasted Parley YAML/JSON or a card's JSON becomes a new draft; returns (editor, what stayed in the box)."""
        if not (text or "").strip():
            return Opened("", "", "", "Paste a persona (YAML or JSON) or a Character Card's JSON first."), text
        try:
            caller = self._trainer(username)
            lone = surrogate_problem(text, "the pasted text")
            if lone:
                raise StudioInputError(lone)  # UTF-8 cannot carry it to the importer
            draft, imported = self.studio.import_file(caller, "pasted text", text.encode("utf-8"))
        except SimulatorError as exc:
            return Opened("", "", "", _warn(exc)), text  # the pasted text stays for fixing
        missing = f" Still to write: {', '.join(imported.missing)}." if imported.missing else ""
        return self._opened(caller, draft.persona_id, f"Imported as the draft `{draft.persona_id}`.{missing}"), ""

    # --- editing ----------------------------------------------------------------------------------------------

    def validate(self, text: str, username: str | None) -> str:
        """Live validation as the trainer types: nothing is saved."""
        if not (text or "").strip():
            return ""
        try:
            self._trainer(username)
            return problems_markdown(self.studio.problems(form.parse(text)))
        except SimulatorError as exc:
            return _warn(exc)

    def save(self, persona_id: str | None, text: str, username: str | None) -> tuple[str, str]:
        """(problems, notice). The text in the editor is never replaced, so an error loses nothing."""
        if not persona_id:
            return "", "Open or create a persona first."
        try:
            caller = self._trainer(username)
            draft, problems = self.studio.save(caller, self._id(persona_id), form.parse(text))
        except SimulatorError as exc:
            return self.validate(text, username), _warn(exc) + " Nothing was saved; your text is still here."
        state = "saved" if not problems else "saved, with problems to fix before publishing"
        return problems_markdown(problems), f"Draft version {draft.version} {state}."

    # --- the form view: each reads the editor's YAML, so the caller is checked before it is parsed ----------------

    def form_fill(self, text: str, username: str | None) -> FormFill:
        self._trainer(username)
        return FormFill(
            form.face_values(text),
            form.interest_choices(text),
            form.position_choices(text),
            form.line_values(text, "anchor"),
        )

    def form_interest(self, text: str, index: int | None, username: str | None) -> list[Any]:
        self._trainer(username)
        return form.interest_values(text, index)

    def form_position(self, text: str, index: int | None, username: str | None) -> list[str]:
        self._trainer(username)
        return form.position_values(text, index)

    def form_move(self, text: str, move: str | None, username: str | None) -> str:
        self._trainer(username)
        return form.line_values(text, move)

    def form_apply(self, text: str, written: FormWritten, username: str | None) -> str:
        """The YAML with the whole form written in (one interest, one position, one move's lines)."""
        self._trainer(username)
        text = form.apply_form(text, written.face, written.interest_index, written.interest)
        return form.apply_more(text, written.position_index, written.position, written.move, written.lines)

    # --- check, publish, archive, export ----------------------------------------------------------------------

    def check(self, persona_id: str | None, username: str | None) -> str:
        if not persona_id:
            return "Open a persona first."
        try:
            return report_markdown(self.studio.check(self._caller(username), self._id(persona_id)))
        except SimulatorError as exc:
            return _warn(exc)

    def publish(self, persona_id: str | None, username: str | None) -> str:
        if not persona_id:
            return "Open a persona first."
        try:
            done = self.studio.publish(self._caller(username), self._id(persona_id))
        except SimulatorError as exc:
            return _warn(exc)
        return f"Published `{done.persona_id}` version {done.version}: trainees can practise with it now."

    def archive(self, persona_id: str | None, username: str | None, archived: bool = True) -> str:
        if not persona_id:
            return "Open a persona first."
        try:
            self.studio.archive(self._caller(username), self._id(persona_id), archived)
        except SimulatorError as exc:
            return _warn(exc)
        return f"{'Archived' if archived else 'Restored'} `{persona_id}`."

    def export(self, persona_id: str | None, fmt: str, username: str | None) -> tuple[str, str]:
        """(download link, notice); the file is made again, as whoever fetches the link."""
        if not persona_id:
            return "", "Open a persona first."

        def make(user: str | None) -> tuple[str, bytes]:
            return self.studio.export(self._caller(user), self._id(persona_id), fmt or "yaml")

        try:
            name, _ = make(username)
        except SimulatorError as exc:
            return "", _warn(exc)
        link = self.downloads.link(username, name, make)
        return link, f"Exported {name}."

    # --- test-play --------------------------------------------------------------------------------------------

    def test_start(self, persona_id: str | None, username: str | None) -> tuple[TestPlay | None, str]:
        if not persona_id:
            return None, "Open a persona first."
        try:
            play = self.studio.test_play(self._caller(username), self._id(persona_id))
        except SimulatorError as exc:
            return None, _warn(exc)
        return (
            play,
            f"**{escape(play.persona.name)}:** {escape(play.persona.opening)}\n\n_Trial run: nothing is stored._",
        )

    def test_send(self, play: TestPlay | None, text: str, log: str, username: str | None) -> tuple[str, str]:
        """(the author view so far, what stays in the message box)."""
        if play is None:
            return log, text
        if not (text or "").strip():
            return log, text
        try:
            turn = self.studio.test_send(self._caller(username), play, text)
        except SimulatorError as exc:
            return log + f"\n\n{_warn(exc)}", text
        g = turn.grade
        ledger = ", ".join(
            f"{'✅' if row['uncovered'] else '🔒'} {row['id']} (needs {row['trust_needed']})" for row in turn.ledger
        )
        entry = (
            f"\n\n**You:** {escape(text)}\n\n"
            f"<small>questions {g.questions.score} · interests {g.interests.score} "
            f"(targets: {', '.join(g.interests.targets) or 'none'}) · collaboration {g.collaboration.score} · "
            f"moves: {', '.join(turn.moves)} · trust {turn.trust}</small>\n\n"
            f"**{escape(play.persona.name)}:** {escape(turn.reply)}\n\n<small>Ledger: {escape(ledger)}</small>"
        )
        if play.state.ended:
            entry += f"\n\n_Ended: {play.state.outcome.value if play.state.outcome else ''}_"
        return log + entry, ""
