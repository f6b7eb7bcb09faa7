"""Answer metrics judged against the gold evidence, never against the system's own output.

Per question (:func:`score_answer`): does the answer cite a passage holding a gold quote, how
many key facts does it state, how many of its numbers stand in a gold passage, and is its text
(quotes and citation markers aside) in English. Over many questions: the means, and refusal
precision, recall and false refusals (:func:`summarize`).

Invariants of the assistant's own checks (citations point at retrieved passages, every number
stands in its cited passage) are unit-tested in ``tests/``: measured here they would hold by
construction and could never fail a gate.

Example::

    row = score_answer(question, answer, gold_texts=["… 90 Masseprozent …"])
    row["cites_gold"], row["key_fact_recall"], row["number_precision"], row["answer_english"]
    summarize([(question, answer, row), ...])["cites_gold"]
"""

from __future__ import annotations

import re

from assistant.text import numbers, strip_citations, terms
from circularbench.types import Answer, Passage
from evals.dataset import EvalQuestion, gold_holds
from indexer.language import detect_language

ANSWER_METRICS = ("cites_gold", "key_fact_recall", "number_precision", "answer_english")
_PERCENT = re.compile(r"\s*(per ?cent|percent|prozent|%)", re.I)
# What the answer says in its own words: quoted spans, language labels and the checks' notes aside.
_QUOTED = re.compile(r"“[^”]*”|\"[^\"]*\"|«[^»]*»|„[^“”]*[“”]")
_LOCATOR = re.compile(r"§§?\s*\d+\w*(?:\s*\(\d+\))?|\b(?:Article|Artikel|Art\.|Section|Annex|Anlage|Bijlage)\s+\d+\w*"
                      r"(?:\s*\(\d+\))?|\bp\.\s*\d+|第[\d一二三四五六七八九十百零〇]+条")
_NOTES = re.compile(r"\s*\((?:Dropped|The indexed documents contain nothing)[^)]*\)")


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


def own_words(answer: str) -> str:
    """The answer's text without quotes, citation markers and the checks' notes."""
    return strip_citations(_QUOTED.sub(" ", _NOTES.sub("", answer)))


def score_answer(q: EvalQuestion, answer: Answer, gold_texts: list[str]) -> dict[str, float | None]:
    """Per-question metrics; None where one does not apply.

    ``gold_texts`` are the texts of the passages holding the question's gold quotes (the chunks
    of the index that match them, or the quotes themselves).
    """
    row: dict[str, float | None] = {"refused": float(answer.refused), "cites_gold": None,
                                    "key_fact_recall": None, "number_precision": None, "answer_english": None}
    if answer.refused:
        if q.answerable:  # a wrongly refused question neither cites the gold nor states its facts
            row["cites_gold"] = 0.0
            row["key_fact_recall"] = 0.0 if q.key_facts else None
        return row
    text = own_words(answer.answer)
    language = detect_language(text, default="")
    row["answer_english"] = None if not language else float(language == "en")
    if not q.answerable:
        return row
    row["cites_gold"] = float(any(gold_holds(c, g) for c in cited_sources(answer) for g in q.gold))
    if q.key_facts:
        row["key_fact_recall"] = sum(fact_present(f, answer.answer) for f in q.key_facts) / len(q.key_facts)
    # Numbers the question itself names ("by 2030", "Article 13") are no claim of the answer's.
    # Locators ("§ 16", "Article 7", "p. 43") are where a figure stands, checked against the cited
    # passage's metadata by the assistant: they are no figures of the answer.
    stated = numbers(_LOCATOR.sub(" ", text)) - numbers(q.question) - set().union(*(numbers(t.question) for t in q.history))
    if stated:
        grounded = set().union(*(numbers(t) for t in gold_texts)) if gold_texts else set()
        row["number_precision"] = len(stated & grounded) / len(stated)
    return row


def cited_sources(answer: Answer) -> list[Passage]:
    """The passages the answer cites, with their full text."""
    cited = {c.chunk_id for c in answer.citations}
    return [p for p in answer.passages if p.chunk_id in cited]


def mean_of(rows: list[dict[str, float | None]], key: str) -> float | None:
    values = [r[key] for r in rows if r.get(key) is not None]
    return sum(values) / len(values) if values else None


def refusal_rates(pairs: list[tuple[EvalQuestion, Answer]]) -> dict[str, float]:
    refused_unanswerable = sum(a.refused and not q.answerable for q, a in pairs)
    refused = sum(a.refused for _, a in pairs)
    unanswerable = sum(not q.answerable for q, _ in pairs)
    answerable = len(pairs) - unanswerable
    return {
        "refusal_precision": refused_unanswerable / refused if refused else 1.0,
        "refusal_recall": refused_unanswerable / unanswerable if unanswerable else 1.0,
        "false_refusal_rate": sum(a.refused and q.answerable for q, a in pairs) / answerable if answerable else 0.0,
        "refusal_accuracy": sum(a.refused != q.answerable for q, a in pairs) / len(pairs) if pairs else 0.0,
    }


def summarize(scored: list[tuple[EvalQuestion, Answer, dict]]) -> dict[str, float | None]:
    """Means of the per-question metrics, refusal rates and the count."""
    rows = [row for _, _, row in scored]
    return ({m: mean_of(rows, m) for m in ANSWER_METRICS} | refusal_rates([(q, a) for q, a, _ in scored])
            | {"n": len(scored)})
