"""Learned ranking of the fused candidates: a linear model over general features of each one.

Reciprocal-rank fusion knows only ranks. It cannot tell that a chunk ranked third by BM25
holds every word of the question while the first holds one word many times, or that the top
dense hit is a title block. The ranker re-orders the fused top candidates by what each ranking
said (rank, score relative to that ranking's best, similarity gap to the best dense hit) and
by what the chunk is: how much of the question (in English, translated into the chunk's
language, and in a general dictionary's English gloss of a German or Chinese chunk) it
covers, whether it stands in an article or a law's preamble, its length and line shape,
whether it states figures when figures are asked or defines a term when a definition is
asked, the question's years.

None of the features names a document, a jurisdiction or a word, so the weights carry over to
documents the project has never seen. They are fitted on the dev split only, by
``evals/train_ranker.py``, and shipped as ``assistant/ranker.json`` (a few hundred bytes):
standardisation, then a dot product, then a logistic, so serving needs numpy alone.

Example::

    from assistant.ranking import LinearRanker
    ranker = LinearRanker.load()                          # the shipped model
    # retriever: an assistant.retriever.HybridRetriever; vector: the question's embedding
    ordered, signals = retriever.candidates(question, vector, SearchFilters())  # fused, best first
    top = ordered[:20]
    estimates = ranker.scores(retriever.features(signals, top))   # one per candidate, in (0, 1)
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from assistant.figures import FigureReader, asked_kinds
from assistant.query_expansion import Glossary
from assistant.text import YEAR, asks_for_definition, asks_for_figure, defines, numbers
from circularbench.types import Chunk
from indexer.analysis import analyze

BUILTIN = Path(__file__).with_name("ranker.json")

_GLOSS_ALL = 10_000  # every glossed word of a chunk, not a reader's few
_MAX_FIGURES = 10  # beyond this a chunk is a table; more numbers say nothing more

FEATURES = (
    "log_fused_rank",      # the fusion's own opinion
    "fused_score",         # reciprocal-rank sum, times the fusion constant
    "dense_similarity",    # cosine to the question (0 when the dense side missed it)
    "dense_reciprocal",    # 1 / dense rank
    "dense_gap",           # similarity minus the best dense hit's
    "keyword_relative",    # English BM25 score / best English BM25 score
    "keyword_reciprocal",  # 1 / English BM25 rank
    "translated_relative", # best translated BM25 score / that ranking's best
    "translated_reciprocal",
    "translated_targeted", # found by a translation into a language the question targets
    "chunk_english",
    "chunk_targeted",      # the chunk's language is one the question targets
    "preamble",            # law text outside any article
    "in_article",
    "log_length",
    "figures_when_asked",  # share of up to 10 numbers, when the question asks for a figure
    "year_match",          # a year the question names stands in the chunk
    "heading_overlap",     # share of the question's terms in the chunk's heading or title
    "coverage",            # share of the question's terms in the chunk
    "translated_coverage", # share of the question's translated terms (chunk's language) in it
    "short_lines",         # share of lines under 40 characters (lists, tables, title blocks)
    "leader_dots",         # '..' per 100 characters (tables of contents)
    "defines_when_asked",  # the chunk defines a term ("means", "im Sinne", "是指"), when a definition is asked
    "asked_kinds_stated",  # share of the asked kinds of quantity (a share, money, a mass, a count) it states
    "dense_untranslated",  # 1 / dense rank times the share of the question no translation reaches in the chunk's language
    "gloss_coverage",      # share of the question's terms in a dictionary's English gloss of a German or Chinese chunk
)


@dataclass
class Candidate:
    """One fused candidate and what each ranking said of it (None: that ranking missed it)."""

    chunk: Chunk
    fused: float
    dense_rank: int | None = None
    dense_similarity: float | None = None
    keyword_rank: int | None = None
    keyword_score: float | None = None
    keyword_relative: float = 0.0
    translated_rank: int | None = None
    translated_relative: float = 0.0
    translated_targeted: bool = False


@dataclass
class QuerySignals:
    """What the features need of the question, computed once per search."""

    text: str
    targeted: set[str]  # languages the search aims at
    translations: dict[str, str]  # language -> the glossary's rendering of the question
    best_similarity: float  # of the top dense hit
    untranslated: dict[str, float] = field(default_factory=dict)  # language -> share of the question left untranslated
    terms: set[str] = field(init=False)
    translated_terms: dict[str, set[str]] = field(init=False)
    figure: bool = field(init=False)
    definition: bool = field(init=False)
    years: set[str] = field(init=False)
    kinds: set[str] = field(init=False)

    def __post_init__(self) -> None:
        self.terms = set(analyze(self.text, "en"))
        self.translated_terms = {lang: set(analyze(q, lang)) for lang, q in self.translations.items() if q}
        self.figure = asks_for_figure(self.text)
        self.definition = asks_for_definition(self.text)
        self.years = set(YEAR.findall(self.text))
        self.kinds = asked_kinds(self.text)


@dataclass(frozen=True)
class _Profile:
    terms: frozenset[str]
    heading_terms: frozenset[str]
    numbers: frozenset[str]
    log_length: float
    short_lines: float
    leader_dots: float
    defines: bool
    kinds: frozenset[str]
    gloss_terms: frozenset[str]


class ChunkProfiles:
    """What the features need of each chunk alone, computed on its first candidacy and kept:
    its terms as the keyword index analysed them (so coverage is measured the way BM25
    matched), its heading's terms, its numbers, the kinds of quantity it states and its shape."""

    def __init__(self, glossary: Glossary | None = None) -> None:
        self._profiles: dict[str, _Profile] = {}
        self._glossary = glossary
        self._reader: FigureReader | None = None  # compiles the glossary's variants: only once a chunk is profiled

    def __call__(self, chunk: Chunk) -> _Profile:
        found = self._profiles.get(chunk.chunk_id)
        if found is None:
            text = chunk.text
            self._reader = self._reader or FigureReader(self._glossary)
            lines = text.splitlines() or [""]
            found = self._profiles[chunk.chunk_id] = _Profile(
                frozenset(analyze(text, chunk.language)), frozenset(analyze(chunk.heading or chunk.title, "en")),
                frozenset(numbers(text)), math.log(len(text) + 1),
                sum(len(line) < 40 for line in lines) / len(lines), text.count("..") / (len(text) / 100 + 1),
                defines(text), frozenset(self._reader.kinds(text, chunk.language)), self._gloss(chunk))
        return found

    def _gloss(self, chunk: Chunk) -> frozenset[str]:
        """The English terms a general dictionary gives the chunk's words (German, Chinese): what
        an English question can meet in it beyond the glossary's translations of its own terms."""
        dictionary = self._glossary.dictionary_for(chunk.language) if self._glossary else None
        if dictionary is None:
            return frozenset()
        # Without the modifiers (German adjectives and adverbs, Chinese adverbs and time words):
        # the ranker was fitted without them, and refitted with them its cross-validated MRR fell
        # (.699 -> .696).
        return frozenset(analyze(" ; ".join(dictionary.gloss(chunk.text, _GLOSS_ALL, modifiers=False)), "en"))


