"""Cross-validation by dialogue and the learned layer's training, shared by coach_eval.py and train_coach.py.

Folds are whole dialogues (utterances of one dialogue are not independent), assigned by a seeded shuffle.
Inside each fold the learned layer is trained on the other folds (plus our own exemplars) and measured on the
held-out one, through the same `LearnedLayer.apply` the coach runs, so the figures are the coach's own.
"""

from __future__ import annotations

import hashlib
import json
import random
import statistics
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from simulator.coach.batch import grade_texts
from simulator.coach.grade import Grade
from simulator.coach.knowledge import load_exemplars
from simulator.coach.learned import (
    FEATURES_VERSION,
    Layer,
    LearnedLayer,
    Target,
    Weights,
    features,
    rules_decide,
    said_yes,
    tokens,
)
from simulator.coach.reading import Reading, read_message
from simulator.errors import InvalidMessageError
from simulator.text import clean_message

K = 5
SEED = 7
L2 = 10.0  # on the summed log loss: of 2, 10 and 30 tried, the best mean over folds (evals/results/coach_cv.md)
STEPS = 300
MIN_COUNT = 2  # a feature seen once in training gets no weight
VOCABULARY_MIN = 3  # a word must occur this often in each data set to be a feature
# Which task trains which criterion, and which of our exemplar lists are its positives and negatives.
TARGET_OF: dict[str, Target] = {
    "casino_elicit_pref": "interests",
    "casino_uv_part": "collaboration",
    "p4g_inquiry": "questions",
}
EXEMPLARS: dict[Target, tuple[str, str] | None] = {
    "interests": ("probing", "not_probing"),
    "collaboration": ("dismissive", "collaborative"),
    "questions": None,  # our exemplars are not written as question / not-question pairs
}


@dataclass(frozen=True)
class Example:
    """One labelled utterance as the learned layer sees it: the rules' reading and grade, and the gold label."""

    dialogue: str
    reading: Reading
    rules: Grade
    gold: bool
    source: str  # a task name, or "exemplars"


def read(text: str, context: Sequence[str] = ()) -> Reading:
    try:
        cleaned = clean_message(text, 100_000)
    except InvalidMessageError:
        cleaned = "."
    return read_message(cleaned, context)


def examples(items: Sequence[Any], rules: Sequence[Grade], source: str) -> list[Example]:
    """`items` are coach_eval Items, `rules` their rules-only grades."""
    return [Example(i.dialogue, read(i.text, i.context), g, i.gold, source) for i, g in zip(items, rules, strict=True)]


def exemplar_examples(target: Target) -> list[Example]:
    lists = EXEMPLARS[target]
    if lists is None:
        return []
    found = load_exemplars()
    texts = [(t, True) for t in found[lists[0]]] + [(t, False) for t in found[lists[1]]]
    grades = grade_texts([t for t, _ in texts], learned=False)
    return [Example("exemplars", read(t), g, gold, "exemplars") for (t, gold), g in zip(texts, grades, strict=True)]


def rules_fingerprint() -> str:
    """A hash of what the rules find in all our exemplars: when it changes, the shipped weights are stale."""
    texts = [t for group in load_exemplars().values() for t in group]
    grades = grade_texts(texts, learned=False)
    found = [features(read(t), g.scores()) for t, g in zip(texts, grades, strict=True)]
    return hashlib.sha256(json.dumps(found).encode()).hexdigest()


def folds(dialogues: Sequence[str], k: int = K, seed: int = SEED) -> dict[str, int]:
    names = sorted(set(dialogues))
    random.Random(seed).shuffle(names)
    return {name: n % k for n, name in enumerate(names)}


def vocabulary(*corpora: Sequence[Reading], least: int = VOCABULARY_MIN) -> frozenset[str]:
    """Words frequent in every corpus given: shared ways of speaking, not one data set's topic."""
    shared: set[str] | None = None
    for corpus in corpora:
        counts = Counter(w for r in corpus for w in tokens(r.plain))
        common = {w for w, n in counts.items() if n >= least}
        shared = common if shared is None else shared & common
    return frozenset(shared or ())


def _fit(rows: Sequence[Sequence[str]], gold: Sequence[bool]) -> dict[str, float]:
    """L2-regularised logistic regression by full-batch Adam on a sparse design (numpy only, deterministic)."""
    l2, steps = L2, STEPS
    counts = Counter(f for row in rows for f in set(row))
    names = sorted(f for f, n in counts.items() if n >= MIN_COUNT or f == "bias")
    index = {f: n for n, f in enumerate(names)}
    r_idx, c_idx = [], []
    for n, row in enumerate(rows):
        for f in set(row):
            if f in index:
                r_idx.append(n)
                c_idx.append(index[f])
    rr, cc = np.array(r_idx, dtype=np.int64), np.array(c_idx, dtype=np.int64)
    y = np.array(gold, dtype=np.float64)
    w = np.zeros(len(names))
    m, v = np.zeros_like(w), np.zeros_like(w)
    not_bias = np.array([f != "bias" for f in names], dtype=np.float64)
    rate, b1, b2 = 0.1, 0.9, 0.999
    for step in range(1, steps + 1):
        z = np.bincount(rr, weights=w[cc], minlength=len(rows))
        p = 1.0 / (1.0 + np.exp(-np.clip(z, -40, 40)))
        grad = np.bincount(cc, weights=(p - y)[rr], minlength=len(names)) + l2 * w * not_bias
        m = b1 * m + (1 - b1) * grad
        v = b2 * v + (1 - b2) * grad**2
        w -= rate * (m / (1 - b1**step)) / (np.sqrt(v / (1 - b2**step)) + 1e-8)
    return {f: round(float(x), 3) for f, x in zip(names, w, strict=True) if abs(x) >= 1e-3 or f == "bias"}


