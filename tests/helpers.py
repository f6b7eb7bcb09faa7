"""Helpers the tests share: settings over a data folder, small copies of the real corpus."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import numpy as np

from circularbench.settings import Settings

LLM_API_KEY = "test-key-123"  # the loopback LLM server of the tests requires it
MIRROR = Path(os.environ.get("CIRCULARBENCH_CORPUS_MIRROR", Path(__file__).resolve().parents[2] / "shared" / "corpus"))


def make_settings(data_dir: Path, **overrides) -> Settings:
    return Settings(data_dir=data_dir, corpus_mirror=MIRROR, **overrides)


def small_corpus(data_dir: Path, mirror: Path, files: list[str]) -> Settings:
    """A data folder whose corpus holds copies of a few real documents."""
    settings = make_settings(data_dir)
    settings.corpus_dir.mkdir(parents=True, exist_ok=True)
    for name in files:
        shutil.copy(mirror / name, settings.corpus_dir / name)
    return settings


SMALL_FILES = [
    "cn_weee_recycling_regulation_2019.md",
    "cn_end_of_life_vehicle_recycling_measures_2019.md",
    "nl_besluit_beheer_verpakkingen_2014.md",
    "sg_mse_key_environmental_statistics_2022.pdf",
]


class MemoEmbedder:
    """The real embedder, remembering each text's vector for the session.

    The real index embeds the whole corpus once; the small indexes many tests build hold copies
    of the same documents, so they take those vectors instead of computing them again (about a
    minute of CPU per small index on two cores). The vectors are the model's own: what the
    indexer under test does with them (how many chunks it embeds, reuses, stores) is unchanged.
    """

    def __init__(self, inner):
        self._inner = inner
        self.name, self.dimension = inner.name, inner.dimension
        self._passages: dict[str, np.ndarray] = {}
        self._queries: dict[str, np.ndarray] = {}

    def remember(self, pairs) -> None:
        """Take (text, vector) pairs the model computed earlier, e.g. from a built store."""
        self._passages.update(pairs)

    def embed_documents(self, texts: list[str]) -> np.ndarray:
        missing = list(dict.fromkeys(t for t in texts if t not in self._passages))
        if missing:
            self._passages.update(zip(missing, self._inner.embed_documents(missing)))
        if not texts:
            return np.zeros((0, self.dimension), np.float32)
        return np.vstack([self._passages[t] for t in texts])

    def embed_query(self, text: str) -> np.ndarray:
        if text not in self._queries:
            self._queries[text] = self._inner.embed_query(text)
        return self._queries[text]
