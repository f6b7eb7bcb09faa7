"""Documents a question names: "under the Packaging Act", "Regulation (EU) 2025/40", "the OECD
report", "Zhong and Zvarych". The names come from the documents' records (corpus/names.py:
manifest fields, upload metadata and conventions of titles), never from evaluation questions.

Example::

    names = DocumentNames.from_records(records)
    names.mentioned("What does the Packaging Act require of online marketplaces?")
    # ['de_verpackg_verpackungsgesetz']
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from circularbench.types import DocumentRecord
from corpus.names import document_names

_CJK = re.compile(r"[\u3400-\u9fff]")


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

    def mentioned(self, text: str) -> list[str]:
        """Ids of the documents ``text`` names, in order of mention. Overlapping names count once
        (the longest); a name shared by several documents ("WBCSD") yields to a more specific
        one among them ("WBCSD's CDX paper" is the CDX paper)."""
        taken: list[tuple[int, int]] = []
        found: list[tuple[int, tuple[str, ...]]] = []
        for pattern, _, ids in self.patterns:
            for m in pattern.finditer(text):
                if not any(a < m.end() and m.start() < b for a, b in taken):
                    taken.append((m.start(), m.end()))
                    found.append((m.start(), ids))
        specific = {ids[0] for _, ids in found if len(ids) == 1}
        kept = [(at, ids) for at, ids in found if len(ids) == 1 or not specific & set(ids)]
        return list(dict.fromkeys(doc_id for _, ids in sorted(kept) for doc_id in ids))
