"""The review, cohort and assign handlers, called as the page calls them, for each kind of caller."""

from __future__ import annotations

import re
from datetime import date

import pytest

from simulator.adapters.sql_store import SqlStore
from simulator.adapters.sql_team import SqlTeamStore
from simulator.session.practice import Practice
from simulator.team.service import Team
from simulator.ui.home import HomeHandlers
from simulator.ui.team_handlers import TeamHandlers

PASSWORD = "correct horse"


@pytest.fixture
def team(practice: Practice, store: SqlStore) -> Team:
    return Team(practice, SqlTeamStore(store), today=lambda: date(2026, 11, 26), rounds=4)


def test_landing_shows_each_caller_their_own_panels(team: Team) -> None:
    ui = TeamHandlers(team)
    local = ui.landing(None)
    assert "Local single-user mode" in local.header and local.trainer and not local.trainee and not local.assigns
    team.add_user("tess", "trainer", PASSWORD)
    team.add_user("ann", "trainee", PASSWORD, trainer="tess")
    assert "sign in first" in ui.landing(None).header
    trainer = ui.landing("tess")
    assert trainer.trainer and trainer.assigns and not trainer.trainee and trainer.trainee_choices == ["ann"]
    team.assign(team.caller("tess"), ["ann"], ["shared_lab"], note="Ask first")
    trainee = ui.landing("ann")
    assert trainee.trainee and not trainee.trainer and trainee.trainee_choices == []
    # The trainee's cards come from the home: the note, and the Start button carrying the assignment's id.
    cards, _recent = HomeHandlers(team).trainee("ann")
    (job,) = team.assignments(team.caller("ann"))
    assert "Ask first" in cards and f"data-action='start' data-assignment='{job.assignment.id}'" in cards
    assert HomeHandlers(team).trainee("tess")[0] == ""  # a trainer has no cards of their own


def test_assign_form_refuses_bad_input_and_writes_nothing(team: Team) -> None:
    team.add_user("tess", "trainer", PASSWORD)
    team.add_user("ann", "trainee", PASSWORD, trainer="tess")
    ui = TeamHandlers(team)
    notice, _ = ui.assign(["ann"], ["shared_lab"], "31/12/2026", 70, 0, "", "tess")
    assert "is not a date" in notice
    notice, _ = ui.assign(["ann"], [], "", 70, 0, "", "tess")
    assert "at least one counterpart" in notice
    notice, _ = ui.assign(["ann"], ["shared_lab"], "", 150, 0, "", "tess")
    assert "from 0 to 100" in notice
    notice, _ = ui.assign(["ann"], ["shared_lab"], "", 70, 0, "", "ann")
    assert "only a trainer" in notice
    assert team.assignments(team.caller("tess")) == []
    notice, table = ui.assign(["ann"], ["shared_lab"], "2026-12-01", 60, 2, "Go", "tess")
    assert notice.startswith("Assigned 1") and "0/2" in table and "2026-12-01" in table


def test_a_comment_that_cannot_be_saved_keeps_its_text(team: Team) -> None:
    team.add_user("tess", "trainer", PASSWORD)
    team.add_user("ann", "trainee", PASSWORD, trainer="tess")
    handle = team.start(team.caller("ann"), "shared_lab")
    team.practice.send(handle, "What would make the shared chamber work for you?")
    ui = TeamHandlers(team)
    transcript, box, notice = ui.comment(handle.session_id, 4, "Good start", "tess")
    assert box == "Good start" and "has no message 4" in notice and "What would make" in transcript
    transcript, box, notice = ui.comment(handle.session_id, 1, "Good start", "ann")
    assert box == "Good start" and "only a trainer" in notice
    transcript, box, notice = ui.comment(handle.session_id, 1, "Good start", "tess")
    assert box == "" and "Comment added" in notice and "Good start" in transcript
    link, notice = ui.export_session(handle.session_id, "csv", "ann")
    assert link == "" and "only a trainer" in notice
    link, notice = ui.export_session(handle.session_id, "csv", "tess")
    found = re.search(r"href='parley/download/([^']+)'", link)
    assert found is not None and "Exported" in notice
    token = found.group(1)
    assert ui.downloads.redeem(token, "ann") is None  # another person's link gives nothing, and stays the owner's
    name, content = ui.downloads.redeem(token, "tess") or ("", b"")
    assert name.endswith(".csv") and "Good start" in content.decode("utf-8")
    assert ui.downloads.redeem(token, "tess") is None  # one download only
