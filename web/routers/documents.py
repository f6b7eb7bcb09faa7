"""The indexed documents: list, upload (indexed on arrival), delete, and page text."""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import APIRouter, Depends, File, Form, HTTPException, Path as PathParam, UploadFile, status
from pydantic import ValidationError

from assistant import jurisdictions as jur
from circularbench.settings import Settings
from circularbench.types import DocumentRecord
from corpus.uploads import UploadRegistry
from indexer.ledger import Ledger
from indexer.loaders import LoadError, load_document
from indexer.pipeline import Indexer
from web.dependencies import AssistantHolder, get_holder, get_settings, require_admin, require_api_key
from web.schemas import DocumentList, DocumentSummary, PageText

router = APIRouter(prefix="/v1/documents", tags=["documents"], dependencies=[Depends(require_api_key)])
DocId = Annotated[str, PathParam(pattern=r"^[a-z0-9][a-z0-9_.-]{0,120}$", description="A document id.")]


def _summaries(settings: Settings) -> list[DocumentSummary]:
    ledger = Ledger.load(settings.index_dir / "ledger.json")
    uploaded = {r.id for r in UploadRegistry(settings.corpus_dir).records()}
    return [
        DocumentSummary(doc_id=doc_id, file=e.record.file, title=e.record.title, jurisdiction=e.record.jurisdiction,
                        year=e.record.year, doc_type=e.record.doc_type, language=e.record.language, pages=e.pages,
                        chunks=len(e.chunk_ids), uploaded=doc_id in uploaded)
        for doc_id, e in sorted(ledger.documents.items())
    ]


@router.get("", response_model=DocumentList)
def list_documents(settings: Settings = Depends(get_settings)) -> DocumentList:
    return DocumentList(documents=_summaries(settings))


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


@router.post("", response_model=DocumentSummary, status_code=status.HTTP_201_CREATED,
             dependencies=[Depends(require_admin)])
def upload_document(
    file: UploadFile = File(..., description="PDF, Markdown, text or HTML; checked by content."),
    title: str = Form(..., min_length=1, max_length=300),
    jurisdiction: str = Form(..., min_length=2, max_length=60),
    doc_type: str = Form("report", pattern=r"^[a-z_]{2,30}$"),
    language: str = Form("en", pattern=r"^[a-z]{2}$"),
    year: int | None = Form(None, ge=1900, le=2100),
    doc_id: str | None = Form(None, pattern=r"^[a-z0-9][a-z0-9_.-]{0,120}$"),
    source_url: str = Form("", max_length=2000),
    settings: Settings = Depends(get_settings),
    holder: AssistantHolder = Depends(get_holder),
) -> DocumentSummary:
    """Upload a document; it is indexed before the response returns."""
    limit = int(settings.max_upload_mb * 1e6)
    data = file.file.read(limit + 1)
    if len(data) > limit:
        raise HTTPException(status.HTTP_413_REQUEST_ENTITY_TOO_LARGE, f"file: over the {settings.max_upload_mb:g} MB limit")
    if not data:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, "file: empty")
    fmt = sniff_format(data)
    if fmt is None:
        raise HTTPException(status.HTTP_415_UNSUPPORTED_MEDIA_TYPE,
                            "file: not a PDF, HTML, Markdown or UTF-8 text document (checked by content)")
    try:
        code = jur.normalize(jurisdiction)
    except jur.UnknownJurisdictionError as exc:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, f"jurisdiction: {exc}") from exc
    indexer = Indexer(settings, embedder=holder.embedder())
    doc_id = doc_id or _slug(title)
    if any(d.id == doc_id for d in indexer.documents()):
        raise HTTPException(status.HTTP_409_CONFLICT, f"doc_id: {doc_id!r} exists already")
    try:
        record = DocumentRecord(id=doc_id, file=f"{doc_id}.{fmt}", title=title, jurisdiction=code, year=year,
                                doc_type=doc_type, language=language, source_url=source_url, publisher="uploaded")
    except ValidationError as exc:
        err = exc.errors()[0]
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, f"{err['loc'][0]}: {err['msg']}") from exc
    registry = UploadRegistry(settings.corpus_dir)
    registry.add(record, data)
    report = indexer.run(progress=False)
    failed = [reason for name, reason in report.skipped if name == record.file]
    if failed:
        registry.remove(record.id)
        indexer.run(progress=False)
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, f"file: {file.filename or record.file}: {failed[0]}")
    return next(s for s in _summaries(settings) if s.doc_id == record.id)


@router.delete("/{doc_id}", dependencies=[Depends(require_admin)])
def delete_document(doc_id: DocId, settings: Settings = Depends(get_settings),
                    holder: AssistantHolder = Depends(get_holder)) -> dict:
    """Remove a document's vectors and keyword entries (an uploaded one entirely; a manifest
    document's local copy, until the next `corpus sync`)."""
    indexer = Indexer(settings, embedder=holder.embedder())
    record = next((d for d in indexer.documents() if d.id == doc_id), None)
    if record is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"doc_id: no document {doc_id!r}")
    if not UploadRegistry(settings.corpus_dir).remove(doc_id):
        (settings.corpus_dir / record.file).unlink(missing_ok=True)
    report = indexer.run(progress=False)
    return {"deleted": doc_id, "chunks_total": report.chunks_total}


@router.get("/{doc_id}/pages/{n}", response_model=PageText)
def page_text(doc_id: DocId, n: Annotated[int, PathParam(ge=1, le=100000)],
              settings: Settings = Depends(get_settings)) -> PageText:
    """The text of page ``n`` (PDF), or of the whole document (n = 1) for files without pages."""
    record = next((d for d in Indexer(settings).documents() if d.id == doc_id), None)
    path = settings.corpus_dir / record.file if record else None
    if record is None or not path.is_file():
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"doc_id: no document {doc_id!r}")
    try:
        loaded = load_document(path, record, max_bytes=int(settings.max_file_mb * 1e6))
    except LoadError as exc:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, str(exc)) from exc
    pages = {p.page or 1: p.text for p in loaded.pages}
    total = loaded.page_count or 1
    if n not in pages:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"n: {doc_id!r} has no text on page {n} (pages: {total})")
    return PageText(doc_id=doc_id, page=n, pages=total, text=pages[n])
