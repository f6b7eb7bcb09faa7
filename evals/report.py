"""Write an evaluation's figures as JSON, Markdown and HTML with matplotlib charts, in a dated
folder: per split, retrieval for every system, answers per generator, where answers were lost,
the worst questions, plans and latency.

Example::

    folder = write_report(run.summary(), Path("evals/reports"))   # evals/reports/2026-12-01T101500Z/
"""

from __future__ import annotations

import html
import json
from datetime import datetime, timezone
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # no display, and no font or backend downloads
import matplotlib.pyplot as plt  # noqa: E402

from evals.answer_metrics import ANSWER_METRICS  # noqa: E402
from evals.runner import STAGES  # noqa: E402

RETRIEVAL_KEYS = ["hit@1", "hit@5", "recall@10", "mrr@10", "ndcg@10"]
REFUSAL_KEYS = ["refusal_precision", "refusal_recall", "false_refusal_rate", "refusal_accuracy"]
CHARTS = ("retrieval_by_category.png", "loss_stages.png", "latency.png")

Table = tuple[str, list[str], list[list[str]]]


def _fmt(v) -> str:
    return "—" if v is None else (f"{v:.2f}" if isinstance(v, float) else str(v))


def tables(data: dict) -> list[Table]:
    """The report's tables: (title, header, rows)."""
    out: list[Table] = []
    out.append(("Splits", ["split", "questions", "fingerprint"],
                [[s, str(data["questions"][s]), data["fingerprints"][s]] for s in data["splits"]]))
    for split, systems in data["retrieval"].items():
        rows = [[name, _fmt(t["all"]["n"]), *(_fmt(t["all"][k]) for k in RETRIEVAL_KEYS), _fmt(t.get("p50_ms"))]
                for name, t in systems.items()]
        out.append((f"Retrieval — {split}", ["system", "n", *RETRIEVAL_KEYS, "p50 ms"], rows))
        cats = sorted({c for t in systems.values() for c in t if c not in ("all", "p50_ms")})
        rows = [[cat, _fmt(next(iter(systems.values())).get(cat, {}).get("n"))]
                + [f"{_fmt(t.get(cat, {}).get('hit@5'))} / {_fmt(t.get(cat, {}).get('mrr@10'))}" for t in systems.values()]
                for cat in cats]
        out.append((f"Retrieval by category — {split} (hit@5 / MRR@10)", ["category", "n", *systems], rows))
    for split, gens in data["answers"].items():
        rows = [[gen, _fmt(a["all"]["n"]), *(_fmt(a["all"].get(k)) for k in (*ANSWER_METRICS, *REFUSAL_KEYS))]
                for gen, a in gens.items()]
        out.append((f"Answers — {split}", ["generator", "n", *ANSWER_METRICS, *REFUSAL_KEYS], rows))
        for gen, a in gens.items():
            rows = [[cat, _fmt(m["n"]), *(_fmt(m.get(k)) for k in ANSWER_METRICS)] for cat, m in a["by_category"].items()]
            out.append((f"Answers by category — {split}, {gen}", ["category", "n", *ANSWER_METRICS], rows))
    for split, gens in data["loss"].items():
        for gen, table in gens.items():
            rows = [[cat, *(str(table[cat][s]) for s in STAGES)]
                    for cat in sorted(table, key=lambda c: (c == "all", c))]
            out.append((f"Where answers were lost — {split}, {gen}", ["category", *STAGES], rows))
    if data.get("worst"):
        rows = [[w["id"], w["split"], w["category"], w["stage"], w["question"], "; ".join(w["gold"]),
                 " | ".join(w["top_passages"])] for w in data["worst"]]
        out.append(("The worst questions (lost earliest)", ["id", "split", "category", "lost at", "question", "gold",
                                                            "top passages"], rows))
    if "plans" in data:
        out.append(("Plans", ["metric", "value"], [[k, _fmt(v)] for k, v in data["plans"].items()]))
    rows = [[name, _fmt(v["p50_ms"]), _fmt(v["p95_ms"]), _fmt(v["n"])] for name, v in data["latency"].items()]
    out.append(("Cost (latency)", ["step", "p50 ms", "p95 ms", "n"], rows))
    return out


