"""Cross-lingual query expansion from a curated domain glossary (assistant/glossary.tsv).

An English question gains the German, Chinese and Dutch translations of its terms
("packaging" -> Verpackungen, 包装物, verpakkingen), so the keyword index can match law text
in those languages. Every variant is a translation a dictionary or the EU's legal terminology
gives, never a word picked because an evaluation quote contains it, and no inflected form
(the keyword index stems and decompounds): the file's header spells the rule out. Longest
phrases match first ("packaging waste" before "packaging").
Each language gets its own query: mixed into one, the many short Chinese tokens would outweigh
the German words in BM25's sum.

Example::

    from assistant.query_expansion import Glossary
    Glossary.load().translations("plastic packaging recycling quota")["de"]
    # 'Kunststoffverpackung Recyclingquote'

"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

from assistant.text import terms

GLOSSARY_PATH = Path(__file__).resolve().parent / "glossary.tsv"
LANGUAGES = ("de", "zh", "nl")


@dataclass(frozen=True)
class Glossary:
    entries: dict[str, dict[str, tuple[str, ...]]]  # English term -> language -> equivalents

    @classmethod
    def load(cls, path: Path = GLOSSARY_PATH) -> "Glossary":
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
        return cls(entries)

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

    def translations(self, query: str) -> dict[str, str]:
        """Per language, the equivalents of the query's glossary terms (empty when none)."""
        found = self.terms_in(query)
        return {lang: " ".join(v for t in found for v in self.entries[t][lang]) for lang in LANGUAGES}

    def expanded_terms(self, query: str) -> set[str]:
        """The query's content terms together with those of its translations."""
        return terms(query) | terms(" ".join(self.translations(query).values()))
