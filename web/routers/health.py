"""Liveness and readiness (no API key: load balancers call these)."""

from __future__ import annotations

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse

from assistant.retriever import IndexNotReadyError
from assistant.snapshot import IndexSnapshots
from web.dependencies import get_snapshots
from web.schemas import Health

router = APIRouter(tags=["health"])


@router.get("/healthz", response_model=Health)
def healthz() -> Health:
    return Health(status="ok")


@router.get("/readyz", response_model=Health, responses={503: {"model": Health}})
def readyz(snapshots: IndexSnapshots = Depends(get_snapshots)):
    """Ready when the index is loaded and the embedding model answers."""
    try:
        bot = snapshots.current()
        bot.retriever.embedder.embed_query("ready")
    except (IndexNotReadyError, OSError, RuntimeError) as exc:
        return JSONResponse(Health(status="unavailable", detail={"reason": str(exc)}).model_dump(), status_code=503)
    return Health(status="ready", detail={"chunks": len(bot.retriever.chunks),
                                          "embedding_model": bot.retriever.embedder.name})
