"""The API as users run it: `circularbench serve` in its own process, two workers sharing one
index through a Chroma server, fuzzed with schemathesis, and with no network at all."""

import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest


BIN = Path(sys.executable).parent


@pytest.fixture(scope="module")
def two_workers(serve_small):
    return serve_small(workers=2)[0]


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
