"""The corpus stage: the project's manifest of documents and the sync into the data folder."""

from corpus.manifest import Manifest, ManifestError, load_manifest
from corpus.sync import SyncReport, sync_corpus

__all__ = ["Manifest", "ManifestError", "load_manifest", "SyncReport", "sync_corpus"]
