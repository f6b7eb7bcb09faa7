"""Shared fixtures: the real corpus, and the real index built once per test session.

The index is built from ``../shared/corpus`` (or ``CIRCULARBENCH_CORPUS_MIRROR``) with the
real embedder into a session folder. ``CIRCULARBENCH_TEST_DATA_DIR`` names a folder to keep
between runs instead: the indexer is incremental, so a second session only checks hashes.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from circularbench.settings import Settings
from corpus.manifest import Manifest, load_manifest
from corpus.sync import sync_corpus
from indexer.embeddings import Embedder, load_embedder
from indexer.pipeline import IndexReport, Indexer

MIRROR = Path(os.environ.get("CIRCULARBENCH_CORPUS_MIRROR", Path(__file__).resolve().parents[2] / "shared" / "corpus"))


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
    return load_embedder(Settings().embedding_model)


def make_settings(data_dir: Path, **overrides) -> Settings:
    return Settings(data_dir=data_dir, corpus_mirror=MIRROR, **overrides)


@pytest.fixture(scope="session")
def real_index(tmp_path_factory, mirror, manifest, embedder) -> tuple[Settings, IndexReport]:
    """The whole real corpus, synced and indexed once for the session."""
    keep = os.environ.get("CIRCULARBENCH_TEST_DATA_DIR")
    data_dir = Path(keep) if keep else tmp_path_factory.mktemp("real-index")
    settings = make_settings(data_dir)
    sync_corpus(manifest, settings.corpus_dir, mirror, download=False)
    report = Indexer(settings, manifest, embedder).run(progress=False)
    return settings, report


def small_corpus(data_dir: Path, mirror: Path, files: list[str]) -> Settings:
    """A data folder whose corpus holds copies of a few real documents."""
    settings = make_settings(data_dir)
    settings.corpus_dir.mkdir(parents=True, exist_ok=True)
    for name in files:
        shutil.copy(mirror / name, settings.corpus_dir / name)
    return settings


SMALL_FILES = [
    "cn_weee_recycling_regulation_2019.md",
    "cn_end_of_life_vehicle_recycling_measures_2019.md",
    "nl_besluit_beheer_verpakkingen_2014.md",
    "sg_mse_key_environmental_statistics_2022.pdf",
]
