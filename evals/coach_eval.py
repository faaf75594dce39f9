"""Measure the offline coach against human-labelled dialogue (CaSiNo, PersuasionForGood).

Usage: python evals/coach_eval.py [--data ../shared/datasets] [--out evals/results] [--bootstrap 1000]

Mapping (see the datasets' READMEs):
  CaSiNo elicit-pref          <-> interests.score == 2
  CaSiNo uv-part              <-> collaboration.score == 0
  P4G inquiry_or_ask          <-> questions.score >= 1
Reports precision, recall and F1 with a 95% bootstrap interval (resampling whole dialogues), a confusion
table, the twenty worst misses, and grading throughput, as Markdown and JSON.

With --regrades DATABASE (a SQLite file or a database URL), it measures the coach against trainers' re-grades
instead: for every turn a trainer re-graded, the coach's score and the trainer's latest one, per criterion
(agreement, Cohen's kappa, a 3x3 table), written to coach_vs_regrades.json and .md. Trainers re-grade where they
disagree, so this is the coach measured on its disputed turns, not on all of them.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from simulator.coach.batch import grade_texts
from simulator.coach.grade import CRITERIA, Grade
from simulator.config import REPO_ROOT

DEFAULT_DATA = REPO_ROOT.parent / "shared" / "datasets"
TARGETS = {"casino_elicit_pref": 0.80, "casino_uv_part": 0.50, "p4g_inquiry": 0.85}


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
        "ci95": {k: [round(a, 4), round(b, 4)] for k, (a, b) in bootstrap(task.items, predicted, rounds).items()},
        "target_f1": TARGETS.get(task.name),
        "confusion": confusion,
        "worst_misses": misses[:20],
    }


def markdown(report: dict[str, Any]) -> str:
    lines = [
        "# Coach evaluation",
        "",
        f"Data: `{report['data']}` · coach: {report['coach']} · "
        f"{report['utterances']} utterances graded at {report['grades_per_s']:.0f}/s",
        "",
    ]
    lines += [
        "| task | n | positives | precision | recall | F1 | F1 95% CI | target |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in report["tasks"]:
        ci = r["ci95"]["f1"]
        lines.append(
            f"| {r['mapping']} | {r['n']} | {r['positives']} | {r['precision']:.3f} | {r['recall']:.3f} | "
            f"**{r['f1']:.3f}** | {ci[0]:.3f}–{ci[1]:.3f} | {r['target_f1']} |"
        )
    for r in report["tasks"]:
        c = r["confusion"]
        lines += [
            "",
            f"## {r['mapping']}",
            "",
            "| | label yes | label no |",
            "|---|---|---|",
            f"| coach yes | {c['tp']} | {c['fp']} |",
            f"| coach no | {c['fn']} | {c['tn']} |",
            "",
            "Twenty worst misses:",
            "",
        ]
        for m in r["worst_misses"]:
            text = m["text"].replace("|", "\\|").replace("\n", " ")
            lines.append(
                f"- *{m['kind']}* (coach {m['coach_score']}, {m['coach_reason']}; labels {', '.join(m['labels'])}): {text}"
            )
    return "\n".join(lines) + "\n"


def kappa(pairs: list[tuple[int, int]], labels: Iterable[int] = (0, 1, 2)) -> float | None:
    """Cohen's kappa of two raters over the same items; None when chance agreement is total."""
    if not pairs:
        return None
    n = len(pairs)
    labels = list(labels)
    observed = sum(a == b for a, b in pairs) / n
    expected = sum((sum(a == k for a, _ in pairs) / n) * (sum(b == k for _, b in pairs) / n) for k in labels)
    return None if expected == 1 else round((observed - expected) / (1 - expected), 3)


def regrade_report(target: str) -> dict[str, Any]:
    """The coach against trainers' latest re-grade of each criterion they changed."""
    from simulator.adapters.sql_store import SqlStore  # only this mode reads a database

    store = SqlStore(target if "://" in target else Path(target))  # a URL, else a SQLite file
    try:
        pairs: dict[str, list[tuple[int, int]]] = {c: [] for c in CRITERIA}
        for summary in store.list_sessions(10**9):
            changes = store.regrades(summary.id)
            if not changes:
                continue
            record = store.get_session(summary.id)
            coach = {t.turn: t.grade for t in record.turns if t.grade is not None}
            latest = {(r.turn, r.criterion): r.after for r in changes}  # oldest first: the last one stands
            for (turn, criterion), trainer in sorted(latest.items()):
                if turn in coach:
                    pairs[criterion].append((getattr(coach[turn], criterion).score, trainer))
    finally:
        store.close()
    rows = []
    for criterion, found in pairs.items():
        table = [[sum(1 for a, b in found if (a, b) == (i, j)) for j in range(3)] for i in range(3)]
        rows.append(
            {
                "criterion": criterion,
                "turns": len(found),
                "agreement": round(sum(a == b for a, b in found) / len(found), 3) if found else None,
                "mean_abs_difference": round(sum(abs(a - b) for a, b in found) / len(found), 3) if found else None,
                "kappa": kappa(found),
                "coach_by_trainer": table,  # rows: the coach's 0, 1, 2; columns: the trainer's
            }
        )
    return {"database": target if "://" in target else Path(target).name, "criteria": rows}


def regrade_markdown(report: dict[str, Any]) -> str:
    lines = [
        "# The coach against trainers' re-grades",
        "",
        "Only turns a trainer re-graded are here: trainers change a score where they disagree with the coach.",
        "",
        "| criterion | turns | agreement | mean abs difference | kappa | coach 0/1/2 (rows) × trainer 0/1/2 |",
        "|---|---|---|---|---|---|",
    ]
    for r in report["criteria"]:
        table = " / ".join(" ".join(str(v) for v in row) for row in r["coach_by_trainer"])
        lines.append(
            f"| {r['criterion']} | {r['turns']} | {r['agreement']} | {r['mean_abs_difference']} | {r['kappa']} | {table} |"
        )
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--out", type=Path, default=REPO_ROOT / "evals" / "results")
    parser.add_argument("--bootstrap", type=int, default=1000)
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
    tasks = load_tasks(args.data)
    keys = sorted({(i.text, i.context) for t in tasks for i in t.items})
    start = time.perf_counter()
    texts, contexts = [text for text, _ in keys], [context for _, context in keys]
    grades = grade_texts(texts, contexts=contexts, workers=os.cpu_count() or 1)
    graded = dict(zip(keys, grades, strict=True))
    elapsed = time.perf_counter() - start
    report = {
        "data": os.path.relpath(args.data, REPO_ROOT),
        "coach": "rules",
        "utterances": len(keys),
        "grades_per_s": round(len(keys) / elapsed, 1),
        "tasks": [evaluate(t, [graded[(i.text, i.context)] for i in t.items], args.bootstrap) for t in tasks],
    }
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "coach_eval.json").write_text(json.dumps(report, indent=2) + "\n")
    (args.out / "coach_eval.md").write_text(markdown(report))
    summary = {r["task"]: {"f1": r["f1"], "ci95": r["ci95"]["f1"]} for r in report["tasks"]}
    print(json.dumps({"grades_per_s": report["grades_per_s"], **summary}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
