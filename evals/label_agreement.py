"""How far P4G's own labels agree with a second, blind reading, next to how far the coach agrees with them.

Usage: python evals/label_agreement.py [--data ../shared/datasets] [--reading evals/data/p4g_second_reading.json]
                                       [--out evals/results] [--bootstrap 1000]

The coach's P4G target is an F1 against single-annotator labels. A grader cannot be expected to agree with those
labels much better than a second careful reader does, so this puts the coach's figure beside that ceiling, on the
same sentences: F1 of the second reading against the labels, of the coach against the labels, and of the coach
against the second reading, each with a 95% bootstrap interval (resampling whole dialogues).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from evals.coach_eval import DEFAULT_DATA, Item, bootstrap, load_tasks, prf
from simulator.coach.batch import grade_texts
from simulator.config import REPO_ROOT

DEFAULT_READING = REPO_ROOT / "evals" / "data" / "p4g_second_reading.json"


def _p4g_items(data: Path) -> dict[tuple[str, int], Item]:
    """The eval's P4G items (same text clean-up and same in-turn context), keyed by (dialogue_id, row)."""
    task = next(t for t in load_tasks(data) if t.name == "p4g_inquiry")
    return {(i.dialogue.removeprefix("p"), i.row): i for i in task.items}


def agreement(items: list[Item], a: list[bool], b: list[bool], rounds: int) -> dict[str, Any]:
    """F1 of reading `a` against reading `b` on `items` (symmetric in a and b), with its interval."""
    against = [Item(i.dialogue, i.text, gold, i.labels, i.context) for i, gold in zip(items, b, strict=True)]
    scores = prf(list(zip(a, b, strict=True)))
    return {"f1": round(scores["f1"], 4), "ci95": [round(v, 4) for v in bootstrap(against, a, rounds)["f1"]]}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--reading", type=Path, default=DEFAULT_READING)
    parser.add_argument("--out", type=Path, default=REPO_ROOT / "evals" / "results")
    parser.add_argument("--bootstrap", type=int, default=1000)
    args = parser.parse_args()

    by_id = _p4g_items(args.data)
    reading = json.loads(args.reading.read_text(encoding="utf-8"))["labels"]
    missing = [r for r in reading if (r["dialogue_id"], r["row"]) not in by_id]
    if missing:
        raise SystemExit(
            f"{args.reading}: {len(missing)} labelled sentence(s) are not in {args.data / 'p4g'} "
            f"(first: dialogue {missing[0]['dialogue_id']} row {missing[0]['row']}); pass the data set they were drawn from."
        )
    items = [by_id[(r["dialogue_id"], r["row"])] for r in reading]
    grades = grade_texts([i.text for i in items], contexts=[i.context for i in items])
    labels = [i.gold for i in items]
    second = [bool(r["inquiry_or_ask"]) for r in reading]
    seeks = [bool(r["seeks"]) for r in reading]
    coach = [g.questions.score >= 1 for g in grades]
    report = {
        "sentences": len(items),
        "label_positives": sum(labels),
        "second_reading_vs_labels": agreement(items, second, labels, args.bootstrap),
        "plain_meaning_vs_labels": agreement(items, seeks, labels, args.bootstrap),
        "coach_vs_labels": agreement(items, coach, labels, args.bootstrap),
        "coach_vs_second_reading": agreement(items, coach, second, args.bootstrap),
        "coach_vs_plain_meaning": agreement(items, coach, seeks, args.bootstrap),
    }
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "label_agreement.json").write_text(json.dumps(report, indent=2) + "\n")
    (args.out / "label_agreement.md").write_text(markdown(report))
    print(json.dumps(report))
    return 0


def markdown(report: dict[str, Any]) -> str:
    names = {
        "second_reading_vs_labels": "second reading (P4G scheme) vs P4G labels",
        "plain_meaning_vs_labels": "second reading (seeks understanding) vs P4G labels",
        "coach_vs_labels": "coach vs P4G labels",
        "coach_vs_second_reading": "coach vs second reading (P4G scheme)",
        "coach_vs_plain_meaning": "coach vs second reading (seeks understanding)",
    }
    lines = [
        "# P4G inquiry labels: agreement with a second reading",
        "",
        f"{report['sentences']} sentences drawn at random from the development part; "
        f"{report['label_positives']} labelled inquiry or ask.",
        "",
        "| readings compared | F1 | 95% CI |",
        "|---|---|---|",
    ]
    for key, name in names.items():
        low, high = report[key]["ci95"]
        lines.append(f"| {name} | **{report[key]['f1']:.3f}** | {low:.3f}–{high:.3f} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    raise SystemExit(main())
