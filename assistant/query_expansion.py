"""Cross-lingual query expansion from a curated domain glossary (assistant/glossary.tsv).

An English question gains the German, Chinese and Dutch translations of its terms
("packaging" -> Verpackungen, 包装物, verpakkingen), so the keyword index can match law text
in those languages. Every variant is a translation a dictionary or the EU's legal terminology
gives, never a word picked because an evaluation quote contains it, and no inflected form
(the keyword index stems and decompounds): the file's header spells the rule out. Longest
phrases match first ("packaging waste" before "packaging").
Each language gets its own query: mixed into one, the many short Chinese tokens would outweigh
the German words in BM25's sum.

Beyond the glossary, a general dictionary reaches Chinese for any topic (``lexicon_cedict``,
on by default): the query's content words and pairs of adjacent ones that no glossary term
with a Chinese translation covers are looked up in CC-CEDICT backwards (assistant/lexicon.py),
three headwords each at most, and join the Chinese query. Ding (Debian's trans-de-en, where
installed) does the same for German, two nouns each. No Dutch dictionary covers waste law.

Example::

    from assistant.query_expansion import Glossary
    Glossary.load().translations("plastic packaging recycling quota")["de"]
    # 'Kunststoffverpackung Recyclingquote'

"""

from __future__ import annotations

import csv
import logging
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

from assistant import jurisdictions as jur
from assistant.lexicon import Cedict, Ding
from assistant.text import terms
from indexer.analysis import _STOPWORDS

log = logging.getLogger(__name__)
GLOSSARY_PATH = Path(__file__).resolve().parent / "glossary.tsv"
LANGUAGES = ("de", "zh", "nl")
DICTIONARY_HEADWORDS = 3  # per English term; chosen on the dev split (1-6 tried)
GERMAN_HEADWORDS = 2  # per English term through Ding; chosen on the dev split (1-3 tried)
_WORD = re.compile(r"[a-z][a-z-]+|\|")
# Forms of the auxiliaries scikit-learn's list lacks (it has "do", "has", "get"): "does" -> 雌鹿, a doe.
AUXILIARIES = frozenset({"does", "did", "doing", "having", "gets", "got"})


@lru_cache(maxsize=4096)
def _translatable(word: str) -> bool:
    """Whether the dictionaries should translate an English query word: not a function or
    question word (scikit-learn's English stop list as well as the index's: "what" -> 什么 is
    noise in a Chinese query) nor the name of a jurisdiction ("Chinese" -> 语文; the
    jurisdiction filter and fusion handle those)."""
    return (len(word) > 2 and word not in _STOPWORDS and word not in ENGLISH_STOP_WORDS and word not in AUXILIARIES
            and not jur.mentioned(word))


