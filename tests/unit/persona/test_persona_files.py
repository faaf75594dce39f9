"""Persona files: the shipped ones are valid and rich; broken ones get errors naming file, field and fix."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
import yaml

from simulator.errors import PersonaFileError
from simulator.persona.files import load_catalog, load_persona, persona_json_schema
from tests.conftest import PERSONAS_DIR, persona_ids


def _broken(tmp_path: Path, name: str, change: dict[str, object] | None = None, text: str | None = None) -> Path:
    data = yaml.safe_load((PERSONAS_DIR / "procurement_discount.yaml").read_text())
    for dotted, value in (change or {}).items():
        node = data
        *parents, last = dotted.split(".")
        for key in parents:
            node = node[int(key)] if key.isdigit() else node[key]
        if value is None:
            del node[last]
        else:
            node[last] = value
    path = tmp_path / name
    path.write_text(text if text is not None else yaml.safe_dump(data, sort_keys=False))
    return path


def test_shipped_personas_cover_every_archetype_twice(catalog) -> None:
    counts = Counter(p.archetype.value for p in catalog.personas.values())
    assert len(catalog.personas) >= 6
    assert all(counts[a] >= 2 for a in ("competitive", "unreasonable", "low_trust")), counts


@pytest.mark.parametrize("persona_id", persona_ids())
def test_each_persona_has_three_interests_over_three_depths(catalog, persona_id: str) -> None:
    persona = catalog.get(persona_id)
    assert len(persona.hidden_interests) >= 3
    assert len({i.level for i in persona.hidden_interests}) >= 3
    assert persona.id == persona_id, "file name and id should agree"


@pytest.mark.parametrize(
    ("change", "field", "fix"),
    [
        ({"trust": None}, "trust", "add this field"),
        ({"colour": "blue"}, "colour", "remove it or fix its spelling"),
        ({"archetype": "grumpy"}, "archetype", "use one of"),
        ({"hidden_interests.0.trust_needed": 140}, "hidden_interests[0](budget_cap).trust_needed", "whole number"),
        ({"hidden_interests.1.id": "Savings Target"}, "hidden_interests[1]", "lowercase letters"),
        ({"lines.accept": ["Deal."]}, "lines.accept", "give it more"),
        ({"positions.0.behind": ["nope"]}, "positions.discount.behind", "unknown interest id"),
        ({"hidden_interests.1.id": "budget_cap"}, "hidden_interests", "duplicate id"),
    ],
    ids=[
        "missing",
        "unknown-field",
        "bad-enum",
        "out-of-range",
        "bad-id",
        "too-few-lines",
        "bad-reference",
        "duplicate",
    ],
)
def test_broken_file_names_file_field_and_fix(tmp_path: Path, change, field: str, fix: str) -> None:
    path = _broken(tmp_path, "broken.yaml", change)
    with pytest.raises(PersonaFileError) as caught:
        load_persona(path)
    message = str(caught.value)
    assert str(path) in message
    assert field in message
    assert fix in message


def test_yaml_syntax_error_gives_line(tmp_path: Path) -> None:
    path = _broken(tmp_path, "syntax.yaml", text="id: x\nname: [unclosed\nrole: y\n")
    with pytest.raises(PersonaFileError, match=r"line \d+, column \d+: YAML syntax error"):
        load_persona(path)


def test_line_that_repeats_a_reveal_is_rejected(tmp_path: Path) -> None:
    reveal = yaml.safe_load((PERSONAS_DIR / "procurement_discount.yaml").read_text())["hidden_interests"][0]["reveal"]
    path = _broken(tmp_path, "leaky.yaml", {"lines.anchor": [reveal, "Twenty-five percent."]})
    with pytest.raises(PersonaFileError, match=r"lines.anchor\[0\]: repeats the reveal of 'budget_cap'"):
        load_persona(path)


def test_catalog_skips_broken_files_and_keeps_the_rest(tmp_path: Path) -> None:
    good = PERSONAS_DIR / "salary_offer.yaml"
    broken = _broken(tmp_path, "broken.yaml", {"trust": None})
    duplicate = tmp_path / "copy.yaml"
    duplicate.write_text(good.read_text())
    catalog = load_catalog([good, broken, duplicate])
    assert list(catalog.personas) == ["salary_offer"]
    assert [s.path for s in catalog.skipped] == [str(broken), str(duplicate)]
    assert "already used by" in str(catalog.skipped[1])


def test_committed_schema_matches_the_model() -> None:
    committed = json.loads((PERSONAS_DIR / "persona.schema.json").read_text())
    assert committed == persona_json_schema(), "run: python -m simulator schema -o personas/persona.schema.json"
    assert committed["additionalProperties"] is False


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "simulator", *args], capture_output=True, text=True, timeout=60)


def test_validate_command_exit_codes(tmp_path: Path) -> None:
    ok = _cli("validate")
    assert ok.returncode == 0, ok.stderr
    assert ok.stdout.count("ok: ") == len(persona_ids())
    broken = _broken(tmp_path, "broken.yaml", {"patience": -5})
    bad = _cli("validate", str(broken), str(PERSONAS_DIR / "shared_lab.yaml"))
    assert bad.returncode == 1
    assert f"{broken}" in bad.stderr and "patience" in bad.stderr and "1 of 2 file(s) failed" in bad.stderr


def test_schema_command_writes_json_schema(tmp_path: Path) -> None:
    out = tmp_path / "schema.json"
    result = _cli("schema", "--output", str(out))
    assert result.returncode == 0
    schema = json.loads(out.read_text())
    assert "hidden_interests" in schema["properties"]
    assert set(schema["required"]) >= {"id", "name", "archetype", "hidden_interests", "lines"}
