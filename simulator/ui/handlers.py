"""Thin UI handlers: plain functions of (inputs, per-user handle) that tests can call directly."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from html import escape
from typing import Any

import gradio as gr

from simulator.errors import SimulatorError
from simulator.game.visibility import trainee_grade
from simulator.reports.visual import visual_debrief
from simulator.session.practice import Handle, TurnResult
from simulator.session.store import SessionRecord
from simulator.team.model import Caller
from simulator.team.service import Team
from simulator.text import storable
from simulator.ui import render

Chat = list[dict[str, str]]


def said(role: str, text: str) -> dict[str, str]:
    """One chat bubble. Gradio's chatbot shows its content as HTML, so the text is escaped: what a person (or a
    model) wrote is shown as written, and an `<img>` in it is text, never an image the browser fetches."""
    return {"role": role, "content": escape(text, quote=False)}


@dataclass
class Screen:
    """Everything the page shows after one event, in the order of the Blocks outputs."""

    chat: Chat
    coach: str
    meters: str
    ledger: str
    debrief: str
    notice: str
    handle: Handle | None
    # None leaves the message box as the person has it: what they type while a conversation opens or a reply
    # arrives is theirs. A string is put in the box (a refused message back, a rewound message to rephrase).
    draft: str | None = None
    plots: str = ""  # the visual debrief: scores and trust per message, the depth ladder, the lasting-deal checklist
    status: str = ""  # one sentence for the live region: who answered and the newest grade, or what went wrong
    ok: bool = True  # False when the event was refused (the notice says why)
    brief: str = ""  # the brief of the persona on screen, for the conversation's collapsible brief

    def outputs(self) -> tuple[Any, ...]:
        return (
            self.chat,
            self.coach,
            self.meters,
            self.ledger,
            self.debrief,
            self.notice,
            self.handle,
            gr.skip() if self.draft is None else self.draft,
            self.plots,
            escape(self.status),  # plain text (a persona's name, a refusal) into an HTML panel
        )


def _as_trainee(record: SessionRecord, handle: Handle) -> list[tuple[int, str, dict[str, Any]]]:
    """The session's stored grades as the trainee may see them (uncovered targets named, the rest hidden)."""
    uncovered = handle.state.uncovered_ids
    return [(t.turn, t.user_text, trainee_grade(t.grade, uncovered)) for t in record.turns if t.grade is not None]


