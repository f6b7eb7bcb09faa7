"""Load benchmark of the served API on loopback: 1 worker against 2, side by side in one run.

For each worker count: start `circularbench serve` on the configured data folder, then 50
concurrent clients send a mix of /v1/search (70%) and extractive /v1/ask (30%) requests for
60 s (bounded: the loop stops itself). Prints throughput, p50/p95/p99 latency and errors.

    .venv/bin/python bench/load_bench.py [--clients 50] [--seconds 60]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import time

import httpx

from circularbench.settings import Settings
from evals.dataset import load_questions
from web.server import start_background, stop_background


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * (len(ordered) - 1)))] if ordered else float("nan")


async def client_loop(base: str, questions: list[str], until: float, latencies: list[float], errors: list[str],
                      rng: random.Random) -> None:
    async with httpx.AsyncClient(base_url=base, timeout=120) as http:
        while time.monotonic() < until:
            q = rng.choice(questions)
            if rng.random() < 0.7:
                path, body = "/v1/search", {"query": q, "k": 10}
            else:
                path, body = "/v1/ask", {"question": q, "generator": "extractive"}
            t0 = time.perf_counter()
            try:
                r = await http.post(path, json=body)
                if r.status_code != 200:
                    errors.append(f"{path} {r.status_code}")
            except httpx.HTTPError as exc:
                errors.append(f"{path} {type(exc).__name__}")
            latencies.append((time.perf_counter() - t0) * 1000)


async def load(base: str, clients: int, seconds: float, questions: list[str]) -> tuple[list[float], list[str], float]:
    latencies: list[float] = []
    errors: list[str] = []
    started = time.monotonic()
    until = started + seconds
    await asyncio.gather(*(client_loop(base, questions, until, latencies, errors, random.Random(i))
                           for i in range(clients)))
    return latencies, errors, time.monotonic() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    args = parser.parse_args()
    questions = [q.question for q in load_questions()]
    data_dir = Settings().data_dir
    for workers in (1, 2):
        proc, base = start_background(data_dir, workers)
        try:
            latencies, errors, elapsed = asyncio.run(load(base, args.clients, args.seconds, questions))
        finally:
            stop_background(proc)
        print(f"{workers} worker(s), {args.clients} clients, {elapsed:.0f} s: {len(latencies) / elapsed:6.1f} req/s  "
              f"p50 {statistics.median(latencies):7.0f} ms  p95 {pct(latencies, 0.95):7.0f} ms  "
              f"p99 {pct(latencies, 0.99):7.0f} ms  errors {len(errors)}"
              + (f" ({', '.join(sorted(set(errors))[:5])})" if errors else ""))


if __name__ == "__main__":
    main()
