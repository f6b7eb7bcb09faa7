"""Small text helpers shared by the generators and the checks: sentences, numbers, terms.

Example::

    from assistant.text import sentences, numbers
    sentences("Quotas rise. 第一条 为了促进。Next one.")   # ['Quotas rise.', '第一条 为了促进。', 'Next one.']
    numbers("at least 65 % by 2030 and 0,25 EUR")       # {'65', '2030', '0.25'}
"""

from __future__ import annotations

import re

from indexer.chunking import text_length
from indexer.analysis import plain_tokens

# Sentence ends: . ! ? followed by space and a capital/digit/quote/paren, or Chinese 。！？；.
# Abbreviations ("Art. 5", "No. 3", "e.g.") and German ordinal dates ("vom 18. Dezember") do not end one.
_ABBREV = re.compile(r"(?:(?<![\d.])\d{1,2}\.$)|\b(?:Art|Abs|Nr|No|Nos|Dec|vgl|bzw|ca|etc|e\.g|i\.e|cf|para|Para|S|Sec|Ref|Vol|Fig|p|pp|Mr|Dr|Mio|Mrd|Rn|lit|Buchst|Satz)\.$")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[\"'(\[A-ZÄÖÜ0-9§\u4e00-\u9fff])|(?<=[。！？；])")
# Thousands groups use one separator throughout ("1,013,000", "1.000", "1 000"), so table columns
# ("1,013,000 817,000") stay apart, and never follow a leading zero ("0,002" is a decimal).
_NUMBER = re.compile(r"(?<![\w.,])([1-9]\d{0,2}(?:,\d{3})+|[1-9]\d{0,2}(?:\.\d{3})+|[1-9]\d{0,2}(?: \d{3})+|\d+)"
                     r"(?:[.,](\d+))?(?![\w])")
_CITATION = re.compile(r"\s*\[(\d+(?:\s*[,;]\s*\d+)*)\]")


_BLOCKS = re.compile(r"\n\s*\n|\n(?=#{1,6}\s)|\n(?=\(\d+\)\s)")
_HEADING_MARK = re.compile(r"^#{1,6}\s*")


def sentences(text: str) -> list[str]:
    """Sentences, white space folded; paragraphs and Markdown headings always end one."""
    parts: list[str] = []
    for block in _BLOCKS.split(text):
        block = _HEADING_MARK.sub("", " ".join(block.split()))
        merged: list[str] = []
        for piece in _SENTENCE_END.split(block):
            piece = piece.strip()
            if not piece:
                continue
            if merged and _ABBREV.search(merged[-1]):
                merged[-1] = f"{merged[-1]} {piece}"
            else:
                merged.append(piece)
        parts += merged
    return parts


def numbers(text: str) -> set[str]:
    """Numbers in canonical form: thousands separators dropped, decimal comma as a point.

    Citation markers ``[n]`` are not numbers of the text and are ignored.
    """
    text = _CITATION.sub(" ", text)
    out: set[str] = set()
    for whole, frac in _NUMBER.findall(text):
        digits = re.sub(r"[ .,]", "", whole)
        out.add(f"{int(digits)}.{frac}" if frac else str(int(digits)))
    return out


def locate(quote: str, text: str) -> str | None:
    """The exact substring of ``text`` that ``quote`` is, up to white space; None if absent."""
    words = quote.split()
    if not words:
        return None
    match = re.search(r"\s+".join(re.escape(w) for w in words), text)
    return match.group(0) if match else None


def citation_numbers(sentence: str) -> list[int]:
    return [int(n) for group in _CITATION.findall(sentence) for n in re.split(r"\s*[,;]\s*", group)]


def strip_citations(sentence: str) -> str:
    return _CITATION.sub("", sentence).strip()


_FIGURE_QUESTION = re.compile(
    r"\b(how (much|many|high|large|long)|what (share|percentage|proportion|rate|amount|level|fee|fine|tax)|"
    r"which (rate|percentage|year)|by when|what year|per ?cent|percentage|%)",
    re.I,
)


def asks_for_figure(question: str) -> bool:
    """Does the question ask for a number (an amount, a rate, a year)?"""
    return bool(_FIGURE_QUESTION.search(question))


def terms(text: str) -> set[str]:
    """Content terms for overlap scoring (the keyword index's tokens: stop words dropped)."""
    return {t for t in plain_tokens(text) if len(t) > 1 or not t.isascii()}


def focus(text: str, wanted: set[str], max_chars: int) -> str:
    """The sentences of ``text`` sharing most terms with ``wanted``, in their original order,
    within ``max_chars`` (CJK characters weigh 2.5, as in chunking): what a small LLM reads
    instead of the whole passage."""
    parts = sentences(text)
    if sum(text_length(p) + 1 for p in parts) <= max_chars:
        return " ".join(parts)
    ranked = sorted(range(len(parts)), key=lambda i: (-len(terms(parts[i]) & wanted), i))
    keep: list[int] = []
    used = 0
    for i in ranked:
        if used + text_length(parts[i]) + 1 <= max_chars:
            keep.append(i)
            used += text_length(parts[i]) + 1
    return " ".join(parts[i] for i in sorted(keep)) or parts[ranked[0]][:max_chars]
