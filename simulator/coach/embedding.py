"""Sentence embeddings as the domain sees them: a small interface and nearest-neighbour search in numpy."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np
import numpy.typing as npt

Vectors = npt.NDArray[np.float32]


class Embedder(Protocol):
    """Turns texts into L2-normalised vectors; the same text always gives the same vector."""

    name: str
    dim: int

    def embed(self, texts: Sequence[str]) -> Vectors: ...


@dataclass(frozen=True)
class Neighbour:
    text: str
    label: str
    score: float


class ExemplarIndex:
    """Labelled example sentences held as one matrix, so a batch of queries is one matrix product."""

    def __init__(self, texts: Sequence[str], labels: Sequence[str], vectors: Vectors) -> None:
        if not (len(texts) == len(labels) == len(vectors)):
            raise ValueError("texts, labels and vectors must have the same length")
        self.texts = list(texts)
        self.labels = np.array(labels)
        self.vectors = np.asarray(vectors, dtype=np.float32)

    def __len__(self) -> int:
        return len(self.texts)

    def nearest(self, queries: Vectors, k: int = 1) -> list[list[Neighbour]]:
        """The k most similar exemplars for each query, best first."""
        if len(self.texts) == 0 or len(queries) == 0:
            return [[] for _ in range(len(queries))]
        sims = queries @ self.vectors.T
        k = min(k, sims.shape[1])
        top = np.argsort(-sims, axis=1, kind="stable")[:, :k]
        return [
            [Neighbour(self.texts[j], str(self.labels[j]), float(sims[i, j])) for j in row] for i, row in enumerate(top)
        ]

    def closeness(self, query: Vectors, label: str, k: int) -> float:
        """Mean similarity of one query to its k nearest exemplars carrying `label`."""
        sims = np.sort(self.vectors[self.labels == label] @ query)[::-1][:k]
        return float(sims.mean()) if len(sims) else float("-inf")
