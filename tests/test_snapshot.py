"""Index snapshots: a request keeps the one it started with while uploads change the index, and
a keyword index folder is removed only when no snapshot is loading one."""

import io

from assistant.snapshot import IndexSnapshots
from circularbench.documents import DocumentService
from indexer.pipeline import index_readers
from tests.helpers import SMALL_FILES, small_corpus


def test_a_snapshot_stays_whole_while_the_index_changes(tmp_path, mirror, manifest, embedder):
    settings = small_corpus(tmp_path / "data", mirror, SMALL_FILES[:1])
    docs = DocumentService(settings, embedder=lambda: embedder)
    docs.upload(io.BytesIO(b"# Seed\n\nA seed document.\n"), title="Seed", jurisdiction="DE")
    snapshots = IndexSnapshots(settings)
    before = snapshots.current()
    assert snapshots.current() is before  # unchanged ledger, same snapshot
    chunks_before = dict(before.retriever.chunks)

    text = b"# Quuxland Deposit Act\n\n## Article 1\n\nQuuxland charges a deposit of 0.30 QXD per can.\n"
    docs.upload(io.BytesIO(text), title="Quuxland Deposit Act", jurisdiction="NL")
    after = snapshots.current()
    assert after is not before and after.generator("extractive") is before.generator("extractive")
    # The request that holds ``before`` sees the index as it was, whole.
    assert before.retriever.chunks == chunks_before
    assert all(h.chunk.doc_id != "quuxland_deposit_act" for h in before.retriever.search("Quuxland deposit can", k=5))
    assert after.retriever.search("Quuxland deposit can", k=3)[0].chunk.doc_id == "quuxland_deposit_act"


def test_keyword_folders_are_removed_only_when_no_snapshot_loads_one(tmp_path, mirror, manifest, embedder):
    settings = small_corpus(tmp_path / "data", mirror, SMALL_FILES[:1])
    docs = DocumentService(settings, embedder=lambda: embedder)
    docs.upload(io.BytesIO(b"# One\n\nThe first upload.\n"), title="One", jurisdiction="DE")
    first = {p.name for p in settings.index_dir.glob("bm25-*")}
    with index_readers(settings).read_lock():  # a snapshot is loading a folder meanwhile
        docs.upload(io.BytesIO(b"# Two\n\nThe second upload.\n"), title="Two", jurisdiction="DE")
        during = {p.name for p in settings.index_dir.glob("bm25-*")}
    assert first < during  # the old folder stayed beside the new one
    docs.delete("two")
    after = {p.name for p in settings.index_dir.glob("bm25-*")}
    assert len(after) == 1 and after != during
    assert IndexSnapshots(settings).current().retriever.search("first upload", k=1)[0].chunk.doc_id == "one"
