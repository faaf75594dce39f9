"""The Studio service: trainers create, edit, check, publish, archive and share personas. Every call checks the
caller; trainees never reach a draft or a hidden field through it.

A draft belongs to its author until it is published: no other trainer reads it (hidden interests included) or
changes it. A published persona is shared: every trainer may read, check, copy, export and play it, but only its
author or a lead trainer (`PARLEY_LEAD_TRAINERS`) may edit it into a new version, publish or archive it. The
operator (the local caller) may do anything. Every change is in the persona's history (`history`)."""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from typing import Any

from simulator.coach.grade import Grade
from simulator.coach.reading import read_message
from simulator.coach.rule_coach import Coach, RuleCoach
from simulator.counterpart.scripted import ScriptedVoice
from simulator.errors import NotAllowedError, PersonaFileError, StudioInputError, UnknownPersonaError
from simulator.game.rules import advance, initial_state
from simulator.game.state import GameState
from simulator.persona.cards import Imported, read_persona_file, slug, to_card, to_card_png, to_yaml
from simulator.persona.files import PersonaCatalog, schema_problems
from simulator.persona.model import Archetype, Persona
from simulator.persona.safe_load import load_yaml
from simulator.session.practice import visible_to_coach
from simulator.studio.check import CheckReport, check_data, check_persona
from simulator.studio.drafting import Drafted, DraftingModel, GuidedInterest, draft_with_model, guided_draft
from simulator.studio.model import LibraryEntry, PersonaEvent, PersonaVersion, Status
from simulator.studio.store import PersonaStore
from simulator.team.model import Caller, Role

EXPORT_FORMATS = ("yaml", "card-json", "card-png")
ID_PATTERN = re.compile(r"^[a-z][a-z0-9_]*$")


@dataclass
class TestPlay:
    """An author's trial conversation with a draft: held by the caller, never stored."""

    persona: Persona
    state: GameState
    coach: Coach
    turns: list[TestTurn] = field(default_factory=list)


@dataclass(frozen=True)
class TestTurn:
    """One trial turn as the author sees it: the full grade (targets included) and the hidden ledger."""

    user: str
    reply: str
    grade: Grade
    moves: list[str]
    trust: int
    ledger: list[dict[str, Any]]  # every interest: id, level, trust needed, uncovered or not