@dataclass(frozen=True)
class Glossary:
    entries: dict[str, dict[str, tuple[str, ...]]]  # English term -> language -> equivalents
    dictionary: Cedict | None = None  # English -> Chinese for the terms the glossary lacks
    german: Ding | None = None  # English <-> German: the terms the glossary lacks, and German quotes glossed

    @classmethod
    def load(cls, path: Path = GLOSSARY_PATH, dictionary: bool | None = None) -> "Glossary":
        """The glossary at ``path``, with the general dictionaries when ``dictionary`` (by
        default the ``lexicon_cedict`` setting): CC-CEDICT, and Ding where the ``lexicon_german``
        file is installed."""
        from circularbench.settings import Settings

        settings = Settings()
        if dictionary is None:
            dictionary = settings.lexicon_cedict
        entries: dict[str, dict[str, tuple[str, ...]]] = {}
        with open(path, encoding="utf-8", newline="") as fh:
            lines = [line for line in fh if not line.startswith("#")]  # the header's comments
        for n, row in enumerate(csv.DictReader(lines, delimiter="\t"), start=2):
            term = (row.get("en") or "").strip().lower()
            if not term:
                raise ValueError(f"{path}: entry {n - 1}: empty English term")
            entries[term] = {
                lang: tuple(v.strip() for v in (row.get(lang) or "").split("|") if v.strip())
                for lang in LANGUAGES
            }
        german = Path(settings.lexicon_german) if dictionary and settings.lexicon_german else None
        if german and not german.is_file():
            log.info("no German dictionary at %s: German quotes get the glossary's terms only", german)
        return cls(entries, Cedict.load() if dictionary else None,
                   Ding.load(str(german), str(settings.cache_dir)) if german and german.is_file() else None)

    def terms_in(self, query: str) -> list[str]:
        """Glossary terms found in ``query``, longest first, without overlaps."""
        text = query.lower()
        found: list[str] = []
        taken: list[tuple[int, int]] = []
        for term in sorted(self.entries, key=len, reverse=True):
            for m in re.finditer(rf"(?<!\w){re.escape(term)}(?:s|es)?(?!\w)", text):
                if not any(a < m.end() and m.start() < b for a, b in taken):
                    taken.append((m.start(), m.end()))
                    found.append(term)
        return found

    def translations(self, query: str, dictionaries: bool = True) -> dict[str, str]:
        """Per language, the equivalents of the query's glossary terms (empty when none), and,
        with ``dictionaries``, in Chinese and German the general dictionaries' headwords for the
        rest of its content words."""
        found = self.terms_in(query)
        out = {lang: " ".join(v for t in found for v in self.entries[t][lang]) for lang in LANGUAGES}
        for lang, (dictionary, limit) in (self._dictionaries() if dictionaries else {}).items():
            extra = [h for term in self._uncovered(query, [t for t in found if self.entries[t][lang]])
                     for h in dictionary.translate(term, limit)]
            out[lang] = " ".join(dict.fromkeys(out[lang].split() + extra))
        return out

    def dictionary_for(self, language: str) -> Cedict | Ding | None:
        """The general dictionary of ``language`` (Chinese, German), None where there is none."""
        return {"zh": self.dictionary, "de": self.german}.get(language)

    def _dictionaries(self) -> dict[str, tuple[Cedict | Ding, int]]:
        """The general dictionaries that translate query terms, with headwords per term."""
        limits = {"zh": DICTIONARY_HEADWORDS, "de": GERMAN_HEADWORDS}
        return {lang: (found, limit) for lang, limit in limits.items()
                if (found := self.dictionary_for(lang)) is not None and limit}

    def untranslated(self, query: str) -> dict[str, float]:
        """Per language, the share of the query's content words that no translation reaches
        (neither a glossary term holding them nor, in Chinese, the dictionary): where it is high,
        only the multilingual embedding can find that language's text. Terms are matched as
        :meth:`translations` matches them, plurals included."""
        words = {w for w in self._uncovered(query, []) if " " not in w}
        if not words:
            return {lang: 0.0 for lang in LANGUAGES}
        found = self.terms_in(query)
        dictionaries = self._dictionaries()
        out = {}
        for lang in LANGUAGES:
            left = {w for w in self._uncovered(query, [t for t in found if self.entries[t][lang]]) if " " not in w}
            if lang in dictionaries:
                left = {w for w in left if not dictionaries[lang][0].translate(w, 1)}
            out[lang] = len(left) / len(words)
        return out

    def _uncovered(self, query: str, found: list[str]) -> list[str]:
        """The query's content words outside the glossary terms ``found``, pairs of adjacent ones first."""
        text = query.lower()
        for term in found:
            text = re.sub(rf"(?<!\w){re.escape(term)}(?:s|es)?(?!\w)", " | ", text)
        words = [w if _translatable(w) else "|" for w in _WORD.findall(text)]
        pairs = [f"{a} {b}" for a, b in zip(words, words[1:]) if "|" not in (a, b)]
        return pairs + [w for w in words if w != "|"]

    def expanded_terms(self, query: str) -> set[str]:
        """The query's content terms together with those of its translations."""
        return terms(query) | terms(" ".join(self.translations(query).values()))
