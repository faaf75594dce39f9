"""The model-backed coach: structured output over real HTTP, checked, with the rule coach as the floor."""

from __future__ import annotations

import json

import pytest

from simulator.adapters.openai_chat import OpenAIStructuredModel
from simulator.adapters.sql_store import SqlStore
from simulator.coach.model_coach import LLMCoach
from simulator.coach.reading import read_message
from simulator.coach.suggestions import Visible
from simulator.config import ModelSettings
from simulator.persona.files import PersonaCatalog
from simulator.persona.model import Persona
from tests.fake_openai_server import fake_openai

MESSAGE = "I hear you. How will your director see this deal once it is signed?"


def _args(**change: object) -> str:
    grade = {
        "questions": {
            "score": 2,
            "evidence": "How will your director see this deal once it is signed?",
            "reason": "open",
        },
        "interests": {"score": 2, "evidence": "your director", "reason": "asks who judges the deal"},
        "collaboration": {"score": 2, "evidence": "I hear you.", "reason": "acknowledges"},
        "suggestion": "Next, ask what a result she could report upwards would look like.",
    }
    grade.update(change)
    return json.dumps(grade)


def _coach(url: str) -> LLMCoach:
    settings = ModelSettings.model_validate({"base_url": url, "model": "fake", "timeout": 2.0, "retries": 0})
    return LLMCoach(OpenAIStructuredModel(settings))


def test_structured_grade_over_http(dana: Persona) -> None:
    with fake_openai([f"tool:{_args()}"]) as (url, fake):
        grade = _coach(url).grade(read_message(MESSAGE), Visible(dana, (), (), 1))
    assert grade.coach == "llm" and grade.scores() == {"questions": 2, "interests": 2, "collaboration": 2}
    assert grade.interests.targets and grade.interests.targets[0] == "savings_target"  # targets stay the rules'
    assert fake.requests[0]["tools"][0]["function"]["name"] == "CoachGrade"
    prompt = fake.requests[0]["messages"][0]["content"]
    for interest in dana.hidden_interests:
        assert interest.summary not in prompt and interest.reveal not in prompt


def test_invented_evidence_is_replaced_by_the_users_words(dana: Persona) -> None:
    invented = {"score": 2, "evidence": "What keeps you awake at night?", "reason": "open"}
    with fake_openai([f"tool:{_args(questions=invented)}"]) as (url, _fake):
        grade = _coach(url).grade(read_message(MESSAGE), Visible(dana, (), (), 1))
    assert grade.questions.evidence in MESSAGE and grade.questions.evidence


@pytest.mark.parametrize(
    "behaviour",
    [
        "tool:{not json",
        'tool:{"questions": {"score": 7}}',
        "500",
        "stall",
        f"tool:{_args(suggestion='Her director has set procurement a visible savings target this year, and this renewal is her biggest line.')}",
    ],
    ids=["junk", "bad-shape", "server-error", "timeout", "leaks-hidden-interest"],
)
def test_bad_output_falls_back_to_the_rule_coach(dana: Persona, behaviour: str) -> None:
    with fake_openai([behaviour]) as (url, _fake):
        coach = _coach(url)
        grade = coach.grade(read_message(MESSAGE), Visible(dana, (), (), 1))
    assert grade.coach == "rules"
    assert "built-in coach" in grade.notices[-1]


def test_feedback_grade_and_reply_run_side_by_side(dana: Persona, catalog, store) -> None:
    """Each side waits for the other to have started: run one after the other, this would time out."""
    import threading

    from simulator.counterpart.model_voice import LLMVoice
    from simulator.session.practice import Practice
    from simulator.testing import ScriptedChatModel

    coach_started, voice_started = threading.Event(), threading.Event()

    class WaitingGrader:
        name = "waiting"

        def fill(self, prompt: str) -> dict[str, object]:
            coach_started.set()
            assert voice_started.wait(5), "the reply did not start while the grade was being made"
            return json.loads(_args())

    def reply(prompt: str) -> str:
        voice_started.set()
        assert coach_started.wait(5), "the grade did not start while the reply was being made"
        return "Look, the number is still the number."

    practice = Practice(catalog, store, coach=LLMCoach(WaitingGrader()), voice=LLMVoice(ScriptedChatModel(reply)))
    handle = practice.start(dana.id)
    result = practice.send(handle, MESSAGE)
    assert result.grade.coach == "llm" and result.reply.startswith("Look")
    stored = practice.store.get_session(handle.session_id).turns[0]
    assert stored.grade is not None and stored.grade.coach == "llm" and stored.reply == result.reply


def test_each_turn_reports_only_its_own_coach_notice(dana: Persona, catalog, store) -> None:
    from simulator.errors import ModelError
    from simulator.session.practice import Practice

    class Down:
        name = "down"

        def fill(self, prompt: str) -> dict[str, object]:
            raise ModelError("the coach model is down")

    practice = Practice(catalog, store, coach=LLMCoach(Down()))
    handle = practice.start(dana.id)
    for text in (MESSAGE, "What would a good outcome look like for you?"):
        result = practice.send(handle, text)
        assert [n for n in result.notices if "model coach" in n] == [result.notices[-1]]
        assert result.grade.coach == "rules"


def test_a_turn_grades_by_the_rules_once_and_the_model_coach_builds_on_that_grade(
    catalog: PersonaCatalog, store: SqlStore
) -> None:
    from simulator.coach.rule_coach import RuleCoach
    from simulator.session.practice import Practice
    from simulator.testing import FixedStructuredModel

    class Counting(RuleCoach):
        calls = 0

        def grade_many(self, items):  # type: ignore[no-untyped-def]
            Counting.calls += len(items)
            return super().grade_many(items)

    floor = Counting()
    practice = Practice(catalog, store, coach=LLMCoach(FixedStructuredModel(), floor=floor))
    handle = practice.start("salary_offer", coach="llm")
    result = practice.send(handle, "What would a good outcome look like for you?")
    assert result.grade.coach == "llm"
    assert Counting.calls == 1  # the rule grade that drove the game is the one the model coach received
