"""Chroma holds the embeddings: interest cues, coaching tips, exemplars and transcript turns.

Embedded under the data directory by default; `PARLEY_CHROMA_URL` points the same code at a Chroma server.
Every collection names our embedding function explicitly, so Chroma never reaches for its default model
(which would download one).
"""

from __future__ import annotations

import atexit
import hashlib
import json
import logging
import queue
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import chromadb
import numpy as np
from chromadb.api import ClientAPI
from chromadb.api.models.Collection import Collection
from chromadb.api.types import Documents, EmbeddingFunction, Embeddings
from chromadb.config import Settings as ChromaSettings
from chromadb.utils.embedding_functions import register_embedding_function

from simulator.adapters.minilm import shared_embedder
from simulator.coach.embedding import ExemplarIndex
from simulator.coach.grade import Grade
from simulator.coach.knowledge import EXEMPLAR_LABELS, Knowledge, interest_documents, load_exemplars, load_tips
from simulator.errors import StorageError
from simulator.persona.model import Persona
from simulator.session.store import GradedMessage

TRANSCRIPTS = "transcript_turns"
_log = logging.getLogger(__name__)
# Chroma holds Python's lock through a write (about 5 ms plus 0.5 ms a message): small writes keep turns flowing.
BATCH_WRITES = 4
WRITE_DELAY_S = 0.25


@register_embedding_function
class ParleyEmbeddingFunction(EmbeddingFunction[Documents]):
    """MiniLM int8 from installed packages, registered so persisted collections reopen in a new process."""

    def __init__(self) -> None:
        self._embedder = shared_embedder()

    def __call__(self, input: Documents) -> Embeddings:
        return list(self._embedder.embed(list(input)))

    @staticmethod
    def name() -> str:
        return "parley-minilm-int8"

    def get_config(self) -> dict[str, Any]:
        return {}

    @staticmethod
    def build_from_config(config: dict[str, Any]) -> ParleyEmbeddingFunction:
        return ParleyEmbeddingFunction()

    def default_space(self) -> str:  # type: ignore[override]
        return "cosine"


def open_client(data_dir: Path, url: str | None = None) -> ClientAPI:
    """The embedded store in `data_dir/chroma`, or a Chroma server at `url` (http://host:port)."""
    settings = ChromaSettings(anonymized_telemetry=False)
    try:
        if url:
            parsed = urlparse(url)
            if not parsed.hostname:
                raise StorageError(f"PARLEY_CHROMA_URL '{url}' is not a URL: use the form http://127.0.0.1:8000")
            return chromadb.HttpClient(
                host=parsed.hostname,
                port=parsed.port or 8000,
                ssl=parsed.scheme == "https",
                settings=settings,
            )
        return chromadb.PersistentClient(path=str(data_dir / "chroma"), settings=settings)
    except StorageError:
        raise
    except Exception as exc:  # chromadb raises many kinds; all mean "store unavailable"
        where = url or str(data_dir / "chroma")
        raise StorageError(
            f"cannot open the Chroma store at {where} ({exc}); check PARLEY_CHROMA_URL or PARLEY_DATA_DIR"
        ) from None


def _digest(items: Sequence[Any]) -> str:
    return hashlib.sha256(json.dumps(items, sort_keys=True).encode()).hexdigest()[:16]


def _function() -> Any:
    # Chroma's generic EmbeddingFunction type does not accept a str-only function; the runtime does.
    return ParleyEmbeddingFunction()


def _collection(client: ClientAPI, name: str) -> Collection:
    return client.get_or_create_collection(name, embedding_function=_function(), metadata={"hnsw:space": "cosine"})


def _sync(client: ClientAPI, name: str, ids: list[str], docs: list[str], metas: list[dict[str, Any]]) -> Collection:
    """A collection holding exactly these documents, named by their digest, so that app instances starting
    together on one Chroma server fill the same collection (upserts, so a second filler changes nothing) and
    an instance still running older content keeps its own. Re-embeds only when the content changed."""
    digest = _digest([ids, docs, metas])
    full = f"{name}-{digest}"
    collection = client.get_or_create_collection(
        full, embedding_function=_function(), metadata={"hnsw:space": "cosine", "digest": digest}
    )
    if collection.count() != len(ids):
        for start in range(0, len(ids), 500):
            batch: Any = metas[start : start + 500]
            collection.upsert(ids=ids[start : start + 500], documents=docs[start : start + 500], metadatas=batch)
    if "fastapi" not in str(client.get_settings().chroma_api_impl).lower():
        # Embedded, one app owns the store: older content's collections go (on a server they may be in use).
        # Persona ids are [a-z0-9_], so '-' only ever precedes a digest.
        for stale in client.list_collections():
            if stale.name != full and (stale.name == name or stale.name.startswith(f"{name}-")):
                client.delete_collection(stale.name)
    return collection


def _index(collection: Collection, label_key: str) -> ExemplarIndex:
    got: Any = collection.get(include=["embeddings", "documents", "metadatas"])
    vectors = np.asarray(got["embeddings"], dtype=np.float32) if len(got["ids"]) else np.zeros((0, 384), np.float32)
    labels = [str(m[label_key]) for m in got["metadatas"] or []]
    return ExemplarIndex(got["documents"] or [], labels, vectors)


