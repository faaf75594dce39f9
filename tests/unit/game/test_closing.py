"""The later phases: phase-aware grading, and the closing step that makes an agreement last."""

from __future__ import annotations

from statistics import mean

import pytest

from simulator.coach.reading import read_message
from simulator.coach.rule_coach import RuleCoach
from simulator.coach.suggestions import Visible
from simulator.counterpart.scripted import ScriptedVoice
from simulator.game.archetypes import REACTIONS
from simulator.game.levers import DURABILITY
from simulator.game.rules import CLOSING_TURNS, advance, initial_state
from simulator.game.state import GameState, Move, MoveKind, Outcome
from simulator.persona.files import PersonaCatalog
from simulator.persona.model import Persona
from simulator.session.debrief import GradedTurn, build_debrief
from simulator.session.sparring import CLOSING_TERMS, GoodNegotiator, StopsAsking
from tests.conftest import persona_ids

COACH = RuleCoach()
VOICE = ScriptedVoice()


def step(persona: Persona, state: GameState, text: str) -> tuple[GameState, list[Move], GradedTurn, str]:
    reading = read_message(text)
    visible = Visible(persona, state.uncovered_ids, tuple(state.terms), state.turn + 1, state.phase.value)
    grade = COACH.grade(reading, visible)
    after, moves = advance(persona, state, reading, grade)
    said = VOICE.say(persona, after, moves)
    return after.with_lines_said(said.lines), moves, GradedTurn(after.turn, text, grade), said.text


def in_principle(persona: Persona) -> GameState:
    """Play the good negotiator until they accept the substance."""
    bot, state = GoodNegotiator(persona), initial_state(persona)
    while not state.closing:
        assert not state.ended, f"{persona.id}: the good negotiator never reached agreement in principle"
        state, _moves, _turn, _said = step(persona, state, bot.next_message(state))
    return state


def test_the_issue_examples_earn_credit_once_interests_are_known(catalog: PersonaCatalog) -> None:
    dana = catalog.get("procurement_discount")
    exploring = Visible(dana, ("budget_cap",), (), 4, "exploring")
    phased = COACH.grade(read_message("What if we phased it: you get what matters most first?"), exploring)
    assert phased.questions.score == 2 and phased.interests.score == 2
    assert "timing" in phased.interests.reason and phased.questions.evidence.startswith("What if we phased it")
    close = "Let's write down who does what by when, how we'll stay in touch each week, and how we adjust if things shift. Does that work for you?"
    building = COACH.grade(read_message(close), Visible(dana, ("budget_cap",), ("budget_cap",), 6, "building"))
    assert building.scores() == {"questions": 2, "interests": 2, "collaboration": building.collaboration.score}
    assert "expectations" in building.interests.reason and "communication" in building.interests.reason
    # The same words before any interest is known are still a proposal before understanding.
    early = COACH.grade(
        read_message("What if we phased it: you get what matters most first?"), Visible(dana, (), (), 1)
    )
    assert early.questions.score == 0 and early.interests.score < 2
    # Terms stated without asking their view earn less than terms checked with them.
    stated = COACH.grade(
        read_message("We'll hold a weekly check-in."), Visible(dana, ("budget_cap",), (), 6, "building")
    )
    assert stated.questions.score == 1 and stated.interests.score == 2


@pytest.mark.parametrize("persona_id", persona_ids())
def test_exploring_and_closing_well_scores_higher_than_stopping_asking(
    catalog: PersonaCatalog, persona_id: str
) -> None:
    persona = catalog.get(persona_id)
    means = {}
    for bot in (GoodNegotiator(persona), StopsAsking(persona)):
        state, later = initial_state(persona), []
        while not state.ended:
            phase = state.phase.value
            state, _moves, turn, _said = step(persona, state, bot.next_message(state))
            if phase != "understanding":
                later.append(turn.grade.questions.score + turn.grade.interests.score)
        assert later, f"{type(bot).__name__} never left understanding"
        means[type(bot).__name__] = mean(later)
        if isinstance(bot, GoodNegotiator) and not isinstance(bot, StopsAsking):
            assert state.outcome is Outcome.AGREEMENT and set(state.durability) == set(DURABILITY)
    assert means["GoodNegotiator"] > means["StopsAsking"] + 1, means


