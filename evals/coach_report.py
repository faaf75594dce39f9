"""coach_eval.py's report as Markdown: the coach's figures, the rules alone, cross-validation and the misses."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


def _table(rows: Sequence[dict[str, Any]]) -> list[str]:
    lines = [
        "| task | n | positives | precision | recall | F1 | F1 95% CI | kappa | target F1 |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        ci = r["ci95"]["f1"]
        lines.append(
            f"| {r['mapping']} | {r['n']} | {r['positives']} | {r['precision']:.3f} | {r['recall']:.3f} | "
            f"**{r['f1']:.3f}** | {ci[0]:.3f}–{ci[1]:.3f} | {r['kappa']:.3f} | {r['target_f1']} |"
        )
    return lines


def _cv_table(rows: Sequence[dict[str, Any]]) -> list[str]:
    lines = [
        "| task | criterion | folds | rules F1 (mean ± sd) | rules+learned F1 | rules kappa | rules+learned kappa | learned better on | kept |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r['task']} | {r['criterion']} | {r['k']} | {r['rules_f1']['mean']:.3f} ± {r['rules_f1']['sd']:.3f} | "
            f"{r['learned_f1']['mean']:.3f} ± {r['learned_f1']['sd']:.3f} | {r['rules_kappa']['mean']:.3f} | "
            f"{r['learned_kappa']['mean']:.3f} | {r['learned_wins']} of {r['k']} | **{r['kept']}** |"
        )
    lines += ["", "Per fold (F1, rules → rules+learned):", ""]
    for r in rows:
        pairs = ", ".join(
            f"{a:.3f} → {b:.3f}" for a, b in zip(r["per_fold"]["rules_f1"], r["per_fold"]["learned_f1"], strict=True)
        )
        lines.append(f"- {r['task']}: {pairs}")
    return lines


def markdown(report: dict[str, Any]) -> str:
    lines = [
        "# Coach evaluation",
        "",
        f"Data: `{report['data']}` · coach: {report['coach']} · "
        f"{report['utterances']} utterances graded at {report['grades_per_s']:.0f}/s",
        "",
    ]
    if report["coach"] == "model":
        lines += [
            f"{report['graded_by_model']} of {report['utterances']} grades came from the model; the rest fell back to the rules.",
            "",
        ]
    lines += _table(report["tasks"])
    if "rules_only" in report:
        lines += ["", "## The rules alone", "", *_table(report["rules_only"])]
        lines += [
            "",
            "The shipped layer was trained on all of this data, so the table above flatters it; "
            "the cross-validation below is the honest comparison.",
        ]
    if "cross_validation" in report:
        lines += ["", "## Cross-validation by dialogue", "", *_cv_table(report["cross_validation"])]
    if "baseline" in report:
        lines += ["", f"## The rules against `{report['baseline']['file']}`, fold by fold (F1 change)", ""]
        for r in report["baseline"]["tasks"]:
            deltas = ", ".join(f"{d:+.4f}" for d in r["fold_deltas"])
            lines.append(f"- {r['task']}: {deltas} (helps on {r['helps_on']}, hurts on {r['hurts_on']})")
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
