"""The index as consistent snapshots: one per committed ledger, reloaded when the ledger changes.

A snapshot is an :class:`Assistant` over a retriever opened from one committed ledger (its
vector store handle, keyword index and chunk table belong to that ledger). A request takes one
with :meth:`IndexSnapshots.current` and uses it from start to end; a reload builds a new
assistant (sharing the loaded embedder and generators) and never changes one a request holds.

A snapshot belongs to one index version (indexer/versions.py): when ``index --rebuild`` swaps a
new version in, the next request gets a snapshot of it, and requests holding the old one finish
on it. Each snapshot holds its version until it is garbage-collected (then its Chroma handle is
closed too), so the indexer removes an old version only once no snapshot uses it.

Example::

    snapshots = IndexSnapshots(Settings())
    bot = snapshots.current()       # the same object until the ledger changes
    bot.ask("What recycling quota does Germany set for plastic packaging?")
"""

from __future__ import annotations

import os
import threading
import time
import weakref

from assistant.assistant import Assistant
from assistant.retriever import HybridRetriever
from circularbench.settings import Settings
from indexer.embeddings import Embedder
from indexer.ledger import Ledger
from indexer.vector_store import VectorStore
from indexer.versions import VersionHold, index_readers

# Tries at a whole snapshot; after them the last one is served (every hit it gives is live, and
# chunks the store still lacks come with the next commit: the indexer re-embeds them).
_ATTEMPTS = 5
_RETRY_SECONDS = 0.2


class IndexSnapshots:
    def __init__(self, settings: Settings):
        self.settings = settings
        self._lock = threading.Lock()
        self._current: Assistant | None = None
        self._stamp: tuple[str, int, int] | None = None

    def _ledger_stamp(self, settings: Settings | None = None) -> tuple[str, int, int] | None:
        """The live version (or the one ``settings`` pin) and its ledger's identity: a swap or a commit changes it."""
        # The ledger is replaced by rename: a new inode tells a change even within the mtime's granularity.
        index_dir = (settings or self.settings).index_dir
        try:
            st = os.stat(index_dir / "ledger.json")
        except FileNotFoundError:
            return None
        return str(index_dir), st.st_ino, st.st_mtime_ns

    def current(self) -> Assistant:
        """The assistant over the latest committed index (raises IndexNotReadyError before the first build)."""
        stamp = self._ledger_stamp()
        bot = self._current
        if bot is not None and stamp == self._stamp:
            return bot
        with self._lock:
            if self._current is None or self._ledger_stamp() != self._stamp:
                self._current, self._stamp = self._open()
            return self._current

    def _open(self) -> tuple[Assistant, tuple[str, int, int] | None]:
        for attempt in range(_ATTEMPTS):
            # Shared hold from resolving the live version to holding it, and on to loading the
            # keyword folder its ledger names: the indexer removes neither meanwhile.
            with index_readers(self.settings).read_lock():
                pinned = self.settings.pinned()  # everything below from this one version
                hold = VersionHold(pinned)
                try:
                    stamp = self._ledger_stamp(pinned)
                    ledger = Ledger.load(pinned.index_dir / "ledger.json")
                    retriever = HybridRetriever.open(pinned, self.embedder)
                except BaseException:
                    hold.release()
                    raise
            weakref.finalize(retriever, _release, hold, retriever.store)
            # Whole only if no commit came between (else the chunk table may mix two ledgers) and
            # the store returned every chunk the ledger names (a Chroma server may lag a write
            # another worker just made).
            if self._ledger_stamp(pinned) == stamp and retriever.chunks.keys() == ledger.live_ids():
                break
            time.sleep(_RETRY_SECONDS * (attempt + 1))
        if self._current is None:
            return Assistant(self.settings, retriever), stamp
        return self._current.with_retriever(retriever), stamp

    @property
    def embedder(self) -> Embedder | None:
        """The loaded query embedder (None before the first snapshot), shared with indexing uploads."""
        return self._current.retriever.embedder if self._current else None


def _release(hold: VersionHold, store: VectorStore) -> None:
    """A snapshot is gone: its version may be removed, its Chroma handle freed."""
    hold.release()
    store.close()
