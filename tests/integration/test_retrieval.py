"""Retrieval over Chroma: interest cues from paraphrases, fitting tips, transcript search (embedded and server)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from simulator.adapters.chroma_index import TranscriptIndex, load_knowledge, open_client
from simulator.coach.knowledge import Knowledge
from simulator.coach.reading import read_message
from simulator.coach.rule_coach import RuleCoach
from simulator.coach.suggestions import Visible, suggest
from simulator.config import Settings
from simulator.persona.files import PersonaCatalog
from simulator.text import content_stems
from simulator.wiring import build_practice
from tests.conftest import PERSONAS_DIR

PARAPHRASES = yaml.safe_load((Path(__file__).parents[1] / "data" / "paraphrases.yaml").read_text())


@pytest.fixture(scope="module")
def knowledge(tmp_path_factory: pytest.TempPathFactory, catalog: PersonaCatalog) -> Knowledge:
    return load_knowledge(open_client(tmp_path_factory.mktemp("chroma")), catalog.ordered())


def _own_text(catalog: PersonaCatalog, persona_id: str, interest_id: str) -> str:
    i = catalog.get(persona_id).interest(interest_id)
    parts = [i.summary, i.behaviour_while_hidden, i.reveal, *i.deflections, *i.probes, *i.cues]
    parts += [s.description + " " + " ".join(s.cues) for s in i.satisfiers]
    return " ".join(parts)


def test_paraphrases_share_no_content_word_with_their_interest(catalog: PersonaCatalog) -> None:
    for persona_id, interests in PARAPHRASES.items():
        assert set(interests) == {i.id for i in catalog.get(persona_id).hidden_interests}
        for interest_id, questions in interests.items():
            own = content_stems(_own_text(catalog, persona_id, interest_id))
            for q in questions:
                assert not content_stems(q) & own, (persona_id, interest_id, q)


def test_paraphrased_probes_find_their_interest(catalog: PersonaCatalog, knowledge: Knowledge) -> None:
    """Questions that share no words with the persona file still reach the right hidden interest, mostly."""
    coach = RuleCoach(knowledge)
    found: dict[str, list[bool]] = {}
    for persona_id, interests in PARAPHRASES.items():
        persona = catalog.get(persona_id)
        for interest_id, questions in interests.items():
            assert len(questions) == 8, (persona_id, interest_id)
            found[f"{persona_id}.{interest_id}"] = [
                coach.grade(read_message(q), Visible(persona, (), (), 1)).interests.targets[:1] == [interest_id]
                for q in questions
            ]
    per_interest = {name: sum(hits) for name, hits in found.items()}
    hits = [h for row in found.values() for h in row]
    held_out = [h for row in found.values() for h in row[4:]]
    # Without meaning (words alone) none of these would be found: they share no content word with the file.
    # Measured: 136 of 184 (74%); the held-out half 63 of 92 (68%); every interest from at least 4 of its 8.
    assert sum(hits) / len(hits) >= 0.72, per_interest
    assert sum(held_out) / len(held_out) >= 0.66, per_interest
    assert min(per_interest.values()) >= 4, per_interest


def _as_chat(question: str) -> str:
    """The same question typed fast on a phone: curly apostrophes, "u", "ur", "r", "wat"."""
    swaps = {"you": "u", "your": "ur", "are": "r", "what": "wat", "what's": "whats", "don't": "dont"}
    typed = " ".join(swaps.get(w.lower(), w) for w in question.split())
    return typed.replace("'", "\u2019")


def test_chat_spelling_reaches_the_same_interest(catalog: PersonaCatalog, knowledge: Knowledge) -> None:
    coach = RuleCoach(knowledge)
    compared = 0
    for persona_id, interests in PARAPHRASES.items():
        persona = catalog.get(persona_id)
        for questions in interests.values():
            for question in questions[:2]:
                typed = _as_chat(question)
                if typed == question:
                    continue
                plain = coach.grade(read_message(question), Visible(persona, (), (), 1))
                chat = coach.grade(read_message(typed), Visible(persona, (), (), 1))
                assert chat.scores() == plain.scores() and chat.interests.targets == plain.interests.targets, typed
                assert chat.interests.evidence.rstrip("…") in typed  # quoted as typed
                compared += 1
    assert compared >= 30


UNRELATED = [
    "How was your trip in this morning?",
    "Did you watch the match last night?",
    "What kind of coffee do you drink?",
    "Where did you go to school?",
    "What is your favourite film?",
    "Do you have any pets?",
    "What did you have for lunch?",
    "Which football team do you support?",
    "What music do you listen to?",
    "Have you been to the new cafe downstairs?",
    "Which version of the contract are you looking at?",
    "Could you repeat the last number?",
    "How many units are in the current order?",
    "When do you need the signed contract back?",
]


def test_unrelated_questions_target_no_interest(catalog: PersonaCatalog, knowledge: Knowledge) -> None:
    """Small talk and questions off the deal are not probes of any hidden interest, with meaning on."""
    coach = RuleCoach(knowledge)
    for persona_id in PARAPHRASES:
        persona = catalog.get(persona_id)
        for q in UNRELATED:
            grade = coach.grade(read_message(q), Visible(persona, (), (), 1))
            assert grade.interests.targets == [], (persona_id, q, grade.interests.targets)


def test_rules_alone_cannot_find_paraphrases(catalog: PersonaCatalog) -> None:
    persona = catalog.get("shared_lab")
    q = PARAPHRASES["shared_lab"]["coo_pressure"][0]
    assert RuleCoach().grade(read_message(q), Visible(persona, (), (), 1)).interests.targets[:1] != ["coo_pressure"]


@pytest.mark.parametrize(
    ("persona_id", "message", "tip_id"),
    [
        ("procurement_discount", "Take it or leave it.", "user_gave_ultimatum"),
        (
            "procurement_discount",
            "That's ridiculous, we'll take our business to a competitor.",
            "user_threatened_to_walk",
        ),
        ("procurement_discount", "Let's split the difference and call it a day.", "splitting_is_not_win_win"),
        ("procurement_discount", "That's a ridiculous demand.", "do_not_dismiss_their_needs"),
        ("procurement_discount", "WHY ARE YOU DOING THIS TO US", "pause_instead_of_escalating"),
        ("procurement_discount", "Our price is fair.", "statement_into_question"),
        ("procurement_discount", "How was your weekend?", "small_talk_then_substance"),
        ("procurement_discount", "Is that your final offer?", "open_up_yes_no"),
        ("procurement_discount", "How much can you pay?", "budget_probe_to_purpose"),
        ("procurement_discount", "We could offer a three-year price lock at 8% off.", "picture_of_success"),
        # A good question that acknowledges nothing: the tip for this counterpart's archetype.
        ("procurement_discount", "What matters most to you in this renewal?", "acknowledge_the_pressure"),
        ("shared_lab", "What matters most to you about the shared lab?", "share_your_constraints"),
        ("launch_deadline", "What is behind the date for you?", "acknowledge_the_feeling"),
    ],
)
def test_suggestion_is_the_tip_written_for_the_problem_the_rules_saw(
    catalog: PersonaCatalog, knowledge: Knowledge, persona_id: str, message: str, tip_id: str
) -> None:
    persona = catalog.get(persona_id)
    grade = RuleCoach(knowledge).grade(read_message(message), Visible(persona, (), (), 1))
    tip = knowledge.tip(tip_id)
    assert grade.suggestion.startswith(tip.tip), grade.suggestion
    assert tip.fits("understanding", persona.archetype.value)
    assert "Try: '" in grade.suggestion and "{topic}" not in grade.suggestion


def test_without_a_tip_for_the_problem_the_rule_line_is_used(catalog: PersonaCatalog, knowledge: Knowledge) -> None:
    """No tip is written for playing down their needs, so the suggestion is the rules' own line, not a stray tip."""
    persona = catalog.get("procurement_discount")
    reading = read_message("You don't really need 25%, do you?")
    visible = Visible(persona, (), (), 1)
    grade = RuleCoach(knowledge).grade(reading, visible)
    assert grade.collaboration.reason == "plays down their needs"
    assert grade.suggestion == suggest(reading, grade.scores(), visible).text
    assert not any(grade.suggestion.startswith(t.tip) for t in knowledge.tips)