def load_knowledge(client: ClientAPI, personas: Sequence[Persona]) -> Knowledge:
    """Sync tips, exemplars and interest cues into Chroma, then load their vectors for in-memory search."""
    tips = load_tips()
    tip_collection = _sync(
        client,
        "coaching_tips",
        [t.id for t in tips],
        [t.situation for t in tips],
        [{"tip_id": t.id, "criterion": t.criterion} for t in tips],
    )
    exemplars = load_exemplars()
    texts = [t for label in EXEMPLAR_LABELS for t in exemplars[label]]
    labels = [label for label in EXEMPLAR_LABELS for _ in exemplars[label]]
    exemplar_collection = _sync(
        client,
        "coach_exemplars",
        [f"{lab}-{n}" for n, lab in enumerate(labels)],
        texts,
        [{"label": lab} for lab in labels],
    )
    cues: dict[str, ExemplarIndex] = {}
    for persona in personas:
        docs = interest_documents(persona)
        collection = _sync(
            client,
            f"interest_cues_{persona.id}",
            [f"{persona.id}-{n}" for n in range(len(docs))],
            [text for _, text in docs],
            [{"persona_id": persona.id, "interest_id": interest_id} for interest_id, _ in docs],
        )
        cues[persona.id] = _index(collection, "interest_id")
    return Knowledge(
        embedder=shared_embedder(),
        tips=tips,
        tip_index=_index(tip_collection, "tip_id"),
        exemplars=_index(exemplar_collection, "label"),
        cues=cues,
        sources={p.id: p for p in personas},
    )


@dataclass(frozen=True)
class Match:
    session_id: str
    turn: int
    persona_id: str
    text: str
    similarity: float
    grade: Grade


def _turn_id(session_id: str, turn: int) -> str:
    return f"{session_id}-{turn}"


class TranscriptIndex:
    """Users' messages with their grades, searchable by meaning ("where did people handle a budget objection well?").

    Indexing runs on a worker thread: SQLite is the record, and embedding plus Chroma's write (about 20 ms)
    stays off the turn's path. Reads wait for pending writes, and pending writes finish at exit.
    """

    def __init__(self, client: ClientAPI) -> None:
        self._collection = _collection(client, TRANSCRIPTS)
        self._queue: queue.Queue[tuple[str, str, dict[str, Any]]] = queue.Queue()
        self._worker = threading.Thread(target=self._drain, name="transcript-index", daemon=True)
        self._worker.start()
        atexit.register(self.flush)

    def _drain(self) -> None:
        while True:
            batch = [self._queue.get()]
            # Gather what arrives in the next moment and write it in one go: fewer, larger writes.
            while len(batch) < BATCH_WRITES:
                try:
                    batch.append(self._queue.get(timeout=WRITE_DELAY_S))
                except queue.Empty:
                    break
            try:
                documents = [text for _, text, _ in batch]
                self._collection.upsert(
                    ids=[item_id for item_id, _, _ in batch],
                    documents=documents,
                    metadatas=[meta for _, _, meta in batch],
                    embeddings=shared_embedder().embed(documents, background=True),  # steps aside for turns
                )
            except Exception as exc:  # the turns are safe in SQLite, and `catch_up` indexes them later
                _log.warning("transcript search could not index %d message(s): %s", len(batch), exc)
            finally:
                for _ in batch:
                    self._queue.task_done()

    def add(self, session_id: str, turn: int, persona_id: str, text: str, grade: Grade) -> None:
        meta = {
            "session_id": session_id,
            "turn": turn,
            "persona_id": persona_id,
            "total": grade.total,
            "grade": grade.model_dump_json(),
        }
        self._queue.put((_turn_id(session_id, turn), text, meta))

    def flush(self) -> None:
        """Wait until every message handed to `add` is searchable."""
        self._queue.join()

    def count(self) -> int:
        self.flush()
        return self._collection.count()

    def reachable(self) -> str | None:
        """None when the store answers now (a Chroma server, or the embedded files); else why not (/healthz)."""
        try:
            self._collection.count()
        except Exception as exc:  # chromadb raises many kinds; each means the store does not answer
            return str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        return None

    def catch_up(self, messages: Sequence[GradedMessage]) -> int:
        """Index the recorded messages that search does not hold yet (a failed write, sessions imported from a file,
        an app stopped mid-write); returns how many were added."""
        self.flush()
        held = set(self._collection.get(include=[])["ids"])
        missing = [m for m in messages if _turn_id(m.session_id, m.turn) not in held]
        for m in missing:
            self.add(m.session_id, m.turn, m.persona_id, m.text, m.grade)
        self.flush()
        return len(missing)

    def search(self, query: str, limit: int = 10, persona_id: str | None = None, min_total: int = 0) -> list[Match]:
        where: dict[str, Any] | None = None
        clauses: list[dict[str, Any]] = []
        if persona_id:
            clauses.append({"persona_id": persona_id})
        if min_total:
            clauses.append({"total": {"$gte": min_total}})
        if clauses:
            where = clauses[0] if len(clauses) == 1 else {"$and": clauses}
        self.flush()
        found: Any = self._collection.query(query_texts=[query], n_results=max(1, limit), where=where)
        matches = []
        for doc, meta, distance in zip(
            found["documents"][0], found["metadatas"][0], found["distances"][0], strict=True
        ):
            matches.append(
                Match(
                    session_id=str(meta["session_id"]),
                    turn=int(meta["turn"]),
                    persona_id=str(meta["persona_id"]),
                    text=doc,
                    similarity=round(1 - float(distance), 3),
                    grade=Grade.model_validate_json(str(meta["grade"])),
                )
            )
        return matches
