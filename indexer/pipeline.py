"""Incremental, crash-safe indexing of the synced corpus into Chroma and the keyword index.

For each changed document: load, chunk, embed, add the new chunks, commit the ledger, then
delete the old chunks. A run killed at any moment leaves the last committed ledger fully
queryable; the next run sweeps vectors no ledger names and finishes the work.

A rebuild (embedded Chroma) builds a whole new version of the index beside the live one
(indexer/versions.py) while the live one keeps serving, reusing the stored vectors of chunks
whose text did not change, and swaps it in when it is complete; a rebuild killed at any moment
leaves the live version as it was, and the next run removes the half-built one.

Example::

    from indexer.pipeline import Indexer
    report = Indexer(Settings()).run()
    report.chunks_added, report.skipped
"""

from __future__ import annotations

import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from filelock import Timeout
from tqdm import tqdm

from circularbench.settings import Settings
from circularbench.types import Chunk, DocumentRecord
from corpus.manifest import Manifest, load_manifest
from corpus.sync import file_sha256
from corpus.uploads import UploadRegistry
from indexer.chunking import Chunker
from indexer.embeddings import Embedder, load_embedder
from indexer.keyword_index import KeywordIndex
from indexer.ledger import Ledger, LedgerEntry
from indexer.loaders import LoadError, LoadedDocument, load_document
from indexer import versions
from indexer.vector_store import EmbeddingMismatchError, StoreServedError, VectorStore, served
from indexer.versions import index_lock, index_readers

__all__ = ["IndexReport", "Indexer", "index_lock", "index_readers"]


@dataclass
class IndexReport:
    documents: int = 0
    indexed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (file, reason)
    pages: int = 0
    chunks_added: int = 0
    chunks_embedded: int = 0  # of those added: the rest reused the vector of an unchanged text
    chunks_total: int = 0
    orphans_swept: int = 0
    restored: list[str] = field(default_factory=list)  # ledger entries the store lacked, embedded again
    version: str = ""  # a rebuild beside the live index: the folder name of the version it swapped in
    versions_removed: list[str] = field(default_factory=list)  # old or half-built versions no one read
    embed_seconds: float = 0.0
    seconds: float = 0.0


