"""BM25 keyword index (bm25s) over the same chunks as the vector store.

Each chunk is analysed in its own language (indexer/analysis.py: stems, compound parts,
Chinese words and bigrams); a query is analysed in the language it is written in, so the
German rendering of an English question meets the German laws' stems.

Example::

    from indexer.keyword_index import KeywordIndex
    index = KeywordIndex.build([("c1", "Recycling quotas for plastics", "en"), ("c2", "包装物回收", "zh")])
    index.search("plastic recycling quota", k=5)    # [("c1", 1.23)]
    index.search("包装物", k=5, language="zh")       # [("c2", 0.9)]
"""

from __future__ import annotations

import json
from pathlib import Path

import bm25s

from indexer.analysis import analyze

# Bump when tokenization changes: the ledger then rebuilds the keyword index.
TOKENIZER_VERSION = "3"


class KeywordIndex:
    """``retriever`` is None for an index of no chunks (every document deleted)."""

    def __init__(self, retriever: bm25s.BM25 | None, ids: list[str]):
        self._retriever = retriever
        self.ids = ids

    @classmethod
    def build(cls, items: list[tuple[str, str, str]]) -> "KeywordIndex":
        """``items``: (chunk id, text, language) triples."""
        ids = [cid for cid, _, _ in items]
        if not ids:
            return cls(None, [])
        retriever = bm25s.BM25()
        # An empty token list would break bm25s; a placeholder token keeps positions aligned.
        retriever.index([analyze(text, language) or ["\u2205"] for _, text, language in items], show_progress=False)
        return cls(retriever, ids)

    def search(self, query: str, k: int = 10, language: str = "en") -> list[tuple[str, float]]:
        """The ``k`` best chunks for ``query`` (written in ``language``), with their BM25 scores."""
        if self._retriever is None:
            return []
        tokens = [t for t in analyze(query, language) if t in self._vocab]
        if not tokens or not self.ids:
            return []
        k = min(k, len(self.ids))
        docs, scores = self._retriever.retrieve([tokens], k=k, show_progress=False)
        return [(self.ids[int(d)], float(s)) for d, s in zip(docs[0], scores[0]) if s > 0]

    @property
    def _vocab(self) -> dict[str, int]:
        return self._retriever.vocab_dict

    def save(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        if self._retriever is not None:
            self._retriever.save(str(folder))
        (folder / "chunk_ids.json").write_text(json.dumps(self.ids), encoding="utf-8")

    @classmethod
    def load(cls, folder: Path) -> "KeywordIndex":
        ids = json.loads((folder / "chunk_ids.json").read_text(encoding="utf-8"))
        return cls(bm25s.BM25.load(str(folder)) if ids else None, ids)
