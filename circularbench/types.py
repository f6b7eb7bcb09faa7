"""Typed records shared by every stage: documents, chunks and (later) passages and answers.

Example::

    from circularbench.types import DocumentRecord
    doc = DocumentRecord(id="de_verpackg", file="de_verpackg.md", title="VerpackG",
                         jurisdiction="DE", year=2017, doc_type="law", language="de")
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, field_validator

_ID_PATTERN = r"^[a-z0-9][a-z0-9_.-]{0,120}$"
_FILE_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,200}\.(pdf|md|markdown|txt|html|htm)$"


class DocumentRecord(BaseModel):
    """One document of the corpus, as described by the manifest."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=_ID_PATTERN)
    # A bare file name: ids and names end up in paths, so no separators are allowed.
    file: str = Field(pattern=_FILE_PATTERN)
    title: str = Field(min_length=1)
    publisher: str = ""
    jurisdiction: str = Field(pattern=r"^(global|EU|[A-Z]{2}(-[A-Z0-9]{1,3})?)$")
    year: int | None = Field(default=None, ge=1900, le=2100)
    year_note: str = ""
    doc_type: str = Field(pattern=r"^[a-z_]+$")
    language: str = Field(pattern=r"^[a-z]{2}$")
    source_url: str = ""
    download_url: str | None = None
    license: str = ""
    sha256: str | None = Field(default=None, pattern=r"^[0-9a-f]{64}$")

    @property
    def format(self) -> str:
        """Loader format, from the file name's ending."""
        ext = self.file.rsplit(".", 1)[-1].lower()
        return {"markdown": "md", "htm": "html"}.get(ext, ext)


class Chunk(BaseModel):
    """A span of one document, with everything needed to cite it."""

    model_config = ConfigDict(extra="forbid")

    chunk_id: str
    doc_id: str
    file: str
    title: str
    jurisdiction: str
    year: int | None
    doc_type: str
    language: str
    page: int | None = Field(default=None, description="1-based PDF page; None for non-paged files.")
    section: str = ""
    heading: str = Field(default="", description="Heading path above the chunk, for context.")
    char_start: int = Field(ge=0, description="Offset in the page text (PDF) or document text.")
    char_end: int = Field(ge=0)
    text: str

    @field_validator("char_end")
    @classmethod
    def _ordered(cls, v: int, info) -> int:
        if v < info.data.get("char_start", 0):
            raise ValueError("char_end must not precede char_start")
        return v

    def context_text(self) -> str:
        """What gets embedded and keyword-indexed: the heading path (or title) gives the
        chunk its context, so "§ 16 Anforderungen an die Verwertung" travels with its text."""
        return f"{self.heading or self.title[:160]}\n{self.text}"

    def metadata(self) -> dict[str, str | int]:
        """Flat metadata for the vector store (Chroma rejects None values)."""
        meta = self.model_dump(exclude={"text", "chunk_id"})
        meta["page"] = self.page or 0
        meta["year"] = self.year or 0
        return meta

    @classmethod
    def from_metadata(cls, chunk_id: str, text: str, meta: dict) -> "Chunk":
        data = dict(meta)
        data["page"] = data.get("page") or None
        data["year"] = data.get("year") or None
        return cls(chunk_id=chunk_id, text=text, **data)
