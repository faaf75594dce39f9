"""Persona YAML and JSON from users (the Studio, imports, persona files), read within bounds.

Everything is bounded before anything is built: the text's length, the nesting depth and the number of nodes.
YAML anchors and aliases are refused: a few hundred bytes of aliases expand to gigabytes ("billion laughs"),
and a persona has no use for them. A lone surrogate (which only a `\\ud800` escape or an API call can carry)
is named with its field, because no file, page or database can hold it.
"""

from __future__ import annotations

import json
import re
from typing import Any

import yaml

from simulator.errors import PersonaFileError

MAX_YAML_CHARS = 256 * 1024  # a full persona is about 13 KB of YAML
MAX_JSON_CHARS = 2 * 1024 * 1024  # a card's JSON may also carry a lorebook, which Parley ignores
MAX_DEPTH = 40  # a persona nests 4 levels deep, a card carrying one about 7
MAX_NODES = 20_000  # a full persona is about 450 YAML events
MAX_CONTAINERS = 50_000  # JSON objects and arrays together

_JSON_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")


def yaml_syntax_problem(exc: yaml.YAMLError) -> str:
    """Where a YAML text breaks and what to check, for any reader of persona YAML."""
    mark = getattr(exc, "problem_mark", None)
    at = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
    problem = getattr(exc, "problem", None) or str(exc)
    return f"{at}YAML syntax error ({problem}); check indentation and quoting"


class _Refused(Exception):
    """Raised inside the composer, before the node is built; `load_yaml` turns it into a `PersonaFileError`."""


def _at(mark: Any) -> str:
    return f"line {mark.line + 1}, column {mark.column + 1}: " if mark is not None else ""


class _BoundedLoader(yaml.SafeLoader):
    """pyyaml's safe loader, refusing aliases, anchors, deep nesting and too many nodes while composing, so
    nothing refused is ever constructed."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0
        self._nodes = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        event: Any = self.peek_event()  # type: ignore[no-untyped-call]  # pyyaml's stubs leave it untyped
        at = _at(event.start_mark)
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            used = f"*{event.anchor}" if isinstance(event, yaml.AliasEvent) else f"&{event.anchor}"
            raise _Refused(
                f"{at}YAML anchors (&name) and aliases (*name) are not allowed in a persona (found {used}); "
                "write each value out in full"
            )
        self._nodes += 1
        if self._nodes > MAX_NODES:
            raise _Refused(f"{at}more than {MAX_NODES} values; a persona needs far fewer, so this text is refused")
        if self._depth >= MAX_DEPTH:
            raise _Refused(f"{at}nested more than {MAX_DEPTH} levels deep; a persona needs at most a few levels")
        self._depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


def _bound_length(text: str, limit: int, kind: str, where: str) -> None:
    if len(text) > limit:
        raise PersonaFileError(
            where, [f"the {kind} text is {len(text) // 1024} KiB; the limit is {limit // 1024} KiB for a persona"]
        )


def _short(exc: Exception) -> str:
    return str(exc).split(";")[0]  # Python's advice on its own settings is not for the trainer


def load_yaml(text: str, where: str) -> Any:
    """YAML as data, or `PersonaFileError` naming `where`, the line and the problem."""
    _bound_length(text, MAX_YAML_CHARS, "YAML", where)
    loader = _BoundedLoader(text)
    try:
        data = loader.get_single_data()
    except _Refused as exc:
        raise PersonaFileError(where, [str(exc)]) from None
    except yaml.YAMLError as exc:
        raise PersonaFileError(where, [yaml_syntax_problem(exc)]) from None
    except (ValueError, OverflowError) as exc:
        # A value that matches a YAML type but cannot be one: a 5000-digit number, a 13th month.
        raise PersonaFileError(
            where, [f"a value cannot be read ({_short(exc)}); quote it to keep it as text"]
        ) from None
    finally:
        loader.dispose()
    check_text(data, where)
    return data


def _json_shape(text: str, where: str) -> None:
    """Depth and container count, from the brackets outside strings, before json builds anything (its C parser
    recurses, and 10,000 `[` would end in RecursionError)."""
    brackets = _NOT_BRACKET.sub("", _JSON_STRING.sub("", text))
    if len(brackets) > 2 * MAX_CONTAINERS:
        raise PersonaFileError(
            where, [f"more than {MAX_CONTAINERS} JSON objects and arrays; a persona or card needs far fewer"]
        )
    depth = 0
    for char in brackets:
        depth += 1 if char in "[{" else -1
        if depth > MAX_DEPTH:
            raise PersonaFileError(
                where, [f"the JSON is nested more than {MAX_DEPTH} levels deep; a persona or card needs at most a few"]
            )


def load_json(text: str, where: str) -> Any:
    """JSON as data, or `PersonaFileError` naming `where`, the line and the problem."""
    _bound_length(text, MAX_JSON_CHARS, "JSON", where)
    _json_shape(text, where)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise PersonaFileError(
            where, [f"line {exc.lineno}, column {exc.colno}: broken JSON ({exc.msg}); check commas and quotes"]
        ) from None
    except ValueError as exc:  # a number longer than Python converts
        raise PersonaFileError(where, [f"a value cannot be read ({_short(exc)}); write it as a string"]) from None
    check_text(data, where)
    return data


def _lone_surrogate(text: str) -> str | None:
    """'\\ud800 at character 4' for the first lone surrogate in `text`, else None."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        return f"{ascii(text[exc.start])[1:-1]} at character {exc.start + 1}"
    return None


def surrogate_problem(text: str, field: str) -> str | None:
    """A message for a lone surrogate in `text` (named as `field`), else None."""
    found = _lone_surrogate(text)
    if found is None:
        return None
    return (
        f"{field}: holds a lone surrogate ({found}), which is not a character and cannot be stored; "
        "remove it or type the character itself"
    )


def check_text(data: Any, where: str, path: str = "") -> None:
    """Refuse a lone surrogate anywhere in loaded data, naming its field (depth is already bounded)."""
    if isinstance(data, str):
        problem = surrogate_problem(data, path or "(top level)")
        if problem:
            raise PersonaFileError(where, [problem])
    elif isinstance(data, dict):
        for key, value in data.items():
            label = str(key)
            if _lone_surrogate(label):
                problem = surrogate_problem(label, f"{path or '(top level)'} (a field name)")
                raise PersonaFileError(where, [problem or ""])
            check_text(value, where, f"{path}.{label}" if path else label)
    elif isinstance(data, list):
        for n, item in enumerate(data):
            check_text(item, where, f"{path}[{n}]")
