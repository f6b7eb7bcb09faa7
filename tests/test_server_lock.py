"""The Chroma-server lock: embedded clients refuse a folder a server holds, and probes of it from
several threads (searches opening snapshots while uploads index) never take each other for one."""

import subprocess
import sys
import threading

import pytest

from indexer.vector_store import StoreServedError, make_client, served, server_lock
from tests.helpers import make_settings


def test_concurrent_probes_never_see_a_server(tmp_path):
    settings = make_settings(tmp_path / "data")
    seen: list[bool] = []

    def probe() -> None:
        for _ in range(300):
            seen.append(served(settings))

    threads = [threading.Thread(target=probe) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(seen) == 2400 and not any(seen)


def test_a_folder_held_by_a_server_process_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr("indexer.vector_store._PROBE_SECONDS", 0.5)  # the wait for a prober's instant hold
    settings = make_settings(tmp_path / "data")
    lock_file = server_lock(settings).lock_file
    # Another process holds the lock as `circularbench serve --workers N` does for its lifetime.
    holder = subprocess.Popen([sys.executable, "-c", "import time; from filelock import FileLock; "
                               f"lock = FileLock({lock_file!r}); lock.acquire(); print('held', flush=True); time.sleep(60)"],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        assert served(settings)
        with pytest.raises(StoreServedError, match="a Chroma server serves"):
            make_client(settings)
    finally:
        holder.kill()
        holder.wait()
    assert not served(settings)
    make_client(settings).close()
