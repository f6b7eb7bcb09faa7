"""Benchmarking plans that follow the 10-step process of Zhong & Zvarych (Table 1), and
side-by-side comparisons of jurisdictions, every claim cited.

Each step carries the paper's own definition (quoted from the indexed paper), concrete actions
for the topic and jurisdictions, and evidence from the corpus found per jurisdiction. Step 5
holds the gap table: home vs each peer for each criterion, each cell cited or marked "not
found in the indexed documents". A home jurisdiction the corpus does not cover still gets a
plan: the peers are benchmarked and the home-side data to collect is flagged.

Example::

    planner = Planner(Assistant.open(Settings()))
    plan = planner.plan("packaging recycling", home="VN", peers=["DE", "EU"])
    [s.name for s in plan.steps][:2]   # ['Identify the topic of benchmarking', 'Determine what ...']
    planner.compare("recycling targets for plastic packaging", ["DE", "NL", "CN", "EU"])
"""

from __future__ import annotations

import re

from assistant import jurisdictions as jur
from assistant.assistant import Assistant
from assistant.findings import Finder
from assistant.text import locate
from circularbench.types import Citation, Comparison, Finding, GapRow, Plan, PlanStep

PAPER_ID = "zhong_zvarych_benchmarking_circular_economy_world"

# Table 1 of the paper: the 10 steps, in order.
STEPS = [
    "Identify the topic of benchmarking",
    "Determine what to benchmark and against whom",
    "Form a working group and determine a work plan",
    "Data collection and investigation",
    "Analyze comparisons, identify gaps, and identify best practices",
    "Identify the direction for improvement and formulate an implementation plan",
    "Communication and improvement plan",
    "Implementation and supervision",
    "Lessons learned",
    "Benchmarking process again",
]

DEFAULT_CRITERIA = [
    "targets and quotas",
    "producer responsibility obligations",
    "collection, take-back and deposit systems",
    "reporting, registration and monitoring",
    "penalties and enforcement",
]


def _once(steps: list[PlanStep]) -> None:
    """Each piece of evidence in the first step that cites it: a later finding whose citations
    all stand in an earlier step is replaced by a note pointing there."""
    first: dict[str, int] = {}
    for s in steps:
        kept = []
        for f in s.evidence:
            keys = [c.key for c in f.citations]
            earlier = {first[k] for k in keys if k in first}
            if f.found and keys and all(k in first for k in keys):
                s.notes.append(f"{jur.name(f.jurisdiction)}: the evidence is that of step "
                               f"{', '.join(map(str, sorted(earlier)))}.")
                continue
            for k in keys:
                first.setdefault(k, s.number)
            kept.append(f)
        s.evidence = kept


