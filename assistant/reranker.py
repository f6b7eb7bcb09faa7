"""An optional cross-encoder reranker over the fused candidates, from a local model path.

No cross-encoder that ships its weights on PyPI was found for this machine, so the slot is off
by default (``CIRCULARBENCH_RERANKER_MODEL`` unset). Point it at any sentence-transformers
``CrossEncoder`` folder (e.g. a downloaded ms-marco or bge reranker) to reorder the top
candidates by its relevance scores.

Example::

    reranker = CrossEncoderReranker("/models/bge-reranker-base")
    reranked = reranker.rerank("deposit on cans", hits)
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from assistant.retriever import Hit


class CrossEncoderReranker:
    def __init__(self, model_path: str | Path, max_length: int = 512):
        from sentence_transformers import CrossEncoder

        path = Path(model_path)
        if not path.exists():
            raise FileNotFoundError(f"reranker model not found: {path}")
        self.model = CrossEncoder(str(path), max_length=max_length, device="cpu")
        self.name = f"cross-encoder:{path.name}"

    def rerank(self, query: str, hits: list[Hit]) -> list[Hit]:
        """``hits`` sorted by the model's score (the score replaces the fused one)."""
        if not hits:
            return hits
        scores = self.model.predict([(query, h.chunk.context_text()) for h in hits], show_progress_bar=False)
        rescored = [replace(h, score=float(s)) for h, s in zip(hits, scores)]
        return sorted(rescored, key=lambda h: h.score, reverse=True)
