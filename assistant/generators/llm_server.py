"""Run xllamacpp's OpenAI-compatible HTTP server on 127.0.0.1 for one GGUF model.

The server runs in a child process (``python -m assistant.generators.llm_server``), so
stopping it frees the model and its threads for sure, and a crash cannot take the caller
down. ``start()`` returns once ``GET /health`` answers 200, i.e. the model is loaded.

Example::

    from assistant.generators.llm_server import LLMServer
    with LLMServer("data/models/qwen2.5-coder-1.5b-instruct-q4_k_m.gguf", port=8090, threads=2,
                   api_key="a-secret") as srv:
        print(srv.base_url)        # http://127.0.0.1:8090/v1 - for OpenAICompatGenerator
        print(srv.model)           # the model name the server reports

Command line (blocks until SIGTERM/SIGINT; an API key is read from
``CIRCULARBENCH_LLM_SERVER_API_KEY``)::

    python -m assistant.generators.llm_server MODEL.gguf --port 8090 --threads 2
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

from assistant.generators.base import GeneratorUnavailable

HOST = "127.0.0.1"
API_KEY_ENV = "CIRCULARBENCH_LLM_SERVER_API_KEY"


def free_port() -> int:
    """A TCP port on 127.0.0.1 that is free right now."""
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


class LLMServer:
    """One xllamacpp HTTP server in a child process; use as a context manager or start()/stop()."""

    def __init__(self, model_path: str | Path, port: int = 0, threads: int = 0, context_size: int = 4096,
                 api_key: str = "", startup_timeout: float = 300.0, log_path: Path | None = None):
        """``port`` 0 picks a free port; a non-empty ``api_key`` is required from clients
        (``/health`` stays open). The log goes to ``log_path`` (default: a temp file, removed
        after a clean stop)."""
        self.model_path = Path(model_path).resolve()
        self.port = port or free_port()
        self.threads = threads
        self.context_size = context_size
        self.api_key = api_key
        self.startup_timeout = startup_timeout
        self._own_log = log_path is None
        self.log_path = Path(log_path) if log_path else Path(tempfile.gettempdir()) / f"xllamacpp-server-{self.port}.log"
        self.proc: subprocess.Popen | None = None

    @property
    def base_url(self) -> str:
        """The OpenAI-compatible API root (``…/v1``)."""
        return f"http://{HOST}:{self.port}/v1"

    @property
    def model(self) -> str:
        """The model name to send; llama.cpp's server names a model after its file."""
        return self.model_path.name

    def _log_tail(self, lines: int = 15) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def start(self) -> "LLMServer":
        if self.proc is not None and self.proc.poll() is None:
            return self
        if not self.model_path.is_file():
            raise GeneratorUnavailable(f"model file not found: {self.model_path}")
        with socket.socket() as probe:  # else /health could be answered by whoever holds the port
            try:
                probe.bind((HOST, self.port))
            except OSError as exc:
                raise GeneratorUnavailable(f"port {self.port} on {HOST} is in use: {exc}") from exc
        cmd = [sys.executable, "-m", "assistant.generators.llm_server", str(self.model_path),
               "--port", str(self.port), "--threads", str(self.threads), "--context-size", str(self.context_size)]
        project_root = Path(__file__).resolve().parents[2]
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(project_root), env.get("PYTHONPATH")]))
        env.pop(API_KEY_ENV, None)
        if self.api_key:
            env[API_KEY_ENV] = self.api_key  # not on the command line, where `ps` shows it
        with self.log_path.open("wb") as log:
            self.proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                                         env=env, cwd=project_root)
        deadline = time.monotonic() + self.startup_timeout
        with httpx.Client(timeout=2.0, trust_env=False) as client:  # loopback only: no proxies
            while time.monotonic() < deadline:
                if self.proc.poll() is not None:
                    code = self.proc.returncode
                    self.proc = None
                    raise GeneratorUnavailable(
                        f"the xllamacpp server exited with code {code} while starting; log {self.log_path}:\n"
                        f"{self._log_tail()}")
                try:
                    if client.get(f"http://{HOST}:{self.port}/health").status_code == 200:
                        return self
                except httpx.HTTPError:
                    pass
                time.sleep(0.25)
        self.stop(keep_log=True)
        raise GeneratorUnavailable(f"the xllamacpp server did not answer within {self.startup_timeout:.0f}s; "
                                   f"log {self.log_path}:\n{self._log_tail()}")

    def stop(self, timeout: float = 30.0, keep_log: bool = False) -> None:
        proc, self.proc = self.proc, None
        if proc is None or proc.poll() is not None:
            return
        proc.terminate()
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
        if self._own_log and proc.returncode == 0 and not keep_log:
            self.log_path.unlink(missing_ok=True)

    def __enter__(self) -> "LLMServer":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def serve(model_path: Path, port: int, threads: int, context_size: int) -> int:
    """Run the server in this process until SIGTERM or SIGINT."""
    from assistant.generators.local_llm import server_params

    import xllamacpp

    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    params = server_params(model_path, threads, context_size, port=port)
    params.verbosity = 2  # errors and warnings, into the log file
    if api_key := os.environ.get(API_KEY_ENV, ""):
        params.api_keys = [api_key]
    try:
        server = xllamacpp.Server(params)
    except Exception as exc:
        print(f"xllamacpp could not start: {exc}", file=sys.stderr, flush=True)
        return 1
    print(f"listening on {server.listening_address}", flush=True)
    while not stop.wait(0.5):
        pass
    del server  # stops llama.cpp's loop and the HTTP listener
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="xllamacpp OpenAI-compatible server on 127.0.0.1")
    parser.add_argument("model", type=Path, help="GGUF model file")
    parser.add_argument("--port", type=int, default=8090)
    parser.add_argument("--threads", type=int, default=0, help="0 = one per physical core")
    parser.add_argument("--context-size", type=int, default=4096)
    args = parser.parse_args(argv)
    return serve(args.model, args.port, args.threads, args.context_size)


if __name__ == "__main__":
    raise SystemExit(main())
