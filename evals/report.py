"""Write an evaluation run as JSON, Markdown and HTML with matplotlib charts, in a dated folder.

Example::

    folder = write_report(data, Path("evals/reports"))   # evals/reports/2026-11-30T0312Z/
"""

from __future__ import annotations

import html
import json
from datetime import datetime, timezone
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # no display, and no font or backend downloads
import matplotlib.pyplot as plt  # noqa: E402

RETRIEVAL_KEYS = ["hit@1", "hit@5", "recall@10", "mrr@10", "ndcg@10"]


def _fmt(v) -> str:
    return "—" if v is None else (f"{v:.2f}" if isinstance(v, float) else str(v))


def _tables(data: dict) -> list[tuple[str, list[str], list[list[str]]]]:
    tables = []
    rows = [[name, _fmt(t["all"]["n"])] + [_fmt(t["all"][k]) for k in RETRIEVAL_KEYS] for name, t in data["retrieval"].items()]
    tables.append(("Retrieval (answerable questions)", ["system", "n", *RETRIEVAL_KEYS], rows))
    first = next(iter(data["retrieval"].values()))
    cats = sorted(c for c in first if c != "all")
    rows = [[cat] + [_fmt(t.get(cat, {}).get("hit@5")) for t in data["retrieval"].values()] for cat in cats]
    tables.append(("Retrieval hit@5 by category", ["category", *data["retrieval"]], rows))
    keys = ["n", "key_fact_recall", "citation_validity", "citation_support", "number_grounding",
            "refusal_precision", "refusal_recall", "false_refusal_rate"]
    rows = [[gen] + [_fmt(a["all"].get(k)) for k in keys] for gen, a in data["answers"].items()]
    tables.append(("Answers", ["generator", *keys], rows))
    if "plans" in data:
        tables.append(("Plans", ["metric", "value"], [[k, _fmt(v)] for k, v in data["plans"].items()]))
    rows = [[name, _fmt(v["p50_ms"]), _fmt(v["p95_ms"]), _fmt(v["n"])] for name, v in data["latency"].items()]
    tables.append(("Cost (latency)", ["step", "p50 ms", "p95 ms", "n"], rows))
    return tables


def _charts(data: dict, folder: Path) -> list[str]:
    names = []
    first = next(iter(data["retrieval"].values()))
    cats = sorted(c for c in first if c != "all")
    fig, ax = plt.subplots(figsize=(9, 4))
    width = 0.8 / max(1, len(data["retrieval"]))
    for i, (name, table) in enumerate(data["retrieval"].items()):
        ax.bar([x + i * width for x in range(len(cats))], [table.get(c, {}).get("hit@5", 0) for c in cats], width, label=name)
    ax.set_xticks([x + width * (len(data["retrieval"]) - 1) / 2 for x in range(len(cats))], cats, rotation=20)
    ax.set_ylim(0, 1)
    ax.set_ylabel("hit@5")
    ax.set_title("Retrieval hit@5 per category")
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(folder / "retrieval_by_category.png", dpi=110)
    plt.close(fig)
    names.append("retrieval_by_category.png")
    fig, ax = plt.subplots(figsize=(9, 3.5))
    items = list(data["latency"].items())
    ax.barh([k for k, _ in items], [v["p50_ms"] for _, v in items])
    ax.set_xscale("log")
    ax.set_xlabel("p50 latency (ms, log scale)")
    ax.set_title("Cost per step")
    fig.tight_layout()
    fig.savefig(folder / "latency.png", dpi=110)
    plt.close(fig)
    names.append("latency.png")
    return names


def write_report(data: dict, root: Path) -> Path:
    folder = root / datetime.now(timezone.utc).strftime("%Y-%m-%dT%H%M%SZ")
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "report.json").write_text(json.dumps(data, indent=1, ensure_ascii=False), encoding="utf-8")
    charts = _charts(data, folder)
    head = (f"circularbench evaluation — split **{data['split']}**, {data['questions']} questions, "
            f"{data['chunks']} chunks, embedder {data['embedding_model']}, {data['date']}")
    md = ["# Evaluation report", "", head, ""]
    body = [f"<h1>Evaluation report</h1><p>{html.escape(head.replace('**', ''))}</p>"]
    for title, header, rows in _tables(data):
        md += [f"## {title}", "", "| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        md += ["| " + " | ".join(r) + " |" for r in rows] + [""]
        body.append(f"<h2>{html.escape(title)}</h2><table><tr>" + "".join(f"<th>{html.escape(h)}</th>" for h in header)
                    + "</tr>" + "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in r) + "</tr>" for r in rows)
                    + "</table>")
    md += [f"![{c}]({c})" for c in charts]
    body += [f'<img src="{c}" alt="{c}">' for c in charts]
    (folder / "report.md").write_text("\n".join(md) + "\n", encoding="utf-8")
    style = "body{font-family:sans-serif;max-width:1000px;margin:auto}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 8px}img{max-width:100%}"
    (folder / "report.html").write_text(f"<!doctype html><html><head><meta charset='utf-8'><title>circularbench evaluation</title>"
                                        f"<style>{style}</style></head><body>{''.join(body)}</body></html>", encoding="utf-8")
    return folder


def latest_report(root: Path) -> Path | None:
    folders = sorted(p for p in root.glob("*/report.json"))
    return folders[-1].parent if folders else None