def _thresholds(target: Target, probabilities: Sequence[float], train: Sequence[Example]) -> tuple[float, float]:
    """The (raise_at, drop_below) pair that maximises F1 of what `LearnedLayer.apply` would decide; on a tie, the
    pair that overrules the rules least."""
    p = np.array(probabilities)
    said = np.array([said_yes(target, e.rules.scores()[target]) for e in train])
    locked = np.array([rules_decide(target, getattr(e.rules, target), e.reading) for e in train])
    y = np.array([e.gold for e in train])
    grid = [t / 100 for t in range(5, 96, 5)]
    best: tuple[float, float, float, float] | None = None
    for raise_at in grid:
        for drop_below in (t for t in grid if t <= raise_at):
            decided = np.where(locked, said, np.where(said, p >= drop_below, p >= raise_at))
            tp = int((decided & y).sum())
            score = 2 * tp / (2 * tp + int((decided & ~y).sum()) + int((~decided & y).sum())) if tp else 0.0
            changed = int((decided != said).sum())
            key = (score, -changed, raise_at, -drop_below)
            if best is None or key > best:
                best = key
    assert best is not None
    return best[2], -best[3]


def f1(predicted: Sequence[bool], gold: Sequence[bool]) -> float:
    tp = sum(1 for p, g in zip(predicted, gold, strict=True) if p and g)
    fp = sum(1 for p, g in zip(predicted, gold, strict=True) if p and not g)
    fn = sum(1 for p, g in zip(predicted, gold, strict=True) if g and not p)
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def kappa(predicted: Sequence[bool], gold: Sequence[bool]) -> float:
    """Cohen's kappa of two yes/no readings of the same items (0 where chance agreement is total)."""
    n = len(gold)
    if not n:
        return 0.0
    observed = sum(p == g for p, g in zip(predicted, gold, strict=True)) / n
    yes_p, yes_g = sum(predicted) / n, sum(gold) / n
    expected = yes_p * yes_g + (1 - yes_p) * (1 - yes_g)
    return 0.0 if expected >= 1 else (observed - expected) / (1 - expected)


def train_layer(target: Target, train: Sequence[Example], words: frozenset[str], label: str, inner: int = 4) -> Layer:
    """Weights from `train`, and the threshold that maximised F1 on out-of-fold predictions inside `train`."""
    rows = [features(e.reading, e.rules.scores(), words) for e in train]
    gold = [e.gold for e in train]
    scored = [i for i, e in enumerate(train) if e.source != "exemplars"]
    assigned = folds([train[i].dialogue for i in scored], inner)
    oof: dict[int, float] = {}
    for fold in range(inner):
        held = {i for i in scored if assigned[train[i].dialogue] == fold}
        weights = _fit(
            [r for i, r in enumerate(rows) if i not in held], [g for i, g in enumerate(gold) if i not in held]
        )
        layer = Layer(target=target, label=label, use=True, raise_at=0.5, drop_below=0.5, weights=weights)
        oof.update({i: layer.probability(rows[i]) for i in held})
    order = sorted(oof)
    raise_at, drop_below = _thresholds(target, [oof[i] for i in order], [train[i] for i in order])
    return Layer(
        target=target, label=label, use=True, raise_at=raise_at, drop_below=drop_below, weights=_fit(rows, gold)
    )


def cross_validate(
    name: str, data: Sequence[Example], other: Sequence[Reading], extra: Sequence[Example], k: int = K
) -> dict[str, Any]:
    """Rules alone against rules + a layer trained on the other folds, fold by fold, for one task."""
    target = TARGET_OF[name]
    assigned = folds([e.dialogue for e in data], k)
    per_fold: dict[str, list[float]] = {"rules_f1": [], "learned_f1": [], "rules_kappa": [], "learned_kappa": []}
    for fold in range(min(k, len(set(assigned.values())))):
        test = [e for e in data if assigned[e.dialogue] == fold]
        train = [e for e in data if assigned[e.dialogue] != fold]
        words = vocabulary([e.reading for e in train], other)
        layer = train_layer(target, [*train, *extra], words, name)
        coach = LearnedLayer(
            Weights(features_version=FEATURES_VERSION, vocabulary=sorted(words), layers=[layer], provenance={})
        )
        gold = [e.gold for e in test]
        rules = [said_yes(target, e.rules.scores()[target]) for e in test]
        learned = [said_yes(target, coach.apply(e.reading, e.rules).scores()[target]) for e in test]
        per_fold["rules_f1"].append(f1(rules, gold))
        per_fold["learned_f1"].append(f1(learned, gold))
        per_fold["rules_kappa"].append(kappa(rules, gold))
        per_fold["learned_kappa"].append(kappa(learned, gold))
    wins = sum(b > a for a, b in zip(per_fold["rules_f1"], per_fold["learned_f1"], strict=True))
    summary = {key: _spread(values) for key, values in per_fold.items()}
    folds_run = len(per_fold["rules_f1"])
    keep = summary["learned_f1"]["mean"] > summary["rules_f1"]["mean"] and wins > folds_run / 2
    return {
        "task": name,
        "criterion": target,
        "k": folds_run,
        "per_fold": {key: [round(v, 4) for v in values] for key, values in per_fold.items()},
        **summary,
        "learned_wins": wins,
        "kept": "rules+learned" if keep else "rules",
    }


def _spread(values: Sequence[float]) -> dict[str, float]:
    return {
        "mean": round(statistics.fmean(values), 4) if values else 0.0,
        "sd": round(statistics.stdev(values), 4) if len(values) > 1 else 0.0,
    }
