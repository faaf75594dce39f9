"""The coach eval on a small fixture of our own (same format as the shared data sets)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from simulator.coach.batch import grade_texts
from simulator.config import REPO_ROOT

FIXTURE = Path(__file__).parent / "data" / "eval_fixture"


def test_eval_reports_markdown_and_json(tmp_path: Path) -> None:
    out = subprocess.run(
        [sys.executable, "evals/coach_eval.py", "--data", str(FIXTURE), "--out", str(tmp_path), "--bootstrap", "50"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert out.returncode == 0, out.stderr
    line = json.loads(out.stdout.strip().splitlines()[-1])
    assert set(line) >= {"grades_per_s", "casino_elicit_pref", "casino_uv_part", "p4g_inquiry"}
    report = json.loads((tmp_path / "coach_eval.json").read_text())
    tasks = {t["task"]: t for t in report["tasks"]}
    elicit = tasks["casino_elicit_pref"]
    c = elicit["confusion"]
    assert c["tp"] + c["fp"] + c["fn"] + c["tn"] == elicit["n"] == 10 and elicit["positives"] == 2
    assert c["tp"] == 2, elicit["worst_misses"]  # both fixture questions about the other side's needs are probes
    p4g = tasks["p4g_inquiry"]
    assert p4g["n"] == 12 and p4g["positives"] == 5
    # "What about you?" after a story of one's own asks; after "I'm doing well" it returns the courtesy.
    assert not [m for m in p4g["worst_misses"] if m["text"] == "What about you?"], p4g["worst_misses"]
    for task in tasks.values():
        low, high = task["ci95"]["f1"]
        assert 0.0 <= low <= high <= 1.0 and len(task["worst_misses"]) <= 20
    markdown = (tmp_path / "coach_eval.md").read_text()
    assert "| task |" in markdown and "Twenty worst misses" in markdown


def test_eval_without_data_says_where_to_get_it(tmp_path: Path) -> None:
    out = subprocess.run(
        [sys.executable, "evals/coach_eval.py", "--data", str(tmp_path / "nowhere"), "--out", str(tmp_path)],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode != 0 and "datasets not found" in out.stderr and "--data" in out.stderr


def test_large_batches_grade_on_every_core_with_the_same_grades() -> None:
    texts = [
        f"What matters most to you about order {n}?" if n % 3 else f"Take it or leave it, {n}." for n in range(2400)
    ]
    contexts = [("We give to a food bank every winter.",) if n % 5 == 0 else () for n in range(len(texts))]
    serial = grade_texts(texts, contexts=contexts, workers=1)
    parallel = grade_texts(texts, contexts=contexts, workers=2)
    assert parallel == serial and len(parallel) == len(texts)
    assert parallel[1].interests.score == 2 and parallel[0].collaboration.score == 0
