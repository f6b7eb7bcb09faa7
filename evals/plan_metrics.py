"""Plan metrics: the 10 steps in order, steps with valid evidence, honest gap-table cells.

Example::

    score_plan(plan, chunks, covered={"DE", "EU"})
"""

from __future__ import annotations

from assistant.plans import STEPS
from circularbench.types import Chunk, Plan

PLAN_REQUESTS = [
    ("packaging recycling", "VN", ["DE", "EU"]),
    ("battery collection and recycling", "CN", ["DE", "EU"]),
    ("waste electrical and electronic equipment", "NL", ["DE", "CN"]),
]


def score_plan(plan: Plan, chunks: dict[str, Chunk], covered: set[str]) -> dict[str, float]:
    in_order = [s.number for s in plan.steps] == list(range(1, 11)) and [s.name for s in plan.steps] == STEPS

    def valid(finding) -> bool:
        return finding.found and bool(finding.citations) and all(
            c.chunk_id in chunks and c.quote in chunks[c.chunk_id].text for c in finding.citations)

    with_evidence = [s for s in plan.steps if s.evidence]
    steps_valid = sum(any(valid(f) for f in s.evidence) for s in with_evidence)
    cells = [c for row in plan.gap_table for c in row.cells]
    uncovered = [c for c in cells if c.jurisdiction not in covered]
    found_cells = [c for c in cells if c.found]
    return {
        "steps_in_order": float(in_order),
        "definitions_quoted": sum(s.definition_source is not None for s in plan.steps) / 10,
        "steps_with_valid_evidence": steps_valid / len(with_evidence) if with_evidence else 0.0,
        "missing_marked_for_uncovered": (sum(not c.found for c in uncovered) / len(uncovered)) if uncovered else 1.0,
        "found_cells_valid": (sum(valid(c) for c in found_cells) / len(found_cells)) if found_cells else 0.0,
    }
