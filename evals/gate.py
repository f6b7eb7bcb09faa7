"""The CI gate: a fast evaluation whose metrics must stay at or above committed thresholds.

Thresholds (evals/thresholds.toml) start from what the system reached when they were set and
never sit below the baselines; the gate also requires, in the same run, that the hybrid
retriever beats BM25 alone.

    .venv/bin/circularbench eval --gate
"""

from __future__ import annotations

import tomllib
from pathlib import Path

THRESHOLDS = Path(__file__).resolve().parent / "thresholds.toml"
GATE_CONFIG = {"split": "all", "generators": ["extractive"], "baselines": False, "plans": True}


def _lookup(data: dict, dotted: str):
    node = data
    for part in dotted.split("."):
        node = node[part]
    return node


def check(data: dict, path: Path = THRESHOLDS) -> list[str]:
    """Failures, one line each (empty when the gate passes)."""
    spec = tomllib.loads(path.read_text(encoding="utf-8"))
    failures = []
    for dotted, minimum in spec.get("min", {}).items():
        value = _lookup(data, dotted)
        if value is None or value < minimum:
            failures.append(f"{dotted} = {value} is below its threshold {minimum}")
    for dotted, maximum in spec.get("max", {}).items():
        value = _lookup(data, dotted)
        if value is None or value > maximum:
            failures.append(f"{dotted} = {value} is above its threshold {maximum}")
    hybrid = data["retrieval"]["circularbench hybrid"]["all"]["hit@5"]
    bm25 = data["retrieval"]["BM25 only"]["all"]["hit@5"]
    if hybrid < bm25:
        failures.append(f"hybrid hit@5 {hybrid:.2f} fell below the BM25 baseline {bm25:.2f}")
    return failures
