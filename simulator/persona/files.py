"""Reading persona files: validation with errors that name the file, the field and the fix."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from simulator.errors import PersonaFileError, UnknownPersonaError
from simulator.persona.model import Persona
from simulator.persona.safe_load import MAX_YAML_CHARS, load_yaml
from simulator.persona.safe_load import yaml_syntax_problem as yaml_syntax_problem
from simulator.persona.secrets import leaks


@dataclass
class PersonaCatalog:
    """The valid personas in a folder, and the files skipped with why."""

    personas: dict[str, Persona] = field(default_factory=dict)  # what a new session can be started with
    skipped: list[PersonaFileError] = field(default_factory=list)
    # Team personas (from the Studio): every published version, so a session replays the version it was played
    # with, and the version a new session gets.
    versions: dict[tuple[str, int], Persona] = field(default_factory=dict)
    latest: dict[str, int] = field(default_factory=dict)

    def get(self, persona_id: str, version: int | None = None) -> Persona:
        """The persona by id; with `version`, that published version of a team persona (archived ones too)."""
        if version is not None and (persona_id, version) in self.versions:
            return self.versions[(persona_id, version)]
        try:
            return self.personas[persona_id]
        except KeyError:
            raise UnknownPersonaError(persona_id, sorted(self.personas)) from None

    def find(self, persona_id: str, version: int | None = None) -> Persona | None:
        try:
            return self.get(persona_id, version)
        except UnknownPersonaError:
            return None

    def version_of(self, persona_id: str) -> int | None:
        """The version a new session with this persona plays (None for a persona from a file)."""
        return self.latest.get(persona_id) if persona_id in self.personas else None

    def add_version(self, persona: Persona, version: int, startable: bool = True) -> None:
        """A published team persona version; the newest startable one is what new sessions get."""
        self.versions[(persona.id, version)] = persona
        if startable and version >= self.latest.get(persona.id, 0):
            self.latest[persona.id] = version
            self.personas[persona.id] = persona

    def withdraw(self, persona_id: str) -> None:
        """No new sessions with this persona (archived); its versions stay for old transcripts."""
        self.personas.pop(persona_id, None)
        self.latest.pop(persona_id, None)

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


def load_persona(path: Path) -> Persona:
    """One file, validated; raises `PersonaFileError` naming the file, field and fix."""
    where = str(path)
    try:
        # Bounded before reading: UTF-8 takes at most 4 bytes a character.
        if path.stat().st_size > 4 * MAX_YAML_CHARS:
            raise PersonaFileError(
                where,
                [f"the file is {path.stat().st_size // 1024} KiB; a persona is at most {MAX_YAML_CHARS // 1024} KiB"],
            )
        raw = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise PersonaFileError(where, ["file not found: check the path"]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise PersonaFileError(where, [f"cannot read the file ({exc}); save it as UTF-8 text"]) from None
    return validate_persona(load_yaml(raw, where), where)


def schema_problems(data: Any) -> list[str]:
    """What is wrong with persona data against the schema, each as 'field path: fix' (empty when valid)."""
    if not isinstance(data, dict):
        return ["(top level): the file must be a mapping of fields such as id, name, role"]
    try:
        Persona.model_validate(data)
    except ValidationError as exc:
        return _problems(exc, data)
    return []


def validate_persona(data: Any, where: str) -> Persona:
    """Persona data (from a file, a form or an import), validated; raises `PersonaFileError` naming `where`,
    each field and its fix."""
    if not isinstance(data, dict):
        raise PersonaFileError(where, ["(top level): the file must be a mapping of fields such as id, name, role"])
    try:
        persona = Persona.model_validate(data)
    except ValidationError as exc:
        raise PersonaFileError(where, _problems(exc, data)) from None
    found = [f"{at}: {message}" for at, message in leaks(persona)]
    if found:
        raise PersonaFileError(where, found)
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
