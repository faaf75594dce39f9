"""The coach's learned layer: the shipped weights and their provenance, how it overrules the rules, and training."""

from __future__ import annotations

import json
import sys
from importlib import resources

import pytest

from simulator.coach.learned import FEATURES_VERSION, Layer, LearnedLayer, Weights, features, load_weights, shipped
from simulator.coach.reading import read_message
from simulator.coach.rule_coach import RuleCoach
from simulator.coach.suggestions import Visible
from simulator.config import REPO_ROOT

sys.path.insert(0, str(REPO_ROOT / "evals"))
import coach_cv

VISIBLE = Visible(persona=None, uncovered=(), terms=(), turn=1)
RULES = RuleCoach(learned=None)


def _weights(*layers: Layer, vocabulary: tuple[str, ...] = ("pineapple", "why", "you")) -> Weights:
    return Weights(features_version=FEATURES_VERSION, vocabulary=list(vocabulary), layers=list(layers), provenance={})


def test_the_shipped_weights_say_where_they_came_from() -> None:
    text = resources.files("simulator").joinpath("data", "coach_weights.json").read_text(encoding="utf-8")
    weights = load_weights(text)
    assert weights.features_version == FEATURES_VERSION
    made = weights.provenance
    assert made["script"].startswith("evals/train_coach.py")  # type: ignore[union-attr]
    assert set(made["data"]) >= {"casino/casino_train_utterances.jsonl", "p4g/p4g_annotated_dev.jsonl"}  # type: ignore[arg-type]
    assert "CC BY 4.0" in made["attribution"]["casino"] and "Apache" in made["attribution"]["p4g"]  # type: ignore[index]
    assert made["settings"]["seed"] == coach_cv.SEED  # type: ignore[index]
    cv = made["cross_validation"]
    for layer in weights.layers:
        figures = cv[layer.label]  # type: ignore[index]
        # A layer is used exactly where cross-validation kept it: higher mean F1 and better on most folds.
        assert layer.use == (figures["kept"] == "rules+learned")
        if layer.use:
            assert figures["learned_f1"]["mean"] > figures["rules_f1"]["mean"]
            assert figures["learned_wins"] > figures["k"] / 2
    assert len(text) < 600_000  # a small file
    # Trained on what today's rules find: a rule change without retraining fails here.
    assert made["rules_fingerprint"] == coach_cv.rules_fingerprint(), "rules changed: run python evals/train_coach.py"
    assert shipped() is not None


def test_an_override_names_the_words_and_the_nearest_exemplar() -> None:
    layer = Layer(target="interests", label="t", use=True, raise_at=0.8, drop_below=0.2, weights={"w:pineapple": 6.0})
    coach = RuleCoach(
        learned=LearnedLayer(
            _weights(layer), {"probing": ["how much pineapple do you need?"], "not_probing": ["hello"]}
        )
    )
    text = "Do you have a pineapple?"
    assert RULES.grade(read_message(text), VISIBLE).interests.score < 2
    grade = coach.grade(read_message(text), VISIBLE)
    assert grade.interests.score == 2
    assert "learned layer" in grade.interests.reason and "'pineapple'" in grade.interests.reason
    assert "how much pineapple do you need?" in grade.interests.reason  # the nearest of our exemplars
    assert grade.interests.evidence == text


def test_between_its_thresholds_the_rules_finding_stands() -> None:
    unsure = Layer(
        target="interests", label="t", use=True, raise_at=0.99, drop_below=0.01, weights={"w:pineapple": 3.0}
    )
    coach = RuleCoach(learned=LearnedLayer(_weights(unsure)))
    for text in ("Do you have a pineapple?", "Why is that important to you?"):
        assert coach.grade(read_message(text), VISIBLE) == RULES.grade(read_message(text), VISIBLE)


def test_questions_offers_and_threats_stay_the_rules_call() -> None:
    against = {"bias": -20.0}  # says "no" to everything, as sure as it can be
    questions = Layer(target="questions", label="t", use=True, raise_at=0.5, drop_below=0.5, weights=against)
    collaboration = Layer(target="collaboration", label="t", use=True, raise_at=0.5, drop_below=0.5, weights=against)
    coach = RuleCoach(learned=LearnedLayer(_weights(questions, collaboration)))
    for text, score in (("Why is that important to you?", 2), ("Is anyone at your end questioning it?", 1)):
        assert coach.grade(read_message(text), VISIBLE).questions.score == score
    threat = coach.grade(read_message("Take it or leave it, or we walk away."), VISIBLE)
    assert threat.collaboration.score == 0
    found = Layer(target="questions", label="t", use=True, raise_at=0.5, drop_below=0.5, weights={"w:pineapple": 20.0})
    finder = RuleCoach(learned=LearnedLayer(_weights(found)))
    missed = finder.grade(read_message("We have the pineapple."), VISIBLE)
    assert missed.questions.score == 1 and "learned layer" in missed.questions.reason  # one the rules missed
    assert finder.grade(read_message("Can you do a pineapple for 15%?"), VISIBLE).questions.score == 0  # an offer


def test_a_layer_trained_on_other_features_is_refused_with_what_to_do() -> None:
    stale = _weights().model_copy(update={"features_version": FEATURES_VERSION + 1})
    with pytest.raises(ValueError, match=r"evals/train_coach\.py"):
        LearnedLayer(stale)


def test_training_is_deterministic_and_learns_what_the_words_say() -> None:
    said = ["could you pineapple me", "the pineapple is here", "we have bread", "bread is fine", "more bread"] * 6
    examples = [
        coach_cv.Example(f"d{n % 5}", coach_cv.read(t), RULES.grade(read_message(t), VISIBLE), "pineapple" in t, "t")
        for n, t in enumerate(said)
    ]
    words = frozenset({"pineapple", "bread", "the", "is"})
    first = coach_cv.train_layer("interests", examples, words, "t")
    again = coach_cv.train_layer("interests", examples, words, "t")
    assert first == again
    assert first.weights["w:pineapple"] > 0 > first.weights["w:bread"]
    yes = first.probability(features(examples[0].reading, examples[0].rules.scores(), words))
    no = first.probability(features(examples[2].reading, examples[2].rules.scores(), words))
    assert yes > no
    # The rules find no probe in either; the layer raises the pineapple one only.
    assert first.decide(yes, rules_yes=False) and not first.decide(no, rules_yes=False)


def test_folds_keep_each_dialogue_whole_and_are_seeded() -> None:
    dialogues = [f"d{n}" for n in range(23)]
    assigned = coach_cv.folds(dialogues)
    assert assigned == coach_cv.folds(list(reversed(dialogues)))
    sizes = [list(assigned.values()).count(k) for k in range(coach_cv.K)]
    assert sorted(sizes) == [4, 4, 5, 5, 5]
    assert coach_cv.kappa([True, False, True, False], [True, False, True, False]) == 1.0
    assert json.dumps(assigned) != json.dumps(coach_cv.folds(dialogues, seed=8))
