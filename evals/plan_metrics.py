"""Plan metrics: the 10 steps in order, steps with valid evidence, honest gap-table cells,
and the peers' key documents among the cited ones (evals/data/plan_requests.jsonl).

Example::

    score_plan(plan, request, chunks, covered={"DE", "EU"})
"""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, Field

from assistant.plans import STEPS
from circularbench.types import Chunk, Plan
from evals.dataset import DATA


class PlanRequest(BaseModel):
    id: str
    topic: str
    home: str
    peers: list[str] = Field(min_length=1)
    expected_docs: list[str] = Field(default_factory=list, description="Documents a good plan cites.")


def load_plan_requests(path: Path = DATA / "plan_requests.jsonl") -> list[PlanRequest]:
    return [PlanRequest.model_validate_json(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def score_plan(plan: Plan, request: PlanRequest, chunks: dict[str, Chunk], covered: set[str]) -> dict[str, float]:
    in_order = [s.number for s in plan.steps] == list(range(1, 11)) and [s.name for s in plan.steps] == STEPS

    def valid(finding) -> bool:
        return finding.found and bool(finding.citations) and all(
            c.chunk_id in chunks and c.quote in chunks[c.chunk_id].text for c in finding.citations)

    with_evidence = [s for s in plan.steps if s.evidence]
    steps_valid = sum(any(valid(f) for f in s.evidence) for s in with_evidence)
    cells = [c for row in plan.gap_table for c in row.cells]
    uncovered = [c for c in cells if c.jurisdiction not in covered]
    found_cells = [c for c in cells if c.found]
    cited_docs = {c.doc_id for c in plan.citations()}
    expected = set(request.expected_docs)
    return {
        "expected_docs_cited": len(expected & cited_docs) / len(expected) if expected else 1.0,
        "steps_in_order": float(in_order),
        "definitions_quoted": sum(s.definition_source is not None for s in plan.steps) / 10,
        "steps_with_valid_evidence": steps_valid / len(with_evidence) if with_evidence else 0.0,
        "missing_marked_for_uncovered": (sum(not c.found for c in uncovered) / len(uncovered)) if uncovered else 1.0,
        "found_cells_valid": (sum(valid(c) for c in found_cells) / len(found_cells)) if found_cells else 0.0,
    }