class Handlers:
    """`username` is the signed-in name (None with no accounts). Every read and write goes through the team
    service, which resolves the caller and checks it; no handler reaches a store, the catalog or `Practice`."""

    def __init__(self, team: Team) -> None:
        self.team = team

    def _caller(self, username: str | None) -> Caller:
        return self.team.caller(username)

    def in_use(self) -> str:
        """Which voices and coach this app runs with, for the page header."""
        voices, coaches, meaning = self.team.engine()
        knowledge = " with meaning (MiniLM + Chroma)" if meaning else ""
        return f"Counterpart voices: {', '.join(voices)} · Coaches: {', '.join(coaches)}{knowledge}"

    def counterpart_name(self, handle: Handle) -> str:
        try:
            return self.team.persona(handle.persona_id).name
        except SimulatorError:
            return "The counterpart"

    def choices(self) -> list[tuple[str, str]]:
        return [(render.persona_label(p), p.id) for p in self.team.personas()]

    def session_choices(self, username: str | None = None) -> list[tuple[str, str]]:
        """The caller's own sessions, to reopen."""
        try:
            summaries = self.team.summaries(self._caller(username), 100, own=True)
        except SimulatorError:
            return []
        return [
            (
                f"{s.started_at[:16].replace('T', ' ')} · {s.persona_name} · {s.turns} turns · {s.outcome or 'open'}",
                s.id,
            )
            for s in summaries
        ]

    def describe(self, persona_id: str | None) -> str:
        if not persona_id:
            return "Choose a counterpart to read their brief."
        try:
            return render.brief(self.team.persona(persona_id))
        except SimulatorError as exc:
            return f"**{exc}**"

    def _graded(self, handle: Handle, username: str | None) -> list[tuple[int, str, dict[str, Any]]]:
        """Every stored grade of this session as the trainee may see it."""
        return _as_trainee(self.team.record(self._caller(username), handle.session_id), handle)

    def coach_panel(self, handle: Handle, username: str | None) -> str:
        """The coach panel with every grade stored so far (while the reply still streams); during an open
        assessment, only a line that says the grades come at the end."""
        if self.team.assessing(self._caller(username), handle.session_id):
            return render.ASSESSMENT_PANEL
        names = render.found_names(self.team.persona(handle.persona_id), handle.state)
        return render.coach_panel(self._graded(handle, username), names)

    def screen(
        self, handle: Handle, chat: Chat, username: str | None, notice: str = "", draft: str | None = None
    ) -> Screen:
        caller = self._caller(username)
        persona = self.team.persona(handle.persona_id)
        debrief = plots = ""
        if handle.state.ended:
            debrief = render.debrief_markdown(self.team.debrief(caller, handle))
            view = self.team.transcript(caller, handle.session_id)  # as this caller may see it
            # The player's own debrief never names what stayed hidden (not even to a trainer or the local user):
            # they may play this counterpart again. Review's full view is where a trainer sees every interest.
            found = [i for i in view.interests if i["uncovered_turn"] is not None]
            plots = visual_debrief(replace(view, interests=found, full=False), prefix="practice-")
        record = self.team.record(caller, handle.session_id)
        used = [t.tokens for t in record.turns if t.tokens]
        tokens = {k: sum(u[k] for u in used) for k in ("prompt", "completion")} if used else None
        held = self.team.assessing(caller, handle.session_id)
        graded = _as_trainee(record, handle)
        return Screen(
            chat=chat,
            coach=render.ASSESSMENT_PANEL
            if held
            else render.coach_panel(graded, render.found_names(persona, handle.state)),
            meters=render.meters(handle.state, tokens),
            ledger=render.ledger_panel(persona, handle.state),
            debrief=debrief,
            notice=notice,
            handle=handle,
            draft=None if draft is None else storable(draft),  # an unpaired surrogate would break the page's JSON
            plots=plots,
            status=render.status_line(persona.name, handle.state, graded[-1][2] if graded else None, held),
            brief=render.brief(persona),
        )

    def blocked(
        self, message: str, handle: Handle | None, chat: Chat | None, username: str | None, draft: str | None = None
    ) -> Screen:
        """Show a problem without touching anything else on the page."""
        persona, graded, held = None, [], False
        if handle is not None:
            try:
                persona = self.team.persona(handle.persona_id)
                held = self.team.assessing(self._caller(username), handle.session_id)
                graded = [] if held else self._graded(handle, username)
            except SimulatorError:
                pass  # the problem itself may be that this conversation cannot be read
        return Screen(
            chat=chat or [],
            coach=render.ASSESSMENT_PANEL
            if held
            else render.coach_panel(graded, render.found_names(persona, handle.state) if persona and handle else {}),
            meters=render.meters(handle.state if handle else None),
            ledger=render.ledger_panel(persona, handle.state if handle else None),
            debrief="",
            notice=f"⚠️ {message}",
            handle=handle,
            draft=None if draft is None else storable(draft),  # an unpaired surrogate would break the page's JSON
            status=f"Not done: {message}",
            ok=False,
            brief=render.brief(persona) if persona else "",
        )

    def start(
        self,
        persona_id: str | None,
        handle: Handle | None,
        chat: Chat | None,
        voice: str | None = None,
        coach: str | None = None,
        username: str | None = None,
    ) -> Screen:
        if not persona_id:
            return self.blocked("Choose a counterpart first.", handle, chat, username)
        try:
            new = self.team.start(self._caller(username), persona_id, voice=voice, coach=coach)
        except SimulatorError as exc:
            return self.blocked(str(exc), handle, chat, username)
        return self._opened(new, f"Session {new.session_id} started.", username)

    def _opened(self, new: Handle, notice: str, username: str | None) -> Screen:
        """A fresh conversation on screen: the counterpart's opening line and nothing else yet."""
        persona = self.team.persona(new.persona_id)
        return self.screen(new, [said("assistant", persona.opening)], username, notice=notice)

    def start_assignment(
        self,
        assignment_id: str | None,
        handle: Handle | None,
        chat: Chat | None,
        voice: str | None = None,
        coach: str | None = None,
        username: str | None = None,
    ) -> Screen:
        """Start a session that counts toward one of the caller's assignments."""
        if not assignment_id:
            return self.blocked("Choose one of your assignments first.", handle, chat, username)
        try:
            new = self.team.start_assignment(self._caller(username), assignment_id, voice=voice, coach=coach)
        except SimulatorError as exc:
            return self.blocked(str(exc), handle, chat, username)
        persona = self.team.persona(new.persona_id)
        return self._opened(new, f"Session {new.session_id} started for your assignment with {persona.name}.", username)

    def send(self, text: str, handle: Handle | None, chat: Chat | None, username: str | None = None) -> Screen:
        final: Screen | None = None
        for item in self.send_stream(text, handle, chat, username):
            if isinstance(item, Screen):
                final = item
        assert final is not None
        return final

    def send_stream(
        self,
        text: str,
        handle: Handle | None,
        chat: Chat | None,
        username: str | None = None,
        draft_after: str | None = None,
    ) -> Iterator[Screen | Chat]:
        """The chat as the reply grows (lists of messages), then the whole page (a Screen)."""
        if handle is None:
            yield self.blocked(
                "Start a negotiation first: choose a counterpart and press Start.", None, chat, username, draft=text
            )
            return
        shown = list(chat or [])
        try:
            for event in self.team.send_stream(self._caller(username), handle, text):
                if isinstance(event, TurnResult):
                    result = event
                    break
                if len(shown) == len(chat or []):
                    shown += [said("user", storable(text).strip()), said("assistant", "")]
                shown[-1] = {"role": "assistant", "content": shown[-1]["content"] + said("assistant", event)["content"]}
                yield list(shown)
        except SimulatorError as exc:
            # The draft stays in the box so nothing typed is lost.
            yield self.blocked(str(exc), handle, chat, username, draft=text)
            return
        final = [
            *(chat or []),
            said("user", result.user),
            said("assistant", result.reply),
        ]
        outcome = result.state.outcome
        notice = f"Conversation over: {outcome.value.replace('_', ' ')}." if outcome else ""
        if result.state.closing:
            notice = (
                "They agree in principle. Make it last: settle who does what by when, how you will measure success, "
                "keep in touch and adjust, then confirm."
            )
        notice = " ".join([notice, *result.notices]).strip()
        # The send event emptied the box when the message went (`send_events`); anything typed since is the next
        # message. A caller whose event did not empty it says what the box should hold (`draft_after`).
        yield self.screen(handle, final, username, notice=notice, draft=draft_after)

    def end(self, handle: Handle | None, chat: Chat | None, username: str | None = None) -> Screen:
        if handle is None:
            return self.blocked("There is no conversation to end.", None, chat, username)
        try:
            self.team.end(self._caller(username), handle)
        except SimulatorError as exc:
            return self.blocked(str(exc), handle, chat, username)
        return self.screen(handle, chat or [], username, notice="You ended the conversation.")

    def reopen(
        self, session_id: str | None, handle: Handle | None, chat: Chat | None, username: str | None = None
    ) -> Screen:
        if not session_id:
            return self.blocked("Choose a stored session to reopen.", handle, chat, username)
        try:
            new, record = self.team.resume(self._caller(username), session_id)
        except SimulatorError as exc:
            return self.blocked(str(exc), handle, chat, username)
        history: Chat = [said("assistant", record.opening)]
        for t in record.turns:
            history.append(said("user", t.user_text))
            if t.reply is not None:
                history.append(said("assistant", t.reply))
        return self.screen(new, history, username, notice=f"Reopened session {new.session_id}.")
