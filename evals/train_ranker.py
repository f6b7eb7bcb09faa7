"""Fit the learned ranker (assistant/ranking.py) on the dev split and write its model file.

For each answerable dev question, every scope the retriever would search gives its fused top
candidates (the ranker switched off), labelled by whether they hold a gold passage. A
logistic regression (class-balanced, since one candidate in thirty is relevant) learns the
weights of the features. Its regularisation is chosen by five-fold cross-validation over
documents (a question's fold is its first gold document's), so no document's questions score
a model fitted on its own passages, as the unseen split's will not; the chosen model is then
fitted on all of dev. Test and unseen are never read here: ``circularbench eval`` reports them.

    .venv/bin/python -m evals.train_ranker [--out assistant/ranker.json]
"""

from __future__ import annotations

import argparse
import json
import statistics
from collections import Counter

import numpy as np

from assistant.followup import rewrite
from assistant.ranking import BUILTIN, FEATURES, LinearRanker
from assistant.retriever import HybridRetriever
from circularbench.settings import Settings
from circularbench.types import SearchFilters
from evals.dataset import gold_holds, load_questions

_C_GRID = (0.01, 0.03, 0.1, 0.3, 1.0)
_FOLDS = 5


def pools(retriever: HybridRetriever, split: str = "dev") -> list[tuple[str, np.ndarray, np.ndarray]]:
    """(the question's first gold document, feature rows, labels) for each searched scope that
    holds a gold passage among its top candidates; a pool without one teaches nothing about order."""
    out = []
    for q in (q for q in load_questions(split=split) if q.answerable):
        doc = q.gold[0].file
        query = rewrite(q.question, q.history)
        scopes = retriever.scopes(query, SearchFilters())
        vector = retriever.embedder.embed_query(retriever.embedding_text(query, scopes))
        for scope in scopes:
            ordered, signals = retriever.candidates(query, vector, scope)
            top = ordered[: retriever.ranker_top]
            labels = np.array([any(gold_holds(c.chunk, g) for g in q.gold) for c in top])
            if labels.any():
                out.append((doc, retriever.features(signals, top), labels))
    return out


def fit(data: list[tuple[str, np.ndarray, np.ndarray]], c: float) -> LinearRanker:
    from sklearn.linear_model import LogisticRegression  # a training-time need only

    x = np.vstack([rows for _, rows, _ in data])
    y = np.concatenate([labels for _, _, labels in data])
    mean, scale = x.mean(axis=0), x.std(axis=0)
    scale[scale == 0] = 1.0  # a feature constant on dev carries no weight either way
    model = LogisticRegression(C=c, class_weight="balanced", max_iter=5000).fit((x - mean) / scale, y)
    return LinearRanker(mean, scale, model.coef_[0], float(model.intercept_[0]))


def mrr(data: list[tuple[str, np.ndarray, np.ndarray]], model: LinearRanker | None = None) -> float:
    """Mean reciprocal rank (at 10) of the first relevant candidate per pool, under ``model``
    (None: in the fusion's order, as the pools hold them)."""
    out = []
    for _, rows, labels in data:
        order = np.argsort(-model.scores(rows), kind="stable") if model else range(len(labels))
        first = next(i for i, j in enumerate(order, start=1) if labels[j])
        out.append(1 / first if first <= 10 else 0.0)
    return statistics.mean(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(BUILTIN))
    parser.add_argument("--c", type=float, choices=_C_GRID, default=None,
                        help="fit with this C of the grid instead of the best cross-validated one (for a tie "
                             "broken by the dev answers' metrics); every C's cross-validated MRR is kept")
    args = parser.parse_args()
    retriever = HybridRetriever.open(Settings(learned_ranker=""))
    data = pools(retriever)
    # Folds by document, not by question: a question scoring a model fitted on questions about
    # its own document overstates how the weights carry to documents never seen.
    by_doc = Counter(doc for doc, _, _ in data)
    fold = {doc: i % _FOLDS for i, doc in enumerate(sorted(by_doc, key=lambda d: (-by_doc[d], d)))}
    fused = mrr(data)
    print(f"dev: {len(by_doc)} documents, {len(data)} pools; fusion's MRR@10 {fused:.3f}")
    cv = {}
    for c in _C_GRID:
        cv[c] = statistics.mean(
            mrr([d for d in data if fold[d[0]] == f], fit([d for d in data if fold[d[0]] != f], c))
            for f in range(_FOLDS))
        print(f"  C={c:<5} cross-validated MRR@10 {cv[c]:.3f}")
    best = args.c if args.c is not None else max(_C_GRID, key=cv.get)
    model = fit(data, best)
    payload = model.to_dict() | {
        "fitted_on": "dev", "documents": len(by_doc), "pools": len(data), "C": best,
        "cross_validated_mrr": round(cv[best], 4), "cross_validated_by_c": {str(c): round(v, 4) for c, v in cv.items()},
        "fusion_mrr": round(fused, 4),
        "embedding_model": retriever.embedder.name, "chunks": len(retriever.chunks),
    }
    with open(args.out, "w", encoding="utf-8") as f:
        json.dump(payload, f, indent=1)
        f.write("\n")
    print(f"C={best}: wrote {args.out}")
    for name, w in sorted(zip(FEATURES, model.weights), key=lambda t: -abs(t[1])):
        print(f"  {name:24s} {w:+.3f}")


if __name__ == "__main__":
    main()
