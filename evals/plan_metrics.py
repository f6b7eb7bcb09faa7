"""Plan metrics against the documents a good plan for each request cites
(evals/data/plan_requests.jsonl). The plan's structure (the 10 steps in order, definitions
quoted, uncovered jurisdictions marked "not found") holds by construction and is unit-tested
in tests/test_plans.py instead.

Example::

    score_plan(plan, request)   # {'expected_docs_cited': 1.0, 'steps_from_gold': 0.8, ...}
"""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, Field

from circularbench.types import Finding, Plan
from evals.dataset import DATA


class PlanRequest(BaseModel):
    id: str
    topic: str
    home: str
    peers: list[str] = Field(min_length=1)
    expected_docs: list[str] = Field(default_factory=list, description="Documents a good plan cites.")


def load_plan_requests(path: Path = DATA / "plan_requests.jsonl") -> list[PlanRequest]:
    return [PlanRequest.model_validate_json(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def score_plan(plan: Plan, request: PlanRequest) -> dict[str, float]:
    """Against the request's gold documents: the share of them the plan cites, the share of
    evidenced steps and of found gap cells that cite one of them."""
    expected = set(request.expected_docs)

    def from_gold(findings: list[Finding]) -> bool:
        return any(c.doc_id in expected for f in findings if f.found for c in f.citations)

    with_evidence = [s for s in plan.steps if any(f.found for f in s.evidence)]
    found_cells = [c for row in plan.gap_table for c in row.cells if c.found]
    cited_docs = {c.doc_id for c in plan.citations()}
    return {
        "expected_docs_cited": len(expected & cited_docs) / len(expected) if expected else 1.0,
        "steps_from_gold": (sum(from_gold(s.evidence) for s in with_evidence) / len(with_evidence)
                            if with_evidence else 0.0),
        "gap_cells_from_gold": sum(from_gold([c]) for c in found_cells) / len(found_cells) if found_cells else 0.0,
    }
