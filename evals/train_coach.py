"""Train the coach's learned layer and write it into the package, with where it came from.

Usage: python evals/train_coach.py [--data ../shared/datasets] [--out simulator/data/coach_weights.json]

For each criterion: k-fold cross-validation by dialogue (evals/coach_cv.py) decides whether rules + learned beats
the rules alone (a higher mean F1 and better on most folds); then one layer is trained on all the development data
and our own exemplars, and marked used or not accordingly. Deterministic: the same data gives the same file.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import coach_cv
from coach_eval import DEFAULT_DATA, grade_all, load_tasks

from simulator.coach.learned import FEATURES_VERSION, Layer, Weights
from simulator.config import REPO_ROOT

OUT = REPO_ROOT / "simulator" / "data" / "coach_weights.json"
ATTRIBUTION = {
    "casino": "CaSiNo (Chawla, Ramirez, Clever, Lucas, May and Gratch, NAACL-HLT 2021), "
    "https://github.com/kushalchawla/CaSiNo, licensed CC BY 4.0 (https://creativecommons.org/licenses/by/4.0/). "
    "These weights are derived from its labels; the data itself is not included.",
    "p4g": "PersuasionForGood (Wang, Shi, Kim, Oh, Yang, Zhang and Yu, ACL 2019), Apache License 2.0, "
    "Copyright University of California, Davis Computer Science Department Language, Multimodal and Interaction Lab; "
    "Xuewei Wang; Weiyan Shi. These weights are derived from its labels; the data itself is not included.",
    "exemplars": "simulator/data/exemplars.yaml, written for Parley",
}


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    tasks = load_tasks(args.data)
    rules, _ = grade_all(tasks, learned=False)
    data = {t.name: coach_cv.examples(t.items, [rules[(i.text, i.context)] for i in t.items], t.name) for t in tasks}
    casino = [e.reading for e in data["casino_elicit_pref"]]
    p4g = [e.reading for e in data["p4g_inquiry"]]
    words = coach_cv.vocabulary(casino, p4g)
    layers, figures = [], {}
    for task in tasks:
        target = coach_cv.TARGET_OF[task.name]
        extra = coach_cv.exemplar_examples(target)
        other = p4g if task.name.startswith("casino") else casino
        cv = coach_cv.cross_validate(task.name, data[task.name], other, extra)
        layer = coach_cv.train_layer(target, [*data[task.name], *extra], words, task.name)
        layers.append(Layer(**{**layer.model_dump(), "use": cv["kept"] == "rules+learned"}))
        figures[task.name] = {k: cv[k] for k in ("criterion", "k", "rules_f1", "learned_f1", "learned_wins", "kept")}
        print(json.dumps({task.name: figures[task.name]}), flush=True)
    files = sorted(
        [*(args.data / "casino").glob("casino_*_utterances.jsonl"), *(args.data / "p4g").glob("p4g_*.jsonl")]
    )
    weights = Weights(
        features_version=FEATURES_VERSION,
        vocabulary=sorted(words),
        layers=layers,
        provenance={
            "script": "evals/train_coach.py (features: simulator/coach/learned.py; training: evals/coach_cv.py)",
            "data": {f"{p.parent.name}/{p.name}": _sha256(p) for p in files},
            "exemplars_sha256": _sha256(REPO_ROOT / "simulator" / "data" / "exemplars.yaml"),
            "rules_fingerprint": coach_cv.rules_fingerprint(),
            "attribution": ATTRIBUTION,
            "model": "logistic regression per criterion, full-batch Adam",
            "settings": {
                "folds": coach_cv.K,
                "seed": coach_cv.SEED,
                "l2": coach_cv.L2,
                "steps": coach_cv.STEPS,
                "min_count": coach_cv.MIN_COUNT,
                "vocabulary_min": coach_cv.VOCABULARY_MIN,
            },
            "cross_validation": figures,
        },
    )
    args.out.write_text(json.dumps(weights.model_dump(mode="json"), sort_keys=True, separators=(",", ":")) + "\n")
    used = [layer.target for layer in layers if layer.use]
    print(
        f"wrote {args.out.relative_to(REPO_ROOT) if args.out.is_relative_to(REPO_ROOT) else args.out}: used for {used or 'nothing'}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
