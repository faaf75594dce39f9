"""The Studio's form view: every scalar field of the persona and each hidden interest, kept in sync with the YAML.

The YAML stays the one source: the form is filled from it, and "Apply" writes the form's values back into it,
so a field the form does not show (positions, scripted lines) is never lost.
"""

from __future__ import annotations

from typing import Any

import yaml

from simulator.studio.service import parse_persona_text

FACE = ("id", "name", "role", "archetype", "difficulty", "scenario", "opening", "style")
NUMBERS = (
    "trust",
    "patience",
    "max_turns",
    "walk_away.below_trust",
    "walk_away.hostile_strikes",
    "deal.min_trust",
    "deal.min_uncovered",
)
INTEREST_TEXT = ("id", "level", "summary", "behaviour_while_hidden", "reveal")
INTEREST_LISTS = ("deflections", "probes")  # one per line
# cues: comma-separated; satisfiers: "description | cue one, cue two", one per line


EDITOR = "the YAML editor"


def parse(text: str) -> dict[str, Any]:
    """Persona YAML typed in the Studio (editor or form) as data, read within bounds: the Studio service's own
    reading, so the form sees exactly what the editor would save."""
    return parse_persona_text(text, EDITOR)


def _get(data: dict[str, Any], path: str) -> Any:
    node: Any = data
    for key in path.split("."):
        node = node.get(key) if isinstance(node, dict) else None
    return node


def _set(data: dict[str, Any], path: str, value: Any) -> None:
    keys = path.split(".")
    node = data
    for key in keys[:-1]:
        child = node.get(key)
        if not isinstance(child, dict):
            child = node[key] = {}
        node = child
    node[keys[-1]] = value


def face_values(text: str) -> list[Any]:
    data = parse(text)
    # Empty pickers get None: Gradio refuses a dropdown value outside its choices.
    picked = {"archetype", "difficulty"}
    return [(data.get(k) or None) if k in picked else str(data.get(k) or "") for k in FACE] + [
        _get(data, k) for k in NUMBERS
    ]


def interest_choices(text: str) -> list[tuple[str, int]]:
    data = parse(text)
    interests = data.get("hidden_interests") or []
    return [
        (f"{n + 1}. {i.get('id', '?')}" if isinstance(i, dict) else f"{n + 1}.", n) for n, i in enumerate(interests)
    ]


def interest_values(text: str, index: int | None) -> list[Any]:
    data = parse(text)
    interests = data.get("hidden_interests") or []
    if index is None or not (0 <= int(index) < len(interests)) or not isinstance(interests[int(index)], dict):
        return ["", None, "", "", "", False, "", "", "", None, ""]  # the level picker takes None
    i = interests[int(index)]
    satisfiers = "\n".join(
        f"{s.get('description', '')} | {', '.join(s.get('cues') or [])}"
        for s in i.get("satisfiers") or []
        if isinstance(s, dict)
    )
    return (
        [str(i.get(k) or "") for k in INTEREST_TEXT]
        + [bool(i.get("core", True))]
        + ["\n".join(i.get(k) or []) for k in INTEREST_LISTS]
        + [", ".join(i.get("cues") or []), i.get("trust_needed"), satisfiers]
    )


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def apply_form(text: str, face: list[Any], index: int | None, interest: list[Any]) -> str:
    """The YAML with the form's values written in; everything the form does not show is kept."""
    data = parse(text)
    for key, value in zip(FACE, face[: len(FACE)], strict=True):
        data[key] = str(value or "").strip()
    for key, value in zip(NUMBERS, face[len(FACE) :], strict=True):
        if value is not None and value != "":
            _set(data, key, int(value))
    interests = data.setdefault("hidden_interests", [])
    if index is not None and 0 <= int(index) < len(interests) and isinstance(interests[int(index)], dict):
        target = interests[int(index)]
        texts, core, deflections, probes, cues, trust, satisfiers = (
            interest[: len(INTEREST_TEXT)],
            *interest[len(INTEREST_TEXT) :],
        )
        for key, value in zip(INTEREST_TEXT, texts, strict=True):
            target[key] = str(value or "").strip()
        target["core"] = bool(core)
        target["deflections"], target["probes"] = _lines(deflections), _lines(probes)
        target["cues"] = [c.strip() for c in str(cues or "").split(",") if c.strip()]
        if trust is not None and trust != "":
            target["trust_needed"] = int(trust)
        target["satisfiers"] = [
            {"description": d.strip(), "cues": [c.strip() for c in cs.split(",") if c.strip()]}
            for d, _, cs in (line.partition("|") for line in _lines(satisfiers))
        ]
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=110)


POSITION_TEXT = ("id", "statement", "topic", "softened")
# cues and behind: comma-separated
MOVES = (
    "anchor",
    "acknowledge",
    "escalate",
    "reject_split",
    "reject_proposal",
    "counter",
    "accept",
    "walk_away",
    "out_of_turns",
    "clarify",
    "reveal_lead",
)


def position_choices(text: str) -> list[tuple[str, int]]:
    positions = parse(text).get("positions") or []
    return [
        (f"{n + 1}. {p.get('id', '?')}" if isinstance(p, dict) else f"{n + 1}.", n) for n, p in enumerate(positions)
    ]


def position_values(text: str, index: int | None) -> list[str]:
    positions = parse(text).get("positions") or []
    if index is None or not (0 <= int(index) < len(positions)) or not isinstance(positions[int(index)], dict):
        return [""] * (len(POSITION_TEXT) + 2)
    p = positions[int(index)]
    return [str(p.get(k) or "") for k in POSITION_TEXT] + [
        ", ".join(p.get("cues") or []),
        ", ".join(p.get("behind") or []),
    ]


def line_values(text: str, move: str | None) -> str:
    lines = parse(text).get("lines") or {}
    return "\n".join(lines.get(move) or []) if isinstance(lines, dict) and move else ""


def apply_more(text: str, index: int | None, position: list[Any], move: str | None, lines: str) -> str:
    """The YAML with one position's and one move's lines from the form written in."""
    data = parse(text)
    positions = data.setdefault("positions", [])
    if index is not None and 0 <= int(index) < len(positions) and isinstance(positions[int(index)], dict):
        target = positions[int(index)]
        for key, value in zip(POSITION_TEXT, position[: len(POSITION_TEXT)], strict=True):
            target[key] = str(value or "").strip()
        cues, behind = position[len(POSITION_TEXT) :]
        target["cues"] = [c.strip() for c in str(cues or "").split(",") if c.strip()]
        target["behind"] = [b.strip() for b in str(behind or "").split(",") if b.strip()]
    if move in MOVES:
        data.setdefault("lines", {})[move] = _lines(lines)
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=110)
