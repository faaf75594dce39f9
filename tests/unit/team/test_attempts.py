"""Rewind and retry in branches, the attempts tree, side-by-side comparison, and trainers' re-grades."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from simulator.adapters.sql_store import SqlStore
from simulator.errors import NotAllowedError, SimulatorError, TeamInputError
from simulator.reports.exports import export_sessions, read_json, read_regrades
from simulator.session.practice import Practice
from simulator.session.sparring import GoodNegotiator
from simulator.team.service import Team
from tests.integration.test_team import PASSWORD, make_team

MESSAGES = [
    "I hear you, and I know renewals are tough. What would a good outcome look like for you?",
    "To be open with you, our margin is thin too. Who else in your organisation will judge how this renewal turns out?",
    "Can you do 15%?",
    "That makes sense. What would you want other suppliers to take from how this deal was done?",
]


@pytest.fixture
def team(practice: Practice, store: SqlStore) -> Team:
    t = make_team(practice, store)
    t.add_user("tess", "trainer", PASSWORD)
    t.add_user("tom", "trainer", PASSWORD)
    t.add_user("ann", "trainee", PASSWORD, trainer="tess")
    t.add_user("bob", "trainee", PASSWORD, trainer="tom")
    return t


def test_a_branch_restores_the_stored_state_and_replays_deterministically(team: Team) -> None:
    ann = team.caller("ann")
    handle = team.start(ann, "procurement_discount")
    for text in MESSAGES:
        team.send(ann, handle, text)
    parent = team.record(ann, handle.session_id)
    for at in range(1, len(MESSAGES) + 1):
        branch, record = team.branch(ann, handle.session_id, at)
        expected = parent.turns[at - 2].state if at > 1 else team.practice.start("procurement_discount").state
        assert branch.state == expected and record.state == expected  # exactly where it stood
        assert [t.user_text for t in record.turns] == MESSAGES[: at - 1]
        assert [t.grade for t in record.turns] == [t.grade for t in parent.turns[: at - 1]]
        assert record.parent_id == parent.id and record.branch_turn == at and record.family == parent.id
        # The same message again gives the same state: the rules are deterministic.
        again = team.send(ann, branch, MESSAGES[at - 1])
        assert again.state == parent.turns[at - 1].state and again.reply == parent.turns[at - 1].reply
    with pytest.raises(SimulatorError, match="no message 9"):
        team.branch(ann, handle.session_id, 9)


def test_two_branches_of_one_session_do_not_affect_each_other(team: Team) -> None:
    ann = team.caller("ann")
    handle = team.start(ann, "procurement_discount")
    for text in MESSAGES[:3]:
        team.send(ann, handle, text)
    before = team.record(ann, handle.session_id)
    first, _ = team.branch(ann, handle.session_id, 3)
    second, _ = team.branch(ann, handle.session_id, 3)
    a = team.send(
        ann, first, "That makes sense. What would you want other suppliers to take from how this deal was done?"
    )
    b = team.send(ann, second, "Take it or leave it: 5% and not a penny more.")
    assert a.state.trust > b.state.trust and a.state.uncovered != b.state.uncovered
    assert team.record(ann, handle.session_id).turns == before.turns  # the parent is untouched
    assert team.record(ann, second.session_id).turns[-1].user_text.startswith("Take it or leave it")
    # A branch of a branch belongs to the same family; the tree lists all four, root first.
    third, _ = team.branch(ann, first.session_id, 3)
    family = team.attempts(ann, third.session_id)
    assert [s.id for s in family] == [handle.session_id, first.session_id, second.session_id, third.session_id]
    assert [(s.parent_id, s.branch_turn) for s in family] == [
        (None, None),
        (handle.session_id, 3),
        (handle.session_id, 3),
        (first.session_id, 3),
    ]
    sides = team.compare(ann, first.session_id, second.session_id)
    assert [len(s["turns"]) for s in sides] == [3, 3]
    assert sides[0]["turns"][:2] == sides[1]["turns"][:2]  # the shared part is the same
    assert sides[0]["turns"][2]["scores"]["interests"] == 2 and sides[1]["turns"][2]["scores"]["collaboration"] == 0
    assert sides[0]["percent"] > sides[1]["percent"]


def test_who_may_branch_and_compare(team: Team) -> None:
    ann, bob, tess, tom = (team.caller(n) for n in ("ann", "bob", "tess", "tom"))
    handle = team.start(ann, "procurement_discount")
    team.send(ann, handle, MESSAGES[0])
    for stranger in (bob, tom):
        with pytest.raises(NotAllowedError, match="you have no session"):
            team.branch(stranger, handle.session_id, 1)
        with pytest.raises(NotAllowedError, match="you have no session"):
            team.compare(stranger, handle.session_id, handle.session_id)
    # Ann's trainer may try her moment another way: the branch is Tess's own, not an attempt of Ann's.
    branch, record = team.branch(tess, handle.session_id, 1)
    assert record.user == "tess" and record.assignment_id is None
    assert branch.session_id not in {s.id for s in team.attempts(ann, handle.session_id)}
    assert branch.session_id in {s.id for s in team.attempts(tess, handle.session_id)}


def test_a_trainer_regrades_a_trainees_turn_with_a_reason_and_every_change_is_kept(team: Team) -> None:
    ann, bob, tess, tom = (team.caller(n) for n in ("ann", "bob", "tess", "tom"))
    handle = team.start(ann, "procurement_discount")
    for text in MESSAGES[:3]:
        team.send(ann, handle, text)
    sid = handle.session_id
    coach = team.record(ann, sid).turns[2].grade
    assert coach is not None and coach.questions.score == 0
    for caller, problem in ((ann, "only a trainer"), (bob, "only a trainer"), (tom, "you have no session")):
        with pytest.raises(NotAllowedError, match=problem):
            team.regrade(caller, sid, 3, "questions", 1, "a closed question after all")
    for args, problem in (
        ((3, "tone", 1, "x"), "no criterion 'tone'"),
        ((3, "questions", 3, "x"), "0, 1 or 2"),
        ((3, "questions", 1, "   "), "say why"),
        ((7, "questions", 1, "x"), "no graded message 7"),
        ((3, "questions", 0, "x"), "already scores 0"),
    ):
        with pytest.raises(TeamInputError, match=problem):
            team.regrade(tess, sid, *args)
    assert team.regrades(tess, sid) == []
    team.regrade(tess, sid, 3, "questions", 1, "It asks whether they can move: a closed question.")
    changes = team.regrade(tess, sid, 3, "questions", 2, "On reflection it opened the talk about scope.")
    assert [(c.before, c.after, c.by) for c in changes] == [(0, 1, "tess"), (1, 2, "tess")]
    # The coach's own grade is untouched; the trainee sees both, with the reason.
    assert team.record(ann, sid).turns[2].grade == coach
    view = team.transcript(ann, sid)
    assert [r["after"] for r in view.turns[2]["regrades"]] == [1, 2] and view.turns[2]["grade"]["questions"][
        "score"
    ] == 0
    _name, text = export_sessions(team, tess, [sid], "json")
    assert [r["after"] for r in json.loads(text)["sessions"][0]["regrades"]] == [1, 2]
    _name, text = export_sessions(team, tess, [sid], "csv")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert "questions 0->1 by tess" in rows[2]["regrades"] and rows[0]["regrades"] == ""
    _name, text = export_sessions(team, tess, [sid], "html")
    assert "re-graded Questions 1/2 → <b>2/2</b>" in text
    # Comparing applies the latest re-grade.
    assert team.compare(tess, sid, sid)[0]["turns"][2]["scores"]["questions"] == 2


def test_the_good_negotiator_can_retry_its_last_message(team: Team) -> None:
    """'Try another way': the last message replayed with a new one, in a branch."""
    ann = team.caller("ann")
    persona = team.persona("salary_offer")
    handle = team.start(ann, persona.id)
    bot = GoodNegotiator(persona)
    team.send(ann, handle, bot.next_message(handle.state))
    team.send(ann, handle, "Whatever. Just pay me more.")
    branch, _record = team.branch(ann, handle.session_id, handle.state.turn)
    better = team.send(ann, branch, bot.next_message(branch.state))
    worse = team.record(ann, handle.session_id).turns[-1]
    assert better.grade.total > (worse.grade.total if worse.grade else 0)
    assert len(team.record(ann, branch.session_id).turns) == 2


def test_an_assessment_holds_grades_back_until_the_end_and_cannot_be_rewound(team: Team) -> None:
    ann, tess = team.caller("ann"), team.caller("tess")
    with pytest.raises(TeamInputError, match="needs an attempt limit"):
        team.assign(tess, ["ann"], ["procurement_discount"], assessment=True)
    (job,) = team.assign(tess, ["ann"], ["procurement_discount"], attempts=1, assessment=True)
    handle = team.start_assignment(ann, job.id)
    played = team.play_turn(ann, handle.session_id, 1, MESSAGES[0])
    assert played.grade is None and played.reply  # the reply comes, the grade waits
    assert team.assessing(ann, handle.session_id) and not team.assessing(tess, handle.session_id)
    assert all(t["grade"] is None for t in team.transcript(ann, handle.session_id).turns)
    assert team.transcript(tess, handle.session_id).turns[0]["grade"] is not None  # the trainer sees it
    assert team.record(ann, handle.session_id).turns[0].grade is not None  # graded and stored as usual
    for caller in (ann, tess):
        with pytest.raises(NotAllowedError, match="assessment"):
            team.branch(caller, handle.session_id, 1)
    # No score reaches the player by any other view: comparing the attempt with itself, or the Review list.
    for side in team.compare(ann, handle.session_id, handle.session_id):
        assert side["percent"] is None and all(t["scores"] is None for t in side["turns"])
    assert team.compare(tess, handle.session_id, handle.session_id)[0]["turns"][0]["scores"] is not None
    (mine,) = [r for r in team.review_rows(ann) if r.session_id == handle.session_id]
    assert set(mine.averages.values()) == {None} and mine.percent is None
    (theirs,) = [r for r in team.review_rows(tess) if r.session_id == handle.session_id]
    assert all(v is not None for v in theirs.averages.values())
    team.end(ann, team.resume(ann, handle.session_id)[0])
    assert not team.assessing(ann, handle.session_id)
    assert team.transcript(ann, handle.session_id).turns[0]["grade"] is not None
    with pytest.raises(SimulatorError, match="attempts of this assignment are used"):
        team.start_assignment(ann, job.id)


def test_progress_per_persona_and_cohort_improvement(team: Team) -> None:
    ann, tess = team.caller("ann"), team.caller("tess")
    persona = team.persona("procurement_discount")
    for good in (False, True, False):
        handle = team.start(ann, persona.id)
        if good:
            bot = GoodNegotiator(persona)
            while not handle.state.ended:
                team.send(ann, handle, bot.next_message(handle.state))
        else:
            team.send(ann, handle, "Take it or leave it.")
            team.end(ann, handle)
    (row,) = team.progress_by_persona(ann, "ann")
    assert row["attempts"] == 3 and len(row["points"]) == 3
    assert row["best"]["outcome"] == "agreement" and row["best"]["percent"] > row["first"]["percent"]
    assert row["latest"]["percent"] == row["first"]["percent"] and row["first"]["outcome"] == "ended_by_user"
    assert team.progress_by_persona(tess, "ann") == [row]  # her trainer sees the same
    assert team.progress_by_persona(team.caller("tom"), "ann") == []  # another trainer's trainee: nothing
    (cohort,) = team.cohort(tess, persona.id)
    assert cohort["first_percent"] == row["first"]["percent"] and cohort["improvement"] == 0


def test_regrades_travel_with_a_json_export_into_another_database(team: Team, tmp_path: Path) -> None:
    ann, tess = team.caller("ann"), team.caller("tess")
    handle = team.start(ann, "procurement_discount")
    team.send(ann, handle, "Can you do 15%?")
    team.regrade(tess, handle.session_id, 1, "questions", 1, "It does ask whether they can move.")
    _name, text = export_sessions(team, tess, [handle.session_id], "json")
    other = SqlStore(tmp_path / "other.sqlite3")
    fresh = make_team(Practice(team.practice.catalog, other), other)
    regrades = read_regrades(text)
    for record, comments in read_json(text, "export.json"):
        fresh.import_record(record, comments, regrades.get(record.id, []))
    assert fresh.practice.store.regrades(handle.session_id) == team.regrades(tess, handle.session_id)
    other.close()
