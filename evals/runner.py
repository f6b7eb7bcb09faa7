"""Run the evaluation: retrieval, answers per generator, refusals, plans and cost, with the
baselines computed in the same run on the same questions.

Example::

    data = run_eval(Settings(), EvalConfig(split="test", generators=["extractive"]))
    data["retrieval"]["circularbench hybrid"]["all"]["hit@5"]
"""

from __future__ import annotations

import statistics
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timezone

from assistant.assistant import Assistant
from assistant.followup import rewrite
from assistant.plans import Planner
from circularbench.settings import Settings
from evals.answer_metrics import mean_of, refusal_rates, score_answer
from evals.dataset import EvalQuestion, load_questions
from evals.plan_metrics import load_plan_requests, score_plan
from evals.retrieval_eval import evaluate

ANSWER_METRICS = ["key_fact_recall", "citation_validity", "citation_support", "number_grounding"]


@dataclass
class EvalConfig:
    split: str = "all"  # dev, test or all
    generators: list[str] = field(default_factory=lambda: ["extractive"])
    llm_limit: int = 12  # questions answered by each LLM generator (they take ~15 s each on 2 cores)
    baselines: bool = True  # the naive LangChain pipeline embeds the corpus once (minutes)
    plans: bool = True


def _sample(questions: list[EvalQuestion], n: int) -> list[EvalQuestion]:
    """Up to ``n`` questions spread over the categories, deterministically."""
    by_cat: dict[str, list[EvalQuestion]] = defaultdict(list)
    for q in questions:
        by_cat[q.category].append(q)
    out: list[EvalQuestion] = []
    while len(out) < min(n, len(questions)):
        for cat in sorted(by_cat):
            if by_cat[cat] and len(out) < n:
                out.append(by_cat[cat].pop(0))
    return out


def _latency(ms: list[float]) -> dict[str, float]:
    ordered = sorted(ms)
    return {"p50_ms": statistics.median(ms), "p95_ms": ordered[int(0.95 * (len(ordered) - 1))], "n": len(ms)}


def run_eval(settings: Settings, config: EvalConfig, assistant: Assistant | None = None) -> dict:
    bot = assistant or Assistant.open(settings)
    retriever = bot.retriever
    questions = load_questions(split=None if config.split == "all" else config.split)
    data: dict = {
        "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "split": config.split,
        "questions": len(questions),
        "embedding_model": retriever.embedder.name,
        "chunks": len(retriever.chunks),
        "retrieval": {},
        "answers": {},
        "latency": {},
    }

    def hybrid(q):
        return [h.chunk for h in retriever.search(rewrite(q.question, q.history), k=10)]

    def bm25(q):
        return [retriever.chunks[c] for c, _ in retriever.keyword.search(rewrite(q.question, q.history), k=10)]

    rankers = {"circularbench hybrid": hybrid, "BM25 only": bm25}
    if config.baselines:
        from evals.baselines import NaivePipeline

        naive = NaivePipeline.build(settings)
        rankers["naive LangChain (MiniLM + Chroma)"] = lambda q: naive.search(rewrite(q.question, q.history), k=10)
    for name, rank in rankers.items():
        ms: list[float] = []

        def timed(q, rank=rank, ms=ms):
            t0 = time.perf_counter()
            out = rank(q)
            ms.append((time.perf_counter() - t0) * 1000)
            return out

        data["retrieval"][name] = evaluate(questions, timed)
        data["latency"][f"retrieval: {name}"] = _latency(ms)

    for gen in config.generators:
        subset = questions if gen == "extractive" else _sample(questions, config.llm_limit)
        pairs, rows, ms = [], [], []
        for q in subset:
            t0 = time.perf_counter()
            answer = bot.ask(q.question, history=q.history, generator=gen)
            ms.append((time.perf_counter() - t0) * 1000)
            pairs.append((q, answer))
            rows.append({"category": q.category, **score_answer(q, answer)})
        summary = {m: mean_of(rows, m) for m in ANSWER_METRICS} | refusal_rates(pairs) | {"n": len(subset)}
        per_cat = {cat: {m: mean_of([r for r in rows if r["category"] == cat], m) for m in ANSWER_METRICS}
                   for cat in sorted({r["category"] for r in rows})}
        data["answers"][gen] = {"all": summary, "by_category": per_cat}
        data["latency"][f"answer: {gen}"] = _latency(ms)

    if config.plans:
        planner = Planner(bot, generator="extractive")
        scores, ms = [], []
        for request in load_plan_requests():
            t0 = time.perf_counter()
            plan = planner.plan(request.topic, request.home, request.peers)
            ms.append((time.perf_counter() - t0) * 1000)
            scores.append(score_plan(plan, request, retriever.chunks, retriever.jurisdictions))
        data["plans"] = {k: sum(s[k] for s in scores) / len(scores) for k in scores[0]} | {"n": len(scores)}
        data["latency"]["plan: extractive"] = _latency(ms)
    return data
