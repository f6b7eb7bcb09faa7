"""Start the API: uvicorn with N workers; with more than one, a Chroma server on loopback
serves the index to all of them (workers cannot share an embedded Chroma store).

Example::

    serve(Settings(), host="127.0.0.1", port=8000, workers=2)
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
from filelock import Timeout

from circularbench.settings import Settings
from indexer.vector_store import server_lock

_WORKER_HEALTHCHECK_SECONDS = 120


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_chroma_server(path: Path, port: int, timeout: float = 60.0) -> subprocess.Popen:
    """`chroma run` over ``path`` on 127.0.0.1:``port``; returns once its heartbeat answers."""
    chroma = Path(sys.executable).parent / "chroma"
    proc = subprocess.Popen([str(chroma), "run", "--path", str(path), "--host", "127.0.0.1", "--port", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    if not _wait_ready(proc, f"http://127.0.0.1:{port}/api/v2/heartbeat", timeout, "chroma server"):
        proc.kill()
        raise RuntimeError(f"chroma server did not answer on port {port} within {timeout:.0f} s")
    return proc


def _wait_ready(proc: subprocess.Popen, url: str, timeout: float, what: str) -> bool:
    """Poll ``url`` until it answers 200 (True) or ``timeout`` passes (False); fail if ``proc`` dies."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{what} exited with code {proc.returncode} during start-up")
        try:
            if httpx.get(url, timeout=5).status_code == 200:
                return True
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    return False


def serve(settings: Settings, host: str, port: int, workers: int = 1) -> None:
    import uvicorn

    env = {"CIRCULARBENCH_HOST": host, "CIRCULARBENCH_PORT": str(port),
           "CIRCULARBENCH_DATA_DIR": str(settings.data_dir.resolve())}
    chroma = None
    owner = server_lock(settings)
    if workers > 1 and settings.chroma_mode == "embedded":
        try:
            owner.acquire()  # embedded clients (`circularbench index`) now refuse the folder
        except Timeout as exc:
            raise RuntimeError(f"another Chroma server serves {settings.index_dir / 'chroma'}") from exc
        chroma_port = free_port()
        chroma = start_chroma_server(settings.index_dir / "chroma", chroma_port)
        env |= {"CIRCULARBENCH_CHROMA_MODE": "http", "CIRCULARBENCH_CHROMA_HOST": "127.0.0.1",
                "CIRCULARBENCH_CHROMA_PORT": str(chroma_port)}
    os.environ.update(env)  # the workers read their settings from the environment
    try:
        # A worker busy with CPU-bound searches and uploads (the GIL held) can miss the
        # supervisor's 5 s ping deadline and be killed mid-request.
        uvicorn.run("web.app:app", host=host, port=port, workers=workers, log_level="info",
                    timeout_worker_healthcheck=_WORKER_HEALTHCHECK_SECONDS)
    finally:
        if chroma is not None:
            chroma.terminate()
            chroma.wait(timeout=30)
            owner.release()


def start_background(data_dir: Path, workers: int = 1, timeout: float = 120.0,
                     env: dict[str, str] | None = None, log: Path | None = None) -> tuple[subprocess.Popen, str]:
    """`circularbench serve` on a free loopback port in its own process group (``env`` adds
    settings, ``log`` keeps its output: a test that meets a 500 shows the server's traceback);
    returns once /readyz answers 200, with the process and the base URL."""
    port = free_port()
    env = dict(os.environ, **(env or {}), CIRCULARBENCH_DATA_DIR=str(data_dir))
    with open(log or os.devnull, "ab") as out:  # the child keeps its own handle
        proc = subprocess.Popen([str(Path(sys.executable).parent / "circularbench"), "serve", "--port", str(port),
                                 "--workers", str(workers)], env=env, stdout=out,
                                stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    if not _wait_ready(proc, f"{base}/readyz", timeout, "circularbench serve"):
        stop_background(proc)
        raise RuntimeError(f"circularbench serve was not ready within {timeout:.0f} s")
    return proc, base


def stop_background(proc: subprocess.Popen) -> None:
    """Stop the server with its workers and Chroma server (the whole process group)."""
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
