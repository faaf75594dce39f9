"""The debrief: per-turn and overall scores, interests with depth/turn/question, phases, outcome, three tips."""

from __future__ import annotations

from simulator.game.rules import CLOSING_TURNS
from simulator.session.practice import Practice
from simulator.session.sparring import BadNegotiator, GoodNegotiator


def test_debrief_after_a_good_conversation(practice: Practice) -> None:
    persona = practice.catalog.get("salary_offer")
    bot = GoodNegotiator(persona)
    handle = practice.start(persona.id)
    sent = []
    while not handle.state.ended:
        text = bot.next_message(handle.state)
        sent.append(text)
        result = practice.send(handle, text)
    debrief = result.debrief
    assert debrief is not None
    assert debrief.outcome == "agreement" and debrief.turns == len(sent) == len(debrief.per_turn)
    assert [row["turn"] for row in debrief.per_turn] == list(range(1, len(sent) + 1))
    for row in debrief.uncovered:
        assert row["level"] in ("practical", "emotional", "political", "identity")
        assert row["question"] in sent[row["turn"] - 1]
    assert list(debrief.phases) == ["understanding", "exploring", "building"]
    assert len(debrief.try_next) == 3 and len(set(debrief.try_next)) == 3
    # Stored with the session, the same as returned.
    assert practice.store.get_session(handle.session_id).debrief == debrief


def test_debrief_after_a_bad_conversation_names_the_problem(practice: Practice) -> None:
    persona = practice.catalog.get("failed_delivery")
    bot = BadNegotiator(persona)
    handle = practice.start(persona.id)
    while not handle.state.ended:
        result = practice.send(handle, bot.next_message(handle.state))
    debrief = result.debrief
    assert debrief is not None and debrief.outcome == "walk_away"
    assert debrief.uncovered == [] and debrief.still_hidden == len(persona.hidden_interests)
    assert "lowest moment" in debrief.try_next[0]
    assert list(debrief.phases) == ["understanding"]
    # The debrief does not spell out what stayed hidden.
    for interest in persona.hidden_interests:
        assert interest.summary not in debrief.model_dump_json()


def test_debrief_names_value_levers_and_durability(practice: Practice) -> None:
    persona = practice.catalog.get("procurement_discount")
    handle = practice.start(persona.id)
    messages = [
        "I hear you. What constraints are you working within on the budget?",
        "That makes sense. How will your director see this deal once it is signed?",
        "What if we spread the payments so next year's spend fits your budget, and lock the price for three years "
        "as a documented saving?",
    ]
    for text in messages:
        result = practice.send(handle, text)
    assert result.state.closing  # agreed in principle: they ask how it will work
    closing = 0
    while not result.state.ended:  # the trainee only says yes: the closing step seals it at its limit
        result = practice.send(handle, "Fine. Agreed.")
        closing += 1
    assert closing == CLOSING_TURNS
    debrief = result.debrief
    assert debrief is not None and debrief.outcome == "agreement"
    levers = {v["lever"]: v for v in debrief.value_levers}
    assert {"timing", "future business"} <= set(levers) and levers["timing"]["turn"] == 3
    assert debrief.durability["verdict"].startswith("fragile") and "success metrics" in debrief.durability["missing"]
    assert any("may not last" in tip for tip in debrief.try_next)
    assert debrief.depths_reached == ["political", "practical"] and debrief.proposal_before_understanding is False


def test_durable_agreement_and_premature_proposal(practice: Practice) -> None:
    persona = practice.catalog.get("procurement_discount")
    handle = practice.start(persona.id)
    practice.send(handle, "How about a 5% discount?")
    messages = [
        "I hear you. What constraints are you working within on the budget?",
        "That makes sense. How will your director see this deal once it is signed?",
        "What if we spread the payments so next year's spend fits your budget and lock the price as a documented "
        "saving? We will measure uptime monthly, hold a weekly call, and review the terms after six months; "
        "my team is responsible for the rollout.",
    ]
    for text in messages:
        result = practice.send(handle, text)
    debrief = result.debrief
    assert debrief is not None and debrief.proposal_before_understanding is True
    assert debrief.durability["missing"] == [] and debrief.durability["verdict"].startswith("likely to last")


def test_asking_about_a_lever_is_not_using_it(practice: Practice) -> None:
    """Naming the renewal or success in a question probes; only what is put forward counts as a lever or a term."""
    handle = practice.start("procurement_discount")
    practice.send(handle, "What matters most to you in this renewal?")
    practice.send(handle, "How would you measure success for your team?")
    practice.send(handle, "Could we phase the rollout over two quarters?")
    debrief = practice.end(handle)
    levers = {v["lever"]: v for v in debrief.value_levers}
    assert set(levers) == {"timing"} and levers["timing"]["turn"] == 3
    assert "success metrics" in debrief.durability["missing"]
