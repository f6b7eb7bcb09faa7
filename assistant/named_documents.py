"""Documents a question names: "under the Packaging Act", "Regulation (EU) 2025/40", "the OECD
report", "Zhong and Zvarych". The names come from the documents' records (corpus/names.py:
manifest fields, upload metadata and conventions of titles), never from evaluation questions.

Example::

    names = DocumentNames.from_records(records)
    names.mentioned("What does the Packaging Act require of online marketplaces?")
    # ['de_verpackg_verpackungsgesetz']
    names.without_names("What does the Packaging Act require?", ["de_verpackg_verpackungsgesetz"])
    # 'What does the require?'
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from circularbench.types import DocumentRecord
from corpus.names import document_names

_CJK = re.compile(r"[\u3400-\u9fff]")
# What kind of document a name is followed by ("the OECD's 2019 report", "the Zhong and Zvarych
# paper"): inside that document the words match only its title block and running heads.
_KIND = re.compile(r"(?:['’]s)?(?:\s+(?:\d{4}|[A-Z]{2,}))*\s+(?:white\s+paper|working\s+paper|paper|report|study|"
                   r"guide|guidance|publication|document|brief|handbook)s?\b", re.I)


@dataclass(frozen=True)
class DocumentNames:
    patterns: tuple[tuple[re.Pattern, str, tuple[str, ...]], ...]  # (pattern, name, doc ids), longest first

    @classmethod
    def from_records(cls, records: list[DocumentRecord]) -> "DocumentNames":
        by_name: dict[str, list[str]] = {}
        for record in records:
            for name in document_names(record):
                by_name.setdefault(name, []).append(record.id)
        patterns = []
        for name in sorted(by_name, key=len, reverse=True):
            # Chinese has no word boundaries; an all-capitals abbreviation is matched as written
            # ("CDX", not "cdx" inside a word), everything else case-insensitively between word edges.
            body = re.escape(name)
            if _CJK.search(name):
                pattern = re.compile(body)
            elif name.isupper():
                pattern = re.compile(rf"(?<![\w-]){body}(?![\w-])")
            else:
                pattern = re.compile(rf"(?<![\w-]){body}(?![\w-])", re.I)
            patterns.append((pattern, name, tuple(dict.fromkeys(by_name[name]))))
        return cls(tuple(patterns))

    def _named(self, text: str) -> list[tuple[int, int, tuple[str, ...]]]:
        """(start, end, doc ids) of each name in ``text``; overlapping names count once (the longest)."""
        found: list[tuple[int, int, tuple[str, ...]]] = []
        for pattern, _, ids in self.patterns:
            for m in pattern.finditer(text):
                if not any(a < m.end() and m.start() < b for a, b, _ in found):
                    found.append((m.start(), m.end(), ids))
        return sorted(found)

    def mentioned(self, text: str) -> list[str]:
        """Ids of the documents ``text`` names, in order of mention. Overlapping names count once
        (the longest); a name shared by several documents ("WBCSD") yields to a more specific
        one among them ("WBCSD's CDX paper" is the CDX paper)."""
        found = self._named(text)
        specific = {ids[0] for _, _, ids in found if len(ids) == 1}
        kept = [ids for _, _, ids in found if len(ids) == 1 or not specific & set(ids)]
        return list(dict.fromkeys(doc_id for ids in kept for doc_id in ids))

    def without_names(self, text: str, doc_ids: list[str] | set[str]) -> str:
        """``text`` without the names of the documents ``doc_ids``: once a search is confined to
        a document, its name says nothing about which passage answers, and only draws the title
        block and running heads that repeat it ("According to Zhong and Zvarych, what is step 5"
        is searched in their paper as "According to , what is step 5"). Text that is nothing
        but a name is kept as it is."""
        wanted = set(doc_ids)
        out = text
        for start, end, ids in reversed(self._named(text)):
            if wanted & set(ids):
                kind = _KIND.match(out, end)  # "WBCSD's CDX white paper": the kind of document goes with the name
                out = out[:start] + " " + out[kind.end() if kind else end:]
        out = re.sub(r"\s+", " ", out).strip()
        return out if re.search(r"\w", out) else text
