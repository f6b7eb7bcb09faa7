"""Index versions: ``index --rebuild`` builds a whole new index beside the live one and swaps it in.

The index folder (``settings.index_root``)::

    CURRENT                        name of the live version; replaced atomically (the swap)
    v-20250101T120000-1a2b3c/      a version: ledger.json, chroma/, bm25-<generation>/
    .lock  .readers.db  .chroma-server.lock    locks of the whole index, never inside a version
    .holds/<version>/<stamp>-<token>.lock      one per open snapshot of that version
    .trash-*                       versions on their way out

An index that was never rebuilt beside itself lives in the index folder itself (no ``CURRENT``)
and stays live until the first rebuild; incremental runs and uploads change the live version in
place, as before.

Who may remove what: a snapshot opens a version under :func:`index_readers` held shared and
takes a :class:`VersionHold` before letting go, so the version it resolved cannot vanish in
between; the indexer (under :func:`index_lock`, so no rebuild is under way) removes a version
other than the live one only with :func:`index_readers` held exclusively and only when no hold
on it is taken. A hold is a native file lock, which the kernel drops when its process dies, so a
killed server never pins a version for ever; a half-built version of a killed rebuild has no
holds at all and goes on the next run.

Example::

    live = Settings().pinned()                # the live version, fixed
    hold = VersionHold(live)                  # ... open and use a snapshot of it ...
    hold.release()
    sweep(Settings())                         # under index_lock: old versions no one reads
"""

from __future__ import annotations

import secrets
import shutil
import time
from pathlib import Path

from filelock import FileLock, ReadWriteLock, Timeout

from circularbench.settings import INDEX_POINTER, Settings
from corpus.uploads import write_atomically

_ROOT_KEY = "_root"  # the holds of an index that lives in the index folder itself
_ROOT_ITEMS = ("ledger.json", "chroma", "bm25-*", ".ledger.*")  # what such an index consists of


def index_lock(settings: Settings) -> FileLock:
    """The lock of a data folder's index and uploads registry: one writer at a time across
    threads and processes (re-entrant within a thread, so a caller may hold it around a run)."""
    settings.index_root.mkdir(parents=True, exist_ok=True)
    return FileLock(settings.index_root / ".lock", is_singleton=True)


def index_readers(settings: Settings) -> ReadWriteLock:
    """Held shared while a snapshot opens a version (from resolving ``CURRENT`` to holding it, and
    while it loads a keyword folder); the indexer removes versions and stale keyword folders only
    when it can take it exclusively, so no reader ever sees a folder vanish."""
    settings.index_root.mkdir(parents=True, exist_ok=True)
    return ReadWriteLock(settings.index_root / ".readers.db", is_singleton=False)


def _holds_dir(settings: Settings) -> Path:
    root, version = settings.index_root, settings.index_dir
    return root / ".holds" / (_ROOT_KEY if version == root else version.name)


class VersionHold:
    """This process reads the version ``settings.index_dir`` names (pin the settings first); the
    indexer will not remove it until :meth:`release`. Take it under :func:`index_readers`."""

    def __init__(self, settings: Settings):
        folder = _holds_dir(settings)
        folder.mkdir(parents=True, exist_ok=True)
        # thread_local=False: the snapshot may end (and release) on another thread than it began.
        self._lock = FileLock(folder / f"{time.time_ns():x}-{secrets.token_hex(4)}.lock", thread_local=False)
        self._lock.acquire(blocking=False)  # a fresh file: nobody else can hold it

    def release(self) -> None:
        if self._lock.is_locked:
            self._lock.release()
            Path(self._lock.lock_file).unlink(missing_ok=True)


def _held(folder: Path) -> bool:
    """Whether any hold in ``folder`` is taken; holds left by dead processes are removed."""
    held = False
    for path in folder.glob("*.lock"):
        probe = FileLock(path, thread_local=False)
        try:
            probe.acquire(blocking=False)
        except Timeout:
            held = True
        else:  # nobody held it: its process died without releasing it
            probe.release()
            path.unlink(missing_ok=True)
    return held


def new_version(settings: Settings) -> Path:
    """The folder of a version to build (not created: the first store write creates it)."""
    return settings.index_root / f"v-{time.strftime('%Y%m%dT%H%M%S')}-{secrets.token_hex(3)}"


def publish(settings: Settings, version: Path) -> None:
    """Make ``version`` (complete: ledger, store and keyword index) the live one. The commit
    point of a rebuild: before it every reader gets the old version, after it every new one
    gets the new version, and readers holding the old one keep it."""
    if version.parent != settings.index_root or not (version / "ledger.json").is_file():
        raise ValueError(f"{version} is no complete version of {settings.index_root}")
    # Temp file, fsync, rename over the pointer (corpus/uploads.py). Hand-written there: no
    # dependency writes files atomically (filelock only locks), and a pointer file swaps on every
    # platform, where replacing a symlink or a folder does not.
    write_atomically(settings.index_root / INDEX_POINTER, f"{version.name}\n".encode())


def sweep(settings: Settings) -> list[str]:
    """Remove the versions nobody reads other than the live one: old ones whose last snapshot
    ended (or whose readers died), half-built ones of a killed rebuild, and an index in the
    index folder itself once a version is live. Call it under :func:`index_lock` only (a rebuild
    in progress would lose its folder). Returns the names of the versions removed."""
    root = settings.index_root
    if not root.is_dir():
        return []
    from indexer.vector_store import served

    if served(settings):
        return []  # a Chroma server serves a version's store: leave every folder as it is
    live = settings.index_dir
    removed: list[str] = []
    try:
        with index_readers(settings).write_lock(blocking=False):
            for tmp in root.glob(f".{INDEX_POINTER}.*"):  # a swap killed before its rename
                tmp.unlink(missing_ok=True)
            for folder in sorted(root.glob("v-*")):
                holds = root / ".holds" / folder.name
                if folder != live and not _held(holds):
                    # A rename first: a version is there whole or not at all, whatever kills the removal.
                    folder.rename(root / f".trash-{folder.name}")
                    shutil.rmtree(holds, ignore_errors=True)
                    removed.append(folder.name)
            for holds in root.glob(".holds/v-*"):  # of a version whose removal was killed midway
                if not (root / holds.name).exists() and not _held(holds):
                    shutil.rmtree(holds, ignore_errors=True)
            items = [p for pattern in _ROOT_ITEMS for p in root.glob(pattern)]
            if live != root and items and not _held(root / ".holds" / _ROOT_KEY):
                trash = root / f".trash-{_ROOT_KEY}-{secrets.token_hex(3)}"
                trash.mkdir()
                for item in sorted(items, key=lambda p: p.name != "ledger.json"):  # the ledger first
                    item.rename(trash / item.name)
                shutil.rmtree(root / ".holds" / _ROOT_KEY, ignore_errors=True)
                removed.append(_ROOT_KEY)
    except Timeout:
        pass  # a snapshot is opening a version: the next run sweeps
    for trash in root.glob(".trash-*"):
        shutil.rmtree(trash, ignore_errors=True)
    return removed
