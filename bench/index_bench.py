"""Index benchmark: the full index against the embedding floor, and an incremental re-index.

Prints, from one run on the real corpus:
  * full-corpus index time (`circularbench index` in a fresh data folder, a separate process),
  * the time to only embed the same chunks with the same model (the physical floor),
  * their ratio (goal <= 1.3),
  * the time to re-index after one document changes, as a fraction of the full index (goal <= 0.05),
  * peak RSS of the indexing process.

    .venv/bin/python bench/index_bench.py [--mirror ../shared/corpus]
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from circularbench.settings import Settings
from corpus.manifest import load_manifest
from corpus.sync import sync_corpus
from indexer.chunking import Chunker
from indexer.embeddings import load_embedder
from indexer.loaders import load_document


def run_index(env: dict) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of one `circularbench index` process."""
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "circularbench", "index", "--quiet"], env=env, check=True,
                   stdout=subprocess.DEVNULL)
    seconds = time.perf_counter() - started
    return seconds, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mirror", type=Path, default=Settings().corpus_mirror)
    parser.add_argument("--changed", default="cn_weee_recycling_regulation_2019.md")
    args = parser.parse_args()

    data = Path(tempfile.mkdtemp(prefix="cb-index-bench-"))
    settings = Settings(data_dir=data, corpus_mirror=args.mirror)
    manifest = load_manifest(settings.manifest_path)
    sync_corpus(manifest, settings.corpus_dir, args.mirror, download=False)
    env = dict(os.environ, CIRCULARBENCH_DATA_DIR=str(data), CIRCULARBENCH_CORPUS_MIRROR=str(args.mirror))

    full_s, peak_mb = run_index(env)

    # The floor: the same chunks through the same model, with loading and chunking untimed.
    chunker = Chunker(settings.chunk_size, settings.chunk_overlap)
    texts = []
    for doc in manifest.documents:
        path = settings.corpus_dir / doc.file
        if path.exists():
            texts += [c.context_text() for c in chunker.split(load_document(path, doc))]
    embedder = load_embedder(settings.embedding_model, settings.embedding_threads)
    started = time.perf_counter()
    for i in range(0, len(texts), settings.embedding_batch_size):
        embedder.embed_documents(texts[i:i + settings.embedding_batch_size])
    floor_s = time.perf_counter() - started

    changed = settings.corpus_dir / args.changed
    changed.write_text(changed.read_text(encoding="utf-8") + "\n\n第九十九条 本条为基准测试新增。\n", encoding="utf-8")
    reindex_s, _ = run_index(env)

    print(f"corpus: {len(texts)} chunks from {sum(1 for d in manifest.documents if (settings.corpus_dir / d.file).exists())} documents")
    print(f"full index:          {full_s:8.1f} s")
    print(f"embedding floor:     {floor_s:8.1f} s")
    print(f"index / floor:       {full_s / floor_s:8.2f}   (goal <= 1.3)")
    print(f"re-index one change: {reindex_s:8.1f} s = {reindex_s / full_s:.3f} of the full index   (goal <= 0.05)")
    print(f"peak RSS (index):    {peak_mb:8.0f} MB")


if __name__ == "__main__":
    main()
