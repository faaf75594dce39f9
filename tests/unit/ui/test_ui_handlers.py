"""The UI handlers, called directly: thin, per-user, and never losing what was typed."""

from __future__ import annotations

import itertools
from pathlib import Path

from simulator.adapters.sql_team import SqlTeamStore
from simulator.persona.files import PersonaCatalog
from simulator.session.practice import Practice
from simulator.team.service import Team
from simulator.ui.handlers import Handlers


def test_start_send_end(practice: Practice) -> None:
    ui = Handlers(Team(practice, SqlTeamStore(practice.store)))
    screen = ui.start("salary_offer", None, None)
    assert screen.handle is not None and screen.chat[0]["role"] == "assistant"
    # Opening a conversation leaves the message box alone: what the person began typing meanwhile stays.
    assert screen.draft is None and screen.outputs()[7] == {"__type__": "update"}
    screen = ui.send("What would a good outcome look like for you?", screen.handle, screen.chat)
    assert [m["role"] for m in screen.chat] == ["assistant", "user", "assistant"]
    assert "id='coach-grade'" in screen.coach and "data-score='2'" in screen.coach
    assert "Trust" in screen.meters
    # A sent message's page leaves the box alone: the next message may already be half typed.
    assert screen.draft is None and screen.outputs()[7] == {"__type__": "update"}
    screen = ui.end(screen.handle, screen.chat)
    assert "## Debrief" in screen.debrief


def test_bad_message_keeps_the_draft_and_the_chat(practice: Practice) -> None:
    ui = Handlers(Team(practice, SqlTeamStore(practice.store)))
    screen = ui.start("salary_offer", None, None)
    huge = "please " * 1000
    after = ui.send(huge, screen.handle, screen.chat)
    assert after.draft == huge and after.chat == screen.chat
    assert "limit is 2,000" in after.notice


def test_send_before_start_explains(practice: Practice) -> None:
    screen = Handlers(Team(practice, SqlTeamStore(practice.store))).send(
        "Hello there, what matters to you?", None, None
    )
    assert "Start a negotiation first" in screen.notice and screen.draft.startswith("Hello")


def test_reopen_restores_chat_and_grades(practice: Practice) -> None:
    ui = Handlers(Team(practice, SqlTeamStore(practice.store)))
    first = ui.start("launch_deadline", None, None)
    ui.send("What happens to your spring season if the launch moves?", first.handle, first.chat)
    choices = ui.session_choices()
    assert choices[0][1] == first.handle.session_id
    reopened = ui.reopen(first.handle.session_id, None, None)
    assert len(reopened.chat) == 3 and "Message 1" in reopened.coach
    assert reopened.handle.state.turn == 1


def test_hidden_targets_are_not_named_in_the_panel(practice: Practice) -> None:
    ui = Handlers(Team(practice, SqlTeamStore(practice.store)))
    screen = ui.start("procurement_discount", None, None)
    screen = ui.send("How will your director see this deal?", screen.handle, screen.chat)
    assert "a need they have not shared yet" in screen.coach
    assert "savings_target" not in screen.coach + screen.ledger


def test_an_uncovered_target_is_named_by_what_it_is_and_the_status_line_gives_the_grade(practice: Practice) -> None:
    ui = Handlers(Team(practice, SqlTeamStore(practice.store)))
    screen = ui.start("procurement_discount", None, None)
    assert screen.status == "Dana Whitlock opened the conversation. Your turn: ask before you tell."
    opening = "I hear you, and I know renewals are tough. What would a good outcome look like for you?"
    screen = ui.send(opening, screen.handle, screen.chat)
    budget = practice.catalog.get("procurement_discount").interest("budget_cap")
    assert budget.id in screen.handle.state.uncovered_ids
    assert f"went after: {budget.summary}"[:40] in screen.coach.replace("&#x27;", "'")
    assert "went after: budget_cap" not in screen.coach
    assert screen.status == (
        "Dana Whitlock replied to message 1. Coach: questions 2/2, interests 2/2, collaboration 2/2."
    )
    ended = ui.end(screen.handle, screen.chat)
    assert ended.status.startswith("Conversation over: ended by user.")


def test_reply_streams_into_the_chat_a_sentence_at_a_time(catalog: PersonaCatalog, tmp_path: Path) -> None:
    from simulator.adapters.sql_store import SqlStore
    from simulator.counterpart.model_voice import LLMVoice
    from simulator.testing import ScriptedChatModel
    from simulator.ui.handlers import Screen

    reply = "Look, I hear you. The number has not moved for me. Give me a reason and we can talk."
    practice = Practice(catalog, SqlStore(tmp_path / "s.sqlite3"), voice=LLMVoice(ScriptedChatModel([reply])))
    ui = Handlers(Team(practice, SqlTeamStore(practice.store)))
    screen = ui.start("procurement_discount", None, None)
    items = list(ui.send_stream("What would a good outcome look like for you?", screen.handle, screen.chat))
    partial = [i for i in items if not isinstance(i, Screen)]
    final = items[-1]
    assert isinstance(final, Screen) and final.chat[-1]["content"] == reply
    shown = [chat[-1]["content"] for chat in partial]
    assert len(shown) >= 3 and shown[0] == "Look, I hear you." and shown[-1] == reply
    assert all(later.startswith(earlier) for earlier, later in itertools.pairwise(shown))
    # The grade was committed before the first piece appeared.
    stored = practice.store.get_session(screen.handle.session_id).turns[0]
    assert stored.grade is not None and stored.reply == reply


def test_the_user_chooses_the_coach_when_a_model_coach_is_configured(catalog: PersonaCatalog, tmp_path: Path) -> None:
    from simulator.adapters.sql_store import SqlStore
    from simulator.coach.model_coach import LLMCoach
    from simulator.testing import FixedStructuredModel

    practice = Practice(catalog, SqlStore(tmp_path / "c.sqlite3"), coach=LLMCoach(FixedStructuredModel()))
    ui = Handlers(Team(practice, SqlTeamStore(practice.store)))
    assert "Coaches: rules, llm" in ui.in_use()
    by_model = ui.start("salary_offer", None, None, None, "llm")
    by_rules = ui.start("salary_offer", None, None, None, "rules")
    text = "What would a good outcome look like for you?"
    assert ui.send(text, by_model.handle, by_model.chat).handle.state.turn == 1
    ui.send(text, by_rules.handle, by_rules.chat)
    graded = {
        h.session_id: practice.store.get_session(h.session_id).turns[0].grade
        for h in (by_model.handle, by_rules.handle)
    }
    assert graded[by_model.handle.session_id].coach == "llm" and graded[by_rules.handle.session_id].coach == "rules"
    # The game moves on the same rule reading either way.
    assert by_model.handle.state == by_rules.handle.state


def test_reopened_session_keeps_its_coach(catalog: PersonaCatalog, tmp_path: Path) -> None:
    from simulator.adapters.sql_store import SqlStore
    from simulator.coach.model_coach import LLMCoach
    from simulator.testing import FixedStructuredModel

    path = tmp_path / "keep.sqlite3"
    first = Practice(catalog, SqlStore(path), coach=LLMCoach(FixedStructuredModel()))
    handle = first.start("salary_offer", coach="rules")
    again, _record = Practice(catalog, SqlStore(path), coach=LLMCoach(FixedStructuredModel())).resume(handle.session_id)
    assert again.coach == "rules" and again.voice == "scripted"
