"""Hybrid retrieval: dense search in Chroma and BM25 keyword search, fused by reciprocal rank.

* The keyword side searches the question as asked and, through a domain glossary, its terms
  in German, Chinese and Dutch, each as a ranking of its own; the dense side uses the
  multilingual embedder on the question. All rankings are fused by reciprocal rank.
* Filters (jurisdictions, years, document types, languages) apply to both sides. A country
  includes its sub-national jurisdictions (CN includes CN-SH).
* Jurisdictions named in the question ("Germany's packaging law") act as filters unless the
  caller gives filters. With several, each is searched on its own and gets its share of the
  results, so one well-documented jurisdiction cannot crowd out the others.
* Only chunks named by the committed ledger are returned: a half-finished index run never
  shows duplicates or stale text. Their texts and metadata are held in memory (a few MB), so
  keyword hits and filters need no round trip to the store.

Example::

    from assistant.retriever import HybridRetriever
    retriever = HybridRetriever.open(Settings())
    for hit in retriever.search("recycling quota for plastic packaging", k=5):
        print(round(hit.score, 4), hit.chunk.file, hit.chunk.section)
"""

from __future__ import annotations

from dataclasses import dataclass

from assistant import jurisdictions as jur
from assistant.query_expansion import Glossary
from circularbench.settings import Settings
from circularbench.types import Chunk, SearchFilters
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
    score: float  # fused (reciprocal rank) score
    dense_similarity: float | None  # cosine similarity to the question, when the dense side found it
    keyword_score: float | None  # BM25 score of the expanded question, when the keyword side found it


class HybridRetriever:
    def __init__(self, store: VectorStore, keyword: KeywordIndex, embedder: Embedder, ledger: Ledger,
                 glossary: Glossary | None = None, reranker=None, rerank_top: int = 30):
        self.reranker = reranker  # assistant.reranker.CrossEncoderReranker, or None
        self.rerank_top = rerank_top
        self.store = store
        self.keyword = keyword
        self.embedder = embedder
        self.chunks = {c.chunk_id: c for c in store.get(ids=sorted(ledger.live_ids()))}
        self.jurisdictions = {e.record.jurisdiction for e in ledger.documents.values()}
        self.glossary = glossary or Glossary.load()

    @classmethod
    def open(cls, settings: Settings, embedder: Embedder | None = None) -> "HybridRetriever":
        ledger = Ledger.load(settings.index_dir / "ledger.json")
        if not ledger.keyword_dir:  # never built; an index emptied by deletions still opens
            raise IndexNotReadyError(f"no index in {settings.index_dir}: run `circularbench index` first")
        embedder = embedder or load_embedder(ledger.embedding_model, settings.query_threads)
        store = VectorStore.open(settings, ledger.embedding_model, ledger.embedding_dimension)
        keyword = KeywordIndex.load(settings.index_dir / ledger.keyword_dir)
        reranker = None
        if settings.reranker_model:
            from assistant.reranker import CrossEncoderReranker

            reranker = CrossEncoderReranker(settings.reranker_model)
        return cls(store, keyword, embedder, ledger, reranker=reranker)

    def search(self, query: str, k: int = 10, filters: SearchFilters | None = None, pool: int = 50) -> list[Hit]:
        filters = filters or SearchFilters()
        codes = [jur.normalize(j) for j in filters.jurisdictions] or [
            c for c in jur.mentioned(query) if c in self.jurisdictions
        ]
        if not self.chunks:
            return []
        vector = self.embedder.embed_query(query)  # once, whatever the number of jurisdictions
        if len(codes) <= 1:
            return self._search(query, vector, k, filters.model_copy(update={"jurisdictions": codes}), pool)
        # Several jurisdictions: each gets its share, then the best of the rest fill up.
        per = [self._search(query, vector, k, filters.model_copy(update={"jurisdictions": [c]}), pool) for c in codes]
        out: list[Hit] = []
        seen: set[str] = set()
        for rank in range(k):
            for hits in per:
                if rank < len(hits) and hits[rank].chunk.chunk_id not in seen and len(out) < k:
                    out.append(hits[rank])
                    seen.add(hits[rank].chunk.chunk_id)
        return out

    def _where(self, filters: SearchFilters) -> dict | None:
        """The filters as a Chroma ``where`` clause, for the dense side."""
        clauses: list[dict] = []
        if filters.jurisdictions:
            codes = jur.expand([jur.normalize(j) for j in filters.jurisdictions], self.jurisdictions)
            clauses.append({"jurisdiction": {"$in": codes}})
        if filters.year_from:
            clauses.append({"year": {"$gte": filters.year_from}})
        if filters.year_to:
            clauses.append({"year": {"$lte": filters.year_to}})
            clauses.append({"year": {"$gt": 0}})  # unknown years fail a range
        if filters.doc_types:
            clauses.append({"doc_type": {"$in": list(filters.doc_types)}})
        if filters.languages:
            clauses.append({"language": {"$in": list(filters.languages)}})
        if not clauses:
            return None
        return clauses[0] if len(clauses) == 1 else {"$and": clauses}

    def _admits(self, filters: SearchFilters):
        """The same filters as a predicate on chunks, for the keyword side."""
        codes = set(jur.expand([jur.normalize(j) for j in filters.jurisdictions], self.jurisdictions))

        def admit(c: Chunk) -> bool:
            return (
                (not codes or c.jurisdiction in codes)
                and (not filters.year_from or (c.year or 0) >= filters.year_from)
                and (not filters.year_to or 0 < (c.year or 0) <= filters.year_to)
                and (not filters.doc_types or c.doc_type in filters.doc_types)
                and (not filters.languages or c.language in filters.languages)
            )

        return admit

    def _search(self, query: str, vector, k: int, filters: SearchFilters, pool: int) -> list[Hit]:
        dense_hits = [h for h in self.store.query(vector, k=pool, where=self._where(filters))
                      if h.chunk.chunk_id in self.chunks]
        similarity = {h.chunk.chunk_id: 1.0 - h.distance for h in dense_hits}
        scores: dict[str, float] = {}
        for rank, h in enumerate(dense_hits, start=1):
            scores[h.chunk.chunk_id] = 1 / (_RRF_K + rank)

        admit = self._admits(filters)
        keyword_score: dict[str, float] = {}
        for q in [query, *(q for q in self.glossary.translations(query).values() if q)]:
            hits = [(cid, s) for cid, s in self.keyword.search(q, k=pool * 4)
                    if cid in self.chunks and admit(self.chunks[cid])]
            for rank, (cid, s) in enumerate(hits[:pool], start=1):
                keyword_score[cid] = max(s, keyword_score.get(cid, 0.0))
                scores[cid] = scores.get(cid, 0.0) + 1 / (_RRF_K + rank)

        best = sorted(scores, key=scores.get, reverse=True)[: max(k, self.rerank_top) if self.reranker else k]
        hits = [Hit(self.chunks[c], scores[c], similarity.get(c), keyword_score.get(c)) for c in best]
        return self.reranker.rerank(query, hits)[:k] if self.reranker else hits
