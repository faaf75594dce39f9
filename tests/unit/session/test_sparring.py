"""The game rewards the method and punishes its opposite, for every persona."""

from __future__ import annotations

import pytest

from simulator.game.state import Outcome
from simulator.session.practice import Practice
from simulator.session.sparring import BadNegotiator, GoodNegotiator
from tests.conftest import persona_ids


@pytest.mark.parametrize("persona_id", persona_ids())
def test_good_negotiator_uncovers_interests_and_agrees(practice: Practice, persona_id: str) -> None:
    persona = practice.catalog.get(persona_id)
    bot = GoodNegotiator(persona)
    handle = practice.start(persona_id)
    while not handle.state.ended:
        result = practice.send(handle, bot.next_message(handle.state))
    assert result.state.outcome is Outcome.AGREEMENT
    assert len(result.state.uncovered) >= persona.deal.min_uncovered
    assert result.debrief is not None and result.debrief.overall_percent >= 80


@pytest.mark.parametrize("persona_id", persona_ids())
def test_bad_negotiator_uncovers_nothing(practice: Practice, persona_id: str) -> None:
    persona = practice.catalog.get(persona_id)
    bot = BadNegotiator(persona)
    handle = practice.start(persona_id)
    while not handle.state.ended:
        result = practice.send(handle, bot.next_message(handle.state))
    assert result.state.uncovered == []
    assert result.state.outcome is not Outcome.AGREEMENT
    assert result.debrief is not None and result.debrief.overall_percent < 30
