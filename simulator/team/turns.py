"""Turns by number, for the JSON API: any instance may take one and a client may retry it anywhere."""

from __future__ import annotations

from dataclasses import replace

from simulator.errors import SessionConflictError
from simulator.game.visibility import trainee_grade
from simulator.session.practice import Practice
from simulator.session.store import SessionRecord
from simulator.team.model import Caller
from simulator.team.views import PlayedTurn, replayed
from simulator.text import clean_message


class TurnsByNumber:
    """Mixed into `Team`: it relies on the team's own session checks."""

    practice: Practice

    def _own(self, caller: Caller, session_id: str) -> SessionRecord:
        raise NotImplementedError  # Team's own

    def assessing(self, caller: Caller, session_id: str) -> bool:
        raise NotImplementedError  # Attempts' own

    def play_turn(self, caller: Caller, session_id: str, turn: int, text: str) -> PlayedTurn:
        """`_play_turn`, with the grade held back while an assessment is open."""
        played = self._play_turn(caller, session_id, turn, text)
        return replace(played, grade=None) if self.assessing(caller, session_id) else played

    def _play_turn(self, caller: Caller, session_id: str, turn: int, text: str) -> PlayedTurn:
        """Turn `turn`, by number, from the database alone: any instance may take it and a client may retry it
        anywhere. A turn stored with this message is answered from the record (a cut-off one finished first);
        another message for it, a turn out of order, or one while the last is still being answered: 409."""
        record = self._own(caller, session_id)
        cleaned = clean_message(text, self.practice.max_message_chars)
        stored = next((t for t in record.turns if t.turn == turn), None)
        if stored is not None:
            if stored.user_text != cleaned:
                raise SessionConflictError(
                    f"turn {turn} of this session was already played with another message: reload the session"
                )
            if stored.reply is None:  # this very turn, sent again: its first instance is gone or slow
                record = self.practice.resume(session_id, record)[1]
            return replayed(record, turn)
        if record.turns and record.turns[-1].reply is None:
            raise SessionConflictError(
                f"turn {record.turns[-1].turn} of this session is still being answered: wait, or reload the session"
            )
        handle, record = self.practice.resume(session_id, record)
        if turn != handle.state.turn + 1:
            raise SessionConflictError(
                f"this session is at turn {handle.state.turn}: send turn {handle.state.turn + 1}, not {turn}"
            )
        try:
            result = self.practice.send(handle, text)
        except SessionConflictError:
            # A retry of this same turn on another instance finished it first: the stored answer is the answer.
            record = self.practice.store.get_session(session_id)
            again = next((t for t in record.turns if t.turn == turn), None)
            if again is None or again.user_text != cleaned or again.reply is None:
                raise
            return replayed(record, turn)
        outcome = result.state.outcome.value if result.state.outcome else None
        view = trainee_grade(result.grade, result.state.uncovered_ids)
        return PlayedTurn(turn, result.user, result.reply, view, result.state.ended, outcome, False)
