"""Reading persona files: validation with errors that name the file, the field and the fix."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from simulator.errors import PersonaFileError, UnknownPersonaError
from simulator.persona.model import Persona
from simulator.text import content_stems, overlap

# A scripted line this close to a reveal would give the interest away early.
LEAK_OVERLAP = 0.75


@dataclass
class PersonaCatalog:
    """The valid personas in a folder, and the files skipped with why."""

    personas: dict[str, Persona] = field(default_factory=dict)
    skipped: list[PersonaFileError] = field(default_factory=list)

    def get(self, persona_id: str) -> Persona:
        try:
            return self.personas[persona_id]
        except KeyError:
            raise UnknownPersonaError(persona_id, sorted(self.personas)) from None

    def ordered(self) -> list[Persona]:
        return sorted(self.personas.values(), key=lambda p: (p.archetype.value, p.name))


def persona_json_schema() -> dict[str, Any]:
    """The JSON Schema editors use to help persona authors."""
    schema = Persona.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "Parley persona"
    return schema


def _field_path(loc: Sequence[int | str], data: Any) -> str:
    """`hidden_interests[1](budget_cap).trust_needed`: indexes plus the item's id where it has one."""
    parts: list[str] = []
    node = data
    for key in loc:
        if isinstance(key, int):
            label = f"[{key}]"
            if isinstance(node, list) and key < len(node):
                node = node[key]
                if isinstance(node, dict) and isinstance(node.get("id"), str):
                    label += f"({node['id']})"
            else:
                node = None
            parts.append(label)
        else:
            parts.append(("." if parts else "") + key)
            node = node.get(key) if isinstance(node, dict) else None
    return "".join(parts) or "(top level)"


def _hint(error: dict[str, Any]) -> str:
    kind = error["type"]
    ctx = error.get("ctx") or {}
    msg = str(error["msg"])
    if kind == "missing":
        return "add this field (see personas/persona.schema.json for what it holds)"
    if kind == "extra_forbidden":
        return "remove it or fix its spelling; unknown fields are not allowed"
    if kind == "enum":
        return f"use one of: {ctx.get('expected', '')}"
    if kind in ("too_short", "string_too_short"):
        return "give it more: " + msg.lower()
    if kind == "string_pattern_mismatch":
        return "use lowercase letters, digits and underscores, starting with a letter (e.g. budget_cap)"
    if kind in ("greater_than_equal", "less_than_equal", "int_parsing", "int_type", "int_from_float"):
        return "use a whole number in the allowed range: " + msg.lower()
    if kind in ("string_type", "list_type", "model_type", "dict_type", "bool_type", "bool_parsing"):
        return "wrong kind of value: " + msg.lower()
    return msg


def _problems(error: ValidationError, data: Any) -> list[str]:
    problems = []
    for item in error.errors():
        if item["type"] == "value_error" and not item["loc"]:
            # Cross-field checks put the field path at the start of their message.
            problems.append(str(item["msg"]).removeprefix("Value error, "))
        else:
            problems.append(f"{_field_path(item['loc'], data)}: {_hint(dict(item))}")
    return problems


def _leaks(persona: Persona) -> list[str]:
    """Scripted lines that say too much of a hidden interest's reveal."""
    spoken: list[tuple[str, str]] = [("opening", persona.opening)]
    for name, lines in persona.lines.model_dump().items():
        spoken += [(f"lines.{name}[{i}]", line) for i, line in enumerate(lines)]
    for interest in persona.hidden_interests:
        spoken += [(f"hidden_interests({interest.id}).deflections[{i}]", d) for i, d in enumerate(interest.deflections)]
    problems = []
    for where, line in spoken:
        for interest in persona.hidden_interests:
            shared = len(content_stems(line) & content_stems(interest.reveal))
            if shared >= 4 and overlap(line, interest.reveal) >= LEAK_OVERLAP:
                problems.append(
                    f"{where}: repeats the reveal of '{interest.id}' and would give it away before it is uncovered; reword it"
                )
    return problems


def load_persona(path: Path) -> Persona:
    """One file, validated; raises `PersonaFileError` naming the file, field and fix."""
    where = str(path)
    try:
        raw = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise PersonaFileError(where, ["file not found: check the path"]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise PersonaFileError(where, [f"cannot read the file ({exc}); save it as UTF-8 text"]) from None
    try:
        data = yaml.safe_load(raw)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        at = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise PersonaFileError(where, [f"{at}YAML syntax error ({problem}); check indentation and quoting"]) from None
    if not isinstance(data, dict):
        raise PersonaFileError(where, ["(top level): the file must be a mapping of fields such as id, name, role"])
    try:
        persona = Persona.model_validate(data)
    except ValidationError as exc:
        raise PersonaFileError(where, _problems(exc, data)) from None
    leaks = _leaks(persona)
    if leaks:
        raise PersonaFileError(where, leaks)
    return persona


def persona_paths(folder: Path) -> list[Path]:
    return sorted(p for p in folder.glob("*.yaml") if p.is_file()) + sorted(
        p for p in folder.glob("*.yml") if p.is_file()
    )


def load_catalog(paths: Iterable[Path]) -> PersonaCatalog:
    """Every valid persona; a broken file is skipped and reported, never fatal."""
    catalog = PersonaCatalog()
    origin: dict[str, Path] = {}
    for path in paths:
        try:
            persona = load_persona(path)
        except PersonaFileError as exc:
            catalog.skipped.append(exc)
            continue
        if persona.id in catalog.personas:
            catalog.skipped.append(
                PersonaFileError(
                    str(path), [f"id: '{persona.id}' is already used by {origin[persona.id]}; give it a unique id"]
                )
            )
            continue
        catalog.personas[persona.id] = persona
        origin[persona.id] = path
    return catalog


def load_folders(folders: list[Path]) -> PersonaCatalog:
    """Every folder's personas in one catalog; a later folder's persona replaces an earlier one with its id."""
    merged = PersonaCatalog()
    for folder in folders:
        loaded = load_folder(folder)
        merged.personas.update(loaded.personas)
        merged.skipped.extend(loaded.skipped)
    return merged


def load_folder(folder: Path) -> PersonaCatalog:
    if not folder.is_dir():
        catalog = PersonaCatalog()
        catalog.skipped.append(
            PersonaFileError(str(folder), ["not a folder: set PARLEY_PERSONAS_DIR to the personas folder"])
        )
        return catalog
    return load_catalog(persona_paths(folder))
