"""Answer-level metrics: key facts, citation validity and support, number grounding, refusals.

Example::

    score_answer(question, answer)   # {'key_fact_recall': 0.5, 'citation_validity': 1.0, ...}
"""

from __future__ import annotations

import re

from assistant.text import citation_numbers, numbers, sentences, strip_citations, terms
from circularbench.types import Answer
from evals.dataset import EvalQuestion

_PERCENT = re.compile(r"\s*(per ?cent|percent|prozent|%)", re.I)


def _norm(text: str) -> str:
    return _PERCENT.sub("%", " ".join(text.lower().split()))


def fact_present(fact: str, answer: str) -> bool:
    """A key fact is present when its numbers all appear and most of its words do (or verbatim)."""
    fact_n, text_n = _norm(fact), _norm(answer)
    if fact_n in text_n:
        return True
    wanted_numbers = numbers(fact_n)
    words = terms(fact_n) - wanted_numbers
    if wanted_numbers and not wanted_numbers <= numbers(text_n):
        return False
    if not words:
        return bool(wanted_numbers)
    return len(words & terms(text_n)) / len(words) >= (0.5 if wanted_numbers else 0.6)


def score_answer(q: EvalQuestion, answer: Answer) -> dict[str, float | None]:
    """Per-question metrics; None where a metric does not apply (e.g. no citations)."""
    out: dict[str, float | None] = {"refused": float(answer.refused)}
    out["key_fact_recall"] = (
        sum(fact_present(f, answer.answer) for f in q.key_facts) / len(q.key_facts)
        if q.key_facts and q.answerable else None
    )
    cits = answer.citations
    if not cits:
        out.update(citation_validity=None, citation_support=None, number_grounding=None)
        return out
    passages = answer.passages
    valid = [c for c in cits if 1 <= c.n <= len(passages) and passages[c.n - 1].chunk_id == c.chunk_id]
    out["citation_validity"] = len(valid) / len(cits)
    claims: dict[int, list[str]] = {}
    for s in sentences(answer.answer):
        for n in citation_numbers(s):
            claims.setdefault(n, []).append(strip_citations(s))
    supported = 0
    for c in valid:
        text = passages[c.n - 1].text
        claim_numbers = set().union(*(numbers(s) for s in claims.get(c.n, [])))
        if c.quote in text and claim_numbers <= numbers(text):
            supported += 1
    out["citation_support"] = supported / len(cits)
    cited_numbers = set().union(*(numbers(passages[c.n - 1].text) for c in valid)) if valid else set()
    body = answer.answer.split(" (Dropped")[0]
    stated = numbers(strip_citations(body))
    out["number_grounding"] = len(stated & cited_numbers) / len(stated) if stated else None
    return out


def refusal_rates(pairs: list[tuple[EvalQuestion, Answer]]) -> dict[str, float]:
    refused_unanswerable = sum(a.refused and not q.answerable for q, a in pairs)
    refused = sum(a.refused for _, a in pairs)
    unanswerable = sum(not q.answerable for q, _ in pairs)
    answerable = len(pairs) - unanswerable
    return {
        "refusal_precision": refused_unanswerable / refused if refused else 1.0,
        "refusal_recall": refused_unanswerable / unanswerable if unanswerable else 1.0,
        "false_refusal_rate": sum(a.refused and q.answerable for q, a in pairs) / answerable if answerable else 0.0,
    }


def mean_of(rows: list[dict[str, float | None]], key: str) -> float | None:
    values = [r[key] for r in rows if r.get(key) is not None]
    return sum(values) / len(values) if values else None
