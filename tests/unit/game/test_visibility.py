"""Per-viewer rendering of hidden information, and the leak detector it relies on."""

from __future__ import annotations

from simulator.coach.reading import read_message
from simulator.coach.rule_coach import RuleCoach
from simulator.coach.suggestions import Visible
from simulator.game.rules import initial_state
from simulator.game.visibility import find_leak, ledger, public_persona, trainee_grade
from simulator.persona.model import Persona


def test_public_face_has_no_hidden_text(dana: Persona) -> None:
    face = str(public_persona(dana))
    for interest in dana.hidden_interests:
        assert interest.summary not in face and interest.reveal not in face and interest.id not in face
    assert find_leak(face, dana, ()) is None


def test_find_leak_exact_near_and_id(dana: Persona) -> None:
    reveal = dana.interest("budget_cap").reveal
    assert find_leak(f"Well. {reveal}", dana, ()) == "budget_cap"
    reworded = reveal.replace("All right.", "Okay then,").replace("whatever", "no matter what")
    assert find_leak(reworded, dana, ()) == "budget_cap"
    assert find_leak("This touches savings_target, I think.", dana, ()) == "savings_target"
    assert find_leak(reveal, dana, ("budget_cap",)) is None
    assert find_leak("Twenty-five percent. That is the number.", dana, ()) is None


def test_trainee_grade_redacts_only_hidden_targets(dana: Persona) -> None:
    grade = RuleCoach().grade(read_message("Why do you need 25%?"), Visible(dana, (), (), 1))
    assert grade.interests.targets[:2] == ["budget_cap", "savings_target"]
    shown = trainee_grade(grade, ("budget_cap",))
    assert shown["interests"]["targets"][:2] == ["budget_cap", "hidden"]


def test_ledger_lists_only_uncovered(dana: Persona) -> None:
    state = initial_state(dana)
    assert ledger(dana, state) == []
