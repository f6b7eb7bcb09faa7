"""Thumbs up/down on answers, stored for later review."""

from __future__ import annotations

from functools import lru_cache

from fastapi import APIRouter, Depends, status

from web.dependencies import get_settings, require_api_key
from web.feedback_store import FeedbackStore
from web.schemas import FeedbackRequest, FeedbackStored

router = APIRouter(prefix="/v1", tags=["feedback"], dependencies=[Depends(require_api_key)])


@lru_cache
def get_store() -> FeedbackStore:
    return FeedbackStore(get_settings().data_dir / "feedback.sqlite3")


@router.post("/feedback", response_model=FeedbackStored, status_code=status.HTTP_201_CREATED)
def feedback(body: FeedbackRequest, store: FeedbackStore = Depends(get_store)) -> FeedbackStored:
    return FeedbackStored(id=store.add(body.question, body.answer, body.rating, body.comment))
