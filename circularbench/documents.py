"""The document service: list, upload (checked by content, indexed on arrival), delete, page text.

The API, the UI and the CLI all go through it. Every change to the uploads registry and the
index happens under the data folder's index lock, so parallel uploads and deletions (threads of
one worker, or several workers) never lose a registry entry or pass the duplicate check twice.

Example::

    docs = DocumentService(Settings())
    with open("roadmap.pdf", "rb") as fh:
        summary = docs.upload(fh, title="Freedonia Roadmap", jurisdiction="Germany", year=2024)
    docs.page(summary.doc_id, 1).text
    docs.delete(summary.doc_id)
"""

from __future__ import annotations

import re
from typing import BinaryIO, Callable

from pydantic import ValidationError

from assistant import jurisdictions as jur
from circularbench.settings import Settings
from circularbench.types import DocumentRecord, DocumentSummary, PageText
from corpus.uploads import UploadRegistry
from indexer.embeddings import Embedder
from indexer.ledger import Ledger
from indexer.loaders import LoadError, load_document
from indexer.pipeline import Indexer, index_lock

_READ_CHUNK = 1 << 20


class DocumentError(ValueError):
    """A refused request; ``field`` names the input at fault, ``str(err)`` says why."""

    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")
        self.field = field


class DocumentNotFound(DocumentError):
    pass


class DocumentExists(DocumentError):
    pass


class UploadTooLarge(DocumentError):
    pass


class UnsupportedContent(DocumentError):
    pass


class InvalidDocument(DocumentError):
    pass


def sniff_format(data: bytes) -> str | None:
    """The format by content, not by the file name: pdf, html, md or txt; None if none fits."""
    if data.lstrip()[:5] == b"%PDF-":
        return "pdf"
    if b"\x00" in data[:8192]:
        return None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None
    head = text.lstrip()[:1000].lower()
    if head.startswith(("<!doctype html", "<html")) or "<body" in head:
        return "html"
    return "md" if re.search(r"^#{1,6}\s", text, re.M) else "txt"


def _slug(title: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", title.lower()).strip("_")[:80] or "document"


class DocumentService:
    """``embedder`` returns an already loaded embedder to index with (None: the indexer loads one)."""

    def __init__(self, settings: Settings, embedder: Callable[[], Embedder | None] = lambda: None):
        self.settings = settings
        self._embedder = embedder

    def _indexer(self) -> Indexer:
        return Indexer(self.settings, embedder=self._embedder())

    def list(self) -> list[DocumentSummary]:
        # Both files are replaced atomically, so reading them needs no lock.
        ledger = Ledger.load(self.settings.index_dir / "ledger.json")
        uploaded = {r.id for r in UploadRegistry(self.settings.corpus_dir).records()}
        return [
            DocumentSummary(doc_id=doc_id, file=e.record.file, title=e.record.title, jurisdiction=e.record.jurisdiction,
                            year=e.record.year, doc_type=e.record.doc_type, language=e.record.language, pages=e.pages,
                            chunks=len(e.chunk_ids), uploaded=doc_id in uploaded)
            for doc_id, e in sorted(ledger.documents.items())
        ]

    def _read(self, source: BinaryIO) -> bytes:
        """The upload's bytes, refused as soon as they pass the limit (not after reading them all)."""
        limit = int(self.settings.max_upload_mb * 1e6)
        data = bytearray()
        while chunk := source.read(_READ_CHUNK):
            data += chunk
            if len(data) > limit:
                raise UploadTooLarge("file", f"over the {self.settings.max_upload_mb:g} MB limit")
        if not data:
            raise InvalidDocument("file", "empty")
        return bytes(data)

    def upload(self, source: BinaryIO, *, title: str, jurisdiction: str, doc_type: str = "report",
               language: str = "en", year: int | None = None, doc_id: str | None = None, source_url: str = "",
               filename: str = "") -> DocumentSummary:
        """Store and index a document; returns once it is searchable."""
        title = " ".join(title.split())
        if not title:
            raise InvalidDocument("title", "must not be blank")
        data = self._read(source)
        fmt = sniff_format(data)
        if fmt is None:
            raise UnsupportedContent("file", "not a PDF, HTML, Markdown or UTF-8 text document (checked by content)")
        try:
            code = jur.normalize(jurisdiction)
        except jur.UnknownJurisdictionError as exc:
            raise InvalidDocument("jurisdiction", str(exc)) from exc
        doc_id = doc_id or _slug(title)
        try:
            record = DocumentRecord(id=doc_id, file=f"{doc_id}.{fmt}", title=title, jurisdiction=code, year=year,
                                    doc_type=doc_type, language=language, source_url=source_url, publisher="uploaded")
        except ValidationError as exc:
            err = exc.errors()[0]
            raise InvalidDocument(str(err["loc"][0]), err["msg"]) from exc
        registry = UploadRegistry(self.settings.corpus_dir)
        with index_lock(self.settings):  # the duplicate check, the registry and the index change as one
            indexer = self._indexer()
            if any(d.id == doc_id or d.file == record.file for d in indexer.documents()):
                raise DocumentExists("doc_id", f"{doc_id!r} exists already")
            registry.add(record, data)
            try:
                report = indexer.run(progress=False)
            except BaseException:
                registry.remove(record.id)  # never leave a file registered but not indexed
                raise
            failed = [reason for name, reason in report.skipped if name == record.file]
            if failed:
                registry.remove(record.id)
                indexer.run(progress=False)
                raise InvalidDocument("file", f"{filename or record.file}: {failed[0]}")
        return next(s for s in self.list() if s.doc_id == record.id)

    def delete(self, doc_id: str) -> int:
        """Remove a document's vectors and keyword entries (an uploaded one entirely; a manifest
        document's local copy, until the next `corpus sync`); returns the chunks left in the index."""
        with index_lock(self.settings):
            indexer = self._indexer()
            record = next((d for d in indexer.documents() if d.id == doc_id), None)
            if record is None:
                raise DocumentNotFound("doc_id", f"no document {doc_id!r}")
            if not UploadRegistry(self.settings.corpus_dir).remove(doc_id):
                (self.settings.corpus_dir / record.file).unlink(missing_ok=True)
            return indexer.run(progress=False).chunks_total

    def record(self, doc_id: str) -> DocumentRecord:
        """The manifest's (or the uploads registry's) record of a document: title, jurisdiction,
        year, official ``source_url``, file."""
        record = next((d for d in self._indexer().documents() if d.id == doc_id), None)
        if record is None:
            raise DocumentNotFound("doc_id", f"no document {doc_id!r}")
        return record

    def page(self, doc_id: str, n: int) -> PageText:
        """The text of page ``n`` (PDF), or of the whole document (n = 1) for files without pages."""
        record = next((d for d in self._indexer().documents() if d.id == doc_id), None)
        path = self.settings.corpus_dir / record.file if record else None
        if record is None or not path.is_file():
            raise DocumentNotFound("doc_id", f"no document {doc_id!r}")
        try:
            loaded = load_document(path, record, max_bytes=int(self.settings.max_file_mb * 1e6))
        except LoadError as exc:
            raise InvalidDocument("doc_id", str(exc)) from exc
        pages = {p.page or 1: p.text for p in loaded.pages}
        total = loaded.page_count or 1
        if n not in pages:
            raise DocumentNotFound("n", f"{doc_id!r} has no text on page {n} (pages: {total})")
        return PageText(doc_id=doc_id, page=n, pages=total, text=pages[n])
