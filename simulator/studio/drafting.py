"""Drafting a persona from a short description: by a model (structured output, repaired once) or, offline, by
filling the archetype's defaults around the parts a trainer gives in the guided form."""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass
from typing import Any, Protocol

from simulator.errors import ModelError, StudioInputError
from simulator.persona.cards import slug
from simulator.persona.files import schema_problems
from simulator.persona.model import Archetype, Level, Persona
from simulator.persona.secrets import leaks
from simulator.prompts import render
from simulator.studio.paraphrases import PARAPHRASES


class DraftingModel(Protocol):
    """Fills the persona schema for a prompt (a dict, valid or not), or raises ModelError."""

    name: str

    def fill(self, prompt: str) -> dict[str, object]: ...


@dataclass(frozen=True)
class Drafted:
    data: dict[str, Any]
    problems: list[str]  # what the trainer still has to fix (empty: valid)
    attempts: int  # model calls made


def problems_of(data: dict[str, Any]) -> list[str]:
    """Schema problems, then leaks once the shape is right."""
    found = schema_problems(data)
    if found:
        return found
    return [f"{where}: {message}" for where, message in leaks(Persona.model_validate(data))]


def draft_with_model(model: DraftingModel, description: str, archetype: str) -> Drafted:
    """Ask the model; if its persona is invalid, show it its problems once; then hand over what it made."""
    if not description.strip():
        raise StudioInputError("description: say in a sentence or two who the counterpart is and what is at stake")
    repair = ""
    data: dict[str, Any] = {}
    problems: list[str] = []
    for attempt in (1, 2):
        prompt = render("persona_draft", {"description": description.strip(), "archetype": archetype, "repair": repair})
        try:
            data = dict(model.fill(prompt))
        except ModelError as exc:
            if attempt == 1 or not data:
                raise StudioInputError(
                    f"the model could not draft a persona ({exc}); try again or use the form"
                ) from None
            break
        data.setdefault("archetype", archetype)
        problems = problems_of(data)
        if not problems:
            return Drafted(data, [], attempt)
        repair = (
            "Your previous draft had these problems; return the whole persona again with each fixed:\n"
            + "\n".join(f"- {p}" for p in problems[:20])
            + "\nPrevious draft:\n"
            + json.dumps(data)[:12000]
        )
    return Drafted(data, problems, 2)


# --- offline: the guided form ------------------------------------------------------------------------------

DEFLECTIONS = {
    Archetype.COMPETITIVE: ["That's my business, not yours.", "Let's stay on the numbers."],
    Archetype.UNREASONABLE: ["Why does everyone keep asking me that?", "That's beside the point and you know it."],
    Archetype.LOW_TRUST: ["I don't know you well enough to go into that.", "Why would I tell you that?"],
}


@dataclass(frozen=True)
class GuidedInterest:
    level: str
    summary: str
    reveal: str
    probe: str  # one open question that should uncover it; the trainer adds more later
    satisfier: str  # a kind of proposal that would meet it, a short phrase


def guided_draft(
    template: Persona,
    *,
    interests: list[GuidedInterest],
    name: str = "",
    role: str = "",
    scenario: str = "",
    opening: str = "",
    position: str = "",
) -> dict[str, Any]:
    """A playable draft from the parts only the trainer knows; the rest (lines, trust, patience, walk-away and
    deal rules, style) comes from a built-in persona of the same archetype, to be reworded at leisure."""
    given = [i for i in interests if i.summary.strip() and i.reveal.strip()]
    if len(given) < 3:
        raise StudioInputError("hidden interests: fill in at least three (a summary and a reveal line each)")
    data = copy.deepcopy(template.model_dump(mode="json"))
    data.update(
        id=slug(name or "new persona"),
        name=name.strip() or "New counterpart",
        role=role.strip() or template.role,
        scenario=scenario.strip() or template.scenario,
        opening=opening.strip() or template.opening,
    )
    hidden = []
    for n, interest in enumerate(given):
        try:
            level = Level(interest.level).value
        except ValueError:
            raise StudioInputError(
                f"hidden interest {n + 1}: level must be one of {', '.join(lv.value for lv in Level)}"
            ) from None
        words = [w for w in interest.summary.lower().replace(",", " ").split() if len(w) > 5][:3] or ["this"]
        satisfier = interest.satisfier.strip() or "a proposal that meets this need"
        hidden.append(
            {
                "id": slug(" ".join(words))[:40] + f"_{n + 1}",
                "level": level,
                "core": n < 2,
                "summary": interest.summary.strip(),
                "behaviour_while_hidden": "Changes the subject or hardens when pressed on this.",
                "deflections": list(DEFLECTIONS[template.archetype]),
                "reveal": interest.reveal.strip(),
                # The trainer's question first, then everyday questions about that level of need.
                "probes": [p for p in (interest.probe.strip(), *PARAPHRASES[Level(level)][:2]) if p],
                "cues": words,
                "trust_needed": min(70, 25 + 15 * n),
                "satisfiers": [
                    {"description": satisfier, "cues": [satisfier.split()[0] if satisfier.split() else "offer"]}
                ],
            }
        )
    data["hidden_interests"] = hidden
    data["positions"] = [
        {
            "id": "main_demand",
            "statement": position.strip() or template.positions[0].statement,
            "topic": template.positions[0].topic,
            "cues": list(template.positions[0].cues),
            "behind": [hidden[0]["id"]],
            "softened": template.positions[0].softened,
        }
    ]
    data["deal"] = {
        "min_trust": template.deal.min_trust,
        "min_uncovered": min(template.deal.min_uncovered, len(hidden)),
    }
    leads = list(data["lines"]["reveal_lead"])
    while len(leads) < len(hidden):
        leads.append("All right. Here it is.")
    data["lines"]["reveal_lead"] = leads
    return data
