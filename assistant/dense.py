"""Exact dense search over one index snapshot's chunk vectors, held in memory.

Chroma stays the store of record; a snapshot reads its live chunks' vectors once (1.5 KB a
chunk at 384 dimensions: 7 MB for the 4,565 chunks of the bundled corpus) and searches them
by one matrix product. Against Chroma's HNSW query this is

* exact: with a filter that leaves a few hundred chunks (one named document, one
  jurisdiction), an approximate graph search can miss neighbours the filter admits;
* deterministic: an HNSW graph built by several threads differs from build to build, and so
  did the candidates near the end of the pool, and so the learned ranker's input;
* faster at this size: no round trip through the store's metadata filter (about 12 ms a
  scope with Chroma against under 2 ms here for the bundled corpus).

Example::

    from assistant.dense import DenseMatrix
    dense = DenseMatrix(["c1", "c2"], np.array([[1.0, 0.0], [0.6, 0.8]], dtype=np.float32))
    dense.search(np.array([1.0, 0.0], dtype=np.float32), k=1)            # [(0, 1.0)]
    dense.search(np.array([1.0, 0.0], dtype=np.float32), k=1,
                 allowed=np.array([False, True]))                        # [(1, 0.6)]
"""

from __future__ import annotations

import numpy as np


class DenseMatrix:
    """Row ``i`` is the unit-length vector of chunk ``ids[i]``; similarities are cosines."""

    def __init__(self, ids: list[str], vectors: np.ndarray):
        vectors = np.asarray(vectors, dtype=np.float32)
        # An index emptied by deletions has no rows, whatever shape its empty array has.
        vectors = vectors.reshape(len(ids), -1) if len(ids) else np.zeros((0, 0), dtype=np.float32)
        if len(set(ids)) != len(ids):
            raise ValueError("chunk ids must be unique")
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        norms[norms == 0] = 1.0  # an all-zero vector stays zero: similarity 0 to everything
        self.ids = list(ids)
        self.vectors = vectors / norms
        self.row = {cid: i for i, cid in enumerate(self.ids)}

    def __len__(self) -> int:
        return len(self.ids)

    def search(self, vector: np.ndarray, k: int, allowed: np.ndarray | None = None) -> list[tuple[int, float]]:
        """The ``k`` rows most similar to ``vector`` among the ``allowed`` ones (a boolean mask
        over the rows; None: all), as (row, cosine similarity), best first."""
        if not len(self.ids) or k < 1:
            return []
        query = np.asarray(vector, dtype=np.float32)
        norm = float(np.linalg.norm(query))
        scores = self.vectors @ (query / norm if norm else query)
        if allowed is not None:
            scores = np.where(allowed, scores, -np.inf)
            k = min(k, int(allowed.sum()))
        k = min(k, len(scores))
        if k == 0:
            return []
        top = np.argpartition(-scores, k - 1)[:k]
        # Ties broken by row, so the order never depends on the partition's internals.
        top = top[np.lexsort((top, -scores[top]))]
        return [(int(i), float(scores[i])) for i in top]
