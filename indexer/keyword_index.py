"""BM25 keyword index (bm25s) over the same chunks as the vector store.

Tokens: lower-cased words for alphabetic scripts, and overlapping character bigrams for
Chinese, which has no spaces between words (single characters matched too much noise). Article labels keep their
sign ("§16"), so "§ 16" finds paragraph 16 and not every 16 in the corpus.

Example::

    from indexer.keyword_index import KeywordIndex
    index = KeywordIndex.build([("c1", "Recycling quota for plastics"), ("c2", "包装物回收")])
    index.search("plastic recycling quota", k=5)    # [("c1", 1.23)]
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import bm25s

_TOKEN = re.compile(r"§+\s*\d+[a-z]?|[\u3400-\u9fff\uf900-\ufaff]+|[^\W_]+", re.U)
_CJK_RUN = re.compile(r"^[\u3400-\u9fff\uf900-\ufaff]+$")
_STOPWORDS = frozenset(
    bm25s.tokenization.STOPWORDS_EN
    + bm25s.tokenization.STOPWORDS_GERMAN
    + bm25s.tokenization.STOPWORDS_DUTCH
)


def tokenize(text: str) -> list[str]:
    tokens: list[str] = []
    for match in _TOKEN.findall(text.lower()):
        if _CJK_RUN.match(match):
            tokens.extend([match[i:i + 2] for i in range(len(match) - 1)] or [match])
        elif match not in _STOPWORDS:
            tokens.append(re.sub(r"\s+", "", match))
    return tokens


# Bump when tokenization changes: the ledger then rebuilds the keyword index.
TOKENIZER_VERSION = "2"


class KeywordIndex:
    """``retriever`` is None for an index of no chunks (every document deleted)."""

    def __init__(self, retriever: bm25s.BM25 | None, ids: list[str]):
        self._retriever = retriever
        self.ids = ids

    @classmethod
    def build(cls, items: list[tuple[str, str]]) -> "KeywordIndex":
        ids = [cid for cid, _ in items]
        if not ids:
            return cls(None, [])
        retriever = bm25s.BM25()
        # An empty token list would break bm25s; a placeholder token keeps positions aligned.
        retriever.index([tokenize(text) or ["\u2205"] for _, text in items], show_progress=False)
        return cls(retriever, ids)

    def search(self, query: str, k: int = 10) -> list[tuple[str, float]]:
        if self._retriever is None:
            return []
        tokens = [t for t in tokenize(query) if t in self._vocab]
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