@pytest.mark.parametrize("persona_id", ["procurement_discount", "launch_deadline", "exclusive_distributor"])
def test_closing_asks_for_what_is_missing_and_insists_per_archetype(catalog: PersonaCatalog, persona_id: str) -> None:
    """One persona per archetype: competitive, unreasonable, low trust."""
    persona = catalog.get(persona_id)
    insists = REACTIONS[persona.archetype].insists_on
    state = in_principle(persona)
    assert state.outcome is None and insists not in state.durability
    # Closing without the part they insist on does not seal it: they ask for that part, in their own words.
    state, moves, _turn, said = step(persona, state, "Great, agreed. Let's sign.")
    assert state.outcome is None and moves[-1] == Move(MoveKind.ASK_TERM, part=insists, insisting=True)
    word = {"success metrics": "measure", "adjustment": "remedy", "communication": "check-in"}[insists]
    assert word in said.lower(), said
    # Giving it gets a reaction to that part; confirming then seals the deal.
    state, moves, _turn, said = step(persona, state, CLOSING_TERMS[insists])
    assert Move(MoveKind.NOTE_TERM, part=insists) in moves and state.durability[insists] == state.turn
    assert state.outcome is None and moves[-1].kind is MoveKind.ASK_TERM and moves[-1].part != insists
    state, moves, _turn, said = step(persona, state, "Agreed, let's shake on it.")
    assert state.outcome is Outcome.AGREEMENT and moves[-1].kind is MoveKind.ACCEPT
    assert said.endswith(tuple(line.strip() for line in persona.lines.accept))


def test_closing_seals_what_it_has_at_its_limit_and_the_debrief_calls_it_fragile(dana: Persona) -> None:
    state, turns = in_principle(dana), []
    since = state.closing_since
    while not state.ended:
        state, _moves, turn, _said = step(dana, state, "Hmm, let me think about that for a second.")
        turns.append(turn)
    assert state.outcome is Outcome.AGREEMENT and state.turn - (since or 0) == CLOSING_TURNS
    debrief = build_debrief(dana, state, turns)
    assert debrief.durability["verdict"].startswith("fragile")
    assert any(tip.startswith("Your deal may not last") for tip in debrief.try_next)


def test_terms_get_a_reaction_before_there_is_a_deal(dana: Persona) -> None:
    state, moves, _turn, said = step(dana, initial_state(dana), "We can hold a weekly check-in on the rollout.")
    assert moves[0] == Move(MoveKind.NOTE_TERM, part="communication") and state.durability == {"communication": 1}
    assert dana.positions[0].topic in said  # "…we haven't settled the 25% discount yet"
    assert not state.closing and state.outcome is None


def test_a_deal_that_already_says_how_it_will_last_is_sealed_at_once(dana: Persona) -> None:
    state = initial_state(dana)
    bot = GoodNegotiator(dana)
    for text in CLOSING_TERMS.values():
        state, _moves, _turn, _said = step(dana, state, f"I hear you. {text}")
    while not state.ended:
        state, moves, _turn, _said = step(dana, state, bot.next_message(state))
    assert state.outcome is Outcome.AGREEMENT and moves[-1].kind is MoveKind.ACCEPT
    assert not any(m.kind is MoveKind.IN_PRINCIPLE for m in moves)


def test_debrief_tips_name_only_this_personas_depths_and_never_repeat(catalog: PersonaCatalog) -> None:
    for persona in catalog.personas.values():
        levels = {i.level.value for i in persona.hidden_interests}
        for text in ("ok", "Can you do 15%?", "What matters most to you here?"):
            state, turns = initial_state(persona), []
            for _ in range(3):
                state, _moves, turn, _said = step(persona, state, text)
                turns.append(turn)
            tips = build_debrief(persona, state, turns).try_next
            assert len(tips) == 3 and len(set(tips)) == 3
            for level in ("practical", "emotional", "political", "identity"):
                if f"{level} needs" in " ".join(tips):
                    assert level in levels, (persona.id, tips)
            assert sum("before you close" in t.lower() or "may not last" in t for t in tips) <= 1, tips
