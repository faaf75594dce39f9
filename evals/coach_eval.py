"""Measure the coach against human-labelled dialogue (CaSiNo, PersuasionForGood).

Usage: python evals/coach_eval.py [--data ../shared/datasets] [--out evals/results] [--bootstrap 1000]
                                  [--folds 5] [--baseline OLD_coach_eval.json] [--coach rules|model --limit N]

Mapping (see the datasets' READMEs):
  CaSiNo elicit-pref          <-> interests.score == 2
  CaSiNo uv-part              <-> collaboration.score == 0
  P4G inquiry_or_ask          <-> questions.score >= 1
Reports, for the coach as shipped (rules plus the learned layer where cross-validation kept it), precision, recall,
F1 and Cohen's kappa with a 95% bootstrap interval (resampling whole dialogues), a confusion table, the twenty worst
misses and grading throughput; the same for the rules alone; and k-fold cross-validation by dialogue (rules alone
against rules + a layer trained on the other folds: mean and spread over folds), as Markdown and JSON.
`--baseline` compares the rules' per-fold figures with an earlier report's, so a rule change is judged by how many
folds it helps. `--coach model` grades with the configured model coach (PARLEY_COACH_BASE_URL, PARLEY_COACH_MODEL)
on the first `--limit` utterances of each task instead.

With --regrades DATABASE (a SQLite file or a database URL), it measures the coach against trainers' re-grades
instead (coach_regrades.py), written to coach_vs_regrades.json and .md.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))  # its sibling modules, also when imported as evals.coach_eval

import coach_cv
from coach_regrades import regrade_markdown, regrade_report
from coach_report import markdown

from simulator.coach.batch import grade_texts
from simulator.coach.grade import Grade
from simulator.config import REPO_ROOT

DEFAULT_DATA = REPO_ROOT.parent / "shared" / "datasets"
# P4G's target is the labels' own agreement (evals/label_agreement.py: a blind second reading agrees at 0.828).
TARGETS = {"casino_elicit_pref": 0.80, "casino_uv_part": 0.50, "p4g_inquiry": 0.828}


@dataclass(frozen=True)
class Item:
    dialogue: str
    text: str
    gold: bool
    labels: list[str]
    context: tuple[str, ...] = ()  # what the same speaker said just before, in the same turn
    row: int = -1  # the sentence's row in its data set (P4G), for readings that refer to it


@dataclass(frozen=True)
class Task:
    name: str
    description: str
    items: list[Item]
    predict: Callable[[Grade], bool]
    score_of: Callable[[Grade], int]
    criterion: str


def _rows(path: Path) -> Iterable[dict[str, Any]]:
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                yield json.loads(line)


def load_tasks(data: Path) -> list[Task]:
    casino_files = sorted((data / "casino").glob("casino_*_utterances.jsonl"))
    p4g_files = sorted((data / "p4g").glob("p4g_*.jsonl"))
    if not casino_files or not p4g_files:
        raise SystemExit(
            f"datasets not found under {data}: expected casino/casino_*_utterances.jsonl and p4g/p4g_*.jsonl. "
            "They live in the shared folder beside the repository (../shared/datasets); pass --data PATH."
        )
    casino = [r for f in casino_files for r in _rows(f)]
    p4g = [r for f in p4g_files for r in _rows(f)]
    # P4G is labelled per sentence; each is graded with the sentences its speaker wrote before it in that turn.
    turn_so_far: dict[tuple[str, int, str], list[str]] = {}
    p4g_context = []
    for r in p4g:
        r["text"] = r["text"].replace(
            "\\'", "'"
        )  # the spreadsheet export left some escaped ("I\'m"); people typed "I'm"
        said = turn_so_far.setdefault((r["dialogue_id"], r["turn"], r["role"]), [])
        p4g_context.append(tuple(said))
        said.append(r["text"])
    return [
        Task(
            "casino_elicit_pref",
            "CaSiNo elicit-pref <-> interests.score == 2",
            [Item(f"c{r['dialogue_id']}", r["text"], "elicit-pref" in r["labels"], r["labels"]) for r in casino],
            lambda g: g.interests.score == 2,
            lambda g: g.interests.score,
            "interests",
        ),
        Task(
            "casino_uv_part",
            "CaSiNo uv-part <-> collaboration.score == 0",
            [Item(f"c{r['dialogue_id']}", r["text"], "uv-part" in r["labels"], r["labels"]) for r in casino],
            lambda g: g.collaboration.score == 0,
            lambda g: g.collaboration.score,
            "collaboration",
        ),
        Task(
            "p4g_inquiry",
            "P4G inquiry_or_ask <-> questions.score >= 1",
            [
                Item(f"p{r['dialogue_id']}", r["text"], bool(r["inquiry_or_ask"]), r["labels"], context, r["row"])
                for r, context in zip(p4g, p4g_context, strict=True)
            ],
            lambda g: g.questions.score >= 1,
            lambda g: g.questions.score,
            "questions",
        ),
    ]


def prf(pairs: list[tuple[bool, bool]]) -> dict[str, float]:
    tp = sum(1 for p, g in pairs if p and g)
    fp = sum(1 for p, g in pairs if p and not g)
    fn = sum(1 for p, g in pairs if not p and g)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1}


def bootstrap(items: list[Item], predicted: list[bool], rounds: int, seed: int = 7) -> dict[str, list[float]]:
    """95% intervals from resampling whole dialogues (utterances in a dialogue are not independent)."""
    by_dialogue: dict[str, list[int]] = {}
    for n, item in enumerate(items):
        by_dialogue.setdefault(item.dialogue, []).append(n)
    groups = list(by_dialogue.values())
    rng = random.Random(seed)
    samples: dict[str, list[float]] = {"precision": [], "recall": [], "f1": []}
    for _ in range(rounds):
        chosen = [i for _ in groups for i in rng.choice(groups)]
        scores = prf([(predicted[i], items[i].gold) for i in chosen])
        for key, value in scores.items():
            samples[key].append(value)
    intervals = {}
    for key, values in samples.items():
        values.sort()
        intervals[key] = [values[int(0.025 * (len(values) - 1))], values[int(0.975 * (len(values) - 1))]]
    return intervals


def evaluate(task: Task, grades: list[Grade], rounds: int) -> dict[str, Any]:
    predicted = [task.predict(g) for g in grades]
    pairs = list(zip(predicted, (i.gold for i in task.items), strict=True))
    scores = prf(pairs)
    confusion = {
        "tp": sum(1 for p, g in pairs if p and g),
        "fp": sum(1 for p, g in pairs if p and not g),
        "fn": sum(1 for p, g in pairs if not p and g),
        "tn": sum(1 for p, g in pairs if not p and not g),
    }
    # Worst misses: where the coach's score sits furthest from what the label asks for.
    target = {"interests": 2, "collaboration": 0, "questions": 1}[task.criterion]
    misses = []
    for item, grade, p in zip(task.items, grades, predicted, strict=True):
        if p == item.gold:
            continue
        score = task.score_of(grade)
        distance = abs(score - target) if item.gold else (2 - abs(score - target))
        criterion = getattr(grade, task.criterion)
        misses.append(
            {
                "kind": "missed" if item.gold else "false alarm",
                "text": item.text,
                "labels": item.labels,
                "coach_score": score,
                "coach_reason": criterion.reason,
                "distance": distance,
            }
        )
    misses.sort(key=lambda m: (-m["distance"], len(m["text"]), m["text"]))
    return {
        "task": task.name,
        "mapping": task.description,
        "n": len(task.items),
        "positives": sum(1 for i in task.items if i.gold),
        **{k: round(v, 4) for k, v in scores.items()},
        "kappa": round(coach_cv.kappa(predicted, [i.gold for i in task.items]), 4),
        "ci95": {k: [round(a, 4), round(b, 4)] for k, (a, b) in bootstrap(task.items, predicted, rounds).items()},
        "target_f1": TARGETS.get(task.name),
        "confusion": confusion,
        "worst_misses": misses[:20],
    }


def grade_all(tasks: Sequence[Task], learned: bool) -> tuple[dict[tuple[str, tuple[str, ...]], Grade], float]:
    """Every distinct (text, context) graded once by the rule coach; and grades per second."""
    keys = sorted({(i.text, i.context) for t in tasks for i in t.items})
    start = time.perf_counter()
    grades = grade_texts(
        [k[0] for k in keys], contexts=[k[1] for k in keys], workers=os.cpu_count() or 1, learned=learned
    )
    return dict(zip(keys, grades, strict=True)), len(keys) / (time.perf_counter() - start)


def grade_by_model(
    tasks: Sequence[Task], limit: int
) -> tuple[list[Task], dict[tuple[str, tuple[str, ...]], Grade], float]:
    """The first `limit` utterances of each task, graded by the configured model coach (its floor: the rules)."""
    from simulator.adapters.openai_chat import OpenAIStructuredModel  # only this mode calls a model
    from simulator.coach.model_coach import LLMCoach
    from simulator.coach.rule_coach import RuleCoach
    from simulator.coach.suggestions import Visible
    from simulator.config import ModelSettings

    settings = ModelSettings.from_env("coach")
    if settings is None:
        raise SystemExit("coach_eval: --coach model needs PARLEY_COACH_BASE_URL and PARLEY_COACH_MODEL set")
    coach = LLMCoach(OpenAIStructuredModel(settings), floor=RuleCoach())
    chosen = [Task(t.name, t.description, t.items[:limit], t.predict, t.score_of, t.criterion) for t in tasks]
    keys = sorted({(i.text, i.context) for t in chosen for i in t.items})
    start = time.perf_counter()
    visible = Visible(persona=None, uncovered=(), terms=(), turn=1)
    grades = {k: coach.grade(coach_cv.read(*k), visible) for k in keys}
    return chosen, grades, len(keys) / (time.perf_counter() - start)


def cross_validation(
    tasks: Sequence[Task], rules: dict[tuple[str, tuple[str, ...]], Grade], k: int
) -> list[dict[str, Any]]:
    data = {t.name: coach_cv.examples(t.items, [rules[(i.text, i.context)] for i in t.items], t.name) for t in tasks}
    casino = [e.reading for e in data["casino_elicit_pref"]]
    p4g = [e.reading for e in data["p4g_inquiry"]]
    return [
        coach_cv.cross_validate(
            t.name,
            data[t.name],
            p4g if t.name.startswith("casino") else casino,  # the vocabulary is the words both data sets use
            coach_cv.exemplar_examples(coach_cv.TARGET_OF[t.name]),
            k,
        )
        for t in tasks
    ]


def against_baseline(cv: Sequence[dict[str, Any]], baseline: Path) -> list[dict[str, Any]]:
    """The rules' per-fold F1 now against an earlier report's: a rule change must help on most folds."""
    old = {r["task"]: r for r in json.loads(baseline.read_text())["cross_validation"]}
    rows = []
    for r in cv:
        before, after = old[r["task"]]["per_fold"]["rules_f1"], r["per_fold"]["rules_f1"]
        deltas = [round(b - a, 4) for a, b in zip(before, after, strict=True)]
        rows.append(
            {
                "task": r["task"],
                "fold_deltas": deltas,
                "helps_on": sum(d > 0 for d in deltas),
                "hurts_on": sum(d < 0 for d in deltas),
            }
        )
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--out", type=Path, default=REPO_ROOT / "evals" / "results")
    parser.add_argument("--bootstrap", type=int, default=1000)
    parser.add_argument("--folds", type=int, default=coach_cv.K, help="k for cross-validation by dialogue; 0 skips it")
    parser.add_argument("--baseline", type=Path, help="an earlier coach_eval.json to compare the rules' folds with")
    parser.add_argument("--coach", choices=("rules", "model"), default="rules")
    parser.add_argument("--limit", type=int, default=50, help="utterances per task for --coach model")
    parser.add_argument("--regrades", metavar="DATABASE", help="measure the coach against trainers' re-grades")
    args = parser.parse_args()
    if args.regrades:
        if "://" not in args.regrades and not Path(args.regrades).is_file():
            print(f"coach_eval: no database file {args.regrades}: give Parley's SQLite file or a URL", file=sys.stderr)
            return 2
        found = regrade_report(args.regrades)
        args.out.mkdir(parents=True, exist_ok=True)
        (args.out / "coach_vs_regrades.json").write_text(json.dumps(found, indent=2) + "\n")
        (args.out / "coach_vs_regrades.md").write_text(regrade_markdown(found))
        print(json.dumps({r["criterion"]: {"turns": r["turns"], "kappa": r["kappa"]} for r in found["criteria"]}))
        return 0
    if args.baseline and not args.baseline.is_file():
        print(f"coach_eval: no baseline report {args.baseline}: give an earlier coach_eval.json", file=sys.stderr)
        return 2
    tasks = load_tasks(args.data)
    report: dict[str, Any] = {"data": os.path.relpath(args.data, REPO_ROOT)}
    if args.coach == "model":
        chosen, graded, speed = grade_by_model(tasks, args.limit)
        by_model = sum(1 for g in graded.values() if g.coach == "llm")
        report |= {
            "coach": "model",
            "utterances": len(graded),
            "graded_by_model": by_model,
            "grades_per_s": round(speed, 2),
        }
        report["tasks"] = [evaluate(t, [graded[(i.text, i.context)] for i in t.items], args.bootstrap) for t in chosen]
        name = "coach_eval_model"
    else:
        graded, speed = grade_all(tasks, learned=True)
        rules, _ = grade_all(tasks, learned=False)
        report |= {"coach": "rules+learned", "utterances": len(graded), "grades_per_s": round(speed, 1)}
        report["tasks"] = [evaluate(t, [graded[(i.text, i.context)] for i in t.items], args.bootstrap) for t in tasks]
        report["rules_only"] = [
            evaluate(t, [rules[(i.text, i.context)] for i in t.items], args.bootstrap) for t in tasks
        ]
        if args.folds > 1:
            report["cross_validation"] = cross_validation(tasks, rules, args.folds)
            if args.baseline:
                report["baseline"] = {
                    "file": args.baseline.name,
                    "tasks": against_baseline(report["cross_validation"], args.baseline),
                }
        name = "coach_eval"
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / f"{name}.json").write_text(json.dumps(report, indent=2) + "\n")
    (args.out / f"{name}.md").write_text(markdown(report))
    summary: dict[str, Any] = {
        r["task"]: {"f1": r["f1"], "kappa": r["kappa"], "ci95": r["ci95"]["f1"]} for r in report["tasks"]
    }
    for r in report.get("cross_validation", []):
        summary[r["task"]]["cv"] = {"rules": r["rules_f1"], "learned": r["learned_f1"], "kept": r["kept"]}
    if "baseline" in report:
        summary["baseline"] = {r["task"]: r["fold_deltas"] for r in report["baseline"]["tasks"]}
    print(json.dumps({"grades_per_s": report["grades_per_s"], **summary}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
