"""The practice service: bad input is refused clearly and stores nothing; good input is stored whole."""

from __future__ import annotations

import pytest

from simulator.errors import InvalidMessageError, SessionEndedError, UnknownPersonaError
from simulator.game.state import MoveKind, Outcome
from simulator.session.practice import Practice


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("", "empty"),
        ("   \n\t  ", "empty"),
        ("\x00\x07\x1b", "control characters"),
        ("x" * 100_000, "100,000 characters"),
    ],
    ids=["empty", "whitespace", "only-control", "huge"],
)
def test_bad_messages_are_refused_and_nothing_is_stored(practice: Practice, text: str, says: str) -> None:
    handle = practice.start("procurement_discount")
    with pytest.raises(InvalidMessageError, match=says):
        practice.send(handle, text)
    assert practice.store.get_session(handle.session_id).turns == []
    assert handle.state.turn == 0


def test_control_characters_are_stripped_not_stored(practice: Practice) -> None:
    handle = practice.start("procurement_discount")
    result = practice.send(handle, "What\x00 would\u200b a good outcome\x1b look like for you?")
    stored = practice.store.get_session(handle.session_id).turns[0].user_text
    assert stored == "What would a good outcome look like for you?" == result.user


def test_other_language_is_stored_with_a_notice(practice: Practice) -> None:
    handle = practice.start("procurement_discount")
    result = practice.send(handle, "Können wir bitte über den Preis und die Zahlungsbedingungen sprechen?")
    assert result.moves[0].kind is MoveKind.CLARIFY
    assert result.grade.notices and practice.store.get_session(handle.session_id).turns[0].reply == result.reply


def test_unknown_persona(practice: Practice) -> None:
    with pytest.raises(UnknownPersonaError, match=r"choose one of .*procurement_discount"):
        practice.start("nobody")


def test_ended_session_refuses_more_messages(practice: Practice) -> None:
    handle = practice.start("procurement_discount")
    practice.send(handle, "What would a good outcome look like for you?")
    debrief = practice.end(handle)
    assert debrief.outcome == Outcome.ENDED_BY_USER.value and debrief.turns == 1
    with pytest.raises(SessionEndedError):
        practice.send(handle, "One more thing?")
    record = practice.store.get_session(handle.session_id)
    assert record.outcome == "ended_by_user" and record.debrief is not None and len(record.turns) == 1


def test_trainee_view_hides_targets_not_yet_uncovered(practice: Practice) -> None:
    handle = practice.start("procurement_discount")
    result = practice.send(handle, "How will your director see this deal?")  # trust too low to uncover
    assert result.grade.interests.targets[0] == "savings_target"  # stored for trainers
    view = result.trainee_view()
    assert view["grade"]["interests"]["targets"][0] == "hidden"
    assert "savings_target" not in str(view)


class _BrokenIndex:
    """A search index that fails on every write (a full disk, a Chroma server gone away)."""

    def add(self, session_id: str, turn: int, persona_id: str, text: str, grade: object) -> None:
        raise OSError("disk full")

    def flush(self) -> None:
        pass


def test_a_failing_search_index_costs_neither_the_turn_nor_silence(practice: Practice) -> None:
    indexed = Practice(practice.catalog, practice.store, transcripts=_BrokenIndex())
    handle = indexed.start("procurement_discount")
    result = indexed.send(handle, "What would a good outcome look like for you?")
    assert result.reply and any("could not index" in n and "disk full" in n for n in result.notices)
    stored = indexed.store.get_session(handle.session_id).turns[0]
    assert stored.user_text == result.user and stored.reply == result.reply and stored.grade is not None
