"""Turn a corpus file into cleaned page texts: PDF page by page, Markdown, plain text, HTML.

Every refusal is a :class:`LoadError` whose message names the file and the reason, so the
indexer can skip it in one line and keep going.

Example::

    from indexer.loaders import load_document
    loaded = load_document(Path("data/corpus/eu_taxonomy_regulation_2020_852.pdf"), record)
    loaded.pages[0].page, loaded.pages[0].text[:60]
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from pathlib import Path

from bs4 import BeautifulSoup
from pypdf import PdfReader
from pypdf.errors import PdfReadError

from circularbench.types import DocumentRecord
from indexer.cleaning import normalize_text, strip_running_lines

logging.getLogger("pypdf").setLevel(logging.ERROR)
logging.getLogger("fontTools").setLevel(logging.ERROR)


class LoadError(ValueError):
    """A file that cannot be indexed; ``str(err)`` is the one-line reason with the file name."""

    def __init__(self, path: Path, reason: str):
        super().__init__(f"{path.name}: {reason}")
        self.path = path
        self.reason = reason


@dataclass(frozen=True)
class PageText:
    page: int | None  # 1-based PDF page, None for files without pages
    text: str


@dataclass(frozen=True)
class LoadedDocument:
    record: DocumentRecord
    pages: list[PageText]  # pages with text; blank pages are left out
    page_count: int = 0  # pages in the file (PDF), 0 for files without pages


def load_document(path: Path, record: DocumentRecord, max_bytes: int | None = None) -> LoadedDocument:
    """Load ``path`` with the loader for ``record.format``; raise :class:`LoadError` on bad input."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise LoadError(path, f"cannot read: {exc.strerror or exc}") from exc
    if size == 0:
        raise LoadError(path, "file is empty")
    if max_bytes is not None and size > max_bytes:
        raise LoadError(path, f"file is {size / 1e6:.1f} MB, over the {max_bytes / 1e6:.0f} MB limit")
    loader = _LOADERS.get(record.format)
    if loader is None:
        raise LoadError(path, f"unsupported format {record.format!r}")
    all_pages = loader(path)
    pages = [p for p in all_pages if p.text.strip()]
    if not pages:
        raise LoadError(path, "no extractable text" + (" (scanned PDF?)" if record.format == "pdf" else ""))
    return LoadedDocument(record=record, pages=pages, page_count=sum(p.page is not None for p in all_pages))


def _load_pdf(path: Path) -> list[PageText]:
    with open(path, "rb") as fh:
        if not fh.read(1024).lstrip().startswith(b"%PDF-"):
            raise LoadError(path, "not a PDF (no %PDF header)")
    try:
        reader = PdfReader(path)
        if reader.is_encrypted:
            # Many PDFs are "encrypted" with an empty user password only to set permissions.
            try:
                unlocked = reader.decrypt("")
            except Exception as exc:  # pypdf raises several types for unsupported crypto
                raise LoadError(path, f"encrypted PDF ({exc})") from exc
            if not unlocked:
                raise LoadError(path, "encrypted PDF (password required)")
        raw = [page.extract_text() or "" for page in reader.pages]
    except LoadError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, OSError) as exc:
        raise LoadError(path, f"corrupt PDF ({type(exc).__name__}: {exc})") from exc
    cleaned = strip_running_lines([normalize_text(t) for t in raw])
    return [PageText(page=i, text=text) for i, text in enumerate(cleaned, start=1)]


def _read_utf8(path: Path) -> str:
    data = path.read_bytes()
    if b"\x00" in data[:8192]:
        raise LoadError(path, "binary content (NUL bytes) in a text file")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise LoadError(path, f"not valid UTF-8 (byte {exc.start}: {data[exc.start:exc.start + 1]!r})") from exc


_FRONT_MATTER = re.compile(r"\A---\n.*?\n---\n", re.S)
_HTML_COMMENT = re.compile(r"<!--.*?-->", re.S)
_HTML_TAG_LINE = re.compile(r"^\s*<[^>\n]+/?>\s*$", re.M)
_MD_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|])")


def _load_markdown(path: Path) -> list[PageText]:
    text = _read_utf8(path).replace("\r\n", "\n")
    text = _FRONT_MATTER.sub("", text)
    text = _HTML_COMMENT.sub("", text)
    text = _HTML_TAG_LINE.sub("", text)
    text = _MD_ESCAPE.sub(r"\1", text)
    return [PageText(page=None, text=normalize_text(text))]


def _load_text(path: Path) -> list[PageText]:
    return [PageText(page=None, text=normalize_text(_read_utf8(path)))]


def _load_html(path: Path) -> list[PageText]:
    soup = BeautifulSoup(_read_utf8(path), "html.parser")
    for tag in soup(["script", "style", "nav", "header", "footer", "noscript", "form"]):
        tag.decompose()
    # Headings become Markdown headings so the chunker sees the document's structure.
    for level in range(1, 7):
        for tag in soup.find_all(f"h{level}"):
            tag.replace_with(f"\n\n{'#' * level} {tag.get_text(' ', strip=True)}\n\n")
    body = soup.body or soup
    return [PageText(page=None, text=normalize_text(body.get_text("\n")))]


_LOADERS = {"pdf": _load_pdf, "md": _load_markdown, "txt": _load_text, "html": _load_html}


def page_text(path: Path, page: int) -> str:
    """The cleaned text of one PDF page (1-based), without extracting the whole file; for
    "open the source" views. Running headers are not removed (that needs every page)."""
    try:
        reader = PdfReader(path)
        if reader.is_encrypted:
            reader.decrypt("")
        if not 1 <= page <= len(reader.pages):
            raise LoadError(path, f"no page {page} (the file has {len(reader.pages)})")
        return normalize_text(reader.pages[page - 1].extract_text() or "")
    except (PdfReadError, KeyError, TypeError, AttributeError) as exc:
        raise LoadError(path, f"corrupt PDF ({type(exc).__name__}: {exc})") from exc
