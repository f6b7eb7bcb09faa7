"""Open a cited source: the PDF page as an image with the quote highlighted plus its text, or
the article (section) of a Markdown/text law as clean text with the quote highlighted.

The quote is located by its letters and digits only (case, spaces, line breaks, hyphens and
Markdown markup are ignored), so a quote taken from the index's cleaned text is found in the
PDF's own text layer (pypdfium2) and in the raw Markdown alike. A quote that was cut short
(citations keep at most a few hundred characters) is found by its longest matching prefix.

Example::

    from circularbench.viewer import open_source
    view = open_source(settings, record, page=None, section="§ 16", quote="mindestens 90 Masseprozent")
    view.found, view.section, view.text[view.start:view.end]
    html_text = view.text_html()          # the text, <mark>ed where the quote stands
    view.image                            # PNG bytes of the PDF page with the quote boxed (PDFs)
"""

from __future__ import annotations

import functools
import html
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from circularbench.types import DocumentRecord

# A quote shorter than this (in letters and digits) is not searched by prefix: too ambiguous.
_MIN_PREFIX = 16
# Around the quote, at most this many characters of a long section are shown.
_WINDOW = 3500
_CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]")


def _key(text: str) -> tuple[str, list[int]]:
    """Letters and digits of ``text``, lower-cased, with each one's index in ``text``."""
    chars, where = [], []
    for i, ch in enumerate(text):
        if ch.isalnum():
            chars.append(ch.lower())
            where.append(i)
    return "".join(chars), where


def find_quote(text: str, quote: str) -> tuple[int, int] | None:
    """The span of ``quote`` in ``text`` (start, end), ignoring everything but letters and
    digits; a quote not found whole is found by its longest prefix of at least 16 of them.

    >>> find_quote("Dabei muss das\\nRecycling **mindestens** 50 %", "recycling mindestens 50")
    (15, 42)
    >>> find_quote("Satz 2. (4) Die Systeme", "(4) Die Systeme")
    (8, 23)
    """
    hay, where = _key(text)
    needle, _ = _key(quote)
    if not needle or not hay:
        return None
    at = hay.find(needle)
    length = len(needle)
    if at < 0:
        # Longest matching prefix, by halving the interval (a prefix that matches implies every
        # shorter one does).
        lo, hi, best = _MIN_PREFIX, len(needle) - 1, None
        while lo <= hi:
            mid = (lo + hi) // 2
            pos = hay.find(needle[:mid])
            if pos >= 0:
                best, lo = (pos, mid), mid + 1
            else:
                hi = mid - 1
        if best is None:
            return None
        at, length = best
    start, end = where[at], where[at + length - 1] + 1
    # Marks around the letters belong to the quote when the text has them too: "(4) Die …".
    lead = re.match(r"[^\w\s]*", quote.strip()).group()
    if lead and text[start - len(lead):start] == lead:
        start -= len(lead)
    return start, end


_MD_LINK = re.compile(r"\[([^\]\n]+)\]\([^)\n]*\)")
_MD_EMPH = re.compile(r"(\*\*|__|(?<![\w*])\*(?=\S)|(?<=\S)\*(?![\w*]))")
_MD_HEADING = re.compile(r"^\s{0,3}#{1,6}\s*(.*?)\s*#*\s*$")
_MD_DEFINITION = re.compile(r"^:\s{1,4}")
# Lines that start a new item: bullets always; numbered items, articles and annexes only after a
# line that ended a sentence or a clause (a wrapped "… nach\n§ 23 des Gesetzes" is joined).
_BULLET = re.compile(r"^[-*•·▪]\s")
_ITEM = re.compile(r"^(\(?\d+[a-z]?[.)]|\([a-z]{1,3}\)|[a-z]\)\s|第.{1,8}[条章节款项]|§|Art(ikel|icle)?\b|Anlage\b|Annex\b)")
_ENDS_CLAUSE = re.compile(r"[.!?:;)。！？：；]$")
_ENDS_ITEM = re.compile(r"[.!?:;,)。！？：；，、]$")


