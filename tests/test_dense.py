"""Exact dense search (assistant/dense.py): the true nearest neighbours among the rows a filter
admits, in a fixed order."""

import numpy as np
import pytest

from assistant.dense import DenseMatrix


def _matrix(n: int = 200, dim: int = 16, seed: int = 7) -> tuple[DenseMatrix, np.ndarray]:
    vectors = np.random.default_rng(seed).normal(size=(n, dim)).astype(np.float32)
    return DenseMatrix([f"c{i}" for i in range(n)], vectors), vectors


def test_returns_the_exact_nearest_rows_by_cosine():
    dense, vectors = _matrix()
    query = vectors[3] + 0.1
    cosines = vectors @ query / (np.linalg.norm(vectors, axis=1) * np.linalg.norm(query))
    found = dense.search(query * 5, k=10)  # the query's length does not matter
    assert [row for row, _ in found] == list(np.argsort(-cosines)[:10])
    assert np.allclose([s for _, s in found], np.sort(cosines)[::-1][:10], atol=1e-5)


def test_a_mask_keeps_only_admitted_rows_and_caps_k():
    dense, vectors = _matrix()
    allowed = np.zeros(len(dense), dtype=bool)
    allowed[[5, 50, 150]] = True
    found = dense.search(vectors[0], k=10, allowed=allowed)
    assert sorted(row for row, _ in found) == [5, 50, 150]
    assert dense.search(vectors[0], k=10, allowed=np.zeros(len(dense), dtype=bool)) == []


def test_ties_come_in_row_order_and_zero_vectors_score_zero():
    dense = DenseMatrix(["a", "b", "c", "z"], np.array([[1, 0], [1, 0], [0, 1], [0, 0]], dtype=np.float32))
    assert dense.search(np.array([1.0, 0.0]), k=4) == [(0, 1.0), (1, 1.0), (2, 0.0), (3, 0.0)]
    assert dense.row == {"a": 0, "b": 1, "c": 2, "z": 3}


def test_an_empty_matrix_and_duplicate_ids():
    assert DenseMatrix([], np.zeros((0, 4), dtype=np.float32)).search(np.ones(4), k=3) == []
    with pytest.raises(ValueError, match="unique"):
        DenseMatrix(["a", "a"], np.ones((2, 4), dtype=np.float32))
