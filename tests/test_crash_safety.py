"""A run killed with SIGKILL inside the window between a store write and its ledger commit leaves
the previous index queryable, and the rerun's index equals a clean build's. Store and ledger are
reconciled both ways on every run."""

import json
import os
import shutil
import signal
import subprocess
import sys
import time

from assistant.retriever import HybridRetriever
from indexer.ledger import Ledger
from indexer.pipeline import Indexer
from indexer.vector_store import VectorStore
from tests.helpers import small_corpus

START = ["cn_weee_recycling_regulation_2019.md", "nl_besluit_beheer_verpakkingen_2014.md"]
ADDED = ["sg_mse_key_environmental_statistics_2022.pdf", "cn_shanghai_domestic_waste_management_regulation_2019.md"]
QUERIES = ["verpakkingen recycling gewichtsprocent", "recycling rate 2030", "生活垃圾分类", "Artikel 99 gewijzigd"]

# The real indexer in a subprocess; after the store write of the changed document's new chunks
# (before the ledger names them) it announces the window and waits there to be killed.
PAUSE_IN_WINDOW = """
import pathlib, sys, time
from circularbench.settings import Settings
from indexer.pipeline import Indexer
from indexer.vector_store import VectorStore

flag, target = sys.argv[1], sys.argv[2]
add = VectorStore.add

def add_then_wait(self, chunks, vectors):
    add(self, chunks, vectors)
    if any(c.doc_id == target for c in chunks):
        pathlib.Path(flag).touch()
        time.sleep(3600)

VectorStore.add = add_then_wait
Indexer(Settings()).run(progress=False)
"""


def _change_corpus(settings, mirror) -> None:
    """New work: a changed document and two new ones, so the run commits several times."""
    nl = settings.corpus_dir / "nl_besluit_beheer_verpakkingen_2014.md"
    nl.write_text(nl.read_text(encoding="utf-8") + "\n\n### Artikel  99\n\nGewijzigd.\n", encoding="utf-8")
    for name in ADDED:
        shutil.copy(mirror / name, settings.corpus_dir / name)


def _state(settings, embedder) -> tuple[dict, set, set, list]:
    ledger = Ledger.load(settings.index_dir / "ledger.json")
    store = VectorStore.open(settings, ledger.embedding_model, ledger.embedding_dimension)
    keyword = set(json.loads((settings.index_dir / ledger.keyword_dir / "chunk_ids.json").read_text()))
    retriever = HybridRetriever.open(settings, embedder)
    hits = [[h.chunk.chunk_id for h in retriever.search(q, k=5)] for q in QUERIES]
    return {d: e.chunk_ids for d, e in ledger.documents.items()}, store.ids(), keyword, hits


def test_kill_in_the_commit_window_then_rerun_equals_a_clean_build(tmp_path, mirror, manifest, embedder):
    settings = small_corpus(tmp_path / "data", mirror, START)
    Indexer(settings, manifest, embedder).run(progress=False)
    before = Ledger.load(settings.index_dir / "ledger.json")
    _change_corpus(settings, mirror)

    flag = tmp_path / "in-window"
    env = dict(os.environ, CIRCULARBENCH_DATA_DIR=str(settings.data_dir), CIRCULARBENCH_CORPUS_MIRROR=str(mirror))
    proc = subprocess.Popen([sys.executable, "-c", PAUSE_IN_WINDOW, str(flag), "nl_besluit_beheer_verpakkingen_2014"],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 300
    while not flag.exists() and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert flag.exists(), "the run never reached the window: " + proc.stderr.read().decode()[-800:]
    proc.send_signal(signal.SIGKILL)
    proc.wait()

    # In the window: the store holds the new chunks, the ledger still names the old version only.
    mid = Ledger.load(settings.index_dir / "ledger.json")
    store = VectorStore.open(settings, mid.embedding_model, mid.embedding_dimension)
    assert mid.documents["nl_besluit_beheer_verpakkingen_2014"] == before.documents["nl_besluit_beheer_verpakkingen_2014"]
    assert mid.live_ids() < store.ids()
    hits = HybridRetriever.open(settings, embedder).search("verpakkingen recycling gewichtsprocent", k=5)
    assert hits and all(h.chunk.chunk_id in mid.live_ids() for h in hits)

    report = Indexer(settings, manifest, embedder).run(progress=False)
    assert report.orphans_swept > 0 and "nl_besluit_beheer_verpakkingen_2014" in report.indexed

    clean = small_corpus(tmp_path / "clean", mirror, START)
    _change_corpus(clean, mirror)
    Indexer(clean, manifest, embedder).run(progress=False)
    rerun, expected = _state(settings, embedder), _state(clean, embedder)
    assert rerun == expected
    ledger_ids = {c for ids in rerun[0].values() for c in ids}
    assert rerun[1] == ledger_ids == rerun[2]  # store, ledger and keyword index name the same chunks


def test_ledger_chunks_missing_from_the_store_are_embedded_again(tmp_path, mirror, manifest, embedder):
    settings = small_corpus(tmp_path / "data", mirror, START)
    Indexer(settings, manifest, embedder).run(progress=False)
    ledger = Ledger.load(settings.index_dir / "ledger.json")
    store = VectorStore.open(settings, ledger.embedding_model, ledger.embedding_dimension)
    lost = ledger.documents["cn_weee_recycling_regulation_2019"].chunk_ids[:3]
    store.delete(lost)  # a lost write: the ledger names chunks the store lacks

    report = Indexer(settings, manifest, embedder).run(progress=False)
    assert report.restored == ["cn_weee_recycling_regulation_2019"]
    assert "cn_weee_recycling_regulation_2019" in report.indexed
    after = Ledger.load(settings.index_dir / "ledger.json")
    assert store.ids() == after.live_ids() and set(lost) <= store.ids()
    assert len(HybridRetriever.open(settings, embedder).chunks) == len(after.live_ids())
    assert Indexer(settings, manifest, embedder).run(progress=False).restored == []
