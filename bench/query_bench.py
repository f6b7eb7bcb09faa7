"""Query benchmark: retrieval and answer latency, measured side by side in one run.

Prints, on the evaluation questions (evals/data/qa.jsonl, both splits):
  * retrieval p50/p95 of circularbench's hybrid retriever and of the naive LangChain pipeline
    (RecursiveCharacterTextSplitter 1000/200 + all-MiniLM-L6-v2 + Chroma top-k), their p50
    ratio, and each one's gold hit@5 (goals: p50 <= 50 ms and <= 1.5x the naive query);
  * answer p50/p95 for each generator: extractive on every question (goal p50 <= 150 ms), the
    local LLM and an OpenAI-compatible server (xllamacpp's, on loopback) on a few, with the
    local LLM's time to first token (goal <= 10 s).
Needs a built index; the naive baseline embeds the corpus on its first run (minutes).

    .venv/bin/python bench/query_bench.py [--llm-questions 4]
"""

from __future__ import annotations

import argparse
import statistics
import time

from assistant.assistant import Assistant
from assistant.followup import rewrite
from assistant.generators.local_llm import LocalLLMGenerator, resolve_model_path
from assistant.generators.llm_server import LLMServer
from assistant.generators.openai_compat import OpenAICompatGenerator
from circularbench.settings import Settings
from evals.baselines import NaivePipeline
from evals.dataset import load_questions
from evals.retrieval_eval import score_question


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def timed(fn) -> tuple[float, object]:
    t0 = time.perf_counter()
    out = fn()
    return (time.perf_counter() - t0) * 1000, out


def line(label: str, ms: list[float], extra: str = "") -> None:
    print(f"  {label:34s} p50 {statistics.median(ms):8.1f} ms   p95 {pct(ms, 0.95):8.1f} ms  (n={len(ms)}) {extra}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--llm-questions", type=int, default=4)
    parser.add_argument("--retrieval-only", action="store_true")
    args = parser.parse_args()
    settings = Settings()
    questions = load_questions()
    answerable = [q for q in questions if q.answerable]
    bot = Assistant.open(settings)
    naive = NaivePipeline.build(settings)
    for q in questions[:3]:  # warm both
        bot.retriever.search(q.question)
        naive.search(q.question)

    hybrid_ms, naive_ms, hybrid_hits, naive_hits = [], [], [], []
    for q in answerable:  # interleaved, so drift hits both alike
        query = rewrite(q.question, q.history)
        ms, hits = timed(lambda: bot.retriever.search(query, k=10))
        hybrid_ms.append(ms)
        hybrid_hits.append(score_question(q, [h.chunk for h in hits])["hit@5"])
        ms, chunks = timed(lambda: naive.search(query, k=10))
        naive_ms.append(ms)
        naive_hits.append(score_question(q, chunks)["hit@5"])
    print(f"retrieval on {len(answerable)} answerable questions")
    line("circularbench hybrid", hybrid_ms, f"hit@5 {statistics.mean(hybrid_hits):.2f}")
    line("naive LangChain (MiniLM + Chroma)", naive_ms, f"hit@5 {statistics.mean(naive_hits):.2f}")
    print(f"  p50 ratio hybrid / naive: {statistics.median(hybrid_ms) / statistics.median(naive_ms):.2f}   (goal <= 1.5)")

    if args.retrieval_only:
        return
    print("answers")
    ms = [timed(lambda: bot.ask(q.question, history=q.history, generator="extractive"))[0] for q in questions]
    line("extractive", ms)

    few = answerable[: args.llm_questions]
    if not few:  # --llm-questions 0: the extractive figures only
        return
    model = resolve_model_path(settings.llm_model, settings.data_dir / "models")
    local = LocalLLMGenerator(model, threads=settings.llm_threads, max_tokens=settings.llm_max_tokens,
                              context_size=settings.llm_context)
    local.load()
    local_bot = Assistant(settings, bot.retriever, local)
    totals, firsts = [], []
    for q in few:
        t0 = time.perf_counter()
        first = None
        for event in local_bot.stream(q.question, history=q.history):
            if event.kind == "token" and first is None:
                first = (time.perf_counter() - t0) * 1000
        totals.append((time.perf_counter() - t0) * 1000)
        firsts.append(first if first is not None else totals[-1])
    line("local LLM (answer)", totals)
    line("local LLM (first token)", firsts, "(goal p50 <= 10 s)")

    with LLMServer(model, threads=settings.llm_threads, context_size=settings.llm_context) as server:
        remote = Assistant(settings, bot.retriever, OpenAICompatGenerator(server.base_url, server.model,
                                                                          max_tokens=settings.llm_max_tokens))
        ms = [timed(lambda: remote.ask(q.question, history=q.history))[0] for q in few]
    line("OpenAI-compatible (xllamacpp server)", ms)


if __name__ == "__main__":
    main()
