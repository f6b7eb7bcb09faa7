"""Typed records shared by every stage: documents, chunks and (later) passages and answers.

Example::

    from circularbench.types import DocumentRecord
    doc = DocumentRecord(id="de_verpackg", file="de_verpackg.md", title="VerpackG",
                         jurisdiction="DE", year=2017, doc_type="law", language="de")
"""

from __future__ import annotations

import re

from pydantic import BaseModel, ConfigDict, Field, field_validator

_ID_PATTERN = r"^[a-z0-9][a-z0-9_.-]{0,120}$"
_FILE_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,200}\.(pdf|md|markdown|txt|html|htm)$"


LEGAL_TYPES = frozenset({"law", "regulation"})  # the document types that oblige, article by article


class DocumentRecord(BaseModel):
    """One document of the corpus, as described by the manifest."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=_ID_PATTERN)
    # A bare file name: ids and names end up in paths, so no separators are allowed.
    file: str = Field(pattern=_FILE_PATTERN)
    title: str = Field(min_length=1)
    short_title: str = Field(default="", description="The name people use, in English: 'Packaging Act'.")
    aliases: tuple[str, ...] = Field(default=(), description="Other names a question may use: abbreviations, "
                                                             "names in other languages.")
    number: str = Field(default="", description="Official number: 'Regulation (EU) 2025/40', 'COM(2019) 640'.")
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


class DocumentSummary(BaseModel):
    """An indexed document as the document service lists it."""

    doc_id: str
    file: str
    title: str
    jurisdiction: str
    year: int | None
    doc_type: str
    language: str
    pages: int
    chunks: int
    uploaded: bool


class PageText(BaseModel):
    """The text of one page of a document (the whole text, page 1, for files without pages)."""

    doc_id: str
    page: int
    pages: int
    text: str


class SourceRef(BaseModel):
    """Where a piece of text comes from: document, jurisdiction, page or article, language."""

    model_config = ConfigDict(extra="forbid")

    chunk_id: str
    doc_id: str
    file: str
    title: str
    jurisdiction: str
    year: int | None
    language: str
    page: int | None = Field(default=None, description="1-based PDF page; None for non-paged files.")
    section: str = Field(default="", description="Article or section label, e.g. '§ 16', 'Article 5', '第十六条'.")


class Chunk(SourceRef):
    """A span of one document, with everything needed to cite it."""

    doc_type: str
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


class SearchFilters(BaseModel):
    """Which chunks a search may return; every field is optional."""

    model_config = ConfigDict(extra="forbid")

    jurisdictions: list[str] = Field(default_factory=list, max_length=50)
    documents: list[str] = Field(default_factory=list, max_length=50, description="Document ids.")
    year_from: int | None = Field(default=None, ge=1900, le=2100)
    year_to: int | None = Field(default=None, ge=1900, le=2100)
    doc_types: list[str] = Field(default_factory=list, max_length=20)
    languages: list[str] = Field(default_factory=list, max_length=20)

    @field_validator("year_to")
    @classmethod
    def _range(cls, v: int | None, info) -> int | None:
        start = info.data.get("year_from")
        if v is not None and start is not None and v < start:
            raise ValueError("year_to must not precede year_from")
        return v

    def is_empty(self) -> bool:
        return not (self.jurisdictions or self.documents or self.year_from or self.year_to or self.doc_types
                    or self.languages)


class Passage(SourceRef):
    """A retrieved chunk as the assistant and the API show it."""

    doc_type: str
    text: str
    score: float
    lead_in: str = Field(default="", description="When the text begins inside a list, the sentence "
                         "introducing it, from the text before: what its items' figures apply to.")
    opening_paragraph: str = Field(default="", description="When the text begins inside a numbered paragraph "
                                   "of its article, that paragraph's mark, e.g. '(4)'.")

    continued: str = Field(default="", description="The end of the sentence the chunk stopped inside, from the "
                           "text after it (already part of ``text``).")
    short_title: str = Field(default="", description="The document's English name, when its record gives one: "
                             "'Packaging Act'.")

    @classmethod
    def from_chunk(cls, chunk: Chunk, score: float, lead_in: str = "", opening_paragraph: str = "",
                   continued: str = "", short_title: str = "") -> "Passage":
        """``continued`` is appended to the chunk's text: the passage then ends where its last sentence does."""
        return cls(score=score, lead_in=lead_in, opening_paragraph=opening_paragraph, continued=continued,
                   short_title=short_title,
                   **chunk.model_dump(exclude={"heading", "char_start", "char_end", "text"}), text=chunk.text + continued)

    @property
    def locator(self) -> str:
        """"p. 12, Article 5", "§ 16" or "" — how a reader finds the passage."""
        parts = [f"p. {self.page}"] if self.page else []
        if self.section:
            parts.append(self.section)
        return ", ".join(parts)


class Citation(SourceRef):
    """One numbered source of an answer, with the exact quote that supports it."""

    n: int = Field(ge=1)
    quote: str
    english: str = Field(default="", description="The quote rendered in English by an LLM, when it is foreign.")
    english_problems: list[str] = Field(default_factory=list, description="What the rendering changed (numbers, "
                                        "dates): a flagged rendering is not to be trusted; show the original.")
    paragraph: str = Field(default="", description="The numbered paragraph of the article the quote stands in, "
                           "e.g. '(4)' for § 1 (4), when the passage shows its number.")

    @property
    def key(self) -> str:
        """What makes two citations the same source in a sources table: passage and quote."""
        return f"{self.chunk_id}|{self.quote}"

    @classmethod
    def of(cls, source: SourceRef, n: int, quote: str) -> "Citation":
        text = getattr(source, "text", "")
        paragraph = paragraph_at(text, quote, getattr(source, "opening_paragraph", "")) if source.section and text else ""
        return cls(n=n, quote=quote, paragraph=paragraph, **source.model_dump(include=set(SourceRef.model_fields)))


