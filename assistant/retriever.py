"""Hybrid retrieval: dense search in Chroma and BM25 keyword search, fused by reciprocal rank.

Only chunks named by the committed ledger are returned, so a half-finished index run never
shows duplicates or stale text.

Example::

    from assistant.retriever import HybridRetriever
    retriever = HybridRetriever.open(Settings())
    for hit in retriever.search("recycling quota for plastic packaging", k=5):
        print(hit.score, hit.chunk.file, hit.chunk.section)
"""

from __future__ import annotations

from dataclasses import dataclass

from circularbench.settings import Settings
from circularbench.types import Chunk
from indexer.embeddings import Embedder, load_embedder
from indexer.keyword_index import KeywordIndex
from indexer.ledger import Ledger
from indexer.vector_store import VectorStore

_RRF_K = 60  # the usual constant of reciprocal rank fusion


class IndexNotReadyError(RuntimeError):
    """No index has been built yet in the data folder."""


@dataclass(frozen=True)
class Hit:
    chunk: Chunk
    score: float
    dense_rank: int | None
    keyword_rank: int | None


class HybridRetriever:
    def __init__(self, store: VectorStore, keyword: KeywordIndex, embedder: Embedder, live_ids: set[str]):
        self.store = store
        self.keyword = keyword
        self.embedder = embedder
        self.live_ids = live_ids

    @classmethod
    def open(cls, settings: Settings, embedder: Embedder | None = None) -> "HybridRetriever":
        ledger = Ledger.load(settings.index_dir / "ledger.json")
        if not ledger.documents or not ledger.keyword_dir:
            raise IndexNotReadyError(f"no index in {settings.index_dir}: run `circularbench index` first")
        embedder = embedder or load_embedder(ledger.embedding_model, settings.embedding_threads)
        store = VectorStore.open(settings, ledger.embedding_model, ledger.embedding_dimension)
        keyword = KeywordIndex.load(settings.index_dir / ledger.keyword_dir)
        return cls(store, keyword, embedder, ledger.live_ids())

    def search(self, query: str, k: int = 10, jurisdictions: list[str] | None = None, pool: int = 50) -> list[Hit]:
        where = {"jurisdiction": {"$in": jurisdictions}} if jurisdictions else None
        dense = [h.chunk for h in self.store.query(self.embedder.embed_query(query), k=pool, where=where)]
        dense = [c for c in dense if c.chunk_id in self.live_ids]
        keyword_ids = [cid for cid, _ in self.keyword.search(query, k=pool * 2) if cid in self.live_ids]
        scores: dict[str, float] = {}
        chunks = {c.chunk_id: c for c in dense}
        dense_rank = {c.chunk_id: r for r, c in enumerate(dense, start=1)}
        for cid, rank in dense_rank.items():
            scores[cid] = 1 / (_RRF_K + rank)
        missing = [cid for cid in keyword_ids if cid not in chunks]
        # The same filter as the dense side: keyword hits outside it are not fetched.
        chunks.update({c.chunk_id: c for c in self.store.get(ids=missing, where=where)})
        keyword_rank: dict[str, int] = {}
        for rank, cid in enumerate([cid for cid in keyword_ids if cid in chunks][:pool], start=1):
            keyword_rank[cid] = rank
            scores[cid] = scores.get(cid, 0.0) + 1 / (_RRF_K + rank)
        best = sorted(scores, key=scores.get, reverse=True)[:k]
        return [Hit(chunks[cid], scores[cid], dense_rank.get(cid), keyword_rank.get(cid)) for cid in best]
