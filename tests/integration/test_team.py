"""Accounts, assignments, review, comments and exports through the team service, on a real SQLite file."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import pytest

from simulator.adapters.sql_store import SqlStore
from simulator.adapters.sql_team import SqlTeamStore
from simulator.errors import NotAllowedError, SessionConflictError, SignInError, TeamInputError
from simulator.persona.files import PersonaCatalog
from simulator.reports.exports import export_cohort, export_sessions, read_json
from simulator.session.practice import Handle, Practice
from simulator.session.sparring import BadNegotiator, GoodNegotiator
from simulator.team.accounts import WRONG_SIGN_IN
from simulator.team.model import LOCAL, Caller, Role, Status
from simulator.team.passwords import Throttle
from simulator.team.service import Team
from tests.db import read_rows

TODAY = date(2026, 11, 26)
PASSWORD = "correct horse"


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def make_team(practice: Practice, store: SqlStore, clock: Clock | None = None) -> Team:
    throttle = Throttle(clock=clock) if clock else Throttle()
    # Four bcrypt rounds keep the tests quick; the app uses twelve.
    return Team(practice, SqlTeamStore(store), throttle=throttle, today=lambda: TODAY, rounds=4)


@pytest.fixture
def team(practice: Practice, store: SqlStore) -> Team:
    t = make_team(practice, store)
    t.add_user("tess", "trainer", PASSWORD)
    t.add_user("tom", "trainer", PASSWORD)
    t.add_user("ann", "trainee", PASSWORD, trainer="tess")
    t.add_user("bob", "trainee", PASSWORD, trainer="tom")
    t.add_user("cy", "trainee", PASSWORD)  # no trainer yet: every trainer sees them
    return t


def who(team: Team, name: str) -> Caller:
    return team.caller(name)


def play(team: Team, caller: Caller, handle: Handle, good: bool = True) -> None:
    persona = team.practice.catalog.get(handle.persona_id)
    bot = GoodNegotiator(persona) if good else BadNegotiator(persona)
    while not handle.state.ended:
        team.check_handle(caller, handle)
        team.practice.send(handle, bot.next_message(handle.state))


def hidden_texts(catalog: PersonaCatalog, persona_id: str) -> list[str]:
    persona = catalog.get(persona_id)
    return [i.summary for i in persona.hidden_interests] + [i.reveal for i in persona.hidden_interests]


# --- accounts --------------------------------------------------------------------------------------------------


def test_passwords_are_stored_as_bcrypt_hashes(team: Team, store: SqlStore) -> None:
    rows = read_rows(store, "SELECT name, password_hash FROM users")
    assert len(rows) == 5
    for _, hashed in rows:
        assert hashed.startswith("$2b$") and PASSWORD not in hashed


def test_duplicate_names_bad_names_and_short_passwords_are_refused(team: Team) -> None:
    with pytest.raises(TeamInputError, match="already an account named 'ANN'"):
        team.add_user("ANN", "trainee", PASSWORD)
    with pytest.raises(TeamInputError, match="not a usable name"):
        team.add_user("ann smith", "trainee", PASSWORD)
    with pytest.raises(TeamInputError, match="too short"):
        team.add_user("dee", "trainee", "short")
    with pytest.raises(TeamInputError, match="unknown role 'boss'"):
        team.add_user("dee", "boss", PASSWORD)
    with pytest.raises(TeamInputError, match="no trainer account named 'zed'"):
        team.add_user("dee", "trainee", PASSWORD, trainer="zed")
    assert len(team.users()) == 5


def test_wrong_name_and_wrong_password_read_the_same_and_are_throttled(practice: Practice, store: SqlStore) -> None:
    clock = Clock()
    team = make_team(practice, store, clock)
    team.add_user("ann", "trainee", PASSWORD)
    with pytest.raises(SignInError) as wrong_password:
        team.sign_in("ann", "not the password")
    with pytest.raises(SignInError) as wrong_name:
        team.sign_in("nobody", PASSWORD)
    assert str(wrong_password.value) == str(wrong_name.value) == WRONG_SIGN_IN
    assert team.sign_in("ANN", PASSWORD) == Caller("ann", Role.TRAINEE)
    for _ in range(5):
        with pytest.raises(SignInError, match="wrong"):
            team.sign_in("ann", "guess")
    # Paused now: even the right password is refused until the pause is over.
    with pytest.raises(SignInError, match="Too many failed sign-ins"):
        team.sign_in("ann", PASSWORD)
    assert not team.check_credentials("ann", PASSWORD)
    clock.now += 301
    assert team.sign_in("ann", PASSWORD).name == "ann"


def test_callers_without_a_sign_in_are_local_only_when_there_are_no_accounts(
    practice: Practice, store: SqlStore
) -> None:
    team = make_team(practice, store)
    assert team.caller(None) is LOCAL
    team.add_user("tess", "trainer", PASSWORD)
    with pytest.raises(NotAllowedError, match="sign in first"):
        team.caller(None)
    assert team.caller("tess").role is Role.TRAINER
    with pytest.raises(NotAllowedError, match="no longer exists"):
        team.caller("ghost")


def test_removing_a_user_with_sessions_is_refused(team: Team) -> None:
    team.start(who(team, "cy"), "shared_lab")
    with pytest.raises(TeamInputError, match="has sessions or assignments"):
        team.remove_user("cy")
    team.add_user("dee", "trainee", PASSWORD)
    team.remove_user("dee")
    assert "dee" not in {a.name for a in team.users()}


# --- assignments -----------------------------------------------------------------------------------------------


def test_a_trainer_assigns_several_personas_to_several_trainees(team: Team) -> None:
    tess = who(team, "tess")
    made = team.assign(tess, ["ann", "cy"], ["shared_lab", "salary_offer"], due="2026-12-31", target=60, attempts=2)
    assert len(made) == 4
    ann = team.assignments(who(team, "ann"))
    assert {v.assignment.persona_id for v in ann} == {"shared_lab", "salary_offer"}
    assert all(v.status is Status.NOT_STARTED and v.assignment.due == date(2026, 12, 31) for v in ann)
    # Bob is Tom's trainee: Tess sees none of his, and he sees none of Ann's.
    assert team.assignments(who(team, "bob")) == []
    assert {v.assignment.trainee for v in team.assignments(tess)} == {"ann", "cy"}


@pytest.mark.parametrize(
    ("trainees", "personas", "due", "message"),
    [
        (["ann"], ["no_such_persona"], None, "unknown persona 'no_such_persona'"),
        (["ann", "zed"], ["shared_lab"], None, "no trainee of yours named 'zed'"),
        (["bob"], ["shared_lab"], None, "no trainee of yours named 'bob'"),
        (["tom"], ["shared_lab"], None, "no trainee of yours named 'tom'"),
        (["ann"], ["shared_lab"], "2026-11-25", "in the past"),
        (["ann"], ["shared_lab"], "next week", "is not a date"),
        ([], ["shared_lab"], None, "at least one trainee"),
    ],
)
def test_bad_assignments_say_why_and_write_nothing(
    team: Team, trainees: list[str], personas: list[str], due: str | None, message: str
) -> None:
    with pytest.raises(Exception, match=message):
        team.assign(who(team, "tess"), trainees, personas, due=due)
    assert team.assignments(LOCAL) == []


def test_trainees_cannot_assign_or_start_others_assignments(team: Team) -> None:
    with pytest.raises(NotAllowedError):
        team.assign(who(team, "ann"), ["ann"], ["shared_lab"])
    (made,) = team.assign(who(team, "tess"), ["ann"], ["shared_lab"])
    with pytest.raises(NotAllowedError, match="you have no assignment"):
        team.start_assignment(who(team, "cy"), made.id)


def test_assignment_status_moves_from_not_started_to_passed(team: Team) -> None:
    ann = who(team, "ann")
    (made,) = team.assign(who(team, "tess"), ["ann"], ["procurement_discount"], target=70, attempts=2)
    handle = team.start_assignment(ann, made.id)
    assert team.assignments(ann)[0].status is Status.IN_PROGRESS
    play(team, ann, handle, good=True)
    (view,) = team.assignments(ann)
    assert view.status is Status.PASSED and view.best is not None and view.best >= 70
    assert [a.session_id for a in view.attempts] == [handle.session_id]


def test_an_assignment_is_missed_when_attempts_run_out(team: Team) -> None:
    ann = who(team, "ann")
    (made,) = team.assign(who(team, "tess"), ["ann"], ["shared_lab"], target=90, attempts=1)
    play(team, ann, team.start_assignment(ann, made.id), good=False)
    assert team.assignments(ann)[0].status is Status.MISSED
    with pytest.raises(TeamInputError, match="all 1 attempts"):
        team.start_assignment(ann, made.id)


def test_an_assignment_is_missed_after_its_due_date(team: Team) -> None:
    ann = who(team, "ann")
    team.assign(who(team, "tess"), ["ann"], ["shared_lab"], due=TODAY)
    team.today = lambda: TODAY + timedelta(days=1)
    (view,) = team.assignments(ann)
    assert view.status is Status.MISSED
    with pytest.raises(TeamInputError, match="was due on 2026-11-26"):
        team.start_assignment(ann, view.assignment.id)


# --- review and privacy ----------------------------------------------------------------------------------------


def test_each_caller_reads_only_the_sessions_they_may(team: Team) -> None:
    sessions = {}
    for name in ("ann", "bob", "cy"):
        caller = who(team, name)
        handle = team.start(caller, "procurement_discount")
        play(team, caller, handle, good=name != "bob")
        sessions[name] = handle.session_id
    assert {r.trainee for r in team.review_rows(who(team, "tess"))} == {"ann", "cy"}
    assert {r.trainee for r in team.review_rows(who(team, "tom"))} == {"bob", "cy"}
    assert [r.trainee for r in team.review_rows(who(team, "ann"))] == ["ann"]
    for reader, owner in [("ann", "bob"), ("ann", "cy"), ("tess", "bob"), ("bob", "ann")]:
        with pytest.raises(NotAllowedError, match="you have no session"):
            team.transcript(who(team, reader), sessions[owner])
        with pytest.raises(NotAllowedError):
            team.resume(who(team, reader), sessions[owner])
    # A trainer reads a trainee's session but cannot play it.
    assert team.transcript(who(team, "tess"), sessions["ann"]).trainee == "ann"
    with pytest.raises(NotAllowedError, match="only the person who negotiated"):
        team.resume(who(team, "tess"), sessions["ann"])
    # The same words for someone else's session and one that does not exist.
    with pytest.raises(NotAllowedError, match="you have no session 'nope'"):
        team.transcript(who(team, "ann"), "nope")


def test_a_trainee_never_sees_an_interest_their_session_did_not_uncover(team: Team, catalog: PersonaCatalog) -> None:
    bob = who(team, "bob")
    handle = team.start(bob, "shared_lab")
    play(team, bob, handle, good=False)
    own = team.transcript(bob, handle.session_id)
    text = json.dumps([own.turns, own.interests]) + (own.debrief.model_dump_json() if own.debrief else "")
    assert own.interests == [] and not own.full
    assert not [s for s in hidden_texts(catalog, "shared_lab") if s in text]
    ids = [i.id for i in catalog.get("shared_lab").hidden_interests]
    assert not [i for i in ids if f'"{i}"' in text]
    trainer = team.transcript(who(team, "tom"), handle.session_id)
    assert trainer.full and len(trainer.interests) == len(ids)


def test_filters_and_pass_verdicts_in_the_review_table(team: Team) -> None:
    tess, ann, cy = who(team, "tess"), who(team, "ann"), who(team, "cy")
    (a1,) = team.assign(tess, ["ann"], ["procurement_discount"], target=70)
    play(team, ann, team.start_assignment(ann, a1.id), good=True)
    (a2,) = team.assign(tess, ["cy"], ["procurement_discount"], target=70)
    play(team, cy, team.start_assignment(cy, a2.id), good=False)
    team.start(ann, "salary_offer")
    rows = team.review_rows(tess)
    assert len(rows) == 3
    assert [r.trainee for r in team.review_rows(tess, only="passed")] == ["ann"]
    assert [r.trainee for r in team.review_rows(tess, only="not passed")] == ["cy"]
    assert [r.persona_id for r in team.review_rows(tess, only="open")] == ["salary_offer"]
    assert {r.trainee for r in team.review_rows(tess, persona_id="procurement_discount")} == {"ann", "cy"}
    good = team.review_rows(tess, trainee="ann", persona_id="procurement_discount")[0]
    assert good.turns > 0 and good.uncovered >= 1 and good.outcome == "agreement"
    assert good.averages["questions"] is not None and good.averages["questions"] > 1
    cohort = team.cohort(tess, "procurement_discount")
    assert {r["trainee"]: r["passed"] for r in cohort} == {"ann": 1, "cy": 0}
    with pytest.raises(NotAllowedError):
        team.cohort(ann)


def test_trainer_comments_reach_the_trainee_and_nobody_else_can_comment(team: Team) -> None:
    ann = who(team, "ann")
    handle = team.start(ann, "salary_offer")
    team.practice.send(handle, "What matters most to you in how this offer is put together?")
    team.comment(who(team, "tess"), handle.session_id, 1, "Good open question; now ask why that matters.")
    seen = team.transcript(ann, handle.session_id).comments
    assert [(c.turn, c.author, c.text) for c in seen] == [(1, "tess", "Good open question; now ask why that matters.")]
    with pytest.raises(NotAllowedError, match="only a trainer"):
        team.comment(ann, handle.session_id, 1, "me too")
    with pytest.raises(NotAllowedError, match="you have no session"):
        team.comment(who(team, "tom"), handle.session_id, 1, "not my trainee")
    with pytest.raises(TeamInputError, match="has no message 7"):
        team.comment(who(team, "tess"), handle.session_id, 7, "wrong turn")
    with pytest.raises(TeamInputError, match="write a comment"):
        team.comment(who(team, "tess"), handle.session_id, 1, "   ")
    assert len(team.transcript(ann, handle.session_id).comments) == 1


# --- exports ---------------------------------------------------------------------------------------------------


def test_json_export_round_trips_into_a_fresh_database(
    team: Team, catalog: PersonaCatalog, new_database: Callable[[str], Path | str]
) -> None:
    ann, tess = who(team, "ann"), who(team, "tess")
    handle = team.start(ann, "procurement_discount")
    play(team, ann, handle, good=True)
    team.comment(tess, handle.session_id, 2, "This is where trust turned.")
    name, content = export_sessions(team, tess, [handle.session_id], "json")
    assert name.endswith(".json")
    fresh_store = SqlStore(new_database("fresh.sqlite3"))
    fresh = make_team(Practice(catalog, fresh_store), fresh_store)
    for record, comments in read_json(content, name):
        fresh.import_record(record, comments)
    before, after = team.practice.store.get_session(handle.session_id), fresh_store.get_session(handle.session_id)
    assert after == before
    assert [t.grade for t in after.turns] == [t.grade for t in before.turns] and after.turns[0].grade is not None
    assert [c.text for c in fresh.transcript(LOCAL, handle.session_id).comments] == ["This is where trust turned."]
    with pytest.raises(TeamInputError, match="already in this database"):
        fresh.import_record(*read_json(content, name)[0])
    fresh_store.close()


def test_a_damaged_export_is_refused_with_the_field_that_is_wrong(team: Team) -> None:
    with pytest.raises(Exception, match=r"x.json: not a Parley export \(sessions: Field required"):
        read_json('{"format": "parley-export", "version": 1, "exported_at": "now"}', "x.json")
    with pytest.raises(Exception, match="not JSON"):
        read_json("{", "x.json")


def test_csv_has_one_row_per_turn_and_html_carries_the_plots(team: Team) -> None:
    ann, tess = who(team, "ann"), who(team, "tess")
    handle = team.start(ann, "launch_deadline")
    play(team, ann, handle, good=True)
    turns = len(team.practice.store.get_session(handle.session_id).turns)
    _, text = export_sessions(team, tess, [handle.session_id], "csv")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == turns and rows[0]["trainee"] == "ann" and rows[0]["questions_score"] in {"0", "1", "2"}
    _, page = export_sessions(team, tess, [handle.session_id], "html")
    assert page.startswith("<!DOCTYPE html>") and "id='score-chart'" in page and "id='trust-chart'" in page
    assert page.count("class='turn'") == turns and "http" not in page.replace("http://www.w3.org/2000/svg", "")
    with pytest.raises(NotAllowedError):
        export_sessions(team, ann, [handle.session_id], "json")
    name, cohort = export_cohort(team, tess, "json")
    data = json.loads(cohort)
    assert name == "parley-cohort.json" and data["cohort"][0]["trainee"] == "ann" and len(data["sessions"]) == 1
    _, cohort_page = export_cohort(team, tess, "html")
    assert "id='cohort-table'" in cohort_page and "id='progress-ann'" in cohort_page


def test_a_turn_by_number_is_answered_once_however_it_is_retried(practice: Practice, store: SqlStore) -> None:
    """`play_turn` (the JSON API): a retry gets the stored answer; a cut-off turn is finished by its retry
    only; while a turn waits for its answer, another message for the next turn is refused."""
    team = make_team(practice, store)
    caller = LOCAL
    handle = team.start(caller, "procurement_discount")
    first = team.play_turn(caller, handle.session_id, 1, "What would a good outcome look like for you?")
    again = team.play_turn(caller, handle.session_id, 1, "What would a good outcome look like for you?")
    assert not first.replayed and again.replayed and again.reply == first.reply and again.grade == first.grade
    with pytest.raises(SessionConflictError, match="another message"):
        team.play_turn(caller, handle.session_id, 1, "Something else")
    with pytest.raises(SessionConflictError, match="at turn 1"):
        team.play_turn(caller, handle.session_id, 3, "Too far ahead")
    store.add_user_message(handle.session_id, 2, "What worries you most?")  # an instance died after this
    with pytest.raises(SessionConflictError, match="still being answered"):
        team.play_turn(caller, handle.session_id, 3, "And the timing?")
    finished = team.play_turn(caller, handle.session_id, 2, "What worries you most?")
    assert finished.replayed and finished.reply and finished.grade is not None
    assert [(t.turn, t.reply is not None) for t in store.get_session(handle.session_id).turns] == [(1, True), (2, True)]


def test_the_same_counterpart_is_not_assigned_twice_while_the_first_is_open(team: Team) -> None:
    tess, ann = who(team, "tess"), who(team, "ann")
    (first,) = team.assign(tess, ["ann"], ["shared_lab"], due="2026-12-31", attempts=1)
    with pytest.raises(TeamInputError, match=r"ann already has .* assigned \(not started, due 2026-12-31\)"):
        team.assign(tess, ["ann", "cy"], ["shared_lab"])
    assert [v.assignment.id for v in team.assignments(tess)] == [first.id]  # nothing written, not even cy's
    # Once it is over (here: its one attempt used), the same counterpart can be assigned again.
    play(team, ann, team.start_assignment(ann, first.id), good=False)
    again = team.assign(tess, ["ann"], ["shared_lab"])
    assert [v.assignment.persona_id for v in team.assignments(ann)] == ["shared_lab", "shared_lab"] and again


# --- homes: what each person sees first ------------------------------------------------------------------------


def test_a_trainer_home_lists_overdue_out_of_attempts_due_soon_and_new_sessions(team: Team) -> None:
    tess, ann, cy = who(team, "tess"), who(team, "ann"), who(team, "cy")
    assert team.trainer_home(tess).empty
    (late,) = team.assign(tess, ["ann"], ["shared_lab"], due=TODAY)
    (used,) = team.assign(tess, ["cy"], ["shared_lab"], target=95, attempts=1)
    (soon,) = team.assign(tess, ["ann"], ["procurement_discount"], due=TODAY + timedelta(days=2))
    team.assign(tess, ["cy"], ["salary_offer"], due=TODAY + timedelta(days=20))  # not soon: not listed
    played = team.start_assignment(cy, used.id)
    play(team, cy, played, good=False)
    team.today = lambda: TODAY + timedelta(days=1)
    home = team.trainer_home(tess)
    assert [v.assignment.id for v in home.overdue] == [late.id]
    assert [v.assignment.id for v in home.out_of_attempts] == [used.id]
    assert [v.assignment.id for v in home.due_soon] == [soon.id]
    assert [r.session_id for r in home.to_review] == [played.session_id]
    # Another trainer's trainees (Ann is Tess's) are not theirs to chase; a trainee's home has no trainer list.
    tom = team.trainer_home(who(team, "tom"))
    assert tom.overdue == [] and tom.due_soon == [] and team.trainer_home(ann).empty
    # Opening the session marks it seen (for this trainer only); a trainee opening their own marks nothing.
    team.open_for_review(cy, played.session_id)
    assert [r.session_id for r in team.trainer_home(tess).to_review] == [played.session_id]
    team.open_for_review(tess, played.session_id)
    assert team.trainer_home(tess).to_review == []
    # Assigning the missed counterpart again takes the old one off the list.
    team.assign(tess, ["ann"], ["shared_lab"])
    assert team.trainer_home(tess).overdue == []


def test_a_session_opened_while_still_open_is_new_again_once_it_ends(team: Team) -> None:
    tess, ann = who(team, "tess"), who(team, "ann")
    handle = team.start(ann, "shared_lab")
    team.send(ann, handle, "What matters most to you here?")
    team.open_for_review(tess, handle.session_id)  # still open: not in the list, and seen before it ended
    assert team.trainer_home(tess).to_review == []
    team.end(ann, handle)
    assert [r.session_id for r in team.trainer_home(tess).to_review] == [handle.session_id]


def test_a_trainee_home_shows_each_open_counterpart_once_and_their_own_recent_sessions(
    team: Team, store: SqlStore
) -> None:
    tess, ann = who(team, "tess"), who(team, "ann")
    (first,) = team.assign(tess, ["ann"], ["shared_lab"], due=TODAY + timedelta(days=3))
    (other,) = team.assign(tess, ["ann"], ["procurement_discount"], due=TODAY + timedelta(days=9))
    # A twin written before assigning twice was refused (straight into the store, as an old database holds it).
    twin = team.store.assignments({"ann"})[0]
    team.store.add_assignments([replace(twin, id="twin000001", due=TODAY + timedelta(days=5))])
    home = team.trainee_home(ann)
    assert [v.assignment.id for v in home.cards] == [first.id, other.id]  # soonest due first, the twin merged
    assert home.merged == {first.id: 2}
    mine = team.start(ann, "salary_offer")
    team.start(who(team, "bob"), "salary_offer")  # someone else's: never in Ann's list
    assert [r.session_id for r in team.trainee_home(ann).recent] == [mine.session_id]
