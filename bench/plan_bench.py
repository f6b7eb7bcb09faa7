"""Plan and comparison latency per generator, measured in one run on the real index.

    .venv/bin/python bench/plan_bench.py [--runs 3] [--llm-plan]

The extractive generator drafts a full plan (10 steps, 5-criterion gap table: ~30 cited
findings) and a 4-jurisdiction comparison; the local LLM drafts the comparison and, with
--llm-plan, a plan with a 2-criterion gap table (each finding is one LLM answer).
"""

from __future__ import annotations

import argparse
import statistics
import time

from assistant.assistant import Assistant
from assistant.plans import Planner
from circularbench.settings import Settings

TOPIC, HOME, PEERS = "packaging recycling", "VN", ["DE", "EU"]
CRITERION, JURISDICTIONS = "recycling targets for plastic packaging", ["DE", "NL", "CN", "EU"]


def timed(fn) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--llm-plan", action="store_true")
    args = parser.parse_args()
    bot = Assistant.open(Settings())
    extractive = Planner(bot, generator="extractive")
    extractive.plan(TOPIC, HOME, PEERS)  # warm
    plan_s = [timed(lambda: extractive.plan(TOPIC, HOME, PEERS)) for _ in range(args.runs)]
    cmp_s = [timed(lambda: extractive.compare(CRITERION, JURISDICTIONS)) for _ in range(args.runs)]
    print(f"extractive  plan (10 steps, 5 criteria)  median {statistics.median(plan_s):7.2f} s  (n={args.runs})")
    print(f"extractive  comparison (4 jurisdictions) median {statistics.median(cmp_s):7.2f} s  (n={args.runs})")
    local = Planner(bot, generator="local")
    bot.generator("local")  # load the model outside the timing
    print(f"local LLM   comparison (4 jurisdictions)        {timed(lambda: local.compare(CRITERION, JURISDICTIONS)):7.2f} s  (n=1)")
    if args.llm_plan:
        seconds = timed(lambda: local.plan(TOPIC, HOME, PEERS, criteria=["targets and quotas", "penalties and enforcement"]))
        print(f"local LLM   plan (10 steps, 2 criteria)          {seconds:7.2f} s  (n=1)")


if __name__ == "__main__":
    main()
