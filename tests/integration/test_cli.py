"""`python -m simulator`: the same engine in a terminal, run as a user would run it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from simulator.session.sparring import OPENNESS
from tests.conftest import persona_ids

GRADE_KEYS = {"questions", "interests", "collaboration", "suggestion"}


def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "simulator", *args], input=stdin, capture_output=True, text=True, timeout=120
    )


def _check_grade(grade: dict) -> None:
    assert set(grade) >= GRADE_KEYS
    for name in ("questions", "interests", "collaboration"):
        assert grade[name]["score"] in (0, 1, 2) and isinstance(grade[name]["evidence"], str)
    assert isinstance(grade["interests"]["targets"], list)


def test_personas_lists_every_persona() -> None:
    result = run("personas")
    assert result.returncode == 0
    listed = [line.split()[0] for line in result.stdout.splitlines()]
    assert sorted(listed) == persona_ids()


def test_play_script_json(tmp_path: Path, catalog) -> None:
    persona = catalog.get("shared_lab")
    # Open about our side (this counterpart trusts openness) and one probe per hidden interest.
    lines = [f"{OPENNESS[n % len(OPENNESS)]} {i.probes[0]}" for n, i in enumerate(persona.hidden_interests)]
    script = tmp_path / "script.txt"
    script.write_text("\n".join(["", *lines, "   ", "Thanks."]) + "\n")
    result = run("play", "shared_lab", "--script", str(script), "--json")
    assert result.returncode == 0, result.stderr
    objects = [json.loads(line) for line in result.stdout.splitlines()]
    turns, debrief = objects[:-1], objects[-1]
    assert [t["turn"] for t in turns] == list(range(1, len(turns) + 1))
    for t in turns:
        assert set(t) == {"turn", "user", "reply", "grade", "state"}
        _check_grade(t["grade"])
        assert set(t["state"]) >= {"trust", "patience", "uncovered", "phase", "outcome"}
        assert t["reply"]
    assert turns[-1]["state"]["uncovered"], "the good script uncovers interests"
    assert set(debrief) == {"debrief"} and debrief["debrief"]["turns"] == len(turns)
    assert "session " in result.stderr


def test_play_reports_bad_lines_and_goes_on() -> None:
    result = run(
        "play", "procurement_discount", "--script", "-", "--json", stdin="\x00\x01\nWhat matters most to you?\n"
    )
    objects = [json.loads(line) for line in result.stdout.splitlines()]
    assert objects[0] == {"turn": None, "error": objects[0]["error"]} and "control characters" in objects[0]["error"]
    assert objects[1]["turn"] == 1


def test_play_unknown_persona_is_a_clear_error() -> None:
    result = run("play", "ghost")
    assert result.returncode == 2
    assert "unknown persona 'ghost'" in result.stderr and "Traceback" not in result.stderr


def test_interactive_play_and_end_command() -> None:
    result = run("play", "salary_offer", stdin="What would a good outcome look like for you?\n/end\n")
    assert result.returncode == 0
    assert "Graham Petrosyan:" in result.stdout and "questions" in result.stdout
    assert "== Debrief ==" in result.stdout and "You ended the conversation." in result.stdout


def test_grade_plain_and_jsonl(tmp_path: Path) -> None:
    plain = run("grade", "-", stdin="What would success look like for you?\n\nTake it or leave it.\n")
    grades = [json.loads(line) for line in plain.stdout.splitlines()]
    assert len(grades) == 2
    for g in grades:
        _check_grade(g)
    assert grades[0]["questions"]["score"] == 2 and grades[1]["collaboration"]["score"] == 0
    jsonl = tmp_path / "in.jsonl"
    jsonl.write_text('{"text": "Why does the date matter?"}\n{"speaker": "x"}\nnot json {\n{"text": ""}\n')
    out = [json.loads(line) for line in run("grade", str(jsonl)).stdout.splitlines()]
    assert out[0]["interests"]["score"] == 2
    assert "error" in out[1] and "error" in out[3]
    assert out[2]["questions"]["score"] == 0  # a plain line is graded as text


def test_grade_with_persona_names_targets() -> None:
    out = run("grade", "--persona", "procurement_discount", stdin="What constraints are you under on the budget?\n")
    assert json.loads(out.stdout)["interests"]["targets"][0] == "budget_cap"


def test_sessions_list_and_show() -> None:
    run("play", "launch_deadline", "--script", "-", stdin="What happens if the launch moves?\n")
    listing = run("sessions")
    session_id = listing.stdout.split()[0]
    shown = run("sessions", session_id, "--json")
    data = json.loads(shown.stdout)
    assert data["persona_id"] == "launch_deadline" and data["turns"][0]["grade"]["interests"]["score"] == 2
    resumed = run("play", "--resume", session_id, "--script", "-", "--json", stdin="What matters most?\n")
    assert resumed.returncode == 2 and "ended" in resumed.stderr
