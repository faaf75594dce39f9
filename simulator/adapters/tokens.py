"""Token counting with tiktoken, offline: the encodings come from the `bpe-openai` package.

tiktoken fetches its encoding files on first use. We place the packaged copies where tiktoken's cache
looks for them (a file named by the sha1 of the download address), so nothing is fetched.
"""

from __future__ import annotations

import gzip
import hashlib
import importlib.util
import os
from functools import lru_cache
from pathlib import Path

import tiktoken

from simulator.config import default_data_dir
from simulator.errors import SimulatorError

_SOURCE = "https://openaipublic.blob.core.windows.net/encodings/{name}.tiktoken"
ENCODINGS = ("o200k_base", "cl100k_base")


def _packaged(name: str) -> Path:
    spec = importlib.util.find_spec("bpe_openai")
    if spec is None or not spec.submodule_search_locations:
        raise SimulatorError("the package 'bpe-openai' is not installed: run `pip install -e .`")
    return Path(next(iter(spec.submodule_search_locations))) / "data" / f"{name}.tiktoken.gz"


_prepared: Path | None = None


def prepare_cache(folder: Path) -> Path:
    """Fill `folder` with tiktoken's encoding files from the package and point tiktoken at it."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in ENCODINGS:
        target = folder / hashlib.sha1(_SOURCE.format(name=name).encode()).hexdigest()
        if not target.exists():
            data = gzip.decompress(_packaged(name).read_bytes())
            partial = target.with_suffix(".partial")
            partial.write_bytes(data)
            partial.replace(target)
    os.environ["TIKTOKEN_CACHE_DIR"] = str(folder)
    global _prepared
    _prepared = folder
    return folder


@lru_cache(maxsize=8)
def encoding_for(model: str) -> tiktoken.Encoding:
    if _prepared is None:
        # Never let tiktoken reach for its download: fill the cache from the package first.
        prepare_cache(default_data_dir() / "tiktoken")
    try:
        return tiktoken.encoding_for_model(model)
    except KeyError:
        # Local models (llama.cpp, Ollama) have no tiktoken entry; o200k is a fair estimate.
        return tiktoken.get_encoding("o200k_base")


def count_tokens(text: str, model: str) -> int:
    return len(encoding_for(model).encode(text, disallowed_special=()))
