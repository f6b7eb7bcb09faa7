"""Search and ask (plain JSON, or streamed as server-sent events)."""

from __future__ import annotations

import json
from typing import Iterator

from fastapi import APIRouter, Depends, HTTPException, status
from fastapi.responses import StreamingResponse

from assistant.snapshot import IndexSnapshots
from assistant.generators.base import GeneratorError, GeneratorNotConfigured
from assistant.jurisdictions import UnknownJurisdictionError, normalize
from circularbench.types import Answer
from web.dependencies import current_assistant, get_snapshots, require_api_key
from web.schemas import AskRequest, SearchRequest, SearchResponse

router = APIRouter(prefix="/v1", tags=["answers"], dependencies=[Depends(require_api_key)])


def _bad_request(exc: Exception) -> HTTPException:
    return HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, str(exc))


@router.post("/search", response_model=SearchResponse)
def search(body: SearchRequest, snapshots: IndexSnapshots = Depends(get_snapshots)) -> SearchResponse:
    """Hybrid search: passages with their document, page or article, and score."""
    bot = current_assistant(snapshots)
    try:
        hits = bot.retriever.search(body.query, k=body.k, filters=body.filters)
    except UnknownJurisdictionError as exc:
        raise _bad_request(exc) from exc
    return SearchResponse(passages=[bot.retriever.passage(h) for h in hits])


@router.post("/ask", response_model=Answer)
def ask(body: AskRequest, snapshots: IndexSnapshots = Depends(get_snapshots)) -> Answer:
    """A cited answer, or a refusal that says what was searched."""
    bot = current_assistant(snapshots)
    try:
        return bot.ask(body.question, filters=body.filters, history=body.history, generator=body.generator)
    except UnknownJurisdictionError as exc:
        raise _bad_request(exc) from exc
    except GeneratorNotConfigured as exc:  # the request asks for what is not offered here
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, f"generator: {exc}") from exc
    except GeneratorError as exc:
        raise HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE, str(exc)) from exc


def _sse(event: str, data) -> str:
    return f"event: {event}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"


@router.post("/ask/stream", response_class=StreamingResponse,
             responses={200: {"content": {"text/event-stream": {}}, "description": "token*, citations, final"}})
def ask_stream(body: AskRequest, snapshots: IndexSnapshots = Depends(get_snapshots)) -> StreamingResponse:
    """Server-sent events: ``token`` (draft text as it is written), then ``citations``, then
    ``final`` (the checked answer, the same JSON as ``/v1/ask``)."""
    try:
        # Fail before the stream opens, so a bad filter is a 422 and not a broken stream.
        for j in body.filters.jurisdictions:
            normalize(j)
    except UnknownJurisdictionError as exc:
        raise _bad_request(exc) from exc
    bot = current_assistant(snapshots)  # one snapshot for the whole stream

    def events() -> Iterator[str]:
        try:
            for event in bot.stream(body.question, filters=body.filters, history=body.history, generator=body.generator):
                if event.kind == "token":
                    yield _sse("token", {"text": event.text})
                else:
                    answer = event.answer
                    yield _sse("citations", [c.model_dump() for c in answer.citations])
                    yield _sse("final", answer.model_dump())
        except GeneratorError as exc:
            yield _sse("error", {"detail": str(exc)})

    return StreamingResponse(events(), media_type="text/event-stream")
