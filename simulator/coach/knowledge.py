"""What the coach knows beyond rules: coaching tips, labelled exemplars and each persona's interest cues."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from importlib import resources
from typing import Annotated, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field

from simulator.coach.embedding import Embedder, ExemplarIndex
from simulator.persona.model import Persona

Criterion = Literal["questions", "interests", "collaboration", "value", "agreement"]
PhaseName = Literal["understanding", "exploring", "building"]
EXEMPLAR_LABELS = ("probing", "not_probing", "dismissive", "collaborative")


class Tip(BaseModel):
    """One coaching tip, tagged so the coach can pick one that fits the moment."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    criterion: Criterion
    phases: Annotated[list[PhaseName], Field(min_length=1)]
    archetypes: Annotated[list[str], Field(min_length=1)]
    situation: str
    tip: str
    example: str

    def fits(self, phase: str, archetype: str | None) -> bool:
        return phase in self.phases and ("any" in self.archetypes or archetype in self.archetypes)


def _data(name: str) -> str:
    return resources.files("simulator").joinpath("data", name).read_text(encoding="utf-8")


def load_tips() -> list[Tip]:
    return [Tip.model_validate(item) for item in yaml.safe_load(_data("tips.yaml"))]


def load_exemplars() -> dict[str, list[str]]:
    data = yaml.safe_load(_data("exemplars.yaml"))
    return {label: [str(t) for t in data[label]] for label in EXEMPLAR_LABELS}


def interest_documents(persona: Persona) -> list[tuple[str, str]]:
    """(interest id, text) pairs that describe what a question about each interest sounds like."""
    docs = []
    for interest in persona.hidden_interests:
        docs.append((interest.id, interest.summary))
        docs += [(interest.id, probe) for probe in interest.probes]
        docs.append((interest.id, ", ".join(interest.cues)))
        docs.append((interest.id, interest.reveal))
    return docs


@dataclass
class Knowledge:
    """Embedded tips, exemplars and interest cues, ready for fast in-memory similarity."""

    embedder: Embedder
    tips: list[Tip]
    tip_index: ExemplarIndex
    exemplars: ExemplarIndex
    cues: dict[str, ExemplarIndex] = field(default_factory=dict)
    sources: dict[str, Persona] = field(default_factory=dict)  # the persona each cue index was built from
    # Indexes for other versions of a persona (a session pinned to version 1 after version 2 was published),
    # made the first time one is graded; keyed by object, holding the persona so its id is never reused.
    others: dict[int, tuple[Persona, ExemplarIndex]] = field(default_factory=dict)

    def tip(self, tip_id: str) -> Tip:
        return next(t for t in self.tips if t.id == tip_id)

    def cues_for(self, persona: Persona) -> ExemplarIndex | None:
        """The interest cues of exactly this persona version."""
        index, source = self.cues.get(persona.id), self.sources.get(persona.id)
        if index is not None and (source is None or source is persona or source == persona):
            return index
        found = self.others.get(id(persona))
        if found is not None and found[0] is persona:
            return found[1]
        built = self._cues_of(persona)
        self.others[id(persona)] = (persona, built)
        return built

    def with_persona(self, persona: Persona) -> Knowledge:
        """This knowledge plus `persona`'s interest cues, embedded in memory: for a persona written after start
        (a draft being checked, a version just published). The original is left as it was."""
        return replace(
            self,
            cues={**self.cues, persona.id: self._cues_of(persona)},
            sources={**self.sources, persona.id: persona},
        )

    def learn(self, persona: Persona) -> None:
        """Know `persona`'s interests from now on (a team persona published while the app runs)."""
        self.cues[persona.id] = self._cues_of(persona)
        self.sources[persona.id] = persona

    def _cues_of(self, persona: Persona) -> ExemplarIndex:
        docs = interest_documents(persona)
        return ExemplarIndex([t for _, t in docs], [i for i, _ in docs], self.embedder.embed([t for _, t in docs]))
