"""The coach's learned layer: one small logistic regression per criterion over the rule findings and the words.

It is deterministic, offline and explainable: the weights are a JSON file in the package
(`simulator/data/coach_weights.json`, trained by `evals/train_coach.py`, provenance inside), every feature has a
name, and a changed score names the words that weighed most and the nearest of our own labelled exemplars.
Sentence embeddings are left out on purpose: computing them for every message would bring batch grading far
below 2,000 messages/s on 2 cores (MiniLM runs a few hundred a second), and the rule findings already carry
the meaning the coach has.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from itertools import pairwise
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from simulator.coach.grade import Criterion, Grade, InterestsCriterion
from simulator.coach.reading import Reading
from simulator.text import shorten, split_sentences

# Bumped when `features` changes, so weights trained on other features are refused rather than misread.
FEATURES_VERSION = 1
Target = Literal["questions", "interests", "collaboration"]
_TOKEN = re.compile(r"[a-z]+(?:'[a-z]+)?|\d+|\?")


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(text.lower().replace("\u2019", "'"))


def _bucket(n: int, edges: Sequence[int]) -> int:
    return next((i for i, edge in enumerate(edges) if n <= edge), len(edges))


def features(reading: Reading, scores: Mapping[str, int], vocabulary: frozenset[str] | None = None) -> list[str]:
    """Named features of one read, rule-graded message (`scores`: the rules' three), each once, in a fixed order.

    Words outside `vocabulary` (when given) are left out: the vocabulary is the words common to both data sets,
    so campsite or charity topics cannot become the signal.
    """
    found = ["bias"]
    found += [f"{name}={score}" for name, score in scores.items()]
    for q in reading.asked:
        found.append(f"asks:{q.function}:{q.kind}")
        if q.probe:
            found.append(f"probe:{q.probe}")
    inquiries = reading.questions
    found.append(f"inquiries:{_bucket(len(inquiries), (0, 1, 2))}")
    found.append(f"open:{_bucket(len(reading.open_questions), (0, 1))}")
    found += [f"hostile:{kind}" for kind, _ in reading.hostile]
    for name in ("pleasantries", "housekeeping", "split", "acknowledge", "joint", "transparent", "promise", "proposal"):
        if getattr(reading, name):
            found.append(name)
    if reading.exploring:
        found.append("exploring")
    words = tokens(reading.plain)
    found.append(f"words:{_bucket(len(words), (3, 8, 15, 30))}")
    found.append(f"sentences:{_bucket(len(split_sentences(reading.text)), (1, 2))}")
    found.append(f"marks:{_bucket(words.count('?'), (0, 1))}")
    known = [w if vocabulary is None or w in vocabulary else "" for w in words]
    if known and known[0]:
        found.append(f"first:{known[0]}")
    found += [f"w:{w}" for w in known if w]
    found += [f"b:{a}_{b}" for a, b in pairwise(known) if a and b]
    return list(dict.fromkeys(found))


class Layer(BaseModel):
    """One criterion's trained weights, its two thresholds and whether cross-validation kept it.

    The layer overrules the rules only where it is sure: a rules' "no" becomes "yes" from `raise_at` up, a rules'
    "yes" becomes "no" below `drop_below`; between them the rules' finding stands.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    target: Target
    label: str = Field(description="What a positive is, in the data it was trained on.")
    use: bool = Field(description="Cross-validation found rules+learned better than rules alone.")
    raise_at: float = Field(gt=0.0, lt=1.0)
    drop_below: float = Field(gt=0.0, lt=1.0)
    weights: dict[str, float]

    def decide(self, p: float, rules_yes: bool) -> bool:
        return p >= self.drop_below if rules_yes else p >= self.raise_at

    def probability(self, found: Sequence[str]) -> float:
        z = sum(self.weights.get(f, 0.0) for f in found)
        return 1.0 / (1.0 + math.exp(-max(-40.0, min(40.0, z))))

    def weighed_most(self, found: Sequence[str], sign: int, n: int = 2) -> list[str]:
        """The words that pushed hardest towards the decision (`sign` +1: positive)."""
        lexical = [(self.weights.get(f, 0.0) * sign, f) for f in found if f.startswith(("w:", "b:"))]
        top = [f for w, f in sorted(lexical, reverse=True) if w > 0][:n]
        return [f[2:].replace("_", " ") for f in top]


class Weights(BaseModel):
    """The file `evals/train_coach.py` writes: the layers, the vocabulary and where they came from."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    features_version: int
    vocabulary: list[str]
    layers: list[Layer]
    provenance: dict[str, object]


@dataclass(frozen=True)
class Exemplar:
    text: str
    label: str
    words: frozenset[str]


class LearnedLayer:
    """Decides a criterion's score where the rules' findings alone are weak; the rules stay the explanation."""

    def __init__(self, weights: Weights, exemplars: Mapping[str, Sequence[str]] | None = None) -> None:
        if weights.features_version != FEATURES_VERSION:
            raise ValueError(
                f"coach weights were trained on features version {weights.features_version}, this code reads "
                f"version {FEATURES_VERSION}: run `python evals/train_coach.py` to train them again"
            )
        self.weights = weights
        self.vocabulary = frozenset(weights.vocabulary)
        self.layers = {layer.target: layer for layer in weights.layers if layer.use}
        self.exemplars = [
            Exemplar(text, label, frozenset(tokens(text)) - {"?"})
            for label, texts in (exemplars or {}).items()
            for text in texts
        ]

    def apply(self, reading: Reading, rules: Grade) -> Grade:
        """`rules` with each kept criterion decided by its layer; unchanged where the layer agrees."""
        decided = self.decide(reading, rules.questions, rules.interests, rules.collaboration)
        return rules.model_copy(update=dict(zip(("questions", "interests", "collaboration"), decided, strict=True)))

    def decide(
        self, reading: Reading, questions: Criterion, interests: InterestsCriterion, collaboration: Criterion
    ) -> tuple[Criterion, InterestsCriterion, Criterion]:
        """The three criteria, each kept one decided by its layer (the coach calls this before it builds a grade)."""
        if not self.layers:
            return questions, interests, collaboration
        ruled = {"questions": questions, "interests": interests, "collaboration": collaboration}
        scores = {name: c.score for name, c in ruled.items()}
        found = features(reading, scores, self.vocabulary)
        for target, layer in self.layers.items():
            if rules_decide(target, ruled[target], reading):
                continue
            p = layer.probability(found)
            before = said_yes(target, scores[target])
            yes = layer.decide(p, before)
            if yes != before:
                ruled[target] = self._override(target, yes, p, layer, reading, ruled[target], found)
        out = ruled["interests"]
        assert isinstance(out, InterestsCriterion)
        return ruled["questions"], out, ruled["collaboration"]

    def _nearest(self, text: str, label: str) -> str | None:
        mine = frozenset(tokens(text)) - {"?"}
        scored = [
            (len(mine & e.words) / max(1, len(mine | e.words)), e.text) for e in self.exemplars if e.label == label
        ]
        best = max(scored, default=(0.0, ""))
        return best[1] if best[0] > 0 else None

    def _override(
        self, target: str, yes: bool, p: float, layer: Layer, reading: Reading, old: Criterion, found: Sequence[str]
    ) -> Criterion:
        words = layer.weighed_most(found, 1 if yes else -1)
        said = f"the words {', '.join(repr(w) for w in words)}" if words else "its shape"
        like = self._nearest(reading.plain, EXEMPLAR_FOR[target][yes])
        tail = f"learned layer, p={p:.2f}: {said}" + (f"; like '{like}'" if like else "")
        first = shorten(split_sentences(reading.text)[0] if reading.text.strip() else "")
        asked = shorten(reading.asked[0].text) if reading.asked else first
        if target == "interests":
            targets = old.targets if isinstance(old, InterestsCriterion) else []
            if yes:
                return InterestsCriterion(
                    score=2, evidence=asked, reason=f"probes their interests ({tail})", targets=targets
                )
            score = 1 if reading.questions else 0
            return InterestsCriterion(
                score=score, evidence=old.evidence, reason=f"asks, but not about their interests ({tail})", targets=[]
            )
        if target == "questions":
            if yes:
                return Criterion(score=1, evidence=asked, reason=f"reads as a question ({tail})")
            return Criterion(score=0, evidence=old.evidence, reason=f"not a question that seeks understanding ({tail})")
        if yes:
            return Criterion(score=0, evidence=first, reason=f"plays down their needs ({tail})")
        return Criterion(score=1, evidence="", reason=f"neutral ({tail})")


# The eval's mapping of each criterion's score to a yes/no label, shared by the coach, the eval and the training.
def said_yes(target: str, score: int) -> bool:
    if target == "interests":
        return score == 2
    if target == "questions":
        return score >= 1
    return score == 0


# Which exemplar list illustrates a yes or a no for each criterion (`simulator/data/exemplars.yaml`).
EXEMPLAR_FOR = {
    "interests": {True: "probing", False: "not_probing"},
    "questions": {True: "probing", False: "not_probing"},
    "collaboration": {True: "dismissive", False: "collaborative"},
}
# The collaboration layer learned "plays down their needs": threats, ultimatums, insults, dismissing and shouting
# stay the rules' own to call (rule_coach.HOSTILE_REASON).
# Questions: the layer learned from P4G, whose "inquiry or ask" also counts asking for a donation. So it may only
# find a question the rules missed: any question the rules found, and messages they read as an offer or a check on
# terms, stay the rules' call ("Can you do 15%?" is not a question; "Is anyone questioning it?" is one).
RULES_DECIDE = frozenset({"a threat", "an ultimatum", "an insult", "dismisses their side", "shouting back"})


def rules_decide(target: str, criterion: Criterion, reading: Reading) -> bool:
    """Whether the rules' finding on `target` is certain enough that no layer may overrule it."""
    if target == "collaboration":
        return criterion.reason in RULES_DECIDE
    if target == "questions":
        offers = any(q.function in ("proposal", "confirmation") for q in reading.asked)
        return criterion.score >= 1 or bool(reading.chat) or offers
    # A probe the rules matched to this persona's own hidden interests: they know the persona, the layer does not.
    return isinstance(criterion, InterestsCriterion) and criterion.score == 2 and bool(criterion.targets)


def load_weights(text: str) -> Weights:
    return Weights.model_validate(json.loads(text))


@lru_cache(maxsize=1)
def shipped() -> LearnedLayer | None:
    """The layer trained on the shared data sets, from the package; None when it was never trained."""
    from simulator.coach.knowledge import load_exemplars

    path = resources.files("simulator").joinpath("data", "coach_weights.json")
    if not path.is_file():
        return None
    return LearnedLayer(load_weights(path.read_text(encoding="utf-8")), load_exemplars())
