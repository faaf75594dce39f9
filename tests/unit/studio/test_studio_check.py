"""The persona check catches planted defects, and the built-in personas pass it (with the real coach)."""

from __future__ import annotations

import copy
from typing import Any

import pytest
import yaml

from simulator.adapters.chroma_index import load_knowledge, open_client
from simulator.coach.rule_coach import RuleCoach
from simulator.persona.files import PersonaCatalog
from simulator.persona.model import Persona
from simulator.studio.check import check_data, check_persona, near_ties
from simulator.studio.paraphrases import paraphrases
from simulator.text import content_stems


@pytest.fixture(scope="module")
def coach(catalog: PersonaCatalog, tmp_path_factory: pytest.TempPathFactory) -> RuleCoach:
    return RuleCoach(load_knowledge(open_client(tmp_path_factory.mktemp("chroma")), catalog.ordered()))


def _data(catalog: PersonaCatalog, persona_id: str = "procurement_discount") -> dict[str, Any]:
    data = copy.deepcopy(catalog.get(persona_id).model_dump(mode="json"))
    data["id"] = "planted"
    return data


def _checks(report: Any, severity: str) -> set[str]:
    return {f.check for f in report.findings if f.severity == severity}


def test_the_built_in_personas_pass(catalog: PersonaCatalog, coach: RuleCoach) -> None:
    for persona in catalog.ordered():
        report = check_persona(persona, coach, catalog.ordered())
        assert report.passed, (persona.id, [f for f in report.errors])
        assert report.agreement_turn is not None and report.peer_agreement_turn is not None
        assert all(d.uncovered_turn is not None for d in report.difficulty)
        assert "lines" not in _checks(report, "warning"), persona.id  # enough lines not to repeat


def test_an_interest_nobody_can_reach_is_an_error(catalog: PersonaCatalog, coach: RuleCoach) -> None:
    data = _data(catalog)
    # Its example "probes" ask nothing, so nothing a trainee is taught to ask points at it.
    data["hidden_interests"][1]["probes"] = ["Noted.", "We will see about the weather."]
    report = check_data(data, "planted", coach)
    wanted = data["hidden_interests"][1]["id"]
    reach = [f for f in report.errors if f.check == "reachable"]
    assert [f.where for f in reach] == [f"hidden_interests({wanted}).probes"]
    assert "never uncovered it" in reach[0].message
    assert "sparring" in _checks(report, "error")  # nor can a good negotiator, who asks its probes, agree


def test_a_deflection_that_gives_the_secret_away_is_an_error(catalog: PersonaCatalog, coach: RuleCoach) -> None:
    data = _data(catalog)
    interest = data["hidden_interests"][0]
    interest["deflections"][0] = interest["reveal"]
    report = check_persona(Persona.model_validate(data), coach)
    assert [f.where for f in report.errors if f.check == "leak"] == [
        f"hidden_interests({interest['id']}).deflections[0]"
    ]


def test_a_summary_repeated_in_a_position_is_a_leak(catalog: PersonaCatalog, coach: RuleCoach) -> None:
    data = _data(catalog)
    data["positions"][0]["statement"] = data["hidden_interests"][2]["summary"]
    report = check_persona(Persona.model_validate(data), coach)
    assert any(f.check == "leak" and f.where.startswith("positions(") for f in report.errors)


def test_near_tie_probes_are_shown_in_pairs(catalog: PersonaCatalog, coach: RuleCoach) -> None:
    data = _data(catalog)
    first, second = data["hidden_interests"][0], data["hidden_interests"][1]
    second["probes"] = list(first["probes"])
    second["cues"] = list(first["cues"])
    persona = Persona.model_validate(data)
    pairs = near_ties(persona, coach.knowing(persona))
    assert pairs and all({own, other} <= {first["id"], second["id"]} for own, other, _ in pairs)
    report = check_persona(persona, coach)
    ties = [f for f in report.warnings if f.check == "near_tie"]
    assert ties and any(first["id"] in f.message and second["id"] in f.message for f in ties)


def test_missing_lines_are_schema_errors_with_the_field(catalog: PersonaCatalog, coach: RuleCoach) -> None:
    data = _data(catalog)
    del data["lines"]["accept"]
    report = check_data(data, "planted", coach)
    assert not report.passed and [(f.check, f.where) for f in report.errors] == [("schema", "lines.accept")]


def test_too_few_lines_for_the_game_is_a_warning(catalog: PersonaCatalog, coach: RuleCoach) -> None:
    data = _data(catalog)
    data["lines"]["reveal_lead"] = data["lines"]["reveal_lead"][:2]
    report = check_persona(Persona.model_validate(data), coach)
    assert [f.where for f in report.warnings if f.check == "lines"] == ["lines.reveal_lead"]


def test_a_persona_nobody_can_agree_with_is_an_error(catalog: PersonaCatalog, coach: RuleCoach) -> None:
    data = _data(catalog)
    data["max_turns"], data["deal"]["min_uncovered"] = 4, 3  # three to uncover, then a deal, in four messages
    report = check_data(data, "planted", coach)
    assert [f.where for f in report.errors if f.check == "sparring"] == ["deal"]


def test_paraphrases_share_no_word_with_the_file(catalog: PersonaCatalog) -> None:
    for persona in catalog.ordered():
        used: set[str] = set()
        for text in yaml.safe_dump(persona.model_dump(mode="json")).split("\n"):
            used |= content_stems(text)
        for interest in persona.hidden_interests:
            for question in paraphrases(persona, interest.level):
                assert not content_stems(question) & used, (persona.id, question)
