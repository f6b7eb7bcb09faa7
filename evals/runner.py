"""Run the evaluation: retrieval for circularbench and its baselines, answers per generator,
where each answer was lost, refusals, plans and cost, per split, in one run.

The run keeps what it measured (every ranking, answer and plan) in an :class:`EvalRun`; the
figures are computed from that material by :meth:`EvalRun.summary`, so a test can change one
answer, citation or plan and see a metric fall.

Example::

    run = run_eval(Settings(), EvalConfig(splits=["test", "unseen"], generators=["extractive"]))
    data = run.summary()
    data["retrieval"]["test"]["circularbench hybrid"]["all"]["hit@5"]
    data["loss"]["unseen"]["extractive"]["all"]      # {'not in pool': 1, 'ranked below k': 4, ...}
"""

from __future__ import annotations

import statistics
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Callable

from assistant.assistant import Assistant
from assistant.followup import rewrite
from assistant.plans import Planner
from circularbench.settings import Settings
from circularbench.types import Answer, Chunk, Passage, Plan
from evals.answer_metrics import cited_sources, fact_present, score_answer, summarize
from evals.dataset import SPLITS, EvalQuestion, fingerprint, gold_holds, load_questions
from evals.plan_metrics import PlanRequest, load_plan_requests, score_plan
from evals.retrieval_eval import evaluate

POOL = 50  # the candidate pool: what the hybrid retriever returns when asked for 50
STAGES = ("not in pool", "ranked below k", "wrongly refused", "not cited", "key fact missing", "answered")
HYBRID, BM25, DENSE, NAIVE = ("circularbench hybrid", "BM25 only", "dense only", "naive LangChain (MiniLM + Chroma)")
FUSION = "hybrid, fusion order (no learned ranker)"


@dataclass
class EvalConfig:
    splits: list[str] = field(default_factory=lambda: list(SPLITS))
    generators: list[str] = field(default_factory=lambda: ["extractive"])
    llm_limit: int = 12  # questions per split answered by each LLM generator (~15 s each on 2 cores)
    baselines: bool = True  # the naive LangChain pipeline (embeds the corpus once: minutes)
    plans: bool = True

    def __post_init__(self):
        unknown = [s for s in self.splits if s not in SPLITS]
        if unknown or not self.splits:
            raise ValueError(f"splits must be among {', '.join(SPLITS)}, not {unknown or 'none'}")
        if self.llm_limit < 1:
            raise ValueError("llm_limit must be at least 1")


@dataclass
class Answered:
    """One question answered by one generator, with what the loss analysis needs."""

    question: EvalQuestion
    answer: Answer
    gold_texts: list[str]  # texts of the index chunks that hold the gold quotes
    pool: list[Chunk]  # the hybrid's candidate pool for the question as searched
    read: int  # how many passages the generator read

    def stage(self) -> str:
        """The first stage at which this answerable question was lost (or "answered")."""
        q, a = self.question, self.answer
        holds = lambda source: any(gold_holds(source, g) for g in q.gold)  # noqa: E731
        if not any(holds(c) for c in self.pool):
            return "not in pool"
        if not any(holds(p) for p in a.passages[: self.read]):
            return "ranked below k"
        if a.refused:
            return "wrongly refused"
        if not any(holds(p) for p in cited_sources(a)):
            return "not cited"
        if not all(fact_present(f, a.answer) for f in q.key_facts):
            return "key fact missing"
        return "answered"


@dataclass
class EvalRun:
    """Everything one evaluation measured; :meth:`summary` turns it into the report's figures."""

    meta: dict
    rankings: dict[str, dict[str, list[tuple[EvalQuestion, list[Chunk]]]]]  # split -> system -> rankings
    answers: dict[str, dict[str, list[Answered]]]  # split -> generator -> answers
    plans: list[tuple[PlanRequest, Plan]]
    latency_ms: dict[str, list[float]]

    def summary(self) -> dict:
        data = dict(self.meta)
        data["retrieval"] = {
            split: {name: evaluate(ranked) | {"p50_ms": _latency(self.latency_ms[f"retrieval: {name}"])["p50_ms"]}
                    for name, ranked in systems.items()}
            for split, systems in self.rankings.items()}
        data["answers"], data["loss"] = {}, {}
        for split, gens in self.answers.items():
            data["answers"][split], data["loss"][split] = {}, {}
            for gen, answered in gens.items():
                scored = [(x.question, x.answer, score_answer(x.question, x.answer, x.gold_texts)) for x in answered]
                by_cat: dict[str, list] = defaultdict(list)
                for item in scored:
                    by_cat[item[0].category].append(item)
                data["answers"][split][gen] = {"all": summarize(scored),
                                               "by_category": {c: summarize(v) for c, v in sorted(by_cat.items())}}
                data["loss"][split][gen] = _loss_table(answered)
        data["worst"] = _worst(self.answers)
        if self.plans:
            scores = [score_plan(plan, request) for request, plan in self.plans]
            data["plans"] = {k: sum(s[k] for s in scores) / len(scores) for k in scores[0]} | {"n": len(scores)}
        data["latency"] = {name: _latency(ms) for name, ms in self.latency_ms.items() if ms}
        return data


def _loss_table(answered: list[Answered]) -> dict[str, dict[str, int]]:
    table: dict[str, Counter] = defaultdict(Counter)
    for x in answered:
        if x.question.answerable:
            stage = x.stage()
            table[x.question.category][stage] += 1
            table["all"][stage] += 1
    return {cat: {s: counts.get(s, 0) for s in STAGES} for cat, counts in table.items()}


