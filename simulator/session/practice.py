"""The practice service: one turn = store the message, grade it, apply the rules, reply, store."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from simulator.coach.grade import Grade
from simulator.coach.reading import read_message
from simulator.coach.rule_coach import Coach, RuleCoach
from simulator.coach.suggestions import Visible
from simulator.config import MAX_MESSAGE_CHARS
from simulator.counterpart.scripted import Exchange, ScriptedVoice, TurnReport, Voice
from simulator.errors import SessionConflictError, SessionEndedError, SimulatorError
from simulator.game.rules import advance, initial_state
from simulator.game.state import GameState, Move, MoveKind, Outcome
from simulator.game.visibility import find_leak, trainee_grade
from simulator.persona.files import PersonaCatalog
from simulator.persona.model import Persona
from simulator.session.debrief import Debrief, GradedTurn, build_debrief
from simulator.session.store import SessionRecord, Store, TranscriptSink
from simulator.text import clean_message


@dataclass
class Handle:
    """One person's live conversation: kept in `gr.State` by the UI, in a variable by the CLI."""

    session_id: str
    persona_id: str
    state: GameState
    voice: str = "scripted"
    coach: str = "rules"
    persona_version: int | None = None  # the team persona version this session plays (None: a persona file)


@dataclass(frozen=True)
class TurnResult:
    turn: int
    user: str
    reply: str
    grade: Grade
    moves: list[Move]
    state: GameState
    debrief: Debrief | None
    notices: tuple[str, ...] = ()
    tokens: dict[str, int] | None = None  # prompt and completion tokens this turn's model calls used
    prompts: tuple[str, ...] = ()  # the prompts this turn's voice sent, for inspection (never shown to a trainee)
    fallbacks: tuple[str, ...] = ()  # "voice" and/or "coach": a model's answer was not used this turn
    seconds: float = 0.0  # from the message stored to the reply stored

    def trainee_view(self) -> dict[str, Any]:
        """The turn as the trainee may see it (the `play --json` line)."""
        view = {
            "turn": self.turn,
            "user": self.user,
            "reply": self.reply,
            "grade": trainee_grade(self.grade, self.state.uncovered_ids),
            "state": self.state.summary(),
        }
        if self.notices:
            view["notices"] = list(self.notices)
        if self.tokens:
            view["tokens"] = dict(self.tokens)
        return view


def visible_to_coach(persona: Persona, state: GameState) -> Visible:
    """What the coach may draw on for the next message, given the state before it."""
    return Visible(
        persona=persona,
        uncovered=state.uncovered_ids,
        terms=tuple(state.terms),
        turn=state.turn + 1,
        phase=state.phase.value,
    )


