"""The same indexing and search code against a Chroma server (`chroma run` on loopback)."""

import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from assistant.retriever import HybridRetriever
from circularbench.settings import Settings
from indexer.ledger import Ledger
from indexer.pipeline import Indexer
from indexer.vector_store import VectorStore
from tests.helpers import small_corpus


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture()
def chroma_server(tmp_path):
    port = free_port()
    chroma = Path(sys.executable).parent / "chroma"
    proc = subprocess.Popen([str(chroma), "run", "--path", str(tmp_path / "chroma-server"), "--host", "127.0.0.1",
                             "--port", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/v2/heartbeat", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.2)
    else:
        proc.kill()
        pytest.fail("chroma server did not start")
    yield port
    proc.terminate()
    proc.wait(timeout=30)


def test_index_and_search_through_a_chroma_server(tmp_path, chroma_server, mirror, manifest, embedder):
    local = small_corpus(tmp_path / "data", mirror, ["cn_weee_recycling_regulation_2019.md", "nl_besluit_beheer_verpakkingen_2014.md"])
    settings = Settings(data_dir=local.data_dir, corpus_mirror=mirror, chroma_mode="http", chroma_port=chroma_server)
    report = Indexer(settings, manifest, embedder).run(progress=False)
    assert len(report.indexed) == 2
    assert not (settings.index_dir / "chroma").exists()  # vectors live on the server
    ledger = Ledger.load(settings.index_dir / "ledger.json")
    store = VectorStore.open(settings, ledger.embedding_model, ledger.embedding_dimension)
    assert store.ids() == ledger.live_ids()
    hits = HybridRetriever.open(settings, embedder).search("waste electrical products recycling fund", k=5)
    assert any(h.chunk.doc_id == "cn_weee_recycling_regulation_2019" for h in hits)