def _worst(answers: dict[str, dict[str, list[Answered]]], n: int = 10) -> list[dict]:
    """The ``n`` questions lost earliest (first generator of each split), with their top passages."""
    lost = []
    for split, gens in answers.items():
        if not gens:
            continue
        for x in next(iter(gens.values())):
            if x.question.answerable and (stage := x.stage()) != "answered":
                lost.append((STAGES.index(stage), split, stage, x))
    lost.sort(key=lambda item: (item[0], item[1] != "test", item[3].question.id))
    return [{
        "id": x.question.id, "split": split, "category": x.question.category, "stage": stage,
        "question": x.question.question,
        "gold": [f"{g.file} {g.section or ''}{' p. ' + str(g.page) if g.page else ''}".strip() for g in x.question.gold],
        "top_passages": [_label(p) for p in x.answer.passages[:3]],
        "answer": x.answer.answer[:300],
    } for _, split, stage, x in lost[:n]]


def _label(p: Passage | Chunk) -> str:
    where = ", ".join(filter(None, [f"p. {p.page}" if p.page else "", p.section]))
    return f"{p.file}{' (' + where + ')' if where else ''}: {' '.join(p.text.split())[:140]}"


def _latency(ms: list[float]) -> dict[str, float]:
    if not ms:
        return {"p50_ms": None, "p95_ms": None, "n": 0}
    ordered = sorted(ms)
    return {"p50_ms": statistics.median(ms), "p95_ms": ordered[int(0.95 * (len(ordered) - 1))], "n": len(ms)}


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


def _gold_texts(questions: list[EvalQuestion], chunks: dict[str, Chunk]) -> dict[str, list[str]]:
    by_file: dict[str, list[Chunk]] = defaultdict(list)
    for c in chunks.values():
        by_file[c.file].append(c)
    return {q.id: [c.text for g in q.gold for c in by_file.get(g.file, []) if gold_holds(c, g)] or
            [g.quote for g in q.gold] for q in questions}


def run_eval(settings: Settings, config: EvalConfig, assistant: Assistant | None = None,
             progress: Callable[[str, int, int], None] | None = None) -> EvalRun:
    """Run ``config`` over the index; ``progress(stage, done, total)`` hears of every question
    ranked or answered and every plan drafted (what the UI's progress bar shows)."""
    bot = assistant or Assistant.open(settings)
    retriever = bot.retriever
    questions = {s: load_questions(split=s) for s in config.splits}
    everything = [q for qs in questions.values() for q in qs]
    meta = {
        "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "splits": config.splits,
        "questions": {s: len(qs) for s, qs in questions.items()},
        "fingerprints": {s: fingerprint(qs) for s, qs in questions.items()},
        "embedding_model": retriever.embedder.name,
        "chunks": len(retriever.chunks),
        "generators": config.generators,
    }
    latency: dict[str, list[float]] = defaultdict(list)

    def query(q: EvalQuestion) -> str:
        return rewrite(q.question, q.history)

    def dense(q: EvalQuestion) -> list[Chunk]:
        vector = retriever.embedder.embed_query(query(q))
        return [chunk for chunk, _ in retriever.dense_search(vector, 10)]

    rankers = {
        HYBRID: lambda q: [h.chunk for h in retriever.search(query(q), k=10)],
        BM25: lambda q: [retriever.chunks[c] for c, _ in retriever.keyword.search(query(q), k=10)],
        DENSE: dense,
    }
    if retriever.ranker is not None:  # what the learned order adds, side by side
        rankers[FUSION] = lambda q: [h.chunk for h in retriever.search(query(q), k=10, learned=False)]
    if config.baselines:
        from evals.baselines import NaivePipeline

        naive = NaivePipeline.build(settings)
        rankers[NAIVE] = lambda q: naive.search(query(q), k=10)

    answerable = sum(q.answerable for q in everything)
    total = {"retrieval": answerable * len(rankers),
             "answers": sum(len(qs) if g == "extractive" else min(len(qs), config.llm_limit)
                            for g in config.generators for qs in questions.values()),
             "plans": len(load_plan_requests()) if config.plans else 0}
    done: dict[str, int] = defaultdict(int)

    def tick(stage: str) -> None:
        done[stage] += 1
        if progress is not None:
            progress(stage, done[stage], total[stage])

    rankings: dict[str, dict[str, list]] = {s: {} for s in config.splits}
    for name, rank in rankers.items():
        for split, qs in questions.items():
            ranked = []
            for q in qs:
                if not q.answerable:
                    continue
                t0 = time.perf_counter()
                ranked.append((q, rank(q)))
                latency[f"retrieval: {name}"].append((time.perf_counter() - t0) * 1000)
                tick("retrieval")
            rankings[split][name] = ranked

    gold_texts = _gold_texts(everything, retriever.chunks)
    answers: dict[str, dict[str, list[Answered]]] = {s: {} for s in config.splits}
    for gen in config.generators:
        read = settings.answer_passages if gen == "extractive" else settings.llm_passages
        for split, qs in questions.items():
            answered = []
            for q in qs if gen == "extractive" else _sample(qs, config.llm_limit):
                t0 = time.perf_counter()
                answer = bot.ask(q.question, history=q.history, generator=gen)
                latency[f"answer: {gen}"].append((time.perf_counter() - t0) * 1000)
                pool = [h.chunk for h in retriever.search(answer.search_query, k=POOL)] if q.answerable else []
                answered.append(Answered(q, answer, gold_texts[q.id], pool, read))
                tick("answers")
            answers[split][gen] = answered

    plans = []
    if config.plans:
        planner = Planner(bot, generator="extractive")
        for request in load_plan_requests():
            t0 = time.perf_counter()
            plans.append((request, planner.plan(request.topic, request.home, request.peers)))
            latency["plan: extractive"].append((time.perf_counter() - t0) * 1000)
            tick("plans")
    return EvalRun(meta, rankings, answers, plans, dict(latency))
