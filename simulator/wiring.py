"""The composition root: the one place where real adapters (SQLite or PostgreSQL, Chroma, MiniLM, OpenAI-compatible models)
are plugged into the services. The app, the CLI and the team CLI all start from `build_services`."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from simulator.adapters import sql_migrate
from simulator.adapters.metrics import Metrics
from simulator.adapters.sign_in_marker import MARKER_NAME
from simulator.adapters.sql_copy import CopyReport, copy_database
from simulator.adapters.sql_personas import SqlPersonaStore
from simulator.adapters.sql_sign_in import SqlFailureLog, SqlSignIns
from simulator.adapters.sql_store import SqlStore
from simulator.adapters.sql_team import SqlTeamStore
from simulator.coach.rule_coach import Coach, RuleCoach
from simulator.config import Settings
from simulator.counterpart.scripted import Voice
from simulator.errors import StorageError
from simulator.persona.files import PersonaCatalog, load_folders
from simulator.persona.model import Persona
from simulator.session.practice import Practice
from simulator.session.store import Store
from simulator.studio.service import Studio
from simulator.team.passwords import Throttle
from simulator.team.service import Team

if TYPE_CHECKING:
    from simulator.adapters.chroma_index import TranscriptIndex

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Services:
    """Everything a front end needs, built once from `Settings`."""

    settings: Settings
    catalog: PersonaCatalog
    practice: Practice
    team: Team
    store: SqlStore
    studio: Studio
    search_off: str | None = None  # why transcript search and tip matching are off, when they are
    team_problems: tuple[str, ...] = ()  # team personas that could not be loaded
    metrics: Metrics = field(default_factory=Metrics)
    sign_ins: SqlSignIns | None = None  # who each sign-in token belongs to, shared by every instance

    def health(self) -> dict[str, str]:
        """What `/healthz` reports: "ok", or what is wrong, for the database and the embedding store."""
        report = {"database": self.store.reachable() or "ok"}
        index = self.practice.transcripts
        if self.search_off:
            report["chroma"] = self.search_off
        elif index is not None and hasattr(index, "reachable"):  # the Chroma index (imported only when used)
            report["chroma"] = index.reachable() or "ok"
        return report

    @property
    def problems(self) -> list[str]:
        """What start found that a person should hear about: skipped persona files, search switched off."""
        found = [f"skipped persona file {p}" for p in self.catalog.skipped] + list(self.team_problems)
        return found + ([f"transcript search and tip matching are off: {self.search_off}"] if self.search_off else [])

    def sign_in_required(self) -> bool:
        """Accounts exist, or existed here: the marker beside the database says so even when the data does not."""
        marker = self.store.marker
        return self.team.accounts_exist() or (marker is not None and marker.present())

    def check_accounts(self) -> None:
        """For the app's start: a database without the accounts this installation had is not served at all."""
        marker = self.store.marker
        if marker is not None and marker.present() and not self.team.accounts_exist():
            raise StorageError(marker.missing(f"the database {self.store.where} holds no accounts"))

    def close(self) -> None:
        self.store.close()


def build_services(settings: Settings, *, meaning: bool = True) -> Services:
    """The practice and team services over one database (SQLite by default). `meaning=False` skips Chroma and MiniLM (commands
    that only read or write records). A database that cannot be opened raises `StorageError`: nothing starts
    on it, since starting without its accounts could serve a team's transcripts to anyone."""
    catalog = load_folders(settings.persona_dirs)
    from_files = set(catalog.personas)
    store = SqlStore(settings.database, marker=settings.data_dir / MARKER_NAME)
    personas = SqlPersonaStore(store)
    team_problems = load_team_personas(catalog, personas, from_files)
    search_off = None
    practice = Practice(catalog, store, max_message_chars=settings.max_message_chars)
    if meaning:
        try:
            practice = build_practice(settings, catalog, store)
        except StorageError as exc:
            # Without Chroma the rule coach still grades and nothing is lost; only meaning-based help is off.
            search_off = str(exc)
            log.warning("transcript search and tip matching are off: %s", exc)
    rule_coach = practice.rule_coach
    knowledge = rule_coach.knowledge if isinstance(rule_coach, RuleCoach) else None
    drafter = None
    drafting = settings.coach_model or settings.counterpart_model
    if drafting is not None:
        from simulator.adapters.openai_chat import OpenAIPersonaDrafter  # only with a model: offline loads no LangChain

        drafter = OpenAIPersonaDrafter(drafting)
    studio = Studio(
        catalog,
        personas,
        rule_coach,
        from_files,
        on_publish=knowledge.learn if knowledge is not None else None,
        drafter=drafter,
        lead_trainers=settings.lead_trainers,
    )
    metrics = Metrics()
    practice.observer = metrics.turn_played
    throttle = Throttle(log=SqlFailureLog(store), on_failure=metrics.sign_in_failed)
    team = Team(practice, SqlTeamStore(store), throttle=throttle)
    if store.marker is not None and team.accounts_exist():
        store.marker.write()  # installations from before the marker, and accounts added by another instance
    return Services(
        settings,
        catalog,
        practice,
        team,
        store,
        studio,
        search_off,
        tuple(team_problems),
        metrics,
        SqlSignIns(store, hours=settings.sign_in_hours),
    )


