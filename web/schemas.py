"""Request and response bodies of the HTTP API (``/v1``). Unknown fields are refused (422).

Answers, passages, citations, plans and comparisons reuse the shared types of
``circularbench.types``, so the API, the CLI and the library speak one JSON shape.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from circularbench.types import Passage, SearchFilters, Turn


class _Request(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SearchRequest(_Request):
    query: str = Field(min_length=1, max_length=2000)
    k: int = Field(default=10, ge=1, le=50)
    filters: SearchFilters = Field(default_factory=SearchFilters)


class SearchResponse(BaseModel):
    passages: list[Passage]


class AskRequest(_Request):
    question: str = Field(min_length=1, max_length=2000)
    filters: SearchFilters = Field(default_factory=SearchFilters)
    history: list[Turn] = Field(default_factory=list, max_length=20)
    generator: Literal["auto", "extractive", "local", "openai"] | None = None


class PlanRequest(_Request):
    topic: str = Field(min_length=1, max_length=300)
    jurisdiction: str = Field(min_length=2, max_length=60, description="Home jurisdiction, code or name.")
    peers: list[str] = Field(min_length=1, max_length=10)
    criteria: list[str] | None = Field(default=None, max_length=10)
    format: Literal["json", "md", "docx"] = "json"
    generator: Literal["auto", "extractive", "local", "openai"] | None = "extractive"


class CompareRequest(_Request):
    criterion: str = Field(min_length=1, max_length=300)
    jurisdictions: list[str] = Field(min_length=1, max_length=12)
    criteria: list[str] | None = Field(default=None, max_length=10)
    generator: Literal["auto", "extractive", "local", "openai"] | None = "extractive"


class DocumentSummary(BaseModel):
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


class DocumentList(BaseModel):
    documents: list[DocumentSummary]


class PageText(BaseModel):
    doc_id: str
    page: int
    pages: int
    text: str


class FeedbackRequest(_Request):
    question: str = Field(min_length=1, max_length=4000)
    answer: str = Field(default="", max_length=20000)
    rating: Literal[-1, 1] = Field(description="1 = thumbs up, -1 = thumbs down.")
    comment: str = Field(default="", max_length=4000)


class FeedbackStored(BaseModel):
    id: int


class Health(BaseModel):
    status: str
    detail: dict[str, str | int | bool] = Field(default_factory=dict)
