"""Retrieval metrics on the evaluation questions: hit@1, hit@5, recall@10, MRR@10, nDCG@10.

Example::

    .venv/bin/python -m evals.retrieval_eval --split dev
"""

from __future__ import annotations

import argparse
import math
from collections import defaultdict
from assistant.followup import rewrite
from circularbench.types import Chunk
from evals.dataset import SPLITS, EvalQuestion, gold_holds, load_questions



def score_question(q: EvalQuestion, ranked: list[Chunk]) -> dict[str, float]:
    top = ranked[:10]
    relevant = [any(gold_holds(c, g) for g in q.gold) for c in top]
    first = next((i for i, r in enumerate(relevant, start=1) if r), None)
    found_gold = sum(any(gold_holds(c, g) for c in top) for g in q.gold)
    dcg = sum(1 / math.log2(i + 1) for i, r in enumerate(relevant, start=1) if r)
    ideal = sum(1 / math.log2(i + 1) for i in range(1, min(len(q.gold), 10) + 1))
    return {
        "hit@1": float(first == 1),
        "hit@5": float(bool(first and first <= 5)),
        "recall@10": found_gold / len(q.gold),
        "mrr@10": 1 / first if first else 0.0,
        "ndcg@10": min(1.0, dcg / ideal) if ideal else 0.0,
    }


def evaluate(ranked: list[tuple[EvalQuestion, list[Chunk]]]) -> dict[str, dict[str, float]]:
    """Mean metrics per category and over all answerable questions, from each question's ranking."""
    per: dict[str, list[dict[str, float]]] = defaultdict(list)
    for q, ranking in ranked:
        if not q.answerable:
            continue
        s = score_question(q, ranking)
        per[q.category].append(s)
        per["all"].append(s)
    return {cat: {k: sum(r[k] for r in rows) / len(rows) for k in rows[0]} | {"n": len(rows)}
            for cat, rows in per.items()}


def print_table(title: str, table: dict[str, dict[str, float]]) -> None:
    print(title)
    print(f"  {'category':14s} {'n':>3s} {'hit@1':>6s} {'hit@5':>6s} {'rec@10':>6s} {'mrr@10':>6s} {'ndcg10':>6s}")
    for cat in sorted(table, key=lambda c: (c == "all", c)):
        m = table[cat]
        print(f"  {cat:14s} {m['n']:3.0f} {m['hit@1']:6.2f} {m['hit@5']:6.2f} {m['recall@10']:6.2f} "
              f"{m['mrr@10']:6.2f} {m['ndcg@10']:6.2f}")


def main() -> None:
    from assistant.retriever import HybridRetriever
    from circularbench.settings import Settings

    parser = argparse.ArgumentParser()
    parser.add_argument("--split", choices=[*SPLITS, "all"], default="dev")
    args = parser.parse_args()
    retriever = HybridRetriever.open(Settings())
    questions = load_questions(split=None if args.split == "all" else args.split)
    table = evaluate([(q, [h.chunk for h in retriever.search(rewrite(q.question, q.history), k=10)])
                      for q in questions if q.answerable])
    print_table(f"hybrid retriever, {args.split} split", table)


if __name__ == "__main__":
    main()