def load_team_personas(catalog: PersonaCatalog, store: SqlPersonaStore, from_files: set[str]) -> list[str]:
    """Every published team persona version into the catalog (archived ones only for their old sessions)."""
    problems = []
    for version in store.published():
        if version.persona_id in from_files:
            problems.append(
                f"team persona '{version.persona_id}' has the id of a persona file, which wins; rename one of them"
            )
            continue
        try:
            persona = Persona.model_validate(version.data)
        except ValueError as exc:
            problems.append(f"team persona '{version.persona_id}' version {version.version} is invalid ({exc})")
            continue
        catalog.add_version(persona, version.version, startable=not store.is_archived(version.persona_id))
    return sorted(set(problems))


def build_rule_coach(settings: Settings, catalog: PersonaCatalog) -> RuleCoach:
    """The rule coach with meaning (Chroma and MiniLM), for commands that grade without playing (`grade`)."""
    from simulator.adapters.chroma_index import load_knowledge, open_client

    return RuleCoach(load_knowledge(open_client(settings.data_dir, settings.chroma_url), catalog.ordered()))


def build_transcript_index(settings: Settings) -> TranscriptIndex:
    """Transcript search on its own (`search`)."""
    from simulator.adapters.chroma_index import TranscriptIndex, open_client

    return TranscriptIndex(open_client(settings.data_dir, settings.chroma_url))


def build_practice(settings: Settings, catalog: PersonaCatalog, store: Store | None = None) -> Practice:
    """The database for transcripts, Chroma (embedded or server) for embeddings, MiniLM for meaning."""
    # Imported here: commands that only read or write records (`users`, `db`, `export`) start faster.
    from simulator.adapters.chroma_index import TranscriptIndex, load_knowledge, open_client

    client = open_client(settings.data_dir, settings.chroma_url)
    knowledge = load_knowledge(client, catalog.ordered())
    voice: Voice | None = None
    if settings.counterpart_model is not None:
        # Imported only when a model is configured: the offline app never loads LangChain.
        from simulator.adapters.openai_chat import OpenAIChatModel
        from simulator.adapters.tokens import count_tokens, prepare_cache
        from simulator.counterpart.model_voice import LLMVoice

        prepare_cache(settings.data_dir / "tiktoken")
        model = settings.counterpart_model
        voice = LLMVoice(
            OpenAIChatModel(model),
            max_tokens=model.max_tokens,
            count_tokens=lambda text: count_tokens(text, model.model),
        )
    coach: Coach = RuleCoach(knowledge)
    if settings.coach_model is not None:
        from simulator.adapters.openai_chat import OpenAIStructuredModel
        from simulator.coach.model_coach import LLMCoach

        coach = LLMCoach(OpenAIStructuredModel(settings.coach_model), floor=RuleCoach(knowledge))
    return Practice(
        catalog,
        store if store is not None else SqlStore(settings.database),
        coach=coach,
        voice=voice,
        transcripts=TranscriptIndex(client),
        max_message_chars=settings.max_message_chars,
    )


@dataclass(frozen=True)
class Upgrade:
    where: str  # the database, without its password
    before: str | None  # its schema revision before (None: it was new)
    after: str


def upgrade_database(settings: Settings) -> Upgrade:
    """`db upgrade`: bring the configured database to the newest schema (opening a store does it) and say how."""
    store = SqlStore(settings.database)
    try:
        return Upgrade(store.where, store.upgraded_from, sql_migrate.head())
    finally:
        store.close()


def copy_database_to(settings: Settings, url: str) -> tuple[str, str, CopyReport]:
    """`db copy --to URL`: the configured database, whole, into an empty one (upgraded first). Returns where
    from, where to, and what was verified."""
    source = SqlStore(settings.database)
    try:
        target = SqlStore(url)
        try:
            return source.where, target.where, copy_database(source, target)
        finally:
            target.close()
    finally:
        source.close()
