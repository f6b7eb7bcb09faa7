"""A run killed with SIGKILL leaves the previous index queryable; the next run completes it."""

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


def test_kill_during_indexing_keeps_the_previous_index(tmp_path, mirror, manifest, embedder):
    settings = small_corpus(tmp_path / "data", mirror, ["cn_weee_recycling_regulation_2019.md", "nl_besluit_beheer_verpakkingen_2014.md"])
    Indexer(settings, manifest, embedder).run(progress=False)
    ledger_path = settings.index_dir / "ledger.json"
    before = Ledger.load(ledger_path)

    # New work: a changed document and two new ones, so the run commits several times.
    nl = settings.corpus_dir / "nl_besluit_beheer_verpakkingen_2014.md"
    nl.write_text(nl.read_text(encoding="utf-8") + "\n\n### Artikel  99\n\nGewijzigd.\n", encoding="utf-8")
    for name in ["sg_mse_key_environmental_statistics_2022.pdf", "cn_shanghai_domestic_waste_management_regulation_2019.md"]:
        shutil.copy(mirror / name, settings.corpus_dir / name)

    env = dict(os.environ, CIRCULARBENCH_DATA_DIR=str(settings.data_dir), CIRCULARBENCH_CORPUS_MIRROR=str(mirror))
    proc = subprocess.Popen([sys.executable, "-m", "circularbench", "index", "--quiet"], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    stamp = ledger_path.stat().st_mtime_ns
    deadline = time.monotonic() + 300
    while ledger_path.stat().st_mtime_ns == stamp and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert proc.poll() is None, "the run ended before it could be killed: " + proc.stderr.read().decode()[-500:]
    time.sleep(0.5)  # into the next document's embedding
    proc.send_signal(signal.SIGKILL)
    proc.wait()

    # The committed ledger names only chunks the store holds, and searching works.
    mid = Ledger.load(ledger_path)
    store = VectorStore.open(settings, mid.embedding_model, mid.embedding_dimension)
    assert mid.live_ids() <= store.ids()
    assert len(mid.documents) >= len(before.documents)
    hits = HybridRetriever.open(settings, embedder).search("verpakkingen recycling gewichtsprocent", k=5)
    assert hits and len({h.chunk.chunk_id for h in hits}) == len(hits)
    assert all(h.chunk.chunk_id in mid.live_ids() for h in hits)

    # The next run finishes the job and sweeps what the killed run left behind.
    report = Indexer(settings, manifest, embedder).run(progress=False)
    after = Ledger.load(ledger_path)
    assert set(after.documents) == {
        "cn_weee_recycling_regulation_2019", "nl_besluit_beheer_verpakkingen_2014",
        "sg_mse_key_environmental_statistics_2022", "cn_shanghai_domestic_waste_management_regulation_2019",
    }
    assert VectorStore.open(settings, after.embedding_model, after.embedding_dimension).ids() == after.live_ids()
    assert after.keyword_is_current()
    assert report.orphans_swept >= 0