def clean_text(text: str, markdown: bool = False) -> str:
    """Readable text: Markdown markup removed (``markdown``), hard-wrapped lines joined into
    paragraphs (a line that starts a list item, an article or a heading stays on its own line),
    a word hyphenated across lines joined again."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    out: list[str] = []
    prev_blank, prev_heading = True, False
    for raw in lines:
        line = raw.strip()
        heading = False
        if markdown:
            m = _MD_HEADING.match(line)
            if m:
                line, heading = m.group(1), True
            line = _MD_DEFINITION.sub("", line)
            line = _MD_LINK.sub(r"\1", line)
            line = _MD_EMPH.sub("", line)
            if line.startswith(">"):
                line = line.lstrip("> ")
        if not line:
            if out and out[-1] != "":
                out.append("")
            prev_blank = True
            continue
        last = out[-1] if out else ""
        new_item = bool(_BULLET.match(line)) or (bool(_ITEM.match(line)) and bool(_ENDS_ITEM.search(last)))
        # Markdown wraps paragraphs; in a PDF's text a line that ends a sentence often ends its paragraph.
        keep_break = not markdown and bool(_ENDS_CLAUSE.search(last)) and (line[:1].isupper() or _CJK.match(line[:1]))
        join = out and not prev_blank and not heading and not prev_heading and not new_item and not keep_break
        if join:
            if last.endswith("-") and len(last) > 1 and last[-2].isalpha() and line[:1].islower():
                out[-1] = last[:-1] + line
            elif _CJK.search(last[-1:]) or _CJK.match(line[:1]):
                out[-1] = last + line
            else:
                out[-1] = last + " " + line
        else:
            if heading and out and out[-1] != "":
                out.append("")
            out.append(line)
        prev_blank, prev_heading = False, heading
    return "\n".join(out).strip()


@dataclass
class SourceView:
    """What the source viewer shows for one citation."""

    record: DocumentRecord
    page: int | None  # the PDF page shown, None for files without pages
    pages: int  # pages in the PDF (0 for other files)
    section: str  # the article or section shown ("" if the whole text or a page)
    text: str  # clean text of the page or article (a window of it when very long)
    start: int | None = None  # the quote's span in ``text``; None if the quote was not found
    end: int | None = None
    image: bytes | None = None  # PNG of the PDF page, the quote boxed in yellow
    notes: list[str] = field(default_factory=list)

    @property
    def found(self) -> bool:
        return self.start is not None

    def text_html(self) -> str:
        """The text as HTML (to show with ``white-space: pre-wrap``), the quote in ``<mark>``."""
        if self.start is None or self.end is None:
            return html.escape(self.text)
        return (html.escape(self.text[:self.start]) + '<mark class="cb-hl">'
                + html.escape(self.text[self.start:self.end]) + "</mark>" + html.escape(self.text[self.end:]))


def _window(text: str, span: tuple[int, int] | None, size: int = _WINDOW) -> tuple[str, tuple[int, int] | None]:
    """At most ~``size`` characters around ``span``, cut at paragraph or line breaks."""
    if len(text) <= size:
        return text, span
    centre = span[0] if span else 0
    lo = max(0, centre - size // 3)
    hi = min(len(text), max(lo + size, (span[1] if span else 0) + 200))
    if lo > 0:
        cut = text.rfind("\n", 0, lo)
        lo = cut + 1 if cut >= 0 and lo - cut < 400 else lo
    if hi < len(text):
        cut = text.find("\n", hi)
        hi = cut if 0 <= cut < hi + 400 else hi
    head, tail = ("… " if lo > 0 else ""), (" …" if hi < len(text) else "")
    piece = head + text[lo:hi] + tail
    if span is None:
        return piece, None
    return piece, (span[0] - lo + len(head), min(span[1], hi) - lo + len(head))


@functools.lru_cache(maxsize=16)
def _chunks(path: str, mtime_ns: int, record: DocumentRecord, chunk_size: int, overlap: int):
    from indexer.chunking import Chunker
    from indexer.loaders import load_document

    loaded = load_document(Path(path), record)
    text = loaded.pages[0].text if loaded.pages else ""
    return text, Chunker(chunk_size, overlap).split(loaded)


def article(path: Path, record: DocumentRecord, section: str, quote: str, chunk_size: int = 900,
            overlap: int = 120) -> tuple[str, str, tuple[int, int] | None]:
    """The raw text of the article (or section) of a Markdown/text/HTML document that holds
    ``quote`` — cut exactly as the indexer cuts it — its label, and the quote's span in it.

    Without the quote, the first article labelled ``section``; without either, the start of the document.
    """
    text, chunks = _chunks(str(path), path.stat().st_mtime_ns, record, chunk_size, overlap)
    span = find_quote(text, quote) if quote else None
    index = None
    if span is not None:
        index = next((i for i, c in enumerate(chunks) if c.char_start <= span[0] < c.char_end), None)
    if index is None and section:
        index = next((i for i, c in enumerate(chunks) if c.section == section), None)
    if index is None:
        return text, "", span
    label = chunks[index].section
    lo = hi = index
    if label:
        while lo > 0 and chunks[lo - 1].section == label:
            lo -= 1
        while hi + 1 < len(chunks) and chunks[hi + 1].section == label:
            hi += 1
    start = text.rfind("\n", 0, chunks[lo].char_start) + 1
    end = chunks[hi].char_end
    body = text[start:end]
    return body, label, find_quote(body, quote) if quote else None


def pdf_page(path: Path, page: int, quote: str = "", scale: float = 1.6) -> tuple[bytes, str, tuple[int, int] | None]:
    """Page ``page`` (1-based) of a PDF rendered as PNG with the quote's lines boxed in
    translucent yellow, the page's text layer, and the quote's span in that text."""
    import pypdfium2 as pdfium
    from PIL import Image, ImageDraw

    pdf = pdfium.PdfDocument(str(path))
    try:
        if not 1 <= page <= len(pdf):
            raise ValueError(f"{path.name} has no page {page} (pages: {len(pdf)})")
        pg = pdf[page - 1]
        textpage = pg.get_textpage()
        count = textpage.count_chars()
        text = textpage.get_text_range() if count else ""
        if len(text) != count:  # one character per index, needed to map the quote to boxes
            text = "".join(textpage.get_text_range(i, 1) or " " for i in range(count))
        span = find_quote(text, quote) if quote else None
        image = pg.render(scale=scale, rotation=0).to_pil().convert("RGB")
        if span is not None:
            left0, bottom0, _right0, top0 = pg.get_cropbox()
            height = top0 - bottom0
            boxes: list[list[float]] = []  # merged per line: [left, bottom, right, top]
            for i in range(span[0], span[1]):
                if text[i].isspace():
                    continue
                left, bottom, right, top = textpage.get_charbox(i)
                if right <= left:
                    continue
                last = boxes[-1] if boxes else None
                middle = (bottom + top) / 2  # a hyphen's box is small: compare its middle with the line
                if last and last[1] <= middle <= last[3] and left >= last[0] - 2:
                    last[0], last[1] = min(last[0], left), min(last[1], bottom)
                    last[2], last[3] = max(last[2], right), max(last[3], top)
                else:
                    boxes.append([left, bottom, right, top])
            overlay = Image.new("RGBA", image.size, (0, 0, 0, 0))
            draw = ImageDraw.Draw(overlay)
            for left, bottom, right, top in boxes:
                x0, x1 = (left - left0) * scale - 2, (right - left0) * scale + 2
                y0, y1 = (height - (top - bottom0)) * scale - 2, (height - (bottom - bottom0)) * scale + 2
                draw.rectangle([x0, y0, x1, y1], fill=(255, 214, 0, 90), outline=(230, 160, 0, 255), width=2)
            image = Image.alpha_composite(image.convert("RGBA"), overlay).convert("RGB")
        buf = io.BytesIO()
        image.save(buf, format="PNG", optimize=True)
        return buf.getvalue(), text, span
    finally:
        pdf.close()


def page_count(path: Path) -> int:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(path))
    try:
        return len(pdf)
    finally:
        pdf.close()


def open_source(corpus_dir: Path, record: DocumentRecord, *, page: int | None = None, section: str = "",
                quote: str = "", image: bool = True, chunk_size: int = 900, overlap: int = 120) -> SourceView:
    """The view of one citation of ``record`` (a file in ``corpus_dir``): for a PDF the page
    (default 1) rendered with the quote boxed (``image``) and its clean text; for other files
    the article or section holding the quote. Raises ``FileNotFoundError`` if the file is gone
    and ``ValueError`` for a page the PDF does not have."""
    path = corpus_dir / record.file
    if not path.is_file():
        raise FileNotFoundError(f"{record.file} is not in the corpus folder")
    if record.format == "pdf":
        n = page or 1
        png, raw, span = pdf_page(path, n, quote) if image else (None, "", None)
        if not image:
            from indexer.loaders import page_text

            raw = page_text(path, n)
        clean = clean_text(raw)
        view = SourceView(record, n, page_count(path), section, clean)
        found = find_quote(clean, quote) if quote else None
        view.text, found = _window(clean, found, size=12000)
        view.start, view.end = found or (None, None)
        view.image = png
        if quote and found is None:
            view.notes.append("The quote was not found in this page's text layer.")
        return view
    body, label, _ = article(path, record, section, quote, chunk_size, overlap)
    clean = clean_text(body, markdown=record.format in {"md", "html"})
    span = find_quote(clean, quote) if quote else None
    text, span = _window(clean, span)
    view = SourceView(record, None, 0, label or section, text)
    view.start, view.end = span or (None, None)
    if quote and span is None:
        view.notes.append("The quote was not found in the document's text.")
    return view
