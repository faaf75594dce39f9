"""The coach eval on a small fixture of our own (same format as the shared data sets)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from simulator.coach.batch import grade_texts
from simulator.config import REPO_ROOT

FIXTURE = Path(__file__).parents[1] / "data" / "eval_fixture"


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
    # Kappa beside F1, the rules alone beside the coach as shipped, and cross-validation by dialogue.
    assert all(-1.0 <= t["kappa"] <= 1.0 for t in report["tasks"])
    assert [t["task"] for t in report["rules_only"]] == [t["task"] for t in report["tasks"]]
    cv = {r["task"]: r for r in report["cross_validation"]}
    assert cv["p4g_inquiry"]["k"] == 2 and cv["casino_elicit_pref"]["k"] == 3  # no more folds than dialogues
    for r in cv.values():
        assert len(r["per_fold"]["rules_f1"]) == len(r["per_fold"]["learned_f1"]) == r["k"]
        assert r["kept"] in ("rules", "rules+learned") and 0 <= r["learned_wins"] <= r["k"]
    assert "## Cross-validation by dialogue" in markdown
    # Against itself as the baseline, the rules change nothing on any fold.
    again = subprocess.run(
        [sys.executable, "evals/coach_eval.py", "--data", str(FIXTURE), "--out", str(tmp_path / "again"),
         "--bootstrap", "20", "--baseline", str(tmp_path / "coach_eval.json")],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert again.returncode == 0, again.stderr
    compared = json.loads((tmp_path / "again" / "coach_eval.json").read_text())["baseline"]["tasks"]
    assert all(r["helps_on"] == r["hurts_on"] == 0 for r in compared), compared


def test_a_missing_baseline_is_named(tmp_path: Path) -> None:
    out = subprocess.run(
        [sys.executable, "evals/coach_eval.py", "--data", str(FIXTURE), "--baseline", str(tmp_path / "old.json")],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert out.returncode == 2 and "old.json" in out.stderr and "earlier coach_eval.json" in out.stderr


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


def _agreement(tmp_path: Path, labels: list[dict[str, object]]) -> subprocess.CompletedProcess[str]:
    reading = tmp_path / "reading.json"
    reading.write_text(json.dumps({"about": "test", "labels": labels}))
    return subprocess.run(
        [
            sys.executable,
            "evals/label_agreement.py",
            "--data",
            str(FIXTURE),
            "--reading",
            str(reading),
            "--out",
            str(tmp_path),
            "--bootstrap",
            "50",
        ],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_label_agreement_compares_the_coach_and_a_second_reading_on_the_same_sentences(tmp_path: Path) -> None:
    def label(dialogue: str, row: int, asks: bool) -> dict[str, object]:
        return {"dialogue_id": dialogue, "row": row, "inquiry_or_ask": asks, "seeks": asks}

    # The second reading takes the proposal (row 3) for an ask: it disagrees with the labels once.
    out = _agreement(
        tmp_path, [label("d1", 1, True), label("d1", 2, True), label("d1", 3, True), label("d2", 6, False)]
    )
    assert out.returncode == 0, out.stderr
    report = json.loads((tmp_path / "label_agreement.json").read_text())
    assert report["sentences"] == 4 and report["label_positives"] == 2
    assert report["second_reading_vs_labels"]["f1"] == 0.8  # 2 agreed positives, 1 extra
    assert report["coach_vs_labels"]["f1"] == 1.0  # the coach reads the proposal as a proposal
    assert report["coach_vs_second_reading"]["f1"] == 0.8
    assert "| coach vs P4G labels | **1.000** |" in (tmp_path / "label_agreement.md").read_text()


def test_label_agreement_names_sentences_missing_from_the_data(tmp_path: Path) -> None:
    out = _agreement(tmp_path, [{"dialogue_id": "d9", "row": 99, "inquiry_or_ask": True, "seeks": True}])
    assert out.returncode != 0 and "dialogue d9 row 99" in out.stderr and "pass the data set" in out.stderr


def test_escaped_apostrophes_from_the_spreadsheet_export_are_read_as_typed(tmp_path: Path) -> None:
    from evals.coach_eval import load_tasks

    (tmp_path / "p4g").mkdir()
    (tmp_path / "casino").mkdir()
    (tmp_path / "casino" / "casino_x_utterances.jsonl").write_text(
        (FIXTURE / "casino" / "casino_fixture_utterances.jsonl").read_text()
    )
    row = {"dialogue_id": "d1", "row": 0, "turn": 0, "role": "persuader", "labels": ["other"]}
    (tmp_path / "p4g" / "p4g_x.jsonl").write_text(
        json.dumps({**row, "text": "Aren\\'t you glad?", "inquiry_or_ask": False})
    )
    p4g = next(t for t in load_tasks(tmp_path) if t.name == "p4g_inquiry")
    assert [i.text for i in p4g.items] == ["Aren't you glad?"]


def test_the_coach_is_measured_against_trainers_regrades(tmp_path: Path) -> None:
    from simulator.adapters.sql_store import SqlStore
    from simulator.adapters.sql_team import SqlTeamStore
    from simulator.persona.files import load_folder
    from simulator.session.practice import Practice
    from simulator.team.service import Team

    db = tmp_path / "team.sqlite3"
    store = SqlStore(db)
    team = Team(Practice(load_folder(REPO_ROOT / "personas"), store), SqlTeamStore(store), rounds=4)
    team.add_user("tess", "trainer", "correct horse")
    team.add_user("ann", "trainee", "correct horse", trainer="tess")
    ann, tess = team.caller("ann"), team.caller("tess")
    handle = team.start(ann, "procurement_discount")
    for text in ("What would a good outcome look like for you?", "Can you do 15%?", "I hear you."):
        team.send(ann, handle, text)
    team.regrade(tess, handle.session_id, 2, "questions", 1, "a closed question")  # coach 0 -> 1
    team.regrade(tess, handle.session_id, 2, "questions", 0, "no, an offer after all")  # the last one stands
    team.regrade(tess, handle.session_id, 3, "interests", 1, "it listens")  # coach 0 -> 1
    store.close()
    out = subprocess.run(
        [sys.executable, "evals/coach_eval.py", "--regrades", str(db), "--out", str(tmp_path)],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert out.returncode == 0, out.stderr
    report = {r["criterion"]: r for r in json.loads((tmp_path / "coach_vs_regrades.json").read_text())["criteria"]}
    assert report["questions"]["turns"] == 1 and report["questions"]["agreement"] == 1.0
    assert report["interests"]["turns"] == 1 and report["interests"]["agreement"] == 0.0
    assert report["interests"]["coach_by_trainer"][0] == [0, 1, 0] and report["collaboration"]["turns"] == 0
    assert "| interests | 1 | 0.0 |" in (tmp_path / "coach_vs_regrades.md").read_text()
