"""The evaluation: the question splits are what they claim, their gold holds in the corpus, the
CI gate passes on the real index, and every metric of the gate can fail."""

import dataclasses
import json
from collections import Counter

import pytest

from assistant.assistant import Assistant
from assistant.retriever import HybridRetriever
from circularbench.types import Finding
from corpus.manifest import load_manifest
from evals.answer_metrics import score_answer
from evals.dataset import (HELD_OUT, UNSEEN_DOCUMENTS, fingerprint, gold_holds, load_questions,
                           present_absent_terms, verify_gold)
from evals.gate import GATE_CONFIG, check, lookup, thresholds
from evals.report import CHARTS, latest_report, write_report
from evals.runner import EvalConfig, EvalRun, run_eval

MINIMUM_TEST = {"factual": 20, "numeric": 20, "definition": 10, "comparative": 15, "cross-lingual": 30,
                "multi-hop": 15, "follow-up": 10, "unanswerable": 20}


def _language(file: str) -> str:
    return {d.file: d.language for d in load_manifest().documents}[file]


def test_the_test_split_is_large_and_varied():
    test = load_questions(split="test")
    assert len(test) >= 150
    counts = Counter(q.category for q in test)
    assert all(counts[c] >= n for c, n in MINIMUM_TEST.items()), counts
    languages = Counter(_language(q.gold[0].file) for q in test if q.category == "cross-lingual")
    assert all(languages[lang] >= 8 for lang in ("de", "zh", "nl")), languages
    assert all(q.history for q in test if q.category == "follow-up")


def test_ids_are_unique_and_splits_known():
    questions = load_questions()
    assert len({q.id for q in questions}) == len(questions)
    assert {q.split for q in questions} == {"dev", "test", "unseen"}


def test_the_unseen_split_is_about_its_documents_only():
    unseen = load_questions(split="unseen")
    assert len(unseen) >= 25
    assert all(q.gold and {g.file for g in q.gold} <= UNSEEN_DOCUMENTS for q in unseen)
    files = {g.file for q in unseen for g in q.gold}
    assert {_language(f) for f in files} >= {"de", "zh", "en"} and len(files) >= 4
    assert not [q.id for q in load_questions(split="dev") if {g.file for g in q.gold} & UNSEEN_DOCUMENTS]


def test_the_held_out_splits_are_the_committed_ones():
    committed = thresholds()["fingerprint"]
    assert {s: fingerprint(load_questions(split=s)) for s in HELD_OUT} == committed


def test_every_gold_quote_stands_in_its_document(mirror):
    assert verify_gold(mirror) == []


def test_unanswerable_questions_are_absent_from_the_corpus(mirror):
    held_out = [q for q in load_questions(split=list(HELD_OUT)) if not q.answerable]
    assert held_out and all(q.absent_terms for q in held_out)
    assert present_absent_terms(mirror, load_questions()) == []


def test_a_changed_document_fails_the_gold_check(mirror, tmp_path):
    q = next(q for q in load_questions() if q.gold and not q.gold[0].file.endswith(".pdf"))
    changed = tmp_path / "corpus"
    changed.mkdir()
    (changed / q.gold[0].file).write_text("this law was repealed", encoding="utf-8")
    problems = verify_gold(changed, [q])
    assert problems and q.id in problems[0] and q.gold[0].file in problems[0]


PROGRESS: list[tuple[str, int, int]] = []


@pytest.fixture(scope="module")
def gate_run(real_index, embedder) -> EvalRun:
    settings, _ = real_index
    return run_eval(settings, EvalConfig(**GATE_CONFIG), Assistant(settings, HybridRetriever.open(settings, embedder)),
                    progress=lambda *event: PROGRESS.append(event))


def test_progress_is_reported_for_every_question_and_plan(gate_run, gate_data):
    last = {stage: (done, total) for stage, done, total in PROGRESS}
    answered = sum(gate_data["questions"].values())
    assert last["answers"] == (answered, answered)
    assert last["plans"][0] == last["plans"][1] == len(gate_run.plans) > 0
    assert last["retrieval"][0] == last["retrieval"][1]
    assert [d for s, d, _ in PROGRESS if s == "answers"] == list(range(1, answered + 1))


@pytest.fixture(scope="module")
def gate_data(gate_run) -> dict:
    return gate_run.summary()


def test_the_gate_passes(gate_data, tmp_path):
    assert check(gate_data) == []
    folder = write_report(gate_data, tmp_path)
    assert latest_report(tmp_path) == folder
    assert {"report.json", "report.md", "report.html", *CHARTS} <= {p.name for p in folder.iterdir()}
    report = json.loads((folder / "report.json").read_text())
    assert report["answers"]["test"]["extractive"]["all"]["n"] == gate_data["questions"]["test"]
    md = (folder / "report.md").read_text()
    assert "Where answers were lost — unseen, extractive" in md and "The worst questions" in md
    assert "Retrieval — test" in md and "dense only" in md


def test_the_loss_table_accounts_for_every_answerable_question(gate_data):
    for split in HELD_OUT:
        answerable = sum(q.answerable for q in load_questions(split=split))
        assert sum(gate_data["loss"][split]["extractive"]["all"].values()) == answerable


# --- every metric of the gate can fail: change one answer, ranking or plan and see it move ---

def _replace_answer(run: EvalRun, split: str, gen: str, pick, change) -> EvalRun:
    """A copy of ``run`` with the first answer that ``pick`` accepts changed by ``change``."""
    answers = {s: {g: list(v) for g, v in gens.items()} for s, gens in run.answers.items()}
    items = answers[split][gen]
    i = next(i for i, x in enumerate(items) if pick(x))
    items[i] = dataclasses.replace(items[i], answer=change(items[i].answer))
    return dataclasses.replace(run, answers=answers)