def test_transcript_search_finds_turns_with_grades(tmp_path: Path, catalog: PersonaCatalog) -> None:
    practice = build_practice(Settings(data_dir=tmp_path, personas_dir=PERSONAS_DIR), catalog)
    handle = practice.start("procurement_discount")
    practice.send(handle, "I hear you. What constraints are you working within on the budget this year?")
    practice.send(handle, "Take it or leave it.")
    other = practice.start("launch_deadline")
    practice.send(other, "What happens to your spring season if the launch moves?")
    assert practice.transcripts is not None
    practice.transcripts.flush()  # indexing runs off the turn's path
    index = TranscriptIndex(open_client(tmp_path))
    assert index.count() == 3
    best = index.search("how did people handle a budget objection", limit=3)[0]
    assert best.session_id == handle.session_id and best.turn == 1 and best.grade.interests.score == 2
    only_launch = index.search("deadline", persona_id="launch_deadline")
    assert {m.persona_id for m in only_launch} == {"launch_deadline"}
    strong = index.search("anything", min_total=5)
    assert all(m.grade.total >= 5 for m in strong) and "Take it or leave it." not in [m.text for m in strong]


def test_search_command(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, catalog: PersonaCatalog) -> None:
    monkeypatch.setenv("PARLEY_DATA_DIR", str(tmp_path))
    run = [sys.executable, "-m", "simulator"]
    empty = subprocess.run([*run, "search", "budget"], capture_output=True, text=True, timeout=120)
    assert empty.returncode == 0 and "no transcripts indexed yet" in empty.stderr
    subprocess.run(
        [*run, "play", "salary_offer", "--script", "-"],
        input="How is the pay range for this level set?\n",
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    found = subprocess.run(
        [*run, "search", "salary band question", "--json"], capture_output=True, text=True, timeout=120
    )
    assert found.returncode == 0, found.stderr
    assert '"persona": "salary_offer"' in found.stdout and '"grade"' in found.stdout


@pytest.fixture
def chroma_server(tmp_path: Path) -> Iterator[str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    chroma = Path(sys.executable).parent / "chroma"
    command = [str(chroma)] if chroma.exists() else [sys.executable, "-m", "chromadb.cli.cli"]
    proc = subprocess.Popen(
        [*command, "run", "--path", str(tmp_path / "server"), "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "ANONYMIZED_TELEMETRY": "False"},
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                break
        time.sleep(0.2)
    else:
        proc.kill()
        raise RuntimeError("chroma server did not start")
    yield f"http://127.0.0.1:{port}"
    proc.terminate()
    proc.wait(timeout=20)


def test_same_code_path_against_a_chroma_server(tmp_path: Path, catalog: PersonaCatalog, chroma_server: str) -> None:
    settings = Settings(data_dir=tmp_path / "data", personas_dir=PERSONAS_DIR, chroma_url=chroma_server)
    practice = build_practice(settings, catalog)
    handle = practice.start("shared_lab")
    practice.send(
        handle, "To be open with you, our launch slot is fixed. What would a fair booking system look like for you?"
    )
    assert practice.transcripts is not None
    practice.transcripts.flush()
    assert not (tmp_path / "data" / "chroma").exists()  # nothing embedded locally: the server holds it
    matches = TranscriptIndex(open_client(tmp_path, chroma_server)).search("booking system", limit=1)
    assert matches and matches[0].session_id == handle.session_id
