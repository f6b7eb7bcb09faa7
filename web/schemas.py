"""Request and response bodies of the HTTP API (``/v1``). Unknown fields are refused (422).

Answers, passages, citations, plans and comparisons reuse the shared types of
``circularbench.types``, so the API, the CLI and the library speak one JSON shape.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from circularbench.types import DocumentSummary, Passage, SearchFilters, Turn


def _not_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be blank")
    return value


# Text a request needs to mean something: whitespace only is refused (422 naming the field).
Text = Annotated[str, AfterValidator(_not_blank)]


class _Request(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SearchRequest(_Request):
    query: Text = Field(min_length=1, max_length=2000)
    k: int = Field(default=10, ge=1, le=50)
    filters: SearchFilters = Field(default_factory=SearchFilters)


class SearchResponse(BaseModel):
    passages: list[Passage]


class AskRequest(_Request):
    question: Text = Field(min_length=1, max_length=2000)
    filters: SearchFilters = Field(default_factory=SearchFilters)
    history: list[Turn] = Field(default_factory=list, max_length=20)
    generator: Literal["auto", "extractive", "local", "openai"] | None = None


class PlanRequest(_Request):
    topic: Text = Field(min_length=1, max_length=300)
    jurisdiction: Text = Field(min_length=2, max_length=60, description="Home jurisdiction, code or name.")
    peers: list[Text] = Field(min_length=1, max_length=10)
    criteria: list[Text] | None = Field(default=None, max_length=10)
    format: Literal["json", "md", "docx"] = "json"
    generator: Literal["auto", "extractive", "local", "openai"] | None = "extractive"


class CompareRequest(_Request):
    criterion: Text = Field(min_length=1, max_length=300)
    jurisdictions: list[Text] = Field(min_length=1, max_length=12)
    criteria: list[Text] | None = Field(default=None, max_length=10)
    generator: Literal["auto", "extractive", "local", "openai"] | None = "extractive"


class DocumentList(BaseModel):
    documents: list[DocumentSummary]


class FeedbackRequest(_Request):
    question: Text = Field(min_length=1, max_length=4000)
    answer: str = Field(default="", max_length=20000)
    rating: Literal[-1, 1] = Field(description="1 = thumbs up, -1 = thumbs down.")
    comment: str = Field(default="", max_length=4000)


class FeedbackStored(BaseModel):
    id: int


class Health(BaseModel):
    status: str
    detail: dict[str, str | int | bool] = Field(default_factory=dict)