# "(4) Mit diesem Gesetz …": a numbered paragraph (Absatz) opening a line, as German and
# Austrian laws number them; EU and Dutch "1." paragraphs look like list items and are left out.
_PARAGRAPH_MARK = re.compile(r"(?m)^[ \t]*\((\d{1,3}[a-z]?)\)\s")


def paragraph_at(text: str, quote: str, opening: str = "") -> str:
    """The paragraph mark standing last before ``quote`` in ``text`` ('(4)'); ``opening``, the
    paragraph ``text`` begins inside, when no mark stands before the quote; '' when unknown."""
    at = text.find(quote)
    if at < 0:
        return ""
    marks = [m.group(1) for m in _PARAGRAPH_MARK.finditer(text) if m.start() <= at + 1]
    return f"({marks[-1]})" if marks else opening


def last_paragraph(text: str) -> str:
    """The mark of the last numbered paragraph ``text`` opens ('(4)'), or ''."""
    marks = _PARAGRAPH_MARK.findall(text)
    return f"({marks[-1]})" if marks else ""


class Figure(BaseModel):
    """One figure the evidence states, as a language-neutral fact: "90 % by weight (plastics),
    from 1 January 2022 — § 16". ``span`` is the exact source text that holds ``value``."""

    value: str = Field(description="The number in canonical form: '90', '0.25', '50000'.")
    unit: str = Field(default="", description="'%', '% by weight', 'EUR', 'yuan', 'kg', 'ppm', … ('' for a count).")
    text: str = Field(description="The figure in English: '90 % by weight', 'EUR 0.25', '50 to 200 yuan'.")
    subject: str = Field(default="", description="What it applies to, in English, when the span names it.")
    period: str = Field(default="", description="Deadline or period in English: 'by 31 December 2025'.")
    n: int = Field(ge=1, description="The answer's citation number of the passage holding the span.")
    chunk_id: str
    doc_id: str
    jurisdiction: str
    section: str = ""
    page: int | None = None
    language: str
    span: str = Field(description="The exact source sentence the figure was read from.")

    @property
    def locator(self) -> str:
        """"§ 16", "Article 7, p. 43" or "" — where the figure stands, article first."""
        return ", ".join(x for x in (self.section.strip(), f"p. {self.page}" if self.page else "") if x)


class Turn(BaseModel):
    """One earlier exchange of a conversation."""

    question: str = Field(max_length=4000)
    answer: str = Field(default="", max_length=20000)


class Answer(BaseModel):
    question: str
    answer: str
    refused: bool
    citations: list[Citation] = Field(default_factory=list)
    passages: list[Passage] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list, description="What the checks dropped or flagged.")
    generator: str = ""
    search_query: str = Field(default="", description="The question as searched (after follow-up rewriting).")
    figures: list[Figure] = Field(default_factory=list, description="The asked figures the cited passages state.")


class Finding(BaseModel):
    """What the documents say about one question for one jurisdiction — or that they don't."""

    jurisdiction: str
    question: str
    found: bool
    text: str = Field(description="The cited answer, or 'not found in the indexed documents'.")
    summary: str = Field(default="", description="The matrix cell: its figures in English with their article, "
                         "then the supporting quote; 'Evidence found, no figure: …' when the passages state none.")
    citations: list[Citation] = Field(default_factory=list)
    figures: list[Figure] = Field(default_factory=list, description="The figures the cited passages state, "
                                  "as facts: the cell's numbers in English.")


class PlanStep(BaseModel):
    number: int = Field(ge=1, le=10)
    name: str
    definition: str = Field(description="The step as the benchmarking paper defines it.")
    definition_source: Citation | None = None
    actions: list[str] = Field(default_factory=list)
    evidence: list[Finding] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)


class GapRow(BaseModel):
    """One criterion of the gap table: a cell per jurisdiction (home first)."""

    criterion: str
    cells: list[Finding]


class Plan(BaseModel):
    topic: str
    home: str
    peers: list[str]
    steps: list[PlanStep]
    gap_table: list[GapRow]
    generator: str = ""
    notes: list[str] = Field(default_factory=list)

    def citations(self) -> list[Citation]:
        """Every citation of the plan once, in order of first use (for a sources table)."""
        seen: dict[str, Citation] = {}
        for step in self.steps:
            for c in ([step.definition_source] if step.definition_source else []) + [
                c for f in step.evidence for c in f.citations
            ]:
                seen.setdefault(c.key, c)
        for row in self.gap_table:
            for f in row.cells:
                for c in f.citations:
                    seen.setdefault(c.key, c)
        return list(seen.values())


class Comparison(BaseModel):
    """A matrix: one row per jurisdiction, one column per criterion."""

    topic: str
    criteria: list[str]
    jurisdictions: list[str]
    rows: list[list[Finding]] = Field(description="rows[i][j]: jurisdiction i, criterion j")
    generator: str = ""

    def citations(self) -> list[Citation]:
        """Every citation of the matrix once, in order of first use (for a sources table)."""
        seen: dict[str, Citation] = {}
        for row in self.rows:
            for f in row:
                for c in f.citations:
                    seen.setdefault(c.key, c)
        return list(seen.values())
