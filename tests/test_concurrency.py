"""Nothing lost under concurrency: parallel uploads and deletions while clients search and ask,
against a served instance (the small version of bench/load_bench.py)."""

import asyncio
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
        assert result.errors == [] and result.refused == [], log.read_text(errors="replace")[-6000:]
        assert len(result.latencies) > 20  # the clients did run alongside
        assert lost_over_http(base, uploads, deletes) == []
    finally:
        stop_background(proc)
    assert lost_on_disk(data, uploads, deletes) == []  # ledger, registry, keyword index and store agree
