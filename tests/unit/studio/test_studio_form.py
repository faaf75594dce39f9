"""The Studio's form view writes into the YAML and keeps every field it does not show."""

from __future__ import annotations

import yaml

from simulator.persona.cards import to_yaml
from simulator.persona.files import PersonaCatalog
from simulator.persona.model import Persona
from simulator.ui import studio_form as form


def test_the_form_round_trips_and_changes_only_what_was_edited(catalog: PersonaCatalog) -> None:
    persona = catalog.get("failed_delivery")
    text = to_yaml(persona)
    face = form.face_values(text)
    assert face[form.FACE.index("name")] == persona.name and face[len(form.FACE)] == persona.trust
    assert [n for _, n in form.interest_choices(text)] == list(range(len(persona.hidden_interests)))
    interest = form.interest_values(text, 1)
    # Unchanged values give the same persona back.
    assert Persona.model_validate(yaml.safe_load(form.apply_form(text, face, 1, interest))) == persona

    face[form.FACE.index("name")] = "Kwame the Second"
    face[len(form.FACE) + form.NUMBERS.index("deal.min_trust")] = 55
    interest[form.INTEREST_TEXT.index("reveal")] = "A new reveal line, in their own words."
    interest[len(form.INTEREST_TEXT) + 2] = "What is the first question?\nWhat is the second question?"
    interest[-1] = "credit the fine | fine credit\nweekly calls | weekly call"
    changed = Persona.model_validate(yaml.safe_load(form.apply_form(text, face, 1, interest)))
    second = changed.hidden_interests[1]
    assert changed.name == "Kwame the Second" and changed.deal.min_trust == 55
    assert second.reveal == "A new reveal line, in their own words." and len(second.probes) == 2
    assert [s.cues for s in second.satisfiers] == [["fine credit"], ["weekly call"]]
    assert changed.positions == persona.positions and changed.lines == persona.lines  # not in the form: kept
    assert changed.hidden_interests[0] == persona.hidden_interests[0]


def test_broken_yaml_is_named_not_overwritten() -> None:
    import pytest

    from simulator.errors import StudioInputError

    with pytest.raises(StudioInputError, match="line 2"):
        form.face_values("id: x\n  name: [")


def test_positions_and_lines_are_in_the_form_too(catalog: PersonaCatalog) -> None:
    persona = catalog.get("launch_deadline")
    text = to_yaml(persona)
    assert [n for _, n in form.position_choices(text)] == list(range(len(persona.positions)))
    position = form.position_values(text, 0)
    assert position[1] == persona.positions[0].statement
    unchanged = form.apply_more(text, 0, position, "accept", form.line_values(text, "accept"))
    assert Persona.model_validate(yaml.safe_load(unchanged)) == persona
    position[1] = "A new demand, in their words."
    changed = yaml.safe_load(form.apply_more(text, 0, position, "accept", "Deal.\nDone, then."))
    assert changed["positions"][0]["statement"] == "A new demand, in their words."
    assert changed["lines"]["accept"] == ["Deal.", "Done, then."]
    assert changed["lines"]["anchor"] == [line for line in persona.lines.anchor]
