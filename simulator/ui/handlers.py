"""Thin UI handlers: plain functions of (inputs, per-user handle) that tests can call directly."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from html import escape
from typing import Any

from simulator.errors import SimulatorError
from simulator.game.visibility import trainee_grade
from simulator.session.practice import Handle, Practice, TurnResult
from simulator.team.model import LOCAL, Caller, Role
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
    draft: str = ""

    def outputs(self) -> tuple[Any, ...]:
        return (self.chat, self.coach, self.meters, self.ledger, self.debrief, self.notice, self.handle, self.draft)


class Handlers:
    """`username` is the signed-in name (None with no accounts); the team service checks it on every call."""

    def __init__(self, practice: Practice, team: Team | None = None) -> None:
        self.practice = practice
        self.team = team

    def _caller(self, username: str | None) -> Caller:
        return self.team.caller(username) if self.team is not None else LOCAL

    def _check(self, handle: Handle, username: str | None) -> None:
        """A live conversation belongs to whoever started it."""
        if self.team is not None:
            self.team.check_handle(self._caller(username), handle)

    def in_use(self) -> str:
        """Which voices and coach this app runs with, for the page header."""
        voices = ", ".join(self.practice.voices)
        knowledge = " with meaning (MiniLM + Chroma)" if getattr(self.practice.rule_coach, "knowledge", None) else ""
        coaches = ", ".join(self.practice.coaches)
        return f"Counterpart voices: {voices} · Coaches: {coaches}{knowledge}"

    def choices(self) -> list[tuple[str, str]]:
        return [(render.persona_label(p), p.id) for p in self.practice.catalog.ordered()]

    def session_choices(self, username: str | None = None) -> list[tuple[str, str]]:
        """The caller's own sessions, to reopen."""
        try:
            caller = self._caller(username)
        except SimulatorError:
            return []
        users = None if caller.role is Role.LOCAL else [caller.name]
        return [
            (
                f"{s.started_at[:16].replace('T', ' ')} · {s.persona_name} · {s.turns} turns · {s.outcome or 'open'}",
                s.id,
            )
            for s in self.practice.store.list_sessions(100, users)
        ]

    def describe(self, persona_id: str | None) -> str:
        if not persona_id:
            return "Choose a counterpart to read their brief."
        try:
            return render.brief(self.practice.catalog.get(persona_id))
        except SimulatorError as exc:
            return f"**{exc}**"

    def _graded(self, handle: Handle) -> list[tuple[int, str, dict[str, Any]]]:
        """Every stored grade of this session as the trainee may see it."""
        record = self.practice.store.get_session(handle.session_id)
        uncovered = handle.state.uncovered_ids
        return [(t.turn, t.user_text, trainee_grade(t.grade, uncovered)) for t in record.turns if t.grade is not None]

    def coach_panel(self, handle: Handle) -> str:
        """The coach panel with every grade stored so far (while the reply still streams)."""
        return render.coach_panel(self._graded(handle))

    def _screen(self, handle: Handle, chat: Chat, notice: str = "", draft: str = "") -> Screen:
        persona = self.practice.catalog.get(handle.persona_id)
        debrief = ""
        if handle.state.ended:
            debrief = render.debrief_markdown(self.practice.debrief(handle))
        record = self.practice.store.get_session(handle.session_id)
        used = [t.tokens for t in record.turns if t.tokens]
        tokens = {k: sum(u[k] for u in used) for k in ("prompt", "completion")} if used else None
        return Screen(
            chat=chat,
            coach=render.coach_panel(self._graded(handle)),
            meters=render.meters(handle.state, tokens),
            ledger=render.ledger_panel(persona, handle.state),
            debrief=debrief,
            notice=notice,
            handle=handle,
            draft=storable(draft),  # an unpaired surrogate would break the page's JSON
        )

    def _blocked(self, message: str, handle: Handle | None, chat: Chat | None, draft: str = "") -> Screen:
        """Show a problem without touching anything else on the page."""
        persona = self.practice.catalog.personas.get(handle.persona_id) if handle else None
        return Screen(
            chat=chat or [],
            coach=render.coach_panel(self._graded(handle) if handle else []),
            meters=render.meters(handle.state if handle else None),
            ledger=render.ledger_panel(persona, handle.state if handle else None),
            debrief="",
            notice=f"⚠️ {message}",
            handle=handle,
            draft=storable(draft),  # an unpaired surrogate would break the page's JSON
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
            return self._blocked("Choose a counterpart first.", handle, chat)
        try:
            caller = self._caller(username)
            new = self.practice.start(persona_id, user=caller.name, voice=voice, coach=coach)
        except SimulatorError as exc:
            return self._blocked(str(exc), handle, chat)
        return self._opened(new, f"Session {new.session_id} started.")

    def _opened(self, new: Handle, notice: str) -> Screen:
        """A fresh conversation on screen: the counterpart's opening line and nothing else yet."""
        persona = self.practice.catalog.get(new.persona_id)
        return self._screen(new, [said("assistant", persona.opening)], notice=notice)

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
        if not assignment_id or self.team is None:
            return self._blocked("Choose one of your assignments first.", handle, chat)
        try:
            new = self.team.start_assignment(self._caller(username), assignment_id, voice=voice, coach=coach)
        except SimulatorError as exc:
            return self._blocked(str(exc), handle, chat)
        persona = self.practice.catalog.get(new.persona_id)
        return self._opened(new, f"Session {new.session_id} started for your assignment with {persona.name}.")

    def send(self, text: str, handle: Handle | None, chat: Chat | None, username: str | None = None) -> Screen:
        final: Screen | None = None
        for item in self.send_stream(text, handle, chat, username):
            if isinstance(item, Screen):
                final = item
        assert final is not None
        return final

    def send_stream(
        self, text: str, handle: Handle | None, chat: Chat | None, username: str | None = None
    ) -> Iterator[Screen | Chat]:
        """The chat as the reply grows (lists of messages), then the whole page (a Screen)."""
        if handle is None:
            yield self._blocked(
                "Start a negotiation first: choose a counterpart and press Start.", None, chat, draft=text
            )
            return
        shown = list(chat or [])
        try:
            self._check(handle, username)
            for event in self.practice.send_stream(handle, text):
                if isinstance(event, TurnResult):
                    result = event
                    break
                if len(shown) == len(chat or []):
                    shown += [said("user", storable(text).strip()), said("assistant", "")]
                shown[-1] = {"role": "assistant", "content": shown[-1]["content"] + said("assistant", event)["content"]}
                yield list(shown)
        except SimulatorError as exc:
            # The draft stays in the box so nothing typed is lost.
            yield self._blocked(str(exc), handle, chat, draft=text)
            return
        final = [
            *(chat or []),
            said("user", result.user),
            said("assistant", result.reply),
        ]
        outcome = result.state.outcome
        notice = f"Conversation over: {outcome.value.replace('_', ' ')}." if outcome else ""
        notice = " ".join([notice, *result.notices]).strip()
        yield self._screen(handle, final, notice=notice)

    def end(self, handle: Handle | None, chat: Chat | None, username: str | None = None) -> Screen:
        if handle is None:
            return self._blocked("There is no conversation to end.", None, chat)
        try:
            self._check(handle, username)
            self.practice.end(handle)
        except SimulatorError as exc:
            return self._blocked(str(exc), handle, chat)
        return self._screen(handle, chat or [], notice="You ended the conversation.")

    def reopen(
        self, session_id: str | None, handle: Handle | None, chat: Chat | None, username: str | None = None
    ) -> Screen:
        if not session_id:
            return self._blocked("Choose a stored session to reopen.", handle, chat)
        try:
            if self.team is not None:
                new, record = self.team.resume(self._caller(username), session_id)
            else:
                new, record = self.practice.resume(session_id)
        except SimulatorError as exc:
            return self._blocked(str(exc), handle, chat)
        history: Chat = [said("assistant", record.opening)]
        for t in record.turns:
            history.append(said("user", t.user_text))
            if t.reply is not None:
                history.append(said("assistant", t.reply))
        return self._screen(new, history, notice=f"Reopened session {new.session_id}.")