class Studio:
    def __init__(
        self,
        catalog: PersonaCatalog,
        store: PersonaStore,
        coach: Coach,
        builtin_ids: set[str],
        on_publish: Callable[[Persona], None] | None = None,
        drafter: DraftingModel | None = None,
        lead_trainers: Collection[str] = (),
    ) -> None:
        self.lead_trainers = frozenset(n.lower() for n in lead_trainers)
        self.drafter = drafter  # a model that drafts from a description; None offline (the guided form instead)
        self.catalog = catalog
        self.store = store
        self.coach = coach
        self.builtin_ids = builtin_ids
        self.on_publish = on_publish

    # --- who may ----------------------------------------------------------------------------------------------

    @staticmethod
    def require_trainer(caller: Caller) -> None:
        """Refuses anyone but a trainer (or the operator): the check every Studio handler makes before it reads
        what it was sent."""
        Studio._trainer(caller)

    @staticmethod
    def _trainer(caller: Caller) -> None:
        if not caller.is_trainer:
            raise NotAllowedError("only a trainer can use the Studio")

    def _versions(self, persona_id: str) -> list[PersonaVersion]:
        versions = self.store.versions(persona_id)
        if not versions:
            raise UnknownPersonaError(persona_id, self.store.team_persona_ids())
        return versions

    @staticmethod
    def _own(caller: Caller, version: PersonaVersion) -> bool:
        return caller.role is Role.LOCAL or version.author.lower() == caller.name.lower()

    def _visible(self, caller: Caller, versions: list[PersonaVersion]) -> list[PersonaVersion]:
        """The versions `caller` may read: every published one, and drafts only their own."""
        return [v for v in versions if v.status is Status.PUBLISHED or self._own(caller, v)]

    def _readable(self, caller: Caller, persona_id: str) -> list[PersonaVersion]:
        versions = self._versions(persona_id)
        visible = self._visible(caller, versions)
        if not visible:
            raise NotAllowedError(
                f"'{persona_id}' is {versions[-1].author}'s draft: only its author can open it until it is published"
            )
        return visible

    def may_manage(self, caller: Caller, persona_id: str) -> bool:
        """Whether `caller` may edit the persona into a new version, publish or archive it: its author, a lead
        trainer, or the operator."""
        if caller.role is Role.LOCAL or caller.name.lower() in self.lead_trainers:
            return True
        owner = self.store.owner(persona_id)
        return owner is not None and owner.lower() == caller.name.lower()

    def _manage(self, caller: Caller, persona_id: str, doing: str, *, drafting: bool = True) -> list[PersonaVersion]:
        """The persona's versions, when `caller` may do `doing` to it; refused with who may otherwise. `drafting`:
        `doing` writes or publishes the newest draft, so that draft must be the caller's own too."""
        versions = self._readable(caller, persona_id)
        if not self.may_manage(caller, persona_id):
            raise NotAllowedError(
                f"only {self.store.owner(persona_id)}, who made '{persona_id}', or a lead trainer can {doing} it: "
                "make a copy to work on your own"
            )
        newest = self._versions(persona_id)[-1]
        if drafting and newest.status is Status.DRAFT and not self._own(caller, newest):
            raise NotAllowedError(
                f"'{persona_id}' has a draft by {newest.author}: only they can {doing} it until it is published"
            )
        return versions

    # --- the library ------------------------------------------------------------------------------------------

    def library(self, caller: Caller) -> list[LibraryEntry]:
        """Built-in personas (read-only) and the team's own, each with status, version, author and last check."""
        self._trainer(caller)
        rows = []
        for persona in sorted(
            (p for pid, p in self.catalog.personas.items() if pid in self.builtin_ids), key=lambda p: p.name
        ):
            rows.append(
                LibraryEntry(persona.id, persona.name, "built-in", Status.PUBLISHED, None, None, "Parley", "-", "")
            )
        for persona_id in self.store.team_persona_ids():
            versions = self._visible(caller, self.store.versions(persona_id))
            if not versions:
                continue  # another trainer's draft, not yet shared
            newest = versions[-1]
            published = [v.version for v in versions if v.status is Status.PUBLISHED]
            status = Status.ARCHIVED if self.store.is_archived(persona_id) else newest.status
            checked = newest.check["summary"] if newest.check else "not checked"
            rows.append(
                LibraryEntry(
                    persona_id,
                    str(newest.data.get("name") or persona_id),
                    "team",
                    status,
                    newest.version,
                    published[-1] if published else None,
                    newest.author,
                    checked,
                    newest.updated_at,
                )
            )
        return rows

    def data_of(self, caller: Caller, persona_id: str) -> dict[str, Any]:
        """A persona's data to edit or copy: a team persona's newest version, or a built-in persona."""
        self._trainer(caller)
        if persona_id in self.builtin_ids and persona_id in self.catalog.personas:
            return self.catalog.personas[persona_id].model_dump(mode="json")
        return copy.deepcopy(self._readable(caller, persona_id)[-1].data)

    def version(self, caller: Caller, persona_id: str) -> PersonaVersion:
        """The newest version `caller` may read: their own draft, or else the newest published one."""
        self._trainer(caller)
        return self._readable(caller, persona_id)[-1]

    def history(self, caller: Caller, persona_id: str) -> list[PersonaEvent]:
        """Who created, edited, published, archived and restored the persona, and when, oldest first."""
        self._trainer(caller)
        self._readable(caller, persona_id)
        return self.store.history(persona_id)

    # --- creating ---------------------------------------------------------------------------------------------

    def _new_id(self, persona_id: str) -> None:
        if not ID_PATTERN.match(persona_id) or len(persona_id) > 48:
            raise StudioInputError(
                f"id '{persona_id}': use lowercase letters, digits and underscores, starting with a letter (at most 48)"
            )
        if persona_id in self.builtin_ids:
            raise StudioInputError(f"id '{persona_id}' is a built-in persona; give your persona its own id")
        if self.store.versions(persona_id):
            raise StudioInputError(f"id '{persona_id}' is already used by a team persona; choose another id")

    def _free_id(self, base: str) -> str:
        base = base[:40]
        taken = set(self.builtin_ids) | set(self.store.team_persona_ids())
        candidate, n = base, 1
        while candidate in taken:
            n += 1
            candidate = f"{base}_{n}"
        return candidate

    def template(self, caller: Caller, archetype: str = "competitive") -> dict[str, Any]:
        """A working persona to start from: a built-in of the archetype with a new id and name."""
        self._trainer(caller)
        example = self._template_persona(archetype)
        data = example.model_dump(mode="json")
        data["id"] = self._free_id(f"new_{example.archetype.value}")
        data["name"] = "New counterpart"
        return data

    def create(self, caller: Caller, data: dict[str, Any]) -> PersonaVersion:
        """A new team persona's first draft (it need not be valid yet)."""
        self._trainer(caller)
        persona_id = str(data.get("id") or "")
        self._new_id(persona_id)
        return self.store.save_draft(persona_id, data, caller.name)

    def copy_of(self, caller: Caller, persona_id: str) -> PersonaVersion:
        data = self.data_of(caller, persona_id)
        data["id"] = self._free_id(f"{persona_id}_copy")
        data["name"] = f"{data.get('name', persona_id)} (copy)"
        return self.create(caller, data)

    def _template_persona(self, archetype: str) -> Persona:
        try:
            kind = Archetype(archetype)
        except ValueError:
            raise StudioInputError(
                f"archetype '{archetype}': use one of {', '.join(a.value for a in Archetype)}"
            ) from None
        example = next((p for p in self.catalog.ordered() if p.archetype is kind and p.id in self.builtin_ids), None)
        if example is None:
            raise StudioInputError(f"no built-in {kind.value} persona to start from")
        return example

    def draft(self, caller: Caller, description: str, archetype: str) -> tuple[PersonaVersion, Drafted]:
        """With a model: the whole persona drafted from a description, repaired once; what is still wrong is
        shown with the draft, for the trainer to fix."""
        self._trainer(caller)
        if self.drafter is None:
            raise StudioInputError("no model is configured (PARLEY_COACH_BASE_URL): use the guided form instead")
        self._template_persona(archetype)
        drafted = draft_with_model(self.drafter, description, archetype)
        data = drafted.data
        data["id"] = self._free_id(slug(str(data.get("id") or data.get("name") or "drafted")))
        return self.store.save_draft(data["id"], data, caller.name), drafted

    def guided(self, caller: Caller, archetype: str, interests: list[GuidedInterest], **face: str) -> PersonaVersion:
        """Offline: a playable draft from the guided form, the archetype's defaults around the trainer's parts."""
        self._trainer(caller)
        data = guided_draft(self._template_persona(archetype), interests=interests, **face)
        data["id"] = self._free_id(data["id"])
        return self.store.save_draft(data["id"], data, caller.name)

    def import_file(self, caller: Caller, name: str, blob: bytes) -> tuple[PersonaVersion, Imported]:
        """A Parley YAML/JSON file or a Character Card (JSON or PNG) as a new draft. A plain community card gives
        the public face only; `Imported.missing` names the hidden parts the trainer must write."""
        self._trainer(caller)
        imported = read_persona_file(name, blob)
        data = imported.data
        persona_id = str(data.get("id") or "")
        if persona_id in self.builtin_ids or self.store.versions(persona_id):
            raise StudioInputError(
                f"{name}: id '{persona_id}' is already used by "
                + ("a built-in persona" if persona_id in self.builtin_ids else "a team persona")
                + "; change the id in the file, or edit that persona instead"
            )
        self._new_id(persona_id)
        return self.store.save_draft(persona_id, data, caller.name), imported

    # --- editing ----------------------------------------------------------------------------------------------

    @staticmethod
    def parse(text: str) -> dict[str, Any]:
        return parse_persona_text(text)

    @staticmethod
    def problems(data: dict[str, Any]) -> list[str]:
        """Live validation: each problem as 'field path: fix'."""
        return schema_problems(data)

    def save(self, caller: Caller, persona_id: str, data: dict[str, Any]) -> tuple[PersonaVersion, list[str]]:
        """Keep the trainer's edit as the draft (a published version is never changed: editing it starts the
        next version). Invalid data is kept too, so nothing typed is lost; the problems come back."""
        self._trainer(caller)
        if persona_id in self.builtin_ids:
            raise StudioInputError(f"'{persona_id}' is built in and read-only: make a copy to edit it")
        self._manage(caller, persona_id, "edit")
        if data.get("id") != persona_id:
            raise StudioInputError(
                f"id: this persona's id is '{persona_id}'; to use another id, make a copy (the draft was not saved)"
            )
        return self.store.save_draft(persona_id, data, caller.name), self.problems(data)

    # --- checking and publishing ------------------------------------------------------------------------------

    def check(self, caller: Caller, persona_id: str) -> CheckReport:
        self._trainer(caller)
        if persona_id in self.builtin_ids and persona_id in self.catalog.personas:
            return check_persona(self.catalog.personas[persona_id], self.coach, self.peers())
        newest = self._readable(caller, persona_id)[-1]
        report = check_data(newest.data, persona_id, self.coach, self.peers())
        self.store.save_check(persona_id, newest.version, report.to_dict())
        return report

    def peers(self) -> list[Persona]:
        return [p for pid, p in self.catalog.personas.items() if pid in self.builtin_ids]

    def publish(self, caller: Caller, persona_id: str) -> PersonaVersion:
        """Check the draft again and publish it: trainees can practise with it at once, no restart."""
        self._trainer(caller)
        newest = self._manage(caller, persona_id, "publish")[-1]
        if newest.status is not Status.DRAFT:
            raise StudioInputError(
                f"'{persona_id}' version {newest.version} is already published; edit it to make a draft"
            )
        report = self.check(caller, persona_id)
        if not report.passed:
            first = "; ".join(f"{f.where}: {f.message}" for f in report.errors[:3])
            raise StudioInputError(f"'{persona_id}' cannot be published: {report.summary()} ({first})")
        persona = Persona.model_validate(newest.data)
        self.store.publish(persona_id, newest.version, caller.name)
        self.catalog.add_version(persona, newest.version, startable=not self.store.is_archived(persona_id))
        if self.on_publish is not None:
            self.on_publish(persona)
        return self._versions(persona_id)[-1]

    def archive(self, caller: Caller, persona_id: str, archived: bool = True) -> None:
        """Hide from new practice and assignments (or bring back); old transcripts keep their version."""
        self._trainer(caller)
        versions = self._manage(caller, persona_id, "archive" if archived else "restore", drafting=False)
        self.store.set_archived(persona_id, archived, caller.name)
        if archived:
            self.catalog.withdraw(persona_id)
            return
        published = [v for v in versions if v.status is Status.PUBLISHED]
        if published:
            self.catalog.add_version(Persona.model_validate(published[-1].data), published[-1].version)

    # --- sharing ----------------------------------------------------------------------------------------------

    def export(self, caller: Caller, persona_id: str, fmt: str) -> tuple[str, bytes]:
        """(file name, bytes) of a valid persona as Parley YAML, a card's JSON or a card PNG."""
        data = self.data_of(caller, persona_id)
        if fmt not in EXPORT_FORMATS:
            raise StudioInputError(f"format '{fmt}': use one of {', '.join(EXPORT_FORMATS)}")
        problems = self.problems(data)
        if problems:
            raise StudioInputError(f"'{persona_id}' is not valid yet, so it cannot be shared: {problems[0]}")
        persona = Persona.model_validate(data)
        versions = self._visible(caller, self.store.versions(persona_id))
        version = str(versions[-1].version) if versions else "1"
        author = versions[-1].author if versions else "Parley"
        if fmt == "yaml":
            return f"{persona_id}.yaml", to_yaml(persona).encode("utf-8")
        if fmt == "card-json":
            return f"{persona_id}.card.json", json.dumps(
                to_card(persona, creator=author, version=version), indent=2
            ).encode()
        return f"{persona_id}.card.png", to_card_png(persona, creator=author, version=version)

    # --- test-play --------------------------------------------------------------------------------------------

    def test_play(self, caller: Caller, persona_id: str) -> TestPlay:
        """Play the newest version (a draft too) in the author view; nothing is stored."""
        data = self.data_of(caller, persona_id)
        problems = self.problems(data)
        if problems:
            raise StudioInputError(f"fix the draft before playing it: {problems[0]}")
        persona = Persona.model_validate(data)
        coach = self.coach.knowing(persona) if isinstance(self.coach, RuleCoach) else self.coach
        return TestPlay(persona, initial_state(persona), coach)

    def test_send(self, caller: Caller, play: TestPlay, text: str) -> TestTurn:
        self._trainer(caller)
        if play.state.ended:
            raise StudioInputError("this trial has ended: start another")
        reading = read_message(text)
        grade = play.coach.grade(reading, visible_to_coach(play.persona, play.state))
        state, moves = advance(play.persona, play.state, reading, grade)
        said = ScriptedVoice().say(play.persona, state, moves)
        play.state = state.with_lines_said(said.lines)
        ledger = [
            {
                "id": i.id,
                "level": i.level.value,
                "trust_needed": i.trust_needed,
                "uncovered": i.id in play.state.uncovered_ids,
            }
            for i in play.persona.hidden_interests
        ]
        turn = TestTurn(text, said.text, grade, [m.kind.value for m in moves], play.state.trust, ledger)
        play.turns.append(turn)
        return turn


def parse_persona_text(text: str, where: str = "the YAML editor") -> dict[str, Any]:
    """Persona YAML typed in the Studio (editor or form) as data, read within bounds (no aliases, limited size and
    depth, `persona/safe_load.py`); a problem names the line."""
    try:
        data = load_yaml(text or "", where)
    except PersonaFileError as exc:
        raise StudioInputError("; ".join(exc.problems)) from None
    if not isinstance(data, dict):
        raise StudioInputError("(top level): a persona is a mapping of fields such as id, name, role")
    return data