def _without_gold(run: EvalRun, split: str, system: str, category: str) -> EvalRun:
    rankings = {s: {n: list(v) for n, v in systems.items()} for s, systems in run.rankings.items()}
    items = rankings[split][system]
    for i, (q, ranked) in enumerate(items):
        holds = [any(gold_holds(c, g) for g in q.gold) for c in ranked]
        if (category == "all" or q.category == category) and any(holds[:5]):
            items[i] = (q, [c for c, h in zip(ranked, holds) if not h])
            return dataclasses.replace(run, rankings=rankings)
    raise AssertionError(f"no question of {split}/{category} has its gold in the top 5")


def _scoring(metric: str):
    """Picks an answer that scores above zero on ``metric``."""
    return lambda x: (score_answer(x.question, x.answer, x.gold_texts)[metric] or 0) > 0


def _mutate(run: EvalRun, dotted: str) -> EvalRun:
    parts = dotted.split(".")
    if parts[0] == "retrieval":
        _, split, system, category, _ = parts
        return _without_gold(run, split, system, category)
    if parts[0] == "plans":
        plans = list(run.plans)
        i = next(i for i, (r, p) in enumerate(plans) if {c.doc_id for c in p.citations()} & set(r.expected_docs))
        request, plan = plans[i]
        expected = set(request.expected_docs)

        def strip(f: Finding) -> Finding:
            kept = [c for c in f.citations if c.doc_id not in expected]
            return f.model_copy(update={"citations": kept, "found": f.found and bool(kept)})

        plan = plan.model_copy(update={
            "steps": [s.model_copy(update={"evidence": [strip(f) for f in s.evidence],
                                           "definition_source": None}) for s in plan.steps],
            "gap_table": [r.model_copy(update={"cells": [strip(c) for c in r.cells]}) for r in plan.gap_table]})
        plans[i] = (request, plan)
        return dataclasses.replace(run, plans=plans)
    _, split, gen, _, metric = parts
    if metric == "cites_gold":
        return _replace_answer(run, split, gen, _scoring(metric),
                               lambda a: a.model_copy(update={"citations": []}))
    if metric == "key_fact_recall":
        return _replace_answer(run, split, gen, _scoring(metric),
                               lambda a: a.model_copy(update={"answer": "The documents say something else [1]."}))
    if metric == "number_precision":
        return _replace_answer(run, split, gen, _scoring(metric),
                               lambda a: a.model_copy(update={"answer": a.answer + " It is 987654 tonnes [1]."}))
    if metric == "answer_english":
        german = "Die Hersteller sind verpflichtet, die Verpackungen zurückzunehmen und zu verwerten [1]."
        return _replace_answer(run, split, gen, _scoring(metric),
                               lambda a: a.model_copy(update={"answer": german}))
    if metric in ("refusal_precision", "false_refusal_rate", "refusal_accuracy"):
        return _replace_answer(run, split, gen, lambda x: x.question.answerable and not x.answer.refused,
                               lambda a: a.model_copy(update={"refused": True}))
    if metric == "refusal_recall":
        return _replace_answer(run, split, gen, lambda x: not x.question.answerable and x.answer.refused,
                               lambda a: a.model_copy(update={"refused": False}))
    raise AssertionError(f"no mutation is known for the gate metric {dotted}: add one")


def test_every_gate_metric_can_fail(gate_run, gate_data):
    spec = thresholds()
    gated = [(d, "min") for d in spec["min"]] + [(d, "max") for d in spec.get("max", {})]
    assert len(gated) >= 10
    for dotted, side in gated:
        before, after = lookup(gate_data, dotted), lookup(_mutate(gate_run, dotted).summary(), dotted)
        assert (after < before) if side == "min" else (after > before), f"{dotted}: {before} -> {after}"


def test_the_gate_fails_on_an_edited_split_or_a_hybrid_below_bm25(gate_run, gate_data):
    edited = dict(gate_data, fingerprints=dict(gate_data["fingerprints"], test="0" * 16))
    assert any("fingerprint" in f for f in check(edited))
    rankings = {s: dict(v) for s, v in gate_run.rankings.items()}
    rankings["unseen"]["circularbench hybrid"] = [(q, []) for q, _ in rankings["unseen"]["circularbench hybrid"]]
    failures = check(dataclasses.replace(gate_run, rankings=rankings).summary())
    assert any("below the BM25 baseline" in f for f in failures)


def test_the_assistants_invariants_hold_on_every_gate_answer(gate_run):
    """What the checks enforce by construction is tested here, not measured: every citation
    points at a retrieved passage and quotes it exactly, every number stated stands in the
    cited passages."""
    from assistant.text import numbers, strip_citations
    from assistant.verification import grounded_numbers
    from evals.answer_metrics import own_words

    for answered in (x for gens in gate_run.answers.values() for xs in gens.values() for x in xs):
        a = answered.answer
        by_id = {p.chunk_id: p for p in a.passages}
        for c in a.citations:
            assert c.chunk_id in by_id and c.quote in by_id[c.chunk_id].text, (answered.question.id, c.n)
        if not a.refused:
            # A passage's locator ("Article 7", "p. 43") is stated with its figures and shown by its citation.
            cited = set().union(*(grounded_numbers(by_id[c.chunk_id]) for c in a.citations)) if a.citations else set()
            stated = numbers(strip_citations(own_words(a.answer))) - numbers(a.question) - numbers(a.search_query)
            assert stated <= cited, (answered.question.id, stated - cited)
