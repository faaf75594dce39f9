"""The persona file schema: one counterpart, validated at the edge."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, model_validator

Text = Annotated[str, Field(min_length=1)]
Lines = Annotated[list[Text], Field(min_length=2)]
Cues = Annotated[list[Text], Field(min_length=1)]
Percent = Annotated[int, Field(ge=0, le=100)]
Identifier = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=48)]


class Strict(BaseModel):
    """Base for file models: unknown keys are errors, so typos are caught."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Archetype(StrEnum):
    """How the counterpart plays; each has its own rules in `archetypes.py`."""

    COMPETITIVE = "competitive"
    UNREASONABLE = "unreasonable"
    LOW_TRUST = "low_trust"


class Level(StrEnum):
    """The depth of a need, from the practical goal down to identity."""

    PRACTICAL = "practical"
    EMOTIONAL = "emotional"
    POLITICAL = "political"
    IDENTITY = "identity"


class Difficulty(StrEnum):
    EASY = "easy"
    MEDIUM = "medium"
    HARD = "hard"


class Satisfier(Strict):
    """A kind of proposal that would meet an interest."""

    description: Text = Field(
        description="The kind of proposal, e.g. 'deliver a first module before the board meeting'."
    )
    cues: Cues = Field(
        description="Words or short phrases; a proposal that contains every word of any one cue offers this."
    )


class HiddenInterest(Strict):
    """Why the counterpart wants what they say they want; hidden until probed with enough trust."""

    id: Identifier = Field(description="Short snake_case id, unique in the file.")
    level: Level = Field(description="Depth of the need: practical, emotional, political or identity.")
    core: bool = Field(default=True, description="A core interest must be met for an agreement.")
    summary: Text = Field(description="One sentence for trainers: what the interest is.")
    behaviour_while_hidden: Text = Field(description="How the counterpart acts while this is still hidden.")
    deflections: Lines = Field(
        description="Spoken lines used when the user probes this interest without enough trust. Must not give it away."
    )
    reveal: Text = Field(description="What the counterpart says, in their voice, once this is uncovered.")
    probes: Annotated[list[Text], Field(min_length=2)] = Field(
        description="Example questions that would uncover this interest."
    )
    cues: Cues = Field(
        description="Words or short phrases that point a question at this interest (e.g. 'board', 'your boss')."
    )
    trust_needed: Percent = Field(description="Trust (0-100) the counterpart needs before revealing this.")
    satisfiers: Annotated[list[Satisfier], Field(min_length=1)] = Field(
        description="Kinds of proposal that would meet this interest."
    )


class Position(Strict):
    """What the counterpart says they want, and the interests behind it."""

    id: Identifier
    statement: Text = Field(description="The position in their words, e.g. 'We need 20% off, full stop.'")
    topic: Text = Field(description="A short noun phrase for coaching tips, e.g. 'the 20% discount'.")
    cues: Cues = Field(description="Words that show a message is about this position.")
    behind: Annotated[list[Identifier], Field(min_length=1)] = Field(
        description="Ids of the hidden interests that drive this position."
    )
    softened: Text = Field(description="What they say when the interest behind it is met and they ease off.")


class WalkAway(Strict):
    """When the counterpart leaves the table (patience at zero always ends it too)."""

    below_trust: Percent = Field(description="They walk away if trust falls below this.")
    hostile_strikes: Annotated[int, Field(ge=1, le=10)] = Field(
        description="They walk away after this many hostile messages (threats, insults, ultimatums)."
    )


class Deal(Strict):
    """What an agreement needs beyond proposals that meet the uncovered core interests."""

    min_trust: Percent = Field(description="Trust needed before they will agree.")
    min_uncovered: Annotated[int, Field(ge=1)] = Field(
        description="How many interests must be uncovered before any agreement."
    )


class ScriptedLines(Strict):
    """What the counterpart can say for each move, used without any model. Two or more per move."""

    anchor: Lines = Field(description="Restating their position when nothing moves them.")
    acknowledge: Lines = Field(description="Warming when the user acknowledges them or is open about constraints.")
    escalate: Lines = Field(description="Pushing back hard when met with aggression.")
    reject_split: Lines = Field(description="Refusing to split the difference.")
    reject_proposal: Lines = Field(description="Turning down a proposal that meets none of their interests.")
    counter: Lines = Field(description="A proposal that helps but is not yet enough.")
    accept: Lines = Field(description="Agreeing to the deal.")
    walk_away: Lines = Field(description="Leaving the table.")
    out_of_turns: Lines = Field(description="Ending because time is up.")
    clarify: Lines = Field(description="When the message is not something they can answer (other language, noise).")
    reveal_lead: Lines = Field(description="A short lead-in said before revealing an interest.")


class Persona(Strict):
    """One counterpart: public face, hidden interests and the lines to play them."""

    id: Identifier = Field(description="Unique id; the file name without '.yaml' by convention.")
    name: Text
    role: Text = Field(description="Their job and organisation, e.g. 'Head of procurement, Larkfield Hospitals'.")
    archetype: Archetype
    difficulty: Difficulty
    scenario: Text = Field(description="The brief the trainee reads: who you are, who they are, what is at stake.")
    opening: Text = Field(description="Their first line.")
    style: Text = Field(description="How they talk: tone, habits, phrases; guides an LLM voice.")
    positions: Annotated[list[Position], Field(min_length=1)]
    hidden_interests: Annotated[list[HiddenInterest], Field(min_length=3)] = Field(
        description="Ordered from most to least pressing; an open, general question goes after the first still hidden."
    )
    trust: Percent = Field(description="Starting trust, 0-100.")
    patience: Percent = Field(description="Starting patience, 0-100; at zero they walk away.")
    max_turns: Annotated[int, Field(ge=4, le=60)] = Field(default=20, description="User messages before time runs out.")
    walk_away: WalkAway
    deal: Deal
    lines: ScriptedLines

    @model_validator(mode="after")
    def _check_references(self) -> Persona:
        ids = [i.id for i in self.hidden_interests]
        duplicates = sorted({i for i in ids if ids.count(i) > 1})
        if duplicates:
            raise ValueError(f"hidden_interests: duplicate id(s) {duplicates}; give each interest its own id")
        levels = {i.level for i in self.hidden_interests}
        if len(levels) < 3:
            raise ValueError(
                "hidden_interests: use at least three different levels (practical, emotional, political, identity)"
            )
        for position in self.positions:
            unknown = [b for b in position.behind if b not in ids]
            if unknown:
                raise ValueError(f"positions.{position.id}.behind: unknown interest id(s) {unknown}; use one of {ids}")
        if self.deal.min_uncovered > len(ids):
            raise ValueError(
                f"deal.min_uncovered: {self.deal.min_uncovered} is more than the {len(ids)} hidden interests"
            )
        return self

    def interest(self, interest_id: str) -> HiddenInterest:
        """The hidden interest with this id (KeyError if absent)."""
        for item in self.hidden_interests:
            if item.id == interest_id:
                return item
        raise KeyError(interest_id)
