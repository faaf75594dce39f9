"""The OpenAI-compatible adapter over real HTTP on 127.0.0.1, with injected faults: no turn is lost."""

from __future__ import annotations

import time

import pytest

from simulator.adapters.openai_chat import OpenAIChatModel
from simulator.adapters.sql_store import SqlStore
from simulator.config import ModelSettings
from simulator.counterpart.model_voice import LLMVoice
from simulator.errors import ModelError, SimulatorError
from simulator.persona.files import PersonaCatalog
from simulator.session.practice import Practice
from tests.fake_openai_server import fake_openai

GOOD = "ok:Look, I hear you, but the number has not moved for me yet."


def _model(url: str, **extra: object) -> OpenAIChatModel:
    settings = ModelSettings.model_validate({"base_url": url, "model": "fake", "timeout": 1.0, "retries": 2, **extra})
    return OpenAIChatModel(settings)


def test_streams_and_sends_max_tokens_in_the_body() -> None:
    with fake_openai([GOOD]) as (url, fake):
        pieces = list(_model(url).stream("hello", 40))
    assert len(pieces) > 3 and "".join(pieces).startswith("Look, I hear you")
    assert fake.requests[0]["max_tokens"] == 40 and fake.requests[0]["stream"] is True


def test_429_and_500_are_retried() -> None:
    with fake_openai(["429", "500", GOOD]) as (url, fake):
        text = "".join(_model(url).stream("hello", 40))
    assert text.startswith("Look") and len(fake.requests) == 3


@pytest.mark.parametrize("fault", ["stall", "junk", "500"])
def test_faults_end_in_a_model_error(fault: str) -> None:
    with fake_openai([fault]) as (url, _fake):
        start = time.monotonic()
        with pytest.raises(ModelError):
            "".join(_model(url).stream("hello", 40))
    assert time.monotonic() - start < 12


def test_endless_output_is_cut_off() -> None:
    with fake_openai(["endless"]) as (url, _fake):
        text = "".join(_model(url).stream("hello", 20))
    assert len(text) <= 20 * 8


@pytest.mark.parametrize("fault", ["stall", "junk", "endless", "429"])
def test_every_fault_falls_back_and_the_turn_is_kept(fault: str, catalog: PersonaCatalog, store: SqlStore) -> None:
    with fake_openai([fault]) as (url, _fake):
        voice = LLMVoice(_model(url, retries=1), max_tokens=30)
        practice = Practice(catalog, store, voice=voice)
        handle = practice.start("procurement_discount")
        result = practice.send(handle, "What would a good outcome look like for you?")
    stored = practice.store.get_session(handle.session_id).turns[0]
    assert stored.user_text and stored.grade is not None and stored.reply == result.reply
    assert result.reply  # the scripted line, or a checked model reply
    if fault != "endless":
        assert result.notices and "scripted line" in result.notices[0]


def test_model_settings_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("PARLEY_COUNTERPART_BASE_URL", "OPENAI_BASE_URL"):
        monkeypatch.delenv(name, raising=False)
    assert ModelSettings.from_env("counterpart") is None  # no endpoint: scripted counterpart
    monkeypatch.setenv("PARLEY_COUNTERPART_BASE_URL", "http://127.0.0.1:9/v1")
    monkeypatch.setenv("PARLEY_COUNTERPART_MODEL", "smollm2")
    monkeypatch.setenv("PARLEY_COUNTERPART_TIMEOUT", "5")
    settings = ModelSettings.from_env("counterpart")
    assert settings is not None and settings.model == "smollm2" and settings.timeout == 5.0
    monkeypatch.setenv("PARLEY_COUNTERPART_TEMPERATURE", "hot")
    with pytest.raises(SimulatorError, match="PARLEY_COUNTERPART_TEMPERATURE"):
        ModelSettings.from_env("counterpart")
