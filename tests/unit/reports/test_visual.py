"""The visual debrief and the folding tables, as each viewer receives them."""

from __future__ import annotations

import re
from html import escape

from simulator.adapters.sql_store import SqlStore
from simulator.adapters.sql_team import SqlTeamStore
from simulator.reports.html import transcript_html
from simulator.reports.tables import table
from simulator.reports.visual import depth_ladder, durability_checklist, visual_debrief
from simulator.session.practice import Practice
from simulator.team.service import Team

PASSWORD = "correct horse"
OPENING = "I hear you, and I know renewals are tough. What would a good outcome look like for you?"


def played(practice: Practice, store: SqlStore) -> tuple[Team, str]:
    """Ann plays Dana: one message that uncovers the budget, one that settles who does what, then ends."""
    team = Team(practice, SqlTeamStore(store), rounds=4)
    team.add_user("tess", "trainer", PASSWORD)
    team.add_user("ann", "trainee", PASSWORD, trainer="tess")
    ann = team.caller("ann")
    handle = team.start(ann, "procurement_discount")
    team.send(ann, handle, OPENING)
    team.send(ann, handle, "Let's write down who does what by when, so nothing slips. Does that work for you?")
    team.end(ann, handle)
    return team, handle.session_id


def test_the_trainee_ladder_names_only_what_they_found_with_the_question_that_opened_it(
    practice: Practice, store: SqlStore
) -> None:
    team, session = played(practice, store)
    dana = team.persona("procurement_discount")
    mine = team.transcript(team.caller("ann"), session)
    ladder = depth_ladder(mine)
    assert re.findall(r"data-depth='(\w+)'", ladder) == ["surface", "practical", "emotional", "political", "identity"]
    assert "data-depth='practical' data-reached='true'" in ladder and "<q>What would a good outcome" in ladder
    found = [i for i in dana.hidden_interests if i.id in {x["id"] for x in mine.interests}]
    hidden = [i for i in dana.hidden_interests if i not in found]
    assert found and hidden and "1 of 3 hidden interests uncovered" in ladder
    assert not [i.summary for i in hidden if escape(i.summary) in ladder] and "class='missed'" not in ladder
    # Their trainer sees every interest, the ones never uncovered marked as such.
    full = depth_ladder(team.transcript(team.caller("tess"), session))
    assert all(escape(i.summary) in full for i in dana.hidden_interests) and full.count("class='missed'") == len(hidden)


def test_the_checklist_ticks_each_part_with_the_message_that_settled_it(practice: Practice, store: SqlStore) -> None:
    team, session = played(practice, store)
    checklist = durability_checklist(team.transcript(team.caller("ann"), session))
    assert "data-part='expectations' data-settled='true'" in checklist and "message 2: <q>" in checklist
    assert checklist.count("data-settled='false'") == 3 and "No agreement was reached." in checklist
    assert (
        durability_checklist(
            team.transcript(team.caller("ann"), team.start(team.caller("ann"), "shared_lab").session_id)
        )
        == ""
    )


def test_two_views_on_one_page_keep_their_element_ids_apart(practice: Practice, store: SqlStore) -> None:
    team, session = played(practice, store)
    view = team.transcript(team.caller("tess"), session)
    page = visual_debrief(view) + visual_debrief(view, prefix="practice-")
    ids = re.findall(r"id='([^']+)'", page)
    assert len(ids) == len(set(ids)) and "practice-score-chart" in ids
    # The charts draw text in the page's own colour, so they read on a dark background as well as on white.
    assert "fill='currentColor'" in page and "fill='#000" not in page
    assert "class='depth-ladder'" in transcript_html(view)  # the export carries the same debrief


def test_a_folding_table_labels_every_cell_with_its_column() -> None:
    html = table(["Trainee", "Score"], [("data-session='s1'", ["ann <b>", "80%"])], table_id="t")
    assert "<td data-label='Trainee'>ann &lt;b&gt;</td><td data-label='Score'>80%</td>" in html
    assert "<tr data-session='s1'>" in html and "<th scope='col'>Trainee</th>" in html
