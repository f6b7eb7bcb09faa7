"""The API as users run it: `circularbench serve` in its own process, two workers sharing one
index through a Chroma server, fuzzed with schemathesis, and with no network at all."""

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from indexer.pipeline import Indexer
from tests.helpers import SMALL_FILES, small_corpus
from web.server import free_port

BIN = Path(sys.executable).parent


@pytest.fixture(scope="module")
def small_data(tmp_path_factory, mirror, manifest, embedder) -> Path:
    settings = small_corpus(tmp_path_factory.mktemp("served") / "data", mirror, SMALL_FILES)
    Indexer(settings, manifest, embedder).run(progress=False)
    return settings.data_dir


def start_server(data_dir: Path, workers: int) -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = dict(os.environ, CIRCULARBENCH_DATA_DIR=str(data_dir))
    proc = subprocess.Popen([str(BIN / "circularbench"), "serve", "--port", str(port), "--workers", str(workers)],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        assert proc.poll() is None, "the server exited during start-up"
        try:
            if httpx.get(f"{base}/readyz", timeout=5).status_code == 200:
                return proc, base
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    stop(proc)
    pytest.fail("the server did not become ready")


def stop(proc: subprocess.Popen) -> None:
    os.killpg(proc.pid, signal.SIGTERM)  # uvicorn's workers and the Chroma server with it
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)


@pytest.fixture(scope="module")
def two_workers(small_data, tmp_path_factory):
    data = tmp_path_factory.mktemp("two-workers") / "data"
    shutil.copytree(small_data, data)
    proc, base = start_server(data, workers=2)
    yield base
    stop(proc)


def test_two_workers_see_each_others_uploads(two_workers):
    text = "# Ruritania Packaging Act\n\n## Article 4\n\nRuritania sets a deposit of 0.35 RUR on every aluminium can.\n"
    r = httpx.post(f"{two_workers}/v1/documents", files={"file": ("act.md", text.encode())},
                   data={"title": "Ruritania Packaging Act", "jurisdiction": "DE", "year": "2024", "doc_type": "law"},
                   timeout=120)
    assert r.status_code == 201, r.text
    for _ in range(8):  # fresh connections: the kernel spreads them over both workers' accept queue
        with httpx.Client(timeout=60) as c:
            hits = c.post(f"{two_workers}/v1/search", json={"query": "Ruritania deposit aluminium can", "k": 3}).json()
            assert hits["passages"][0]["doc_id"] == "ruritania_packaging_act"


def test_schemathesis_finds_no_server_errors(two_workers, tmp_path):
    # The committed command: fuzz every operation of the OpenAPI schema, 0 server errors allowed.
    cmd = [str(BIN / "schemathesis"), "run", f"{two_workers}/openapi.json", "--checks", "not_a_server_error",
           "--max-examples", "8", "--phases", "examples,coverage,fuzzing", "--seed", "7",
           "--exclude-method", "DELETE", "--request-timeout", "120", "--report-dir", str(tmp_path)]
    result = subprocess.run(cmd, capture_output=True, text=True, timeout=1200)
    assert result.returncode == 0, result.stdout[-4000:]


def test_a_question_end_to_end_with_the_network_cut(small_data):
    # `unshare -n`: a new network namespace with no interfaces, so any outbound attempt fails.
    env = dict(os.environ, CIRCULARBENCH_DATA_DIR=str(small_data))
    script = (
        "from fastapi.testclient import TestClient\n"
        "from web.app import app\n"
        "c = TestClient(app)\n"
        "r = c.post('/v1/ask', json={'question': 'What must producers of electrical products pay into the fund?',"
        " 'generator': 'extractive'})\n"
        "assert r.status_code == 200, r.text\n"
        "print(r.json()['refused'], len(r.json()['passages']))\n"
    )
    result = subprocess.run(["unshare", "-n", sys.executable, "-c", script], env=env, capture_output=True,
                            text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    refused, passages = result.stdout.split()
    assert int(passages) > 0