def _charts(data: dict, folder: Path) -> None:
    split = "test" if "test" in data["retrieval"] else next(iter(data["retrieval"]))
    systems = data["retrieval"][split]
    cats = sorted({c for t in systems.values() for c in t if c not in ("all", "p50_ms")})
    fig, ax = plt.subplots(figsize=(9, 4))
    width = 0.8 / max(1, len(systems))
    for i, (name, table) in enumerate(systems.items()):
        ax.bar([x + i * width for x in range(len(cats))], [table.get(c, {}).get("hit@5", 0) for c in cats], width,
               label=name)
    ax.set_xticks([x + width * (len(systems) - 1) / 2 for x in range(len(cats))], cats, rotation=20)
    ax.set_ylim(0, 1)
    ax.set_ylabel("hit@5")
    ax.set_title(f"Retrieval hit@5 per category ({split} split)")
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(folder / CHARTS[0], dpi=110)
    plt.close(fig)

    bars = [(f"{split} · {gen}", table["all"]) for split, gens in data["loss"].items() for gen, table in gens.items()]
    fig, ax = plt.subplots(figsize=(9, 0.6 * len(bars) + 1.5))
    left = [0] * len(bars)
    for stage in STAGES:
        counts = [row.get(stage, 0) for _, row in bars]
        ax.barh([b for b, _ in bars], counts, left=left, label=stage)
        left = [a + b for a, b in zip(left, counts)]
    ax.set_xlabel("answerable questions")
    ax.set_title("Where answers were lost (first failing stage)")
    ax.legend(fontsize=7, ncol=3, loc="lower right")
    fig.tight_layout()
    fig.savefig(folder / CHARTS[1], dpi=110)
    plt.close(fig)

    fig, ax = plt.subplots(figsize=(9, 3.5))
    items = [(k, v) for k, v in data["latency"].items() if v["p50_ms"]]
    ax.barh([k for k, _ in items], [v["p50_ms"] for _, v in items])
    ax.set_xscale("log")
    ax.set_xlabel("p50 latency (ms, log scale)")
    ax.set_title("Cost per step")
    fig.tight_layout()
    fig.savefig(folder / CHARTS[2], dpi=110)
    plt.close(fig)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def write_report(data: dict, root: Path) -> Path:
    folder = root / datetime.now(timezone.utc).strftime("%Y-%m-%dT%H%M%SZ")
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "report.json").write_text(json.dumps(data, indent=1, ensure_ascii=False), encoding="utf-8")
    _charts(data, folder)
    head = (f"circularbench evaluation — splits **{', '.join(data['splits'])}**, {data['chunks']} chunks, "
            f"embedder {data['embedding_model']}, {data['date']}")
    md = ["# Evaluation report", "", head, ""]
    body = [f"<h1>Evaluation report</h1><p>{html.escape(head.replace('**', ''))}</p>"]
    for title, header, rows in tables(data):
        md += [f"## {title}", "", "| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        md += ["| " + " | ".join(_cell(c) for c in r) + " |" for r in rows] + [""]
        body.append(f"<h2>{html.escape(title)}</h2><table><tr>" + "".join(f"<th>{html.escape(h)}</th>" for h in header)
                    + "</tr>" + "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in r) + "</tr>" for r in rows)
                    + "</table>")
    md += [f"![{c}]({c})" for c in CHARTS]
    body += [f'<img src="{c}" alt="{c}">' for c in CHARTS]
    (folder / "report.md").write_text("\n".join(md) + "\n", encoding="utf-8")
    style = ("body{font-family:sans-serif;max-width:1100px;margin:auto}table{border-collapse:collapse}"
             "td,th{border:1px solid #ccc;padding:4px 8px;vertical-align:top}img{max-width:100%}")
    (folder / "report.html").write_text(f"<!doctype html><html><head><meta charset='utf-8'><title>circularbench evaluation"
                                        f"</title><style>{style}</style></head><body>{''.join(body)}</body></html>",
                                        encoding="utf-8")
    return folder


def latest_report(root: Path) -> Path | None:
    folders = sorted(p for p in root.glob("*/report.json"))
    return folders[-1].parent if folders else None
