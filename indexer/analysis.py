"""Language analysis for the keyword index: the tokens BM25 sees, per language.

* English, German and Dutch words are lower-cased, stop words dropped and reduced to their
  Snowball stem (PyStemmer), so "Verpackungen" and "Verpackung", "targets" and "target" meet.
* German and Dutch compounds also yield their parts ("Kunststoffverpackungen" → kunststoff,
  verpack), split by compound-split's character n-gram model, so a query for packaging finds
  the compounds the laws are written in.
* Chinese, which has no spaces, yields jieba's words (its search mode, which also emits the
  shorter words inside long ones) and overlapping character bigrams, so a word jieba does not
  know still matches by its characters.
* Article labels keep their sign ("§16"), so "§ 16" finds paragraph 16 and not every 16.

Other languages get the same treatment without stemming.

Example::

    from indexer.analysis import analyze
    analyze("Kunststoffverpackungen sind zu verwerten", "de")
    # ['kunststoffverpack', 'kunststoff', 'verpack', 'verwert']
    analyze("废弃电器电子产品", "zh")[:4]
    # ['废弃', '电器', '电子', '产品', ...]
"""

from __future__ import annotations

import logging
import re
from functools import lru_cache

import bm25s
import jieba
import Stemmer
from compound_split import char_split

jieba.setLogLevel(logging.WARNING)  # it logs its dictionary loading at INFO

_TOKEN = re.compile(r"§+\s*\d+[a-z]?|[\u3400-\u9fff\uf900-\ufaff]+|[^\W_]+", re.U)
_CJK_RUN = re.compile(r"^[\u3400-\u9fff\uf900-\ufaff]+$")
_STOPWORDS = frozenset(
    bm25s.tokenization.STOPWORDS_EN + bm25s.tokenization.STOPWORDS_GERMAN + bm25s.tokenization.STOPWORDS_DUTCH
)
_STEMMERS = {"en": "english", "de": "german", "nl": "dutch"}
# The languages analysed as themselves (stemmed, or segmented by jieba); others get bare tokens.
ANALYSED_LANGUAGES = frozenset(_STEMMERS) | {"zh"}
_COMPOUNDING = ("de", "nl")
_MIN_COMPOUND = 10  # shorter words are rarely compounds worth splitting
_SPLIT_CONFIDENCE = 0.0  # compound-split's score: above zero its split is usually right


@lru_cache(maxsize=None)
def _stemmer(language: str):
    name = _STEMMERS.get(language)
    return Stemmer.Stemmer(name) if name else None


@lru_cache(maxsize=200_000)
def _word_tokens(word: str, language: str) -> tuple[str, ...]:
    """A lower-cased alphabetic word's tokens: its stem, and its compound parts' stems."""
    stemmer = _stemmer(language)
    stem = stemmer.stemWord if stemmer else (lambda w: w)
    out = [stem(word)]
    if language in _COMPOUNDING and len(word) >= _MIN_COMPOUND and word.isalpha():
        split = compound_parts(word, language)
        parts = [stem(part.lower()) for part in split or ()]
        # A part that stems to under four letters is a suffix ("Verpack|ungen"), not a word.
        if split and all(len(p) >= 4 for p in parts):
            out += parts
    return tuple(dict.fromkeys(out))


def compound_parts(word: str, language: str) -> tuple[str, str] | None:
    """A German or Dutch compound's head and tail as compound-split divides it, when its score
    says the split is likely right; None otherwise ("Kunststoffverpackung" -> ('Kunststoff', 'Verpackung'))."""
    score, head, tail = char_split.split_compound(word, language)[0]
    return (head, tail) if score > _SPLIT_CONFIDENCE else None


def plain_tokens(text: str) -> list[str]:
    """Lower-cased words without stop words, Chinese as character bigrams, no stemming: the
    terms the answer checks compare between a question and a sentence."""
    tokens: list[str] = []
    for match in _TOKEN.findall(text.lower()):
        if _CJK_RUN.match(match):
            tokens.extend([match[i:i + 2] for i in range(len(match) - 1)] or [match])
        elif match not in _STOPWORDS:
            tokens.append(re.sub(r"\s+", "", match))
    return tokens


def analyze(text: str, language: str = "en") -> list[str]:
    """The keyword tokens of ``text``, written in ``language`` (ISO 639-1)."""
    tokens: list[str] = []
    for match in _TOKEN.findall(text.lower()):
        if _CJK_RUN.match(match):
            words = [w for w in jieba.cut_for_search(match) if len(w) > 1]
            bigrams = [match[i:i + 2] for i in range(len(match) - 1)] or [match]
            tokens.extend(dict.fromkeys(words + bigrams))
        elif match.startswith("§"):
            tokens.append(re.sub(r"\s+", "", match))
        elif match not in _STOPWORDS:
            tokens.extend(_word_tokens(match, language))
    return tokens
