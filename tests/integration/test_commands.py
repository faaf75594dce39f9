"""The commands that grade and check, run as a person runs them: `python -m simulator …` in a new process."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import yaml

from simulator.persona.files import PersonaCatalog
from tests.unit.coach.test_transcript import CONVERSATION
from tests.unit.studio.test_studio_check import _data


def test_check_command(tmp_path: Path, catalog: PersonaCatalog) -> None:
    ok = subprocess.run(
        [sys.executable, "-m", "simulator", "check", "salary_offer"], capture_output=True, text=True, timeout=300
    )
    assert ok.returncode == 0, ok.stderr
    assert "salary_offer: check passed" in ok.stdout and "good script agreement" in ok.stdout
    data = _data(catalog)
    data["max_turns"], data["deal"]["min_uncovered"] = 4, 3
    path = tmp_path / "planted.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    bad = subprocess.run(
        [sys.executable, "-m", "simulator", "check", str(path), "--json"], capture_output=True, text=True, timeout=300
    )
    assert bad.returncode == 1 and '"passed": false' in bad.stdout and '"check": "sparring"' in bad.stdout


def test_grade_command_on_a_conversation(tmp_path: Path) -> None:
    path = tmp_path / "talk.txt"
    path.write_text(CONVERSATION)
    out = subprocess.run(
        [sys.executable, "-m", "simulator", "grade", str(path), "--speaker", "Ben"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    rows = [json.loads(line) for line in out.stdout.splitlines()]
    assert [r["turn"] for r in rows[:-1]] == [2, 4, 6] and rows[-1]["summary"]["speaker"] == "Ben"
    bad = subprocess.run(
        [sys.executable, "-m", "simulator", "grade", str(path), "--speaker", "Cleo"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert bad.returncode == 2 and "choose one of Ana, Ben" in bad.stderr
