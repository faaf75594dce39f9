"""The MiniLM embedding function and the Chroma store: offline, deterministic, persisted across processes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np

from simulator.adapters.chroma_index import load_knowledge, open_client
from simulator.adapters.minilm import MiniLMEmbedder, shared_embedder
from simulator.coach.embedding import ExemplarIndex
from simulator.persona.files import PersonaCatalog

NO_NETWORK = (
    "import socket\n"
    "def refuse(*a, **k):\n"
    "    raise OSError('network use is not allowed')\n"
    "socket.socket.connect = refuse\n"
    "socket.create_connection = refuse\n"
)


def test_vectors_are_deterministic_and_normalised() -> None:
    texts = ["What would a good outcome look like for you?", "Take it or leave it.", "ok"]
    first = shared_embedder().embed(texts)
    again = MiniLMEmbedder().embed(texts)
    assert first.shape == (3, 384) and first.dtype == np.float32
    assert np.array_equal(first, shared_embedder().embed(texts))
    np.testing.assert_allclose(first, again, atol=1e-6)
    np.testing.assert_allclose(np.linalg.norm(first, axis=1), 1.0, atol=1e-5)
    # Padding a batch to its longest text must not change a short text's vector.
    alone = shared_embedder().embed(["ok"])
    np.testing.assert_allclose(alone[0], first[2], atol=1e-4)


def test_background_indexing_embeds_exactly_as_a_turn_does() -> None:
    """Indexing runs on its own one-thread copy of the model; search compares its vectors with the turn's."""
    texts = [f"Message {n}: what would a good outcome look like for you this quarter?" * (n % 3 + 1) for n in range(20)]
    model = MiniLMEmbedder()
    background = model.embed(texts, background=True)
    model._recent.clear()  # no remembered vectors: the turn's path computes them again
    np.testing.assert_allclose(background, model.embed(texts), atol=1e-5)


def test_meaning_not_words() -> None:
    a, b, c = shared_embedder().embed(
        ["What keeps you awake at night about this project?", "What worries you most here?", "Please send the invoice."]
    )
    assert float(a @ b) > float(a @ c) + 0.1


def test_closeness_to_a_label_averages_its_nearest_exemplars() -> None:
    index = ExemplarIndex(["a", "b", "c"], ["off", "off", "probe"], np.eye(3, dtype=np.float32))
    query = np.array([1.0, 0.5, 0.9], dtype=np.float32)
    assert index.closeness(query, "off", 1) == 1.0
    assert index.closeness(query, "off", 2) == 0.75
    assert abs(index.closeness(query, "probe", 4) - 0.9) < 1e-6
    assert index.closeness(query, "missing", 2) == float("-inf")


def test_embedding_works_with_the_network_cut_off() -> None:
    code = NO_NETWORK + (
        "from simulator.adapters.minilm import MiniLMEmbedder\nprint(MiniLMEmbedder().embed(['hello there']).shape)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert "(1, 384)" in out.stdout


def test_persisted_collections_reopen_in_a_new_process(tmp_path: Path, catalog: PersonaCatalog) -> None:
    knowledge = load_knowledge(open_client(tmp_path), catalog.ordered())
    assert len(knowledge.tip_index) >= 60 and len(knowledge.exemplars) > 400
    code = NO_NETWORK + (
        "import json, sys\n"
        "from pathlib import Path\n"
        "import simulator.adapters.chroma_index  # registers our embedding function\n"
        "from simulator.adapters.chroma_index import open_client\n"
        "client = open_client(Path(sys.argv[1]))\n"
        "name = next(c.name for c in client.list_collections() if c.name.startswith('coaching_tips-'))\n"
        "tips = client.get_collection(name)\n"
        "found = tips.query(query_texts=['They threatened to walk away to a competitor'], n_results=3)\n"
        "print(json.dumps({'count': tips.count(), 'ids': found['ids'][0]}))\n"
    )
    out = subprocess.run([sys.executable, "-c", code, str(tmp_path)], capture_output=True, text=True, timeout=180)
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result["count"] == len(knowledge.tips)
    tips = {t.id: t for t in knowledge.tips}
    assert tips[result["ids"][0]].criterion == "collaboration"


def test_sync_does_not_re_embed_unchanged_content(tmp_path: Path, catalog: PersonaCatalog) -> None:
    client = open_client(tmp_path)
    load_knowledge(client, catalog.ordered())
    before = {c.name: c.metadata.get("digest") for c in client.list_collections()}
    load_knowledge(client, catalog.ordered())
    after = {c.name: c.metadata.get("digest") for c in client.list_collections()}
    assert before == after and any(name.startswith("interest_cues_") for name in after)
