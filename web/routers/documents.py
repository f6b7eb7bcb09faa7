"""The indexed documents: list, upload (indexed on arrival), delete, and page text, through the
library's document service."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, File, Form, HTTPException, Path as PathParam, UploadFile, status

from circularbench.documents import (DocumentError, DocumentExists, DocumentNotFound, DocumentService,
                                     UnsupportedContent, UploadTooLarge)
from circularbench.types import DocumentSummary, PageText
from web.dependencies import get_documents, require_admin, require_api_key
from web.schemas import DocumentList, Text

router = APIRouter(prefix="/v1/documents", tags=["documents"], dependencies=[Depends(require_api_key)])
DocId = Annotated[str, PathParam(pattern=r"^[a-z0-9][a-z0-9_.-]{0,120}$", description="A document id.")]
_STATUS = {DocumentNotFound: status.HTTP_404_NOT_FOUND, DocumentExists: status.HTTP_409_CONFLICT,
           UploadTooLarge: status.HTTP_413_CONTENT_TOO_LARGE,
           UnsupportedContent: status.HTTP_415_UNSUPPORTED_MEDIA_TYPE}


def _http(exc: DocumentError) -> HTTPException:
    return HTTPException(_STATUS.get(type(exc), status.HTTP_422_UNPROCESSABLE_CONTENT), str(exc))


@router.get("", response_model=DocumentList)
def list_documents(docs: DocumentService = Depends(get_documents)) -> DocumentList:
    return DocumentList(documents=docs.list())


@router.post("", response_model=DocumentSummary, status_code=status.HTTP_201_CREATED,
             dependencies=[Depends(require_admin)])
def upload_document(
    file: UploadFile = File(..., description="PDF, Markdown, text or HTML; checked by content."),
    title: Text = Form(..., min_length=1, max_length=300),
    jurisdiction: Text = Form(..., min_length=2, max_length=60),
    doc_type: str = Form("report", pattern=r"^[a-z_]{2,30}$"),
    language: str = Form("en", pattern=r"^[a-z]{2}$"),
    year: int | None = Form(None, ge=1900, le=2100),
    doc_id: str | None = Form(None, pattern=r"^[a-z0-9][a-z0-9_.-]{0,120}$"),
    source_url: str = Form("", max_length=2000),
    docs: DocumentService = Depends(get_documents),
) -> DocumentSummary:
    """Upload a document; it is indexed before the response returns."""
    try:
        return docs.upload(file.file, title=title, jurisdiction=jurisdiction, doc_type=doc_type, language=language,
                           year=year, doc_id=doc_id, source_url=source_url, filename=file.filename or "")
    except DocumentError as exc:
        raise _http(exc) from exc


@router.delete("/{doc_id}", dependencies=[Depends(require_admin)])
def delete_document(doc_id: DocId, docs: DocumentService = Depends(get_documents)) -> dict:
    """Remove a document's vectors and keyword entries (an uploaded one entirely; a manifest
    document's local copy, until the next `corpus sync`)."""
    try:
        return {"deleted": doc_id, "chunks_total": docs.delete(doc_id)}
    except DocumentError as exc:
        raise _http(exc) from exc


@router.get("/{doc_id}/pages/{n}", response_model=PageText)
def page_text(doc_id: DocId, n: Annotated[int, PathParam(ge=1, le=100000)],
              docs: DocumentService = Depends(get_documents)) -> PageText:
    """The text of page ``n`` (PDF), or of the whole document (n = 1) for files without pages."""
    try:
        return docs.page(doc_id, n)
    except DocumentError as exc:
        raise _http(exc) from exc
