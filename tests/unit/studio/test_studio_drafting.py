"""Drafting a persona: by a model over real HTTP (repaired once, then shown with its errors), or offline by
the guided form."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from simulator.adapters.openai_chat import OpenAIPersonaDrafter
from simulator.config import ModelSettings, Settings
from simulator.errors import StudioInputError
from simulator.persona.files import PersonaCatalog, schema_problems
from simulator.studio.drafting import GuidedInterest, draft_with_model
from simulator.team.model import Caller, Role
from simulator.wiring import build_services
from tests.fake_openai_server import fake_openai

TRAINER = Caller("tess", Role.TRAINER)
DESCRIPTION = (
    "A hospital procurement director pushing for 30% off our analytics platform, secretly worried about an audit."
)


def _drafter(url: str) -> OpenAIPersonaDrafter:
    return OpenAIPersonaDrafter(
        ModelSettings.model_validate({"base_url": url, "model": "fake", "timeout": 5.0, "retries": 0})
    )


def _valid(catalog: PersonaCatalog) -> dict[str, object]:
    data = copy.deepcopy(catalog.get("procurement_discount").model_dump(mode="json"))
    data["id"], data["name"] = "audit_director", "Audit-wary director"
    return data


def test_an_invalid_draft_is_repaired_once(catalog: PersonaCatalog) -> None:
    good = _valid(catalog)
    broken = {k: v for k, v in good.items() if k != "lines"}
    with fake_openai([f"tool:{json.dumps(broken)}", f"tool:{json.dumps(good)}"]) as (url, fake):
        drafted = draft_with_model(_drafter(url), DESCRIPTION, "competitive")
    assert drafted.problems == [] and drafted.attempts == 2 and drafted.data == good
    assert fake.requests[0]["tools"][0]["function"]["name"] == "Persona"
    repair = fake.requests[1]["messages"][-1]["content"]
    assert "lines: add this field" in repair and DESCRIPTION in repair


def test_a_draft_that_never_validates_comes_back_with_its_errors(catalog: PersonaCatalog) -> None:
    broken = {k: v for k, v in _valid(catalog).items() if k not in ("lines", "deal")}
    with fake_openai([f"tool:{json.dumps(broken)}"] * 2) as (url, _):
        drafted = draft_with_model(_drafter(url), DESCRIPTION, "competitive")
    assert drafted.attempts == 2
    assert any(p.startswith("lines:") for p in drafted.problems) and any(
        p.startswith("deal:") for p in drafted.problems
    )
    assert drafted.data["name"] == "Audit-wary director"  # kept for the trainer to fix


@pytest.mark.parametrize("behaviour", ["500", "tool:{not json"], ids=["server-error", "junk"])
def test_a_failing_model_says_so_and_keeps_nothing(behaviour: str) -> None:
    with fake_openai([behaviour] * 4) as (url, _), pytest.raises(StudioInputError, match="could not draft a persona"):
        draft_with_model(_drafter(url), DESCRIPTION, "competitive")


def test_the_studio_stores_a_model_draft_and_offline_refuses(
    data_dir: Path, catalog: PersonaCatalog, monkeypatch: pytest.MonkeyPatch
) -> None:
    offline = build_services(Settings.from_env(), meaning=False)
    with pytest.raises(StudioInputError, match="use the guided form"):
        offline.studio.draft(TRAINER, DESCRIPTION, "competitive")
    offline.close()
    with fake_openai([f"tool:{json.dumps(_valid(catalog))}"]) as (url, _):
        monkeypatch.setenv("PARLEY_COACH_BASE_URL", url)
        monkeypatch.setenv("PARLEY_COACH_MODEL", "fake")
        services = build_services(Settings.from_env(), meaning=False)
        version, drafted = services.studio.draft(TRAINER, DESCRIPTION, "competitive")
    assert version.persona_id == "audit_director" and version.status.value == "draft" and not drafted.problems
    assert services.studio.data_of(TRAINER, "audit_director")["name"] == "Audit-wary director"
    services.close()


def test_the_guided_form_makes_a_playable_draft(data_dir: Path) -> None:
    services = build_services(Settings.from_env(), meaning=False)
    interests = [
        GuidedInterest(
            "practical",
            "The unit budget was cut by a fifth this year.",
            "My budget was cut by a fifth, so I cannot pay more.",
            "What budget are you working with?",
            "phased payments",
        ),
        GuidedInterest(
            "political",
            "The board wants proof of savings before the audit.",
            "The board wants visible savings before the audit.",
            "Who will review this decision?",
            "documented savings",
        ),
        GuidedInterest(
            "identity",
            "She sees herself as the one who never overpays.",
            "I've never overpaid a vendor and I won't start now.",
            "What would a good result say about you?",
            "a reference case",
        ),
    ]
    version = services.studio.guided(
        TRAINER,
        "low_trust",
        interests,
        name="Rita Okafor",
        role="Procurement director, St Anne's Hospitals",
        scenario="You are renewing St Anne's analytics licence; Rita wants 30% off.",
        opening="Thirty percent off, or we look elsewhere.",
        position="We need thirty percent off this renewal.",
    )
    assert version.persona_id == "rita_okafor" and schema_problems(version.data) == []
    play = services.studio.test_play(TRAINER, "rita_okafor")
    turn = services.studio.test_send(TRAINER, play, "I hear you. What budget are you working with?")
    assert turn.reply and len(turn.ledger) == 3
    with pytest.raises(StudioInputError, match="at least three"):
        services.studio.guided(TRAINER, "low_trust", interests[:2], name="Too few")
    services.close()
