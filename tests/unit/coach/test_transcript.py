"""Grading whole conversations people already have, in context."""

from __future__ import annotations

from simulator.coach.rule_coach import RuleCoach
from simulator.coach.transcript import grade_conversation, parse_conversation, summary

CONVERSATION = """Ana: We need the full order by March first, no exceptions.
Ben: So you need it all by March first?
Ana: Yes. That is what I said.
Ben: I hear you. What happens on your side if part of it arrives later?
Ana: Our stores open their spring displays that week.
Ben: Take it or leave it, March fifteenth is the best we can do.
"""


def test_parse_name_lines_and_jsonl() -> None:
    turns = parse_conversation(CONVERSATION.splitlines())
    assert turns is not None and [t.speaker for t in turns] == ["Ana", "Ben"] * 3
    jsonl = ['{"speaker": "A", "text": "hi"}', '{"speaker": "B", "text": "what matters to you?"}']
    parsed = parse_conversation(jsonl)
    assert parsed is not None and parsed[1].text == "what matters to you?"
    assert parse_conversation(["just one line", "and another"]) is None
    assert parse_conversation(["A: only one speaker", "A: still me"]) is None


def test_grades_one_speaker_in_context() -> None:
    turns = parse_conversation(CONVERSATION.splitlines())
    assert turns is not None
    graded = grade_conversation(turns, "ben", RuleCoach())
    assert [g.turn for g in graded] == [2, 4, 6]
    echo, probe, threat = (g.grade for g in graded)
    assert echo.interests.score == 1 and echo.interests.reason == "repeats their position back"
    assert probe.interests.score == 2 and probe.collaboration.score == 2
    assert threat.collaboration.score == 0
    totals = summary(graded)
    assert totals["turns"] == 3 and totals["best_turn"] == 4 and totals["weakest_turn"] == 6
