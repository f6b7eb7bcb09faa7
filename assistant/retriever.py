"""Hybrid retrieval: dense search in Chroma and BM25 keyword search, fused by reciprocal rank.

* The keyword side searches the question as asked and, through a domain glossary, its terms
  in German, Chinese and Dutch, each as a ranking of its own (analysed in its language); the
  dense side uses the multilingual embedder on the question, followed by its glossary terms in
  the one foreign language it targets, if any (see embedding_text). All rankings are fused by
  reciprocal rank; a translated ranking counts fully only for a language the question targets
  (through a named jurisdiction or document), else with ``translated_weight``, so a word with a
  glossary entry cannot flood an English question with German, Chinese and Dutch passages.
* Filters (jurisdictions, documents, years, document types, languages) apply to both sides. A
  country includes its sub-national jurisdictions (CN includes CN-SH).
* Documents ("the Packaging Act", "Regulation (EU) 2025/40") and jurisdictions ("Germany's
  packaging law") named in the question act as filters unless the caller gives filters. With
  several, each is searched on its own and gets its share of the results, so one
  well-documented jurisdiction cannot crowd out the others.
* Only chunks named by the committed ledger are returned: a half-finished index run never
  shows duplicates or stale text. Their texts, metadata and vectors are held in memory (a few
  MB), so keyword hits and filters need no round trip to the store, and the dense side is an
  exact search (assistant/dense.py) rather than the store's approximate one.

Example::

    from assistant.retriever import HybridRetriever
    retriever = HybridRetriever.open(Settings())
    for hit in retriever.search("recycling quota for plastic packaging", k=5):
        print(round(hit.score, 4), hit.chunk.file, hit.chunk.section)
"""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np

from assistant import jurisdictions as jur
from assistant.dense import DenseMatrix
from assistant.figures import LIST_ITEM, open_list
from assistant.named_documents import DocumentNames
from assistant.query_expansion import Glossary
from assistant.ranking import BUILTIN, Candidate, ChunkProfiles, LinearRanker, QuerySignals, features
from assistant.text import locate, sentences
from circularbench.settings import Settings
from circularbench.types import LEGAL_TYPES, Chunk, Passage, SearchFilters, last_paragraph
from indexer.embeddings import Embedder, load_embedder
from indexer.keyword_index import KeywordIndex
from indexer.ledger import Ledger
from indexer.vector_store import VectorStore

_RRF_K = 60  # the usual constant of reciprocal rank fusion
_SENTENCE_ENDS = (".", "!", "?", ";", ":", "。", "！", "？", "；", "：")
_MAX_CONTINUATION = 400  # characters: a longer rest is a run-on list or a table, not a sentence's end
# The keyword side of a search is worked out here while the caller's thread embeds the question:
# embedders run in C or torch without holding the GIL, so on two cores the keyword side costs no
# time. (Not the other way round: a finished embedding would wait for the GIL held by Python
# work.) Shared by every retriever, as an index rebuild opens a new one.
_KEYWORD_SIDE = ThreadPoolExecutor(thread_name_prefix="keyword-side")


class IndexNotReadyError(RuntimeError):
    """No index has been built yet in the data folder."""


@dataclass(frozen=True)
class Hit:
    chunk: Chunk
    score: float  # the learned ranker's estimate that it holds the answer, else the fused (reciprocal rank) score
    dense_similarity: float | None  # cosine similarity to the question, when the dense side found it
    keyword_score: float | None  # BM25 score of the expanded question, when the keyword side found it


@dataclass(frozen=True)
class KeywordSide:
    """What the search of one scope needs besides the question's embedding
    (see :meth:`HybridRetriever.keyword_side`)."""

    query: str  # the question, without the words naming the scope's documents
    allowed: np.ndarray | None  # the chunks the scope admits (None: all)
    targeted: set[str]  # the languages the scope aims at
    translations: dict[str, str]  # language -> the glossary's rendering of the question
    untranslated: dict[str, float]  # language -> share of the question no translation reaches
    rankings: list[tuple[str, list[tuple[str, float]]]]  # (language, its BM25 ranking: chunk id, score)


