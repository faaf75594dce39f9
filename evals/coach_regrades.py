"""The coach against trainers' re-grades (`coach_eval.py --regrades DATABASE`).

For every turn a trainer re-graded, the coach's score and the trainer's latest one, per criterion: agreement,
Cohen's kappa and a 3x3 table. Trainers re-grade where they disagree, so this is the coach measured on its
disputed turns, not on all of them.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from simulator.coach.grade import CRITERIA


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
