"""Whether a persona's own lines give a hidden interest away before the trainee has uncovered it."""

from __future__ import annotations

from simulator.persona.model import Persona
from simulator.text import content_stems, overlap

# A line this close to a secret would give the interest away early.
LEAK_OVERLAP = 0.75
MIN_SHARED = 4  # content words in common before a line counts as repeating a secret


def said_while_hidden(persona: Persona, strict: bool = False) -> list[tuple[str, str]]:
    """(field path, text) for what the counterpart may say while interests are still hidden. `strict` adds the
    descriptions an LLM voice is steered by (behaviour while hidden, style) and the positions it states."""
    spoken: list[tuple[str, str]] = [("opening", persona.opening)]
    for name, lines in persona.lines.model_dump().items():
        spoken += [(f"lines.{name}[{i}]", line) for i, line in enumerate(lines)]
    for interest in persona.hidden_interests:
        spoken += [(f"hidden_interests({interest.id}).deflections[{i}]", d) for i, d in enumerate(interest.deflections)]
        if strict:
            spoken.append((f"hidden_interests({interest.id}).behaviour_while_hidden", interest.behaviour_while_hidden))
    if strict:
        spoken += [(f"positions({p.id}).statement", p.statement) for p in persona.positions]
    return spoken


def leaks(persona: Persona, strict: bool = False) -> list[tuple[str, str]]:
    """(field path, problem) for each line that repeats a hidden interest's reveal (and, when `strict`, its
    summary). Loading a file uses the plain check; the Studio's check before publishing the strict one."""
    problems = []
    for where, line in said_while_hidden(persona, strict):
        for interest in persona.hidden_interests:
            secrets = [("reveal", interest.reveal)] + ([("summary", interest.summary)] if strict else [])
            for kind, secret in secrets:
                if where.startswith(f"hidden_interests({interest.id}).behaviour") and kind == "summary":
                    continue  # describing how they act about it may name what it is: the model is told to hide it
                shared = len(content_stems(line) & content_stems(secret))
                if shared >= MIN_SHARED and overlap(line, secret) >= LEAK_OVERLAP:
                    problems.append(
                        (
                            where,
                            f"repeats the {kind} of '{interest.id}' and would give it away before it is uncovered; "
                            "reword it",
                        )
                    )
                    break
    return problems
