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
def two_workers(serve_small, model_path):
    """(base URL, data folder) of `serve --workers 2`. Its local LLM is the session's joined
    model, writing short answers: the fuzzer checks the server, not the answers, and a full
    answer per fuzzed question would take most of the suite's time."""
    return serve_small(workers=2, env={"CIRCULARBENCH_LLM_MODEL": str(model_path), "CIRCULARBENCH_LLM_MAX_TOKENS": "16"})


def test_two_workers_see_each_others_uploads(two_workers):
    base = two_workers[0]
    text = "# Ruritania Packaging Act\n\n## Article 4\n\nRuritania sets a deposit of 0.35 RUR on every aluminium can.\n"
    r = httpx.post(f"{base}/v1/documents", files={"file": ("act.md", text.encode())},
                   data={"title": "Ruritania Packaging Act", "jurisdiction": "DE", "year": "2024", "doc_type": "law"},
                   timeout=120)
    assert r.status_code == 201, r.text
    for _ in range(8):  # fresh connections: the kernel spreads them over both workers' accept queue
        with httpx.Client(timeout=60) as c:
            hits = c.post(f"{base}/v1/search", json={"query": "Ruritania deposit aluminium can", "k": 3}).json()
            assert hits["passages"][0]["doc_id"] == "ruritania_packaging_act"


def test_schemathesis_finds_no_server_errors(two_workers, tmp_path):
    base = two_workers[0]
    # The committed command: fuzz every operation of the OpenAPI schema, 0 server errors allowed.
    cmd = [str(BIN / "schemathesis"), "run", f"{base}/openapi.json", "--checks", "not_a_server_error",
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


def test_schemathesis_with_the_key_set_finds_no_server_errors(serve_small, tmp_path):
    key = "fuzz-key-42"
    base, _ = serve_small(env={"CIRCULARBENCH_API_KEY": key})
    schema = httpx.get(f"{base}/openapi.json", headers={"X-API-Key": key}, timeout=60)
    assert httpx.get(f"{base}/openapi.json", timeout=60).status_code == 401
    (tmp_path / "openapi.json").write_text(schema.text, encoding="utf-8")
    # Every operation, uploads and deletions included, with the key; ignored_auth also sends
    # each one without it and fails if that is not refused.
    cmd = [str(BIN / "schemathesis"), "run", str(tmp_path / "openapi.json"), "--url", base,
           "-H", f"X-API-Key: {key}", "--checks", "not_a_server_error,ignored_auth", "--max-examples", "8",
           "--phases", "examples,coverage,fuzzing", "--seed", "7", "--request-timeout", "120",
           "--report-dir", str(tmp_path / "report")]
    result = subprocess.run(cmd, capture_output=True, text=True, timeout=1500)
    assert result.returncode == 0, result.stdout[-4000:]


def test_embedded_indexing_refuses_a_folder_a_chroma_server_serves(two_workers):
    _, data = two_workers  # `serve --workers 2` runs a Chroma server on this data folder
    env = dict(os.environ, CIRCULARBENCH_DATA_DIR=str(data))
    result = subprocess.run([str(BIN / "circularbench"), "index", "--quiet"], env=env, capture_output=True,
                            text=True, timeout=300)
    assert result.returncode == 1 and "Chroma server serves" in result.stdout, result.stdout + result.stderr
