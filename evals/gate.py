"""The CI gate: the held-out splits (test + unseen) evaluated with the fast generator; every
gold-based metric must stay at or above its committed threshold (evals/thresholds.toml), the
hybrid must not fall below BM25 alone, and the held-out questions must be the committed ones.

Thresholds start from what the system reached when they were set, minus a small margin.

    .venv/bin/circularbench eval --gate
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from evals.dataset import HELD_OUT

THRESHOLDS = Path(__file__).resolve().parent / "thresholds.toml"
GATE_CONFIG = {"splits": list(HELD_OUT), "generators": ["extractive"], "baselines": False, "plans": True}


def lookup(data: dict, dotted: str):
    """``data["retrieval"]["test"]["circularbench hybrid"]["all"]["hit@5"]`` from its dotted path
    (keys may hold spaces but no dots)."""
    node = data
    for part in dotted.split("."):
        node = node[part]
    return node


def thresholds(path: Path = THRESHOLDS) -> dict:
    return tomllib.loads(path.read_text(encoding="utf-8"))


def check(data: dict, path: Path = THRESHOLDS) -> list[str]:
    """Failures, one line each (empty when the gate passes)."""
    spec = thresholds(path)
    failures = []
    for dotted, minimum in spec.get("min", {}).items():
        value = lookup(data, dotted)
        if value is None or value < minimum:
            failures.append(f"{dotted} = {value} is below its threshold {minimum}")
    for dotted, maximum in spec.get("max", {}).items():
        value = lookup(data, dotted)
        if value is None or value > maximum:
            failures.append(f"{dotted} = {value} is above its threshold {maximum}")
    for split, expected in spec.get("fingerprint", {}).items():
        found = data["fingerprints"].get(split)
        if found != expected:
            failures.append(f"the {split} split's fingerprint is {found}, not the committed {expected}: "
                            "held-out questions were edited (update evals/thresholds.toml in the same commit)")
    for split, systems in data["retrieval"].items():
        hybrid, bm25 = systems["circularbench hybrid"]["all"]["hit@5"], systems["BM25 only"]["all"]["hit@5"]
        if split in HELD_OUT and hybrid < bm25:
            failures.append(f"{split}: hybrid hit@5 {hybrid:.2f} fell below the BM25 baseline {bm25:.2f}")
    return failures