class Planner:
    def __init__(self, assistant: Assistant, generator: str | None = "extractive"):
        self.assistant = assistant
        self.finder = Finder(assistant, generator)
        self.generator = generator

    # ------------------------------------------------------------------ the paper's definitions
    def step_definitions(self) -> dict[int, tuple[str, Citation | None]]:
        """Step number -> (the row of Table 1 as the paper words it, its citation)."""
        chunks = [c for c in self.assistant.retriever.chunks.values() if c.doc_id == PAPER_ID]
        out: dict[int, tuple[str, Citation | None]] = {}
        for number in range(1, 11):
            pattern = re.compile(rf"^Step {number}\b[^\n]*", re.M)
            for c in sorted(chunks, key=lambda c: c.char_start):
                m = pattern.search(c.text)
                if m:
                    row = " ".join(m.group(0).split())
                    out[number] = (row, Citation.of(c, 1, locate(m.group(0), c.text) or m.group(0)))
                    break
            out.setdefault(number, (STEPS[number - 1], None))
        return out

    # ------------------------------------------------------------------ plans
    def plan(self, topic: str, home: str, peers: list[str], criteria: list[str] | None = None) -> Plan:
        topic = " ".join(topic.split())
        if not topic:
            raise ValueError("topic is empty")
        home = jur.normalize(home)
        peers = [p for p in dict.fromkeys(jur.normalize(p) for p in peers) if p != home]
        if not peers:
            raise ValueError("name at least one peer jurisdiction other than the home jurisdiction")
        criteria = criteria or DEFAULT_CRITERIA
        everyone = [home, *peers]
        names = {c: jur.name(c) for c in everyone}
        covered_peers = [p for p in peers if self.finder.covers(p)]
        home_covered = self.finder.covers(home)
        find = self.finder.find
        defs = self.step_definitions()
        notes: list[str] = []
        if not home_covered:
            notes.append(f"No documents from {names[home]} are indexed: the plan benchmarks the peers and "
                         f"lists the home-side data to collect.")
        for p in peers:
            if p not in covered_peers:
                notes.append(f"No documents from {names[p]} are indexed: it cannot be benchmarked from the corpus.")

        gap_table = [
            GapRow(criterion=c, cells=[find(f"What {c} apply to {topic}?", j, topic) for j in everyone])
            for c in criteria
        ]
        peer_list = ", ".join(names[p] for p in peers)

        def step(n: int, actions: list[str], evidence: list[Finding] | None = None, step_notes=None) -> PlanStep:
            definition, source = defs[n]
            return PlanStep(number=n, name=STEPS[n - 1], definition=definition, definition_source=source,
                            actions=actions, evidence=evidence or [], notes=step_notes or [])

        practices = [find(f"What rules, targets and obligations apply to {topic}?", p, topic) for p in peers]
        data = [find(f"What data, reporting and registration obligations apply to {topic}?", j, topic)
                for j in everyone]
        supervision = [find(f"How are {topic} rules supervised, monitored and enforced?", p, topic) for p in peers]
        review = [find(f"When must the {topic} targets or rules be reviewed or revised?", p, topic) for p in peers]
        definition = [find(f"How is {topic} defined?", p, topic) for p in peers]
        practices_seen = [find(f"What best practices, measures or instruments for {topic} are described?", p, topic)
                          for p in peers]
        lessons = [find(f"What results, evaluations or lessons of {topic} policies are reported?", p, topic)
                   for p in peers]

        gaps = [(row.criterion, cell) for row in gap_table for cell in row.cells[1:] if cell.found
                and not row.cells[0].found]
        steps = [
            step(1, [f"Fix the scope of “{topic}” for {names[home]}: products, materials and actors covered, "
                     f"using the peers' legal definitions below as a starting point.",
                     "State why the topic matters for competitiveness and the environment at home."], definition),
            step(2, [f"Benchmark against {peer_list}.",
                     "Select the practices that drive the peers' performance (evidence below) as the objects "
                     "of the comparison."], practices,
                 [f"{names[p]}: {f.text}" for p, f in zip(peers, practices) if not f.found]),
            step(3, [f"Form a working group of the ministry responsible for {topic}, the environment agency, "
                     "municipalities, producers and recyclers, and set a work plan with milestones for steps 4-10."]),
            step(4, [f"Collect for {names[home]} the same indicators the peers report (evidence below), "
                     "for at least the last three years."]
                 + ([f"Home-side data to collect from national sources: {', '.join(criteria)} for {topic} "
                     f"in {names[home]} (none is indexed)."] if not home_covered else []), data),
            step(5, [f"Fill the gap table: {names[home]} against each peer, criterion by criterion.",
                     "Mark each gap and the peer practice that closes it (the peers' practices below)."],
                 practices_seen),
            step(6, [f"Adopt or adapt {names[cell.jurisdiction]}'s {criterion} for {topic} (see the gap table)."
                     for criterion, cell in gaps[:6]]
                 or ["Set the direction from the gap table once the home-side data is in."],
                 [cell for _, cell in gaps[:6]]),
            step(7, ["Consult producers, municipalities, recyclers and citizens on the draft plan; revise it "
                     "with their feedback before adoption."]),
            step(8, ["Monitor the indicators of step 4 against the peers' levels each year; correct deviations."],
                 supervision),
            step(9, ["After the first cycle, evaluate the effect against the targets and record what worked, "
                     "as the peers' own results and evaluations below do."], lessons),
            step(10, [f"Benchmark again when a peer revises its {topic} rules or targets, or when home conditions "
                      "change (review dates below)."], review),
        ]
        _once(steps)
        return Plan(topic=topic, home=home, peers=peers, steps=steps, gap_table=gap_table,
                    generator=self.generator or self.assistant.settings.generator, notes=notes)

    # ------------------------------------------------------------------ comparisons
    def compare(self, topic: str, jurisdictions: list[str], criteria: list[str] | None = None) -> Comparison:
        topic = " ".join(topic.split())
        if not topic:
            raise ValueError("criterion is empty")
        codes = list(dict.fromkeys(jur.normalize(j) for j in jurisdictions))
        if not codes:
            raise ValueError("name at least one jurisdiction")
        columns = criteria or [topic]
        rows = [[self.finder.find(q if q == topic else f"What {q} apply to {topic}?", code, topic) for q in columns]
                for code in codes]
        return Comparison(topic=topic, criteria=columns, jurisdictions=codes, rows=rows,
                          generator=self.generator or self.assistant.settings.generator)
