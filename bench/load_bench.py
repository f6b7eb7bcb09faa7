"""Load benchmark of the served API on loopback: 1 worker against 2, side by side in one run,
with documents uploaded and deleted while the clients search and ask.

For each worker count: copy the configured data folder (the real one is never changed), start
`circularbench serve` on the copy, upload the documents to delete later, then 50 concurrent
clients send a mix of /v1/search (70%) and extractive /v1/ask (30%) for 60 s while 10 uploads
and 3 deletions run in parallel. Prints throughput, p50/p95/p99 latency, server errors, and
lost documents: uploads not listed, not findable or not indexed exactly once, deletions still
listed, findable, or left in the keyword index or the vector store.

    .venv/bin/python bench/load_bench.py [--clients 50] [--seconds 60] [--uploads 10] [--deletes 3]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import shutil
import statistics
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from circularbench.settings import Settings
from web.server import start_background, stop_background


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * (len(ordered) - 1)))] if ordered else float("nan")


def document(n: int) -> tuple[str, str, bytes]:
    """A small Markdown law with a word found nowhere else: (doc id, title, content)."""
    word = f"zorblax{n:03d}"
    title = f"Load Test Decree {n:03d}"
    text = (f"# {title}\n\n## Article 1\n\nThe republic of {word} refunds {n}.25 units for every returned "
            f"{word} bottle, and {word} retailers take back empty packaging.\n")
    return f"load_test_decree_{n:03d}", title, text.encode()


@dataclass
class LoadResult:
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # server errors (5xx) and broken connections
    refused: list[str] = field(default_factory=list)  # admin actions that did not succeed (4xx)
    seconds: float = 0.0


async def _upload(base: str, n: int, result: LoadResult, headers: dict | None) -> None:
    doc_id, title, content = document(n)
    await _admin(base, "POST", "/v1/documents", 201, result, headers, files={"file": (f"{doc_id}.md", content)},
                 data={"title": title, "jurisdiction": "DE", "year": "2024", "doc_type": "law"})


async def _admin(base: str, method: str, path: str, expected: int, result: LoadResult, headers: dict | None,
                 **kwargs) -> None:
    # A connection of its own: a pooled one left idle past the server's keep-alive would be
    # closed under the next request, a client-side error that is no server's fault.
    try:
        async with httpx.AsyncClient(base_url=base, timeout=600, headers=headers) as http:
            r = await http.request(method, path, **kwargs)
    except httpx.HTTPError as exc:
        result.errors.append(f"{method} {path} {type(exc).__name__}")
        return
    if r.status_code >= 500:
        result.errors.append(f"{method} {path} {r.status_code}")
    elif r.status_code != expected:
        result.refused.append(f"{method} {path} {r.status_code}: {r.text[:200]}")


async def _client(base: str, questions: list[str], until: float, admin_done: asyncio.Event, result: LoadResult,
                  rng: random.Random, headers: dict | None) -> None:
    async with httpx.AsyncClient(base_url=base, timeout=600, headers=headers) as http:
        await _ask_until(http, questions, until, admin_done, result, rng)


async def _ask_until(http: httpx.AsyncClient, questions: list[str], until: float, admin_done: asyncio.Event,
                     result: LoadResult, rng: random.Random) -> None:
    # Until the time is up and every upload and deletion has answered: all of them meet traffic.
    while time.monotonic() < until or not admin_done.is_set():
        q = rng.choice(questions)
        if rng.random() < 0.7:
            path, body = "/v1/search", {"query": q, "k": 10}
        else:
            path, body = "/v1/ask", {"question": q, "generator": "extractive"}
        t0 = time.perf_counter()
        try:
            r = await http.post(path, json=body)
            if r.status_code != 200:
                result.errors.append(f"{path} {r.status_code}")
        except httpx.HTTPError as exc:
            result.errors.append(f"{path} {type(exc).__name__}")
        result.latencies.append((time.perf_counter() - t0) * 1000)


async def prepare(base: str, numbers: list[int], headers: dict | None = None) -> None:
    """Upload the documents the load will delete."""
    for n in numbers:
        result = LoadResult()
        await _upload(base, n, result, headers)
        if result.errors or result.refused:
            raise RuntimeError(f"preparing upload {n} failed: {result.errors or result.refused}")


async def mixed_load(base: str, clients: int, seconds: float, questions: list[str], uploads: list[int],
                     deletes: list[int], headers: dict | None = None) -> LoadResult:
    """``clients`` searching and asking for ``seconds`` while ``uploads`` are uploaded and
    ``deletes`` (uploaded by :func:`prepare`) deleted, all at once."""
    result = LoadResult()
    started = time.monotonic()
    admin_done = asyncio.Event()

    async def admin() -> None:
        await asyncio.gather(*(_upload(base, n, result, headers) for n in uploads),
                             *(_admin(base, "DELETE", f"/v1/documents/{document(n)[0]}", 200, result, headers)
                               for n in deletes))
        admin_done.set()

    await asyncio.gather(admin(), *(_client(base, questions, started + seconds, admin_done, result,
                                            random.Random(i), headers) for i in range(clients)))
    result.seconds = time.monotonic() - started
    return result


def lost_over_http(base: str, uploads: list[int], deletes: list[int], headers: dict | None = None) -> list[str]:
    """What the served API gets wrong: each upload listed once and the top hit for the word only
    it contains, each deletion neither listed nor found."""
    lost = []
    with httpx.Client(base_url=base, timeout=120, headers=headers) as http:
        listed = [d["doc_id"] for d in http.get("/v1/documents").json()["documents"]]
        for n in uploads + deletes:
            doc_id = document(n)[0]
            passages = http.post("/v1/search", json={"query": f"zorblax{n:03d}", "k": 5}).json()["passages"]
            found = [p["doc_id"] for p in passages if p["doc_id"] == doc_id]
            if n in uploads and (listed.count(doc_id) != 1 or not passages or passages[0]["doc_id"] != doc_id):
                lost.append(f"upload {doc_id}: listed {listed.count(doc_id)}x, top hit "
                            f"{passages[0]['doc_id'] if passages else None}")
            if n in deletes and (doc_id in listed or found):
                lost.append(f"deletion {doc_id}: still listed or found")
    return lost


def lost_on_disk(data_dir: Path, uploads: list[int], deletes: list[int]) -> list[str]:
    """With the server stopped: the ledger, the uploads registry, the keyword index and the
    vector store agree, each upload once, no deletion anywhere."""
    import json

    from corpus.uploads import UploadRegistry
    from indexer.ledger import Ledger
    from indexer.vector_store import VectorStore

    settings = Settings(data_dir=data_dir)
    ledger = Ledger.load(settings.index_dir / "ledger.json")
    registered = [r.id for r in UploadRegistry(settings.corpus_dir).records()]
    keyword_ids = set(json.loads((settings.index_dir / ledger.keyword_dir / "chunk_ids.json").read_text()))
    store_ids = VectorStore.open(settings, ledger.embedding_model, ledger.embedding_dimension).ids()
    lost = []
    if keyword_ids != ledger.live_ids():
        lost.append(f"keyword index differs from the ledger by {len(keyword_ids ^ ledger.live_ids())} chunks")
    if store_ids != ledger.live_ids():
        lost.append(f"vector store differs from the ledger by {len(store_ids ^ ledger.live_ids())} chunks")
    for n in uploads:
        doc_id = document(n)[0]
        if doc_id not in ledger.documents or registered.count(doc_id) != 1:
            lost.append(f"upload {doc_id}: in ledger {doc_id in ledger.documents}, registered {registered.count(doc_id)}x")
    for n in deletes:
        doc_id = document(n)[0]
        prefix = f"{doc_id}:"
        if doc_id in ledger.documents or doc_id in registered or any(c.startswith(prefix) for c in keyword_ids | store_ids):
            lost.append(f"deletion {doc_id}: left in the ledger, the registry or an index")
    return lost


def main() -> None:
    from evals.dataset import load_questions

    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--uploads", type=int, default=10)
    parser.add_argument("--deletes", type=int, default=3)
    args = parser.parse_args()
    questions = [q.question for q in load_questions()]
    deletes = list(range(args.deletes))
    uploads = list(range(args.deletes, args.deletes + args.uploads))
    for workers in (1, 2):
        with tempfile.TemporaryDirectory(prefix="cb-load-") as tmp:
            data = Path(tmp) / "data"
            shutil.copytree(Settings().data_dir, data)
            proc, base = start_background(data, workers, env={"CIRCULARBENCH_GENERATOR": "extractive"})
            try:
                asyncio.run(prepare(base, deletes))
                result = asyncio.run(mixed_load(base, args.clients, args.seconds, questions, uploads, deletes))
                lost = lost_over_http(base, uploads, deletes)
            finally:
                stop_background(proc)
            lost += lost_on_disk(data, uploads, deletes)
        lat = result.latencies
        print(f"{workers} worker(s), {args.clients} clients, {args.uploads} uploads + {args.deletes} deletes, "
              f"{result.seconds:.0f} s: {len(lat) / result.seconds:6.1f} req/s  p50 {statistics.median(lat):7.0f} ms  "
              f"p95 {pct(lat, 0.95):7.0f} ms  p99 {pct(lat, 0.99):7.0f} ms  server errors {len(result.errors)}"
              + (f" ({', '.join(sorted(set(result.errors))[:5])})" if result.errors else "")
              + f"  refused admin actions {len(result.refused)}  lost documents {len(lost)}")
        for line in result.refused + lost:
            print("   ", line)


if __name__ == "__main__":
    main()
