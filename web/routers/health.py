"""Liveness and readiness (no API key: load balancers call these)."""

from __future__ import annotations

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse

from assistant.retriever import IndexNotReadyError
from web.dependencies import AssistantHolder, get_holder
from web.schemas import Health

router = APIRouter(tags=["health"])


@router.get("/healthz", response_model=Health)
def healthz() -> Health:
    return Health(status="ok")


@router.get("/readyz", response_model=Health, responses={503: {"model": Health}})
def readyz(holder: AssistantHolder = Depends(get_holder)):
    """Ready when the index is loaded and the embedding model answers."""
    try:
        bot = holder.get()
        bot.retriever.embedder.embed_query("ready")
    except (IndexNotReadyError, OSError, RuntimeError) as exc:
        return JSONResponse(Health(status="unavailable", detail={"reason": str(exc)}).model_dump(), status_code=503)
    return Health(status="ready", detail={"chunks": len(bot.retriever.chunks),
                                          "embedding_model": bot.retriever.embedder.name})
