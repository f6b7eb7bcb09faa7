"""Benchmarking plans (JSON, Markdown or DOCX) and side-by-side comparisons."""

from __future__ import annotations

import tempfile
from pathlib import Path

from fastapi import APIRouter, Depends, HTTPException, status
from fastapi.responses import PlainTextResponse, Response

from assistant.generators.base import GeneratorError, GeneratorNotConfigured
from assistant.jurisdictions import UnknownJurisdictionError
from assistant.plan_export import plan_docx, plan_markdown
from assistant.plans import Planner
from assistant.snapshot import IndexSnapshots
from circularbench.types import Comparison, Plan
from web.dependencies import current_assistant, get_snapshots, require_api_key
from web.schemas import CompareRequest, PlanRequest

router = APIRouter(prefix="/v1", tags=["plans"], dependencies=[Depends(require_api_key)])
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@router.post("/plan", response_model=Plan, responses={200: {"content": {"text/markdown": {}, DOCX: {}}}})
def plan(body: PlanRequest, snapshots: IndexSnapshots = Depends(get_snapshots)):
    """A 10-step benchmarking plan (Zhong & Zvarych) with cited evidence and a gap table."""
    bot = current_assistant(snapshots)
    try:
        result = Planner(bot, generator=body.generator).plan(body.topic, body.jurisdiction, body.peers, body.criteria)
    except (UnknownJurisdictionError, ValueError) as exc:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, str(exc)) from exc
    except GeneratorNotConfigured as exc:  # the request asks for what is not offered here
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, f"generator: {exc}") from exc
    except GeneratorError as exc:
        raise HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE, str(exc)) from exc
    if body.format == "md":
        return PlainTextResponse(plan_markdown(result), media_type="text/markdown; charset=utf-8")
    if body.format == "docx":
        with tempfile.TemporaryDirectory() as tmp:
            data = plan_docx(result, Path(tmp) / "plan.docx").read_bytes()
        name = f"benchmarking-plan-{result.home}.docx"
        return Response(data, media_type=DOCX, headers={"Content-Disposition": f'attachment; filename="{name}"'})
    return result


@router.post("/compare", response_model=Comparison)
def compare(body: CompareRequest, snapshots: IndexSnapshots = Depends(get_snapshots)) -> Comparison:
    """One row per jurisdiction: each cell cited, or 'not found in the indexed documents'."""
    bot = current_assistant(snapshots)
    try:
        return Planner(bot, generator=body.generator).compare(body.criterion, body.jurisdictions, body.criteria)
    except (UnknownJurisdictionError, ValueError) as exc:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, str(exc)) from exc
    except GeneratorNotConfigured as exc:  # the request asks for what is not offered here
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, f"generator: {exc}") from exc
    except GeneratorError as exc:
        raise HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE, str(exc)) from exc
