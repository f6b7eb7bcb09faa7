"""The index as consistent snapshots: one per committed ledger, reloaded when the ledger changes.

A snapshot is an :class:`Assistant` over a retriever opened from one committed ledger (its
vector store handle, keyword index and chunk table belong to that ledger). A request takes one
with :meth:`IndexSnapshots.current` and uses it from start to end; a reload builds a new
assistant (sharing the loaded embedder and generators) and never changes one a request holds.

Example::

    snapshots = IndexSnapshots(Settings())
    bot = snapshots.current()       # the same object until the ledger changes
    bot.ask("What recycling quota does Germany set for plastic packaging?")
"""

from __future__ import annotations

import os
import threading
import time

from assistant.assistant import Assistant
from assistant.retriever import HybridRetriever
from circularbench.settings import Settings
from indexer.embeddings import Embedder
from indexer.ledger import Ledger
from indexer.pipeline import keyword_readers

# Tries at a whole snapshot; after them the last one is served (every hit it gives is live, and
# chunks the store still lacks come with the next commit: the indexer re-embeds them).
_ATTEMPTS = 5
_RETRY_SECONDS = 0.2


class IndexSnapshots:
    def __init__(self, settings: Settings):
        self.settings = settings
        self._lock = threading.Lock()
        self._current: Assistant | None = None
        self._stamp: tuple[int, int] | None = None

    def _ledger_stamp(self) -> tuple[int, int] | None:
        # The ledger is replaced by rename: a new inode tells a change even within the mtime's granularity.
        try:
            st = os.stat(self.settings.index_dir / "ledger.json")
        except FileNotFoundError:
            return None
        return st.st_ino, st.st_mtime_ns

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

    def _open(self) -> tuple[Assistant, tuple[int, int] | None]:
        for attempt in range(_ATTEMPTS):
            stamp = self._ledger_stamp()
            # Shared hold from reading the ledger to loading the keyword folder it names: the
            # indexer does not remove that folder meanwhile.
            with keyword_readers(self.settings).read_lock():
                ledger = Ledger.load(self.settings.index_dir / "ledger.json")
                retriever = HybridRetriever.open(self.settings, self.embedder)
            # Whole only if no commit came between (else the chunk table may mix two ledgers) and
            # the store returned every chunk the ledger names (a Chroma server may lag a write
            # another worker just made).
            if self._ledger_stamp() == stamp and retriever.chunks.keys() == ledger.live_ids():
                break
            time.sleep(_RETRY_SECONDS * (attempt + 1))
        if self._current is None:
            return Assistant(self.settings, retriever), stamp
        return self._current.with_retriever(retriever), stamp

    @property
    def embedder(self) -> Embedder | None:
        """The loaded query embedder (None before the first snapshot), shared with indexing uploads."""
        return self._current.retriever.embedder if self._current else None
