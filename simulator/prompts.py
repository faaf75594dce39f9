"""Prompt files with named variables: `{name}` placeholders, and a missing variable is an error."""

from __future__ import annotations

import string
from collections.abc import Mapping
from pathlib import Path

from simulator.config import builtin_dir
from simulator.errors import PromptError

PROMPTS_DIR = builtin_dir("prompts")


def variables(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def load_prompt(name: str, folder: Path = PROMPTS_DIR) -> str:
    path = folder / f"{name}.txt"
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise PromptError(f"prompt file {path} not found: it ships in the repository's prompts/ folder") from None


def render(name: str, values: Mapping[str, str], folder: Path = PROMPTS_DIR) -> str:
    """Fill a prompt; every placeholder must get a value and every value must have a placeholder."""
    template = load_prompt(name, folder)
    wanted = variables(template)
    missing = sorted(wanted - set(values))
    unused = sorted(set(values) - wanted)
    if missing:
        raise PromptError(f"prompt '{name}' needs {missing}: pass a value for each")
    if unused:
        raise PromptError(f"prompt '{name}' has no place for {unused}: add the placeholder or stop passing it")
    return template.format(**values)
