"""Text clean-up shared by the loaders: de-hyphenation, running headers/footers, whitespace.

Example::

    from indexer.cleaning import normalize_text, strip_running_lines
    normalize_text("recyc-\\nling  targets\\r\\n")            # 'recycling targets'
    strip_running_lines(["Page 1\\nText", "Page 2\\nMore"])   # ['Text', 'More']
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter

# A hyphen at a line end between two lower-case letters joins a word split by the layout
# ("recyc-\nling"); a hyphen before an upper-case letter or a digit is kept (“EU-\nLevel”).
_HYPHEN_BREAK = re.compile(r"(?<=[a-zà-öø-ÿß])[-\u00ad]\n(?=[a-zà-öø-ÿß])")
_SOFT_HYPHEN = "\u00ad"
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200b\u202f\u3000]+")
_MANY_NEWLINES = re.compile(r"\n{3,}")
_DIGITS = re.compile(r"\d+")


def normalize_text(text: str) -> str:
    """NFC-normalise, join hyphenated line breaks, squeeze spaces and blank lines."""
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\x00", "")
    text = _HYPHEN_BREAK.sub("", text).replace(_SOFT_HYPHEN, "")
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    return _MANY_NEWLINES.sub("\n\n", "\n".join(lines)).strip()


def _line_key(line: str) -> str:
    # Page numbers change from page to page; compare running lines with digits masked.
    return _DIGITS.sub("#", line.strip().lower())


def strip_running_lines(pages: list[str], edge: int = 3, min_share: float = 0.5) -> list[str]:
    """Remove lines that repeat at the top or bottom of most pages (headers, footers, page numbers).

    A line counts as running when, digits masked, it stands within ``edge`` lines of a page's
    top or bottom on at least ``min_share`` of the pages (and on 3 pages at least).
    """
    if len(pages) < 3:
        return pages
    split = [page.split("\n") for page in pages]
    counts: Counter[str] = Counter()
    for lines in split:
        edges = {_line_key(l) for l in lines[:edge] + lines[-edge:] if l.strip()}
        counts.update(edges)
    threshold = max(3, int(min_share * len(pages)))
    running = {key for key, n in counts.items() if n >= threshold}
    bare_number = re.compile(r"^[\W#]*#[\W#]*$")
    cleaned = []
    for lines in split:
        keep = []
        for i, line in enumerate(lines):
            at_edge = i < edge or i >= len(lines) - edge
            key = _line_key(line)
            if at_edge and (key in running or bare_number.match(key)):
                continue
            keep.append(line)
        cleaned.append("\n".join(keep).strip())
    return cleaned