class Indexer:
    """Keeps the Chroma collection and the keyword index in step with the corpus folder."""

    def __init__(self, settings: Settings, manifest: Manifest | None = None, embedder: Embedder | None = None):
        self.settings = settings
        self.manifest = manifest or load_manifest(settings.manifest_path)
        self._embedder = embedder
        self.chunker = Chunker(settings.chunk_size, settings.chunk_overlap)

    @property
    def ledger_path(self) -> Path:
        """The live version's ledger."""
        return self.settings.index_dir / "ledger.json"

    @property
    def embedder(self) -> Embedder:
        if self._embedder is None:
            s = self.settings
            self._embedder = load_embedder(s.embedding_model, s.embedding_threads, s.embedding_batch_size)
        return self._embedder

    def run(self, rebuild: bool = False, progress: bool = True) -> IndexReport:
        """Bring the index in step with the corpus; one run at a time per data folder.

        ``rebuild``: build everything again from the corpus. With embedded Chroma the new index
        is built beside the live one, which serves unchanged until the new one is swapped in;
        with a Chroma server (``chroma_mode=http``) the collection is dropped and rebuilt in place."""
        with index_lock(self.settings):  # another thread or process (an API worker) may be indexing
            removed = versions.sweep(self.settings)  # no run is under way: what no one reads goes
            if rebuild and self.settings.chroma_mode == "embedded":
                report = self._rebuild_beside(progress)
            else:
                report = self._run(self.settings.pinned(), rebuild, progress)
            report.versions_removed[:0] = removed
            return report

    def _rebuild_beside(self, progress: bool) -> IndexReport:
        live = self.settings.pinned()
        target = self.settings.pinned(versions.new_version(self.settings))
        source = self._reuse_source(live)
        try:
            report = self._run(target, rebuild=False, progress=progress, reuse=source)
        finally:
            if source is not None:
                source[0].close()
        if served(self.settings):  # started meanwhile, it serves the old version's store
            raise StoreServedError("a Chroma server started over the live index during the rebuild: the new "
                                   "version was not swapped in (the next run removes it)")
        versions.publish(self.settings, target.index_dir)  # the swap
        report.version = target.index_dir.name
        report.versions_removed = versions.sweep(self.settings)  # the old one, unless a snapshot holds it
        return report

    def _reuse_source(self, live: Settings) -> tuple[VectorStore, Ledger] | None:
        """The live version's store and ledger, to take the vectors of unchanged chunks from (a
        rebuild that switches models reuses nothing)."""
        ledger = Ledger.load(live.index_dir / "ledger.json")
        embedder = self.embedder
        if not ledger.documents or (ledger.embedding_model, ledger.embedding_dimension) != (embedder.name,
                                                                                             embedder.dimension):
            return None
        try:
            return VectorStore.open(live, ledger.embedding_model, ledger.embedding_dimension), ledger
        except Exception:  # noqa: BLE001 - reuse only saves time; a store that fails to open may be why one rebuilds
            return None

    def _run(self, at: Settings, rebuild: bool, progress: bool,
             reuse: tuple[VectorStore, Ledger] | None = None) -> IndexReport:
        """One run over the version ``at`` names (pinned settings); ``reuse``: the store and ledger
        to take unchanged chunks' vectors from, when not the version's own."""
        started = time.perf_counter()
        report = IndexReport()
        ledger_path = at.index_dir / "ledger.json"
        if rebuild:
            self._drop_everything(at)
        ledger = Ledger.load(ledger_path)
        embedder = self.embedder
        if ledger.documents and ledger.embedding_model != embedder.name:
            raise EmbeddingMismatchError(
                f"the index was built with {ledger.embedding_model}, settings ask for {embedder.name}; "
                "re-index with --rebuild to switch models"
            )
        store = VectorStore.open(at, embedder.name, embedder.dimension)
        ledger.embedding_model, ledger.embedding_dimension = embedder.name, embedder.dimension

        report.orphans_swept, report.restored = self._reconcile(store, ledger)
        wanted = self._present_documents()
        report.documents = len(wanted)

        todo: list[tuple[DocumentRecord, str, LoadedDocument, list[Chunk]]] = []
        for record, path in tqdm(wanted, desc="loading", unit="doc", disable=not progress):
            sha = file_sha256(path)
            entry = ledger.documents.get(record.id)
            if entry and entry.sha256 == sha and entry.chunker == self.chunker.fingerprint and entry.record == record:
                report.unchanged.append(record.id)
                continue
            try:
                loaded = load_document(path, record, max_bytes=int(self.settings.max_file_mb * 1e6))
            except LoadError as exc:
                # Bad input never costs what is already indexed: the old entry stays live.
                report.skipped.append((record.file, exc.reason))
                continue
            todo.append((record, sha, loaded, self.chunker.split(loaded)))

        bar = tqdm(total=sum(len(c) for *_, c in todo), desc="embedding", unit="chunk", disable=not progress)
        for record, sha, loaded, chunks in todo:
            old = ledger.documents.get(record.id)
            source, previous = reuse if reuse is not None else (store, ledger)
            before = previous.documents.get(record.id)
            t0 = time.perf_counter()
            vectors, embedded = self._embed_reusing(source, before.chunk_ids if before else [], chunks, bar)
            report.chunks_embedded += embedded
            report.embed_seconds += time.perf_counter() - t0
            store.add(chunks, vectors)
            ledger.documents[record.id] = LedgerEntry(
                record=record, sha256=sha, chunker=self.chunker.fingerprint, pages=loaded.page_count,
                chunk_ids=[c.chunk_id for c in chunks], indexed_at=time.time(),
            )
            ledger.save(ledger_path)  # commit point
            if old:
                store.delete(set(old.chunk_ids) - {c.chunk_id for c in chunks})
            report.indexed.append(record.id)
            report.pages += loaded.page_count
            report.chunks_added += len(chunks)
        bar.close()

        # Skipped documents are still present: only a document gone from the corpus is removed.
        present = {record.id for record, _ in wanted}
        for doc_id in sorted(set(ledger.documents) - present):
            old = ledger.documents.pop(doc_id)
            ledger.save(ledger_path)
            store.delete(old.chunk_ids)
            report.removed.append(doc_id)

        self._refresh_keyword_index(at, store, ledger)
        report.chunks_total = len(ledger.live_ids())
        report.seconds = time.perf_counter() - started
        return report

    def documents(self) -> list[DocumentRecord]:
        """The manifest's documents, then the uploaded ones (an upload never shadows the manifest)."""
        known = {d.id for d in self.manifest.documents} | {d.file for d in self.manifest.documents}
        uploads = [r for r in UploadRegistry(self.settings.corpus_dir).records() if r.id not in known and r.file not in known]
        return [*self.manifest.documents, *uploads]

    def _present_documents(self) -> list[tuple[DocumentRecord, Path]]:
        corpus = self.settings.corpus_dir
        return [(r, corpus / r.file) for r in self.documents() if (corpus / r.file).is_file()]

    def _embed_reusing(self, store: VectorStore, old_ids: list[str], chunks: list[Chunk],
                       bar) -> tuple[np.ndarray, int]:
        """Vectors for ``chunks`` and how many were computed: the stored vector of an old chunk
        with the same embedded text is reused, so a metadata change, a relabelled article or a
        small edit re-embeds only what changed."""
        known = {chunk.context_text(): vector for chunk, vector in store.chunks_with_vectors(old_ids) if vector is not None}
        fresh = [c for c in chunks if c.context_text() not in known]
        bar.update(len(chunks) - len(fresh))
        new = dict(zip((c.context_text() for c in fresh), self._embed(fresh, bar)))
        vectors = [known.get(c.context_text(), new.get(c.context_text())) for c in chunks]
        matrix = np.vstack(vectors) if vectors else np.zeros((0, self.embedder.dimension), np.float32)
        return matrix, len(fresh)

    def _embed(self, chunks: list[Chunk], bar) -> np.ndarray:
        size = self.settings.embedding_batch_size
        parts = []
        for i in range(0, len(chunks), size):
            batch = chunks[i:i + size]
            parts.append(self.embedder.embed_documents([c.context_text() for c in batch]))
            bar.update(len(batch))
        return np.vstack(parts) if parts else np.zeros((0, self.embedder.dimension), np.float32)

    def _reconcile(self, store: VectorStore, ledger: Ledger) -> tuple[int, list[str]]:
        """Make store and ledger agree both ways: delete vectors no committed entry names (left by
        an interrupted run), and forget entries whose chunks the store lacks (a lost write, a
        store restored from elsewhere), so this run embeds those documents again instead of the
        retriever serving fewer chunks for ever."""
        stored = store.ids()
        orphans = stored - ledger.live_ids()
        store.delete(orphans)
        incomplete = sorted(d for d, e in ledger.documents.items() if not set(e.chunk_ids) <= stored)
        for doc_id in incomplete:
            store.delete(set(ledger.documents.pop(doc_id).chunk_ids) & stored)
        return len(orphans), incomplete

    def _refresh_keyword_index(self, at: Settings, store: VectorStore, ledger: Ledger) -> None:
        if ledger.keyword_is_current():
            return
        generation = ledger.generation()
        chunks = store.get(ids=sorted(ledger.live_ids()))
        folder = at.index_dir / f"bm25-{generation}"
        if folder.exists():
            shutil.rmtree(folder)
        KeywordIndex.build([(c.chunk_id, c.context_text(), c.language) for c in chunks]).save(folder)
        ledger.keyword_dir, ledger.keyword_generation = folder.name, generation
        ledger.save(at.index_dir / "ledger.json")
        self._remove_stale_keyword_folders(at, keep=folder.name)

    def _remove_stale_keyword_folders(self, at: Settings, keep: str) -> None:
        try:
            with index_readers(self.settings).write_lock(blocking=False):
                for stale in at.index_dir.glob("bm25-*"):
                    if stale.name != keep:
                        shutil.rmtree(stale, ignore_errors=True)
        except Timeout:
            pass  # a snapshot is loading one: the next run removes them

    def _drop_everything(self, at: Settings) -> None:
        VectorStore.drop(at)
        (at.index_dir / "ledger.json").unlink(missing_ok=True)
        for folder in at.index_dir.glob("bm25-*"):
            shutil.rmtree(folder, ignore_errors=True)
