"""Nothing lost under concurrency: parallel uploads and deletions while clients search and ask,
against a served instance (the small version of bench/load_bench.py)."""

import asyncio
import re
import shutil

from bench.load_bench import lost_on_disk, lost_over_http, mixed_load, prepare
from web.server import start_background, stop_background

QUESTIONS = [
    "What must producers of electrical products pay into the fund?",
    "Which vehicles count as end-of-life vehicles?",
    "What is Singapore's 2030 target for the overall recycling rate?",
    "Welke verpakkingen vallen onder het besluit?",
    "zorblax bottle refund",
]


def server_account(log):
    """The served process's output without its access lines (which bury a traceback)."""
    lines = log.read_text(errors="replace").splitlines()
    return "\n".join(line for line in lines if not re.search(r'" 2\d\d( [A-Za-z ]+)?$', line))[-8000:]


def test_parallel_uploads_and_deletes_under_load_lose_nothing(small_data, tmp_path):
    data = tmp_path / "data"
    shutil.copytree(small_data, data)
    deletes, uploads = [0, 1], [2, 3, 4, 5, 6]
    log = tmp_path / "serve.log"
    proc, base = start_background(data, env={"CIRCULARBENCH_GENERATOR": "extractive"}, log=log)
    try:
        asyncio.run(prepare(base, deletes))
        result = asyncio.run(mixed_load(base, clients=10, seconds=10, questions=QUESTIONS, uploads=uploads,
                                        deletes=deletes))
        # On a failure, the server's own account (its tracebacks) stands beside the clients'.
        assert result.errors == [] and result.refused == [], server_account(log)
        assert len(result.latencies) > 20  # the clients did run alongside
        assert lost_over_http(base, uploads, deletes) == []
    finally:
        stop_background(proc)
    assert lost_on_disk(data, uploads, deletes) == []  # ledger, registry, keyword index and store agree