class Practice:
    """Plays conversations against personas; holds no per-user state."""

    def __init__(
        self,
        catalog: PersonaCatalog,
        store: Store,
        *,
        coach: Coach | None = None,
        voice: Voice | None = None,
        max_message_chars: int = MAX_MESSAGE_CHARS,
        transcripts: TranscriptSink | None = None,
        observer: Callable[[TurnResult], None] | None = None,
    ) -> None:
        self.observer = observer  # told of every played turn (the operators' metrics); never changes one
        self.catalog = catalog
        self.store = store
        self.transcripts = transcripts
        self.coach: Coach = coach or RuleCoach()
        # The coach whose reading drives the game rules: the model coach's floor, or the coach itself.
        self.rule_coach: Coach = getattr(self.coach, "floor", self.coach)
        self.coaches: dict[str, Coach] = {self.rule_coach.name: self.rule_coach, self.coach.name: self.coach}
        self.voice: Voice = voice or ScriptedVoice()
        # Every voice the app can offer, by name; the scripted one is always there.
        self.voices: dict[str, Voice] = {"scripted": ScriptedVoice(), self.voice.name: self.voice}
        self.max_message_chars = max_message_chars

    def start(
        self,
        persona_id: str,
        user: str = "local",
        voice: str | None = None,
        coach: str | None = None,
        assignment_id: str | None = None,
        version: int | None = None,
    ) -> Handle:
        """A new session; `version` plays that published version of a team persona instead of the latest."""
        persona = self.catalog.get(persona_id, version)
        chosen = voice or self.voice.name
        if chosen not in self.voices:
            raise SimulatorError(f"no voice '{chosen}': choose one of {', '.join(self.voices)}")
        grader = coach or self.coach.name
        if grader not in self.coaches:
            raise SimulatorError(f"no coach '{grader}': choose one of {', '.join(self.coaches)}")
        state = initial_state(persona)
        handle = Handle(
            session_id=uuid.uuid4().hex[:12],
            persona_id=persona.id,
            state=state,
            voice=chosen,
            coach=grader,
            persona_version=version if version is not None else self.catalog.version_of(persona.id),
        )
        self.store.create_session(
            session_id=handle.session_id,
            persona_id=persona.id,
            persona_name=persona.name,
            user=user,
            opening=persona.opening,
            state=state,
            voice=chosen,
            coach=grader,
            assignment_id=assignment_id,
            persona_version=handle.persona_version,
        )
        return handle

    def _reply_pieces(
        self, handle: Handle, persona: Persona, state: GameState, moves: list[Move], report: TurnReport
    ) -> Iterator[str]:
        voice = self.voices.get(handle.voice, self.voices["scripted"])
        history: list[Exchange] = []
        if voice.needs_history:
            record = self.store.get_session(handle.session_id)
            history = [Exchange(t.user_text, t.reply) for t in record.turns if t.reply is not None]
        yield from voice.speak_stream(persona, state, moves, history, report=report)

    def _play(self, handle: Handle, persona: Persona, text: str, grade: Grade | None) -> TurnResult:
        for event in self._play_stream(handle, persona, text, grade):
            if isinstance(event, TurnResult):
                return event
        raise AssertionError("a turn always ends with its result")

    def _play_stream(
        self, handle: Handle, persona: Persona, text: str, grade: Grade | None
    ) -> Iterator[str | TurnResult]:
        """Reply pieces as they pass the voice's checks, then the stored TurnResult."""
        turn = handle.state.turn + 1
        began = time.perf_counter()
        reading = read_message(text)
        visible = visible_to_coach(persona, handle.state)
        # The moves come from the deterministic rule reading; a model coach only writes the feedback.
        # So the feedback grade and the reply need not wait for each other: they run side by side.
        ruling = self.rule_coach.grade(reading, visible)
        state, moves = advance(persona, handle.state, reading, ruling)
        coach = self.coaches.get(handle.coach, self.coach)
        report = TurnReport()
        parts: list[str] = []
        pieces = self._reply_pieces(handle, persona, state, moves, report)
        if grade is None and coach is self.rule_coach:
            grade = ruling
            self._store_grade(handle, turn, text, grade, report)
        if grade is not None:
            for piece in pieces:
                parts.append(piece)
                yield piece
        else:
            with ThreadPoolExecutor(max_workers=1) as pool:
                graded = pool.submit(coach.feedback, reading, visible, ruling)
                held: list[str] = []
                for piece in pieces:  # made here while the coach works in its thread
                    parts.append(piece)
                    if grade is None and graded.done():
                        grade = graded.result()
                        self._store_grade(handle, turn, text, grade, report)
                    if grade is None:
                        held.append(piece)  # nothing is shown before the grade is committed
                    else:
                        yield from held
                        held.clear()
                        yield piece
                if grade is None:
                    grade = graded.result()
                    self._store_grade(handle, turn, text, grade, report)
                yield from held
        reply = "".join(parts)
        state = state.with_lines_said(report.lines)  # the voice reported which written lines it used
        if find_leak(reply, persona, state.uncovered_ids):
            # A voice must never say what has not been uncovered; fall back to the plain anchor line.
            said = ScriptedVoice().say(persona, state, [Move(MoveKind.ANCHOR)])
            reply = said.text
            state = state.with_lines_said(said.lines)
        notices = tuple(report.notices)
        if grade.coach != coach.name and grade.notices:
            notices += (grade.notices[-1],)  # the model coach fell back: its reason is the grade's last notice
        used = report.usage
        tokens = {k: sum(u[k] for u in used) for k in ("prompt", "completion")} if used else None
        self.store.add_reply(handle.session_id, turn, reply, [m.kind.value for m in moves], state, tokens)
        handle.state = state
        debrief = self._finish(handle, persona, state) if state.ended else None
        fallbacks = (("voice",) if report.fell_back else ()) + (("coach",) if grade.coach != coach.name else ())
        result = TurnResult(
            turn,
            text,
            reply,
            grade,
            moves,
            state,
            debrief,
            notices,
            tokens,
            tuple(report.prompts),
            fallbacks,
            time.perf_counter() - began,
        )
        if self.observer is not None:
            self.observer(result)
        yield result

    def _store_grade(self, handle: Handle, turn: int, text: str, grade: Grade, report: TurnReport) -> None:
        self.store.add_grade(handle.session_id, turn, grade)
        self._index(handle, turn, text, grade, report)

    def _index(self, handle: Handle, turn: int, text: str, grade: Grade, report: TurnReport) -> None:
        """Add the graded message to transcript search; a search index failure never costs the turn."""
        if self.transcripts is None:
            return
        try:
            self.transcripts.add(handle.session_id, turn, handle.persona_id, text, grade)
        except Exception as exc:  # the index is an adapter we do not control; SQLite already holds the turn
            report.notices.append(f"Transcript search could not index this message ({exc}); the turn is saved.")

    def send(self, handle: Handle, text: str) -> TurnResult:
        """Play one user message. Raises `InvalidMessageError` (nothing stored) or `SessionEndedError`."""
        for event in self.send_stream(handle, text):
            if isinstance(event, TurnResult):
                return event
        raise AssertionError("a turn always ends with its result")

    def send_stream(self, handle: Handle, text: str) -> Iterator[str | TurnResult]:
        """Like `send`, but yields the reply in checked pieces before the final TurnResult."""
        if handle.state.ended:
            raise SessionEndedError("this conversation has ended: start a new one to keep practising")
        cleaned = clean_message(text, self.max_message_chars)
        persona = self.catalog.get(handle.persona_id, handle.persona_version)
        # Stored first, so a crash anywhere after this loses nothing the user typed.
        self.store.add_user_message(handle.session_id, handle.state.turn + 1, cleaned)
        yield from self._play_stream(handle, persona, cleaned, None)

    def end(self, handle: Handle) -> Debrief:
        """The user ends the conversation (or asks for the debrief of one that has ended).

        Raises `SessionConflictError` when another tab moved the session on, and leaves `handle` as it was."""
        persona = self.catalog.get(handle.persona_id, handle.persona_version)
        if handle.state.ended:
            record = self.store.get_session(handle.session_id)
            if record.debrief is not None:
                return record.debrief
            return self._finish(handle, persona, handle.state)  # the rules ended it; the debrief was cut off
        ending = handle.state.copy()
        ending.outcome = Outcome.ENDED_BY_USER
        debrief = self._finish(handle, persona, ending)
        handle.state = ending
        return debrief

    def _finish(self, handle: Handle, persona: Persona, state: GameState) -> Debrief:
        record = self.store.get_session(handle.session_id)
        turns = [GradedTurn(t.turn, t.user_text, t.grade) for t in record.turns if t.grade is not None]
        debrief = build_debrief(persona, state, turns)
        outcome = state.outcome.value if state.outcome else Outcome.ENDED_BY_USER.value
        self.store.finish(handle.session_id, outcome, state, debrief, turn=state.turn)
        return debrief

    def resume(self, session_id: str, record: SessionRecord | None = None) -> tuple[Handle, SessionRecord]:
        """Reopen a stored session (`record`: it, just read by the caller); a turn cut off before its reply is
        finished now, exactly as it would have been."""
        record = record if record is not None else self.store.get_session(session_id)
        persona = self.catalog.get(record.persona_id, record.persona_version)
        # The session's own voice and coach, when this app still offers them.
        handle = Handle(
            session_id=record.id,
            persona_id=persona.id,
            persona_version=record.persona_version,
            state=record.state,
            voice=record.voice if record.voice in self.voices else "scripted",
            coach=record.coach if record.coach in self.coaches else self.rule_coach.name,
        )
        pending = record.turns[-1] if record.turns and record.turns[-1].reply is None else None
        if pending is not None and not handle.state.ended:
            try:
                self._play(handle, persona, pending.user_text, pending.grade)
            except SessionConflictError:
                # Another instance (the one it was sent to, or a retry) finished the turn meanwhile.
                return self.resume(session_id)
            record = self.store.get_session(session_id)
        return handle, record

    def branch(self, record: SessionRecord, branch_turn: int, user: str, *, assignment_id: str | None = None) -> Handle:
        """A new attempt that replays `record` from its message `branch_turn`: the messages before it are kept,
        and the game state is the one stored after the message before it (the rules are deterministic, so this is
        exactly where the conversation stood)."""
        answered = [t for t in record.turns if t.reply is not None and t.state is not None]
        if not 1 <= branch_turn <= len(answered):
            raise SimulatorError(
                f"there is no message {branch_turn} to try again: choose one from 1 to {len(answered)}"
                if answered
                else "this conversation has no answered message to try again"
            )
        persona = self.catalog.get(record.persona_id, record.persona_version)
        before = answered[branch_turn - 2].state if branch_turn > 1 else initial_state(persona)
        assert before is not None  # answered turns have their state
        handle = Handle(
            session_id=uuid.uuid4().hex[:12],
            persona_id=persona.id,
            persona_version=record.persona_version,
            state=before.copy(),
            voice=record.voice if record.voice in self.voices else "scripted",
            coach=record.coach if record.coach in self.coaches else self.rule_coach.name,
        )
        self.store.create_branch(
            session_id=handle.session_id,
            parent=record,
            branch_turn=branch_turn,
            user=user,
            state=before,
            assignment_id=assignment_id,
        )
        return handle

    def debrief(self, handle: Handle) -> Debrief:
        record = self.store.get_session(handle.session_id)
        if record.debrief is not None:
            return record.debrief
        raise SimulatorError("this conversation has no debrief yet: end it first")