def features(query: QuerySignals, candidates: list[Candidate], profiles: ChunkProfiles,
             articled: set[str]) -> np.ndarray:
    """One row of ``FEATURES`` per candidate, in the candidates' (fused) order. ``articled``:
    the laws in which articles were recognised (outside them is preamble)."""
    share = lambda part, whole: len(part & whole) / len(whole) if whole else 0.0  # noqa: E731
    rows = []
    for rank, c in enumerate(candidates, start=1):
        chunk, p = c.chunk, profiles(c.chunk)
        rows.append((
            math.log(rank),
            c.fused * 60,
            c.dense_similarity or 0.0,
            1 / c.dense_rank if c.dense_rank else 0.0,
            c.dense_similarity - query.best_similarity if c.dense_similarity is not None else -0.2,
            c.keyword_relative,
            1 / c.keyword_rank if c.keyword_rank else 0.0,
            c.translated_relative,
            1 / c.translated_rank if c.translated_rank else 0.0,
            float(c.translated_targeted),
            float(chunk.language == "en"),
            float(chunk.language in query.targeted),
            float(not chunk.section and chunk.doc_id in articled),
            float(bool(chunk.section)),
            p.log_length,
            float(query.figure) * min(len(p.numbers), _MAX_FIGURES) / _MAX_FIGURES,
            float(bool(query.years & p.numbers)),
            share(p.heading_terms, query.terms),
            share(p.terms, query.terms),
            share(p.terms, query.translated_terms.get(chunk.language, set())),
            p.short_lines,
            p.leader_dots,
            float(query.definition and p.defines),
            len(query.kinds & p.kinds) / len(query.kinds) if query.kinds else 0.0,
            (1 / c.dense_rank if c.dense_rank else 0.0) * query.untranslated.get(chunk.language, 0.0),
            share(p.gloss_terms, query.terms),
        ))
    return np.asarray(rows, dtype=np.float64).reshape(len(rows), len(FEATURES))


class RankerError(ValueError):
    """A ranker file that cannot be used."""


class LinearRanker:
    """Standardise the features, weigh them, squash: the estimate that a candidate holds the answer."""

    def __init__(self, mean: np.ndarray, scale: np.ndarray, weights: np.ndarray, bias: float, source: str = ""):
        if not (len(mean) == len(scale) == len(weights) == len(FEATURES)):
            raise RankerError(f"{source or 'ranker'}: expected {len(FEATURES)} features")
        if np.any(scale <= 0):
            raise RankerError(f"{source or 'ranker'}: scales must be positive")
        self.mean, self.scale, self.weights, self.bias = mean, scale, weights, bias

    @classmethod
    def load(cls, path: Path | str = BUILTIN) -> "LinearRanker":
        path = Path(path)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if list(data["features"]) != list(FEATURES):
                raise RankerError(f"{path}: its features are not this version's; retrain with evals/train_ranker.py")
            return cls(np.asarray(data["mean"], float), np.asarray(data["scale"], float),
                       np.asarray(data["weights"], float), float(data["bias"]), str(path))
        except (OSError, json.JSONDecodeError, KeyError, TypeError) as exc:
            raise RankerError(f"{path}: not a ranker file ({exc})") from exc

    def to_dict(self) -> dict:
        return {"features": list(FEATURES), "mean": self.mean.tolist(), "scale": self.scale.tolist(),
                "weights": self.weights.tolist(), "bias": self.bias}

    def scores(self, rows: np.ndarray) -> np.ndarray:
        logits = ((rows - self.mean) / self.scale) @ self.weights + self.bias
        return 1 / (1 + np.exp(-logits))
