"""The evaluation: the test set's gold quotes hold, and the CI gate passes on the real index."""

import copy
import json

import pytest

from assistant.assistant import Assistant
from assistant.retriever import HybridRetriever
from evals.dataset import load_questions, verify_gold
from evals.gate import GATE_CONFIG, check
from evals.report import latest_report, write_report
from evals.runner import EvalConfig, run_eval


def test_test_set_is_large_varied_and_split():
    questions = load_questions()
    assert len(questions) >= 120 and len({q.id for q in questions}) == len(questions)
    cats = {q.category for q in questions}
    assert cats == {"factual", "numeric", "definition", "comparative", "cross-lingual", "multi-hop", "follow-up",
                    "unanswerable"}
    for split in ("dev", "test"):
        assert {q.category for q in questions if q.split == split} == cats


def test_every_gold_quote_stands_in_its_document(real_index):
    settings, _ = real_index
    assert verify_gold(settings.corpus_dir) == []


def test_a_changed_document_fails_the_gold_check(real_index, tmp_path):
    settings, _ = real_index
    q = next(q for q in load_questions() if q.gold and not q.gold[0].file.endswith(".pdf"))
    changed = tmp_path / "corpus"
    changed.mkdir()
    (changed / q.gold[0].file).write_text("this law was repealed", encoding="utf-8")
    problems = verify_gold(changed, [q])
    assert problems and q.id in problems[0] and q.gold[0].file in problems[0]


@pytest.fixture(scope="module")
def gate_data(real_index, embedder):
    settings, _ = real_index
    return run_eval(settings, EvalConfig(**GATE_CONFIG), Assistant(settings, HybridRetriever.open(settings, embedder)))


def test_the_gate_passes(gate_data, tmp_path):
    assert check(gate_data) == []
    folder = write_report(gate_data, tmp_path)
    assert latest_report(tmp_path) == folder
    assert {"report.json", "report.md", "report.html", "retrieval_by_category.png", "latency.png"} <= {
        p.name for p in folder.iterdir()}
    assert json.loads((folder / "report.json").read_text())["answers"]["extractive"]["all"]["n"] == gate_data["questions"]


def test_the_gate_catches_a_regression(gate_data):
    worse = copy.deepcopy(gate_data)
    worse["retrieval"]["circularbench hybrid"]["all"]["hit@5"] = 0.1
    worse["answers"]["extractive"]["all"]["citation_validity"] = 0.5
    failures = check(worse)
    assert any("hit@5" in f for f in failures) and any("citation_validity" in f for f in failures)
    assert any("BM25 baseline" in f for f in failures)
