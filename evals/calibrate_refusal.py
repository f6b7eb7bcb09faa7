"""Calibrate the refusal thresholds on the dev split; report refusal quality on both splits.

The evidence signals (best passage similarity, question-term coverage) are computed once per
question; the answer-stage checks (uncovered jurisdictions, unsupported or figure-less drafts)
come from a real extractive run with the thresholds off. A grid over the two thresholds picks
the pair with the best balanced accuracy on dev among those that falsely refuse at most
``MAX_FALSE_REFUSAL`` of the answerable questions (an analyst loses more from a wrongly
refused answer than the checks gain); test is only reported, never tuned on.

    .venv/bin/python -m evals.calibrate_refusal
"""

from __future__ import annotations

import itertools

from assistant.assistant import Assistant
from assistant.refusal import Evidence, assess
from circularbench.settings import Settings
from evals.dataset import EvalQuestion, load_questions


MAX_FALSE_REFUSAL = 0.10


def run(bot: Assistant, questions: list[EvalQuestion]) -> list[tuple[EvalQuestion, Evidence, bool]]:
    rows = []
    for q in questions:
        answer = bot.ask(q.question, history=q.history, generator="extractive")
        hits = bot.retriever.search(answer.search_query, k=bot.settings.search_k)
        evidence = assess(answer.search_query, hits, bot.retriever.glossary, bot.retriever.jurisdictions)
        rows.append((q, evidence, answer.refused))
    return rows


def rates(rows, min_similarity: float, min_coverage: float) -> dict[str, float]:
    answerable = [(e, r) for q, e, r in rows if q.answerable]
    unanswerable = [(e, r) for q, e, r in rows if not q.answerable]
    refused = lambda e, r: r or e.refusal(min_similarity, min_coverage)[0]  # noqa: E731
    false_refusal = sum(refused(e, r) for e, r in answerable) / max(1, len(answerable))
    false_answer = sum(not refused(e, r) for e, r in unanswerable) / max(1, len(unanswerable))
    return {"false_refusal": false_refusal, "false_answer": false_answer,
            "balanced_accuracy": 1 - (false_refusal + false_answer) / 2}


def main() -> None:
    bot = Assistant.open(Settings(refusal_min_similarity=0.0, refusal_min_coverage=0.0, generator="extractive"))
    dev = run(bot, load_questions(split="dev"))
    test = run(bot, load_questions(split="test"))
    grid = itertools.product([0.0, 0.78, 0.80, 0.82, 0.84, 0.86], [0.0, 0.2, 0.3, 0.4, 0.5, 0.6])
    allowed = [g for g in grid if rates(dev, *g)["false_refusal"] <= MAX_FALSE_REFUSAL] or [(0.0, 0.0)]
    best = max(allowed, key=lambda g: (rates(dev, *g)["balanced_accuracy"], -rates(dev, *g)["false_refusal"]))
    print(f"chosen on dev: refusal_min_similarity={best[0]}, refusal_min_coverage={best[1]}")
    for name, rows in (("dev", dev), ("test", test)):
        for label, thresholds in (("thresholds off", (0.0, 0.0)), ("chosen", best)):
            r = rates(rows, *thresholds)
            print(f"  {name:4s} {label:15s} false refusals {r['false_refusal']:.2f}  false answers {r['false_answer']:.2f}  "
                  f"balanced accuracy {r['balanced_accuracy']:.2f}")


if __name__ == "__main__":
    main()