class HybridRetriever:
    def __init__(self, store: VectorStore, keyword: KeywordIndex, embedder: Embedder, ledger: Ledger,
                 glossary: Glossary | None = None, reranker=None, rerank_top: int = 30,
                 translated_weight: float = 1.0, preamble_weight: float = 1.0,
                 ranker: LinearRanker | None = None, ranker_top: int = 20):
        self.ranker = ranker  # the learned order of the fused candidates, or None for the fusion's
        self.ranker_top = ranker_top
        self.reranker = reranker  # assistant.reranker.CrossEncoderReranker, or None
        self.rerank_top = rerank_top
        self.store = store
        self.keyword = keyword
        self.embedder = embedder
        stored = store.chunks_with_vectors(sorted(ledger.live_ids()))
        unread = [i for i, (_, v) in enumerate(stored) if v is None]
        if unread:  # the store lost them (a killed writer, see VectorStore): the same model embeds them again
            vectors = embedder.embed_documents([stored[i][0].context_text() for i in unread])
            for i, vector in zip(unread, vectors):
                stored[i] = (stored[i][0], vector)
        self.chunks = {c.chunk_id: c for c, _ in stored}
        self.dense = DenseMatrix([c.chunk_id for c, _ in stored], np.array([v for _, v in stored], dtype=np.float32))
        # Each chunk's metadata as arrays in the dense rows' order: a filter is a few array compares.
        self._meta = {key: np.array([getattr(c, key) or default for c, _ in stored], dtype=kind)
                      for key, default, kind in (("jurisdiction", "", object), ("doc_id", "", object),
                                                 ("doc_type", "", object), ("language", "", object),
                                                 ("year", 0, np.int64))}
        self.jurisdictions = {e.record.jurisdiction for e in ledger.documents.values()}
        records = [e.record for e in ledger.documents.values()]
        self.languages: dict[str, set[str]] = {}  # jurisdiction -> its documents' languages
        for r in records:
            self.languages.setdefault(r.jurisdiction, set()).add(r.language)
        self.doc_languages = {r.id: r.language for r in records}
        self.doc_jurisdiction = {r.id: r.jurisdiction for r in records}
        self.short_titles = {r.id: r.short_title for r in records}
        self.names = DocumentNames.from_records(records)
        self.glossary = glossary or Glossary.load()
        self._profiles = ChunkProfiles(self.glossary)
        self.translated_weight = translated_weight
        self.preamble_weight = preamble_weight
        self._articled = {c.doc_id for c in self.chunks.values() if c.section and c.doc_type in LEGAL_TYPES}
        self._neighbours: dict[int, dict[str, str]] | None = None  # step (-1, 1) -> chunk id -> its neighbour

    def lead_in(self, chunk: Chunk) -> str:
        """The list lead-in ``chunk`` continues when its text begins with list items, read from
        the chunk before it in its document ('' otherwise): chunking may cut a list after its
        lead-in, leaving the items' figures without what they apply to."""
        if not LIST_ITEM.match(chunk.text.lstrip().lstrip("#").lstrip()):
            return ""
        before = self._before(chunk)
        return open_list(before.text) if before is not None else ""

    def continuation(self, chunk: Chunk) -> str:
        """The rest of the sentence ``chunk`` ends inside, from the chunk after it in the same
        article and on the same page ('' when it ends a sentence, or the rest is no single
        sentence of a reasonable length): chunking cuts sentences at its size limit, and a
        definition or a target cut before its last clause answers half the question."""
        text = chunk.text.rstrip()
        if not text or text.endswith(_SENTENCE_ENDS):
            return ""
        after = self._neighbour(chunk, 1)
        if after is None or after.section != chunk.section or after.page != chunk.page:
            return ""
        # A chunk cut inside a paragraph overlaps the next by a few words (the chunk_overlap
        # setting): the rest starts after them. Without overlap the chunker cut between
        # paragraphs, and only a lower-case start says a sentence runs on across the cut.
        overlap = chunk.char_end - after.char_start
        rest = after.text[max(0, overlap):]
        if overlap <= 0 and not rest.lstrip()[:1].islower():
            return ""
        first = sentences(rest)[:1]
        if not first or len(first[0]) > _MAX_CONTINUATION or not first[0].endswith(_SENTENCE_ENDS):
            return ""
        exact = locate(first[0], rest)  # sentences() folds white space; the passage keeps the text's own
        return rest[: rest.index(exact) + len(exact)] if exact else ""

    def passage(self, hit: Hit) -> Passage:
        """The hit as the assistant and the API show it, with the list lead-in and the numbered
        paragraph it continues and the end of the sentence it stops inside."""
        return Passage.from_chunk(hit.chunk, hit.score, self.lead_in(hit.chunk), self.opening_paragraph(hit.chunk),
                                  self.continuation(hit.chunk), self.short_titles.get(hit.chunk.doc_id, ""))

    def _neighbour(self, chunk: Chunk, step: int) -> Chunk | None:
        """The chunk before (``step`` -1) or after (1) ``chunk`` in its document's text, if any."""
        if self._neighbours is None:  # built on first use: one sort of the index, then lookups
            ordered = sorted(self.chunks.values(), key=lambda c: (c.doc_id, c.page or 0, c.char_start))
            pairs = [(a.chunk_id, b.chunk_id) for a, b in zip(ordered, ordered[1:]) if a.doc_id == b.doc_id]
            self._neighbours = {-1: {b: a for a, b in pairs}, 1: dict(pairs)}
        found = self._neighbours[step].get(chunk.chunk_id)
        return self.chunks[found] if found else None

    def _before(self, chunk: Chunk) -> Chunk | None:
        return self._neighbour(chunk, -1)

    def opening_paragraph(self, chunk: Chunk) -> str:
        """The numbered paragraph ('(4)') of its article that ``chunk`` begins inside, read from
        the chunks before it in the same article ('' when it opens one itself or none is known)."""
        if not chunk.section or re.match(r"\s*(?:#+\s*)?\(\d", chunk.text):
            return ""
        before = self._before(chunk)
        for _ in range(8):  # an article rarely spans more chunks than this
            if before is None or before.section != chunk.section:
                return ""
            if mark := last_paragraph(before.text):
                return mark
            before = self._before(before)
        return ""

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
        ranker = None
        if settings.learned_ranker:
            ranker = LinearRanker.load(BUILTIN if settings.learned_ranker == "builtin" else settings.learned_ranker)
        return cls(store, keyword, embedder, ledger, reranker=reranker, ranker=ranker, ranker_top=settings.ranker_top,
                   translated_weight=settings.translated_weight, preamble_weight=settings.preamble_weight)

    def search(self, query: str, k: int = 10, filters: SearchFilters | None = None, pool: int = 50,
               learned: bool = True) -> list[Hit]:
        """The ``k`` best chunks; ``learned=False`` keeps the fusion's order though a ranker is set."""
        if not self.chunks:
            return []
        scopes = self.scopes(query, filters or SearchFilters())
        sides = _KEYWORD_SIDE.submit(lambda: [(scope, self.keyword_side(query, scope, pool)) for scope in scopes])
        vector = self.embedder.embed_query(self.embedding_text(query, scopes))  # once, whatever the number of scopes
        per = [self._search(query, vector, k, scope, pool, learned, side) for scope, side in sides.result()]
        if len(per) == 1:
            return per[0]
        # Several documents or jurisdictions: each gets its share, in turn.
        out: list[Hit] = []
        seen: set[str] = set()
        for rank in range(k):
            for hits in per:
                if rank < len(hits) and hits[rank].chunk.chunk_id not in seen and len(out) < k:
                    out.append(hits[rank])
                    seen.add(hits[rank].chunk.chunk_id)
        return out

    def embedding_text(self, query: str, scopes: list[SearchFilters]) -> str:
        """What the dense side embeds for ``query`` searched in ``scopes``: the question followed
        by its glossary terms' equivalents in the one language other than English the scopes aim
        at ("… German … packaging …" gains "Verpackungen"). The small multilingual embedder places
        an English question nearer law text in another language when the question carries some of
        that language's terms. The general dictionaries' headwords stay out: their wrong senses
        blur the embedding, and their length slows it. A question aiming at several languages,
        or none, is embedded as asked.

        >>> q = "What recycling quotas does Germany set for plastic packaging?"
        >>> retriever.embedding_text(q, retriever.scopes(q, SearchFilters()))
        'What recycling quotas does Germany set for plastic packaging? Kunststoffverpackung Recyclingquote'
        """
        languages = set().union(*(self._target_languages(scope) for scope in scopes)) - {"en"}
        if len(languages) != 1:
            return query
        # A language the glossary lacks (an uploaded Polish law, a filter for French) adds nothing.
        translation = self.glossary.translations(query, dictionaries=False).get(languages.pop(), "")
        return f"{query} {translation}" if translation else query

    def named_documents(self, query: str) -> list[str]:
        return [d for d in self.names.mentioned(query) if d in self.doc_languages]

    def scopes(self, query: str, filters: SearchFilters) -> list[SearchFilters]:
        """What to search, one filter set per share of the results. The caller's document or
        jurisdiction filters win; else the documents and jurisdictions the question names: a
        named document is searched on its own, a named jurisdiction that no named document
        already stands for on its own."""
        if filters.documents:
            return [filters]
        if filters.jurisdictions:
            codes = [jur.normalize(j) for j in filters.jurisdictions]
            docs: list[str] = []
        else:
            docs = self.named_documents(query)
            codes = [c for c in jur.mentioned(query) if c in self.jurisdictions]
        covered = set(jur.expand([self.doc_jurisdiction[d] for d in docs], self.jurisdictions))
        codes = [c for c in codes if c not in covered]
        scopes = [filters.model_copy(update={"documents": [d], "jurisdictions": []}) for d in docs]
        scopes += [filters.model_copy(update={"jurisdictions": [c]}) for c in codes]
        return scopes or [filters.model_copy(update={"jurisdictions": []})]

    def _expanded(self, filters: SearchFilters) -> set[str]:
        """The filters' jurisdictions as indexed codes, countries with their sub-national units."""
        return set(jur.expand([jur.normalize(j) for j in filters.jurisdictions], self.jurisdictions))

    def allowed(self, filters: SearchFilters) -> np.ndarray | None:
        """The chunks the filters admit, as a mask over the dense rows (None: no filter)."""
        codes = self._expanded(filters)
        meta = self._meta
        tests = []
        if codes:
            tests.append(np.isin(meta["jurisdiction"], sorted(codes)))
        if filters.documents:
            tests.append(np.isin(meta["doc_id"], list(filters.documents)))
        if filters.year_from:
            tests.append(meta["year"] >= filters.year_from)
        if filters.year_to:
            tests.append((meta["year"] > 0) & (meta["year"] <= filters.year_to))  # unknown years fail a range
        if filters.doc_types:
            tests.append(np.isin(meta["doc_type"], list(filters.doc_types)))
        if filters.languages:
            tests.append(np.isin(meta["language"], list(filters.languages)))
        return np.logical_and.reduce(tests) if tests else None

    def dense_search(self, vector, k: int, allowed: np.ndarray | None = None) -> list[tuple[Chunk, float]]:
        """The dense side alone: the ``k`` chunks most similar to ``vector`` among the ``allowed``
        ones (see :meth:`allowed`; None: all), with their cosine similarity."""
        return [(self.chunks[self.dense.ids[row]], similarity) for row, similarity in self.dense.search(vector, k, allowed)]

    def _target_languages(self, filters: SearchFilters) -> set[str]:
        """The languages a search aims at: those asked for, or those the named jurisdictions'
        documents are written in (from the index itself, so an uploaded Dutch law makes NL Dutch)."""
        if filters.languages:
            return set(filters.languages)
        if filters.documents:
            return {self.doc_languages[d] for d in filters.documents if d in self.doc_languages}
        codes = self._expanded(filters)
        return {lang for code in codes for lang in self.languages.get(code, ())}

    def keyword_side(self, query: str, filters: SearchFilters, pool: int = 50) -> KeywordSide:
        """The keyword side of one scope's search: the question's translations and a BM25
        ranking per language. In a scope confined to documents, the words naming them are left
        out of it and of the ranker's signals (see DocumentNames.without_names)."""
        if filters.documents:
            query = self.names.without_names(query, filters.documents)
        allowed = self.allowed(filters)
        translations = self.glossary.translations(query)
        rankings = []
        for language, q in [("en", query)] + [(lang, q) for lang, q in translations.items() if q]:
            hits = [(cid, s) for cid, s in self.keyword.search(q, k=pool * 4, language=language)
                    if cid in self.chunks and (allowed is None or allowed[self.dense.row[cid]])][:pool]
            rankings.append((language, hits))
        return KeywordSide(query, allowed, self._target_languages(filters), translations,
                           self.glossary.untranslated(query), rankings)

    def candidates(self, query: str, vector, filters: SearchFilters, pool: int = 50,
                   side: KeywordSide | None = None) -> tuple[list[Candidate], QuerySignals]:
        """The fused candidates of one scope, best first, with what each ranking said of them,
        and the ranker's signals. The dense side takes the question whole (one embedding per
        question, whatever the scopes); ``side``: the scope's keyword side, if already worked out."""
        side = side or self.keyword_side(query, filters, pool)
        dense_hits = self.dense_search(vector, pool, side.allowed)
        found: dict[str, Candidate] = {}

        def candidate(cid: str) -> Candidate:
            if cid not in found:
                found[cid] = Candidate(self.chunks[cid], 0.0)
            return found[cid]

        for rank, (chunk, similarity) in enumerate(dense_hits, start=1):
            c = candidate(chunk.chunk_id)
            c.dense_rank, c.dense_similarity = rank, similarity
            c.fused = 1 / (_RRF_K + rank)

        for language, hits in side.rankings:
            weight = 1.0 if language == "en" or language in side.targeted else self.translated_weight
            for rank, (cid, s) in enumerate(hits, start=1):
                c = candidate(cid)
                relative = s / hits[0][1]
                if language == "en":
                    c.keyword_rank, c.keyword_score, c.keyword_relative = rank, s, relative
                else:
                    c.keyword_score = max(s, c.keyword_score or 0.0)
                    if c.translated_rank is None or rank < c.translated_rank:
                        c.translated_rank, c.translated_relative = rank, relative
                        c.translated_targeted = language in side.targeted
                c.fused += weight / (_RRF_K + rank)

        if self.preamble_weight != 1.0:
            # In a law with articles, text outside them (recitals, preamble, title block) explains;
            # the articles oblige. Questions about what a law sets want the articles first. A law
            # in which no article was recognised (an upload without headings) is left alone.
            for c in found.values():
                if not c.chunk.section and c.chunk.doc_id in self._articled:
                    c.fused *= self.preamble_weight
        ordered = sorted(found.values(), key=lambda c: c.fused, reverse=True)
        best = dense_hits[0][1] if dense_hits else 0.0
        return ordered, QuerySignals(side.query, side.targeted, side.translations, best, side.untranslated)

    def features(self, signals: QuerySignals, candidates: list[Candidate]):
        """The learned ranker's feature rows of ``candidates`` (assistant/ranking.py)."""
        return features(signals, candidates, self._profiles, self._articled)

    def _search(self, query: str, vector, k: int, filters: SearchFilters, pool: int, learned: bool,
                side: KeywordSide) -> list[Hit]:
        ordered, signals = self.candidates(query, vector, filters, pool, side)
        scores = [c.fused for c in ordered]
        if learned and self.ranker is not None and ordered:
            # The learned order applies to the top candidates; the rest keep the fusion's order.
            top = ordered[: self.ranker_top]
            estimates = self.ranker.scores(self.features(signals, top))
            order = sorted(range(len(top)), key=lambda i: -estimates[i])
            ordered = [top[i] for i in order] + ordered[len(top):]
            scores = [float(estimates[i]) for i in order] + scores[len(top):]
        n = max(k, self.rerank_top) if self.reranker else k
        hits = [Hit(c.chunk, s, c.dense_similarity, c.keyword_score) for c, s in zip(ordered[:n], scores)]
        return self.reranker.rerank(query, hits)[:k] if self.reranker else hits
