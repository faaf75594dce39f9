"""The composition root: real adapters (SQLite, Chroma, MiniLM) plugged into the practice service."""

from __future__ import annotations

from simulator.adapters.chroma_index import TranscriptIndex, load_knowledge, open_client
from simulator.adapters.sqlite_store import SqliteStore
from simulator.coach.rule_coach import Coach, RuleCoach
from simulator.config import Settings
from simulator.counterpart.scripted import Voice
from simulator.persona.files import PersonaCatalog
from simulator.session.practice import Practice
from simulator.session.store import Store


def build_practice(settings: Settings, catalog: PersonaCatalog, store: Store | None = None) -> Practice:
    """SQLite for transcripts, Chroma (embedded or server) for embeddings, MiniLM for meaning."""
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
        store if store is not None else SqliteStore(settings.database_path),
        coach=coach,
        voice=voice,
        transcripts=TranscriptIndex(client),
        max_message_chars=settings.max_message_chars,
    )
