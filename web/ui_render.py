"""What the UI shows, as plain functions of the library's records (no Gradio here): answers with
consecutive citation numbers and ``[n]`` links, source cards, the figures table, refusals with
their nearby topics, the source viewer's panel, comparison tables, the "what is indexed"
summary, and conversations exported to Markdown and DOCX.

A conversation turn is kept as a plain dict (it lives in the browser's local storage)::

    turn = turn_record(answer, seconds=0.8)
    answer_markdown(turn, index=0)        # the chat message, [n] as links to #cb-src-0-n
    sources_html([turn])                  # the source cards of every turn, latest first

Example::

    from web.ui_render import conversation_markdown
    Path("conversation.md").write_text(conversation_markdown(turns, urls={"de_verpackg": "https://…"}))
"""

from __future__ import annotations

import base64
import html
import json
import re
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any, Iterable

from assistant import jurisdictions as jur
from assistant.plan_export import local_numbers, source_numbers
from assistant.text import language_name
from assistant.verification import DROPPED_NOTE

_MARKER = re.compile(r"\[(\d+)\]")
_REFUSAL_LEAD = re.compile(r"^\s*The indexed documents don't answer this:\s*", re.I)
_NEARBY = re.compile(r"\s*Nearby topics the corpus does cover:.*$", re.S)
GENERATORS = {
    "auto": "an OpenAI-compatible server if one is configured (a bigger model), else extractive; the bundled local LLM measures below extractive, so auto never picks it",
    "extractive": "quotes the passages' own best sentences; instant, deterministic, never paraphrases",
    "local": "Qwen2.5-1.5B running on this machine's CPU (llama.cpp); fluent English, a few seconds to a minute",
    "openai": "any OpenAI-compatible server set in CIRCULARBENCH_OPENAI_BASE_URL (Ollama, vLLM, OpenAI)",
}


def esc(text: Any) -> str:
    return html.escape("" if text is None else str(text), quote=True)


def one_line(text: str) -> str:
    return " ".join((text or "").split())


def where(c: dict) -> str:
    """"p. 12, Article 5", "§ 16" or "" for a citation dict."""
    section = " ".join(x for x in (c.get("section") or "", c.get("paragraph") or "") if x)
    return ", ".join(x for x in (f"p. {c['page']}" if c.get("page") else "", section) if x)


def _plain(obj: Any) -> dict:
    if isinstance(obj, dict):
        return dict(obj)
    if hasattr(obj, "model_dump"):
        return obj.model_dump()
    return {k: getattr(obj, k) for k in dir(obj) if not k.startswith("_") and not callable(getattr(obj, k))}


def renumber(text: str, numbers: Iterable[int]) -> tuple[str, dict[int, int]]:
    """Citation numbers made consecutive in order of first use in ``text`` (numbers never used
    in the text follow); returns the text with new numbers and the old → new map."""
    known = list(dict.fromkeys(numbers))
    order = [n for n in dict.fromkeys(int(m.group(1)) for m in _MARKER.finditer(text)) if n in known]
    order += [n for n in known if n not in order]
    new = {old: i for i, old in enumerate(order, start=1)}
    text = _MARKER.sub(lambda m: f"[{new[int(m.group(1))]}]" if int(m.group(1)) in new else m.group(0), text)
    return text, new


def turn_record(answer: Any, seconds: float, generator: str = "") -> dict:
    """An :class:`Answer` as one turn of a stored conversation: citations numbered 1, 2, 3 in
    the order the answer uses them, figures (if the answer has any) with the same numbers,
    a refusal's nearby documents once each."""
    citations = [_plain(c) for c in getattr(answer, "citations", []) or []]
    refused = bool(getattr(answer, "refused", False))
    text = getattr(answer, "answer", "") or ""
    text, new = renumber(text, [c["n"] for c in citations])
    for c in citations:
        c["n"] = new.get(c["n"], c["n"])
    citations.sort(key=lambda c: c["n"])
    keep = ("n", "doc_id", "file", "title", "jurisdiction", "year", "language", "page", "section", "quote", "chunk_id",
            "english", "english_problems")
    figures = []
    for f in getattr(answer, "figures", None) or []:
        d = _plain(f)
        figure = {k: d.get(k) for k in ("value", "unit", "text", "subject", "period", "deadline", "jurisdiction",
                                        "doc_id", "section", "page", "span", "n")}
        if figure.get("n") in new:
            figure["n"] = new[figure["n"]]
        figures.append(figure)
    nearby = []
    text = DROPPED_NOTE.sub("", text)  # the notes shown under the answer name each dropped sentence
    if refused:
        text = _REFUSAL_LEAD.sub("", text)
        text = _NEARBY.sub("", text).strip()
        text = text[:1].upper() + text[1:]
        seen = set()
        for p in getattr(answer, "passages", []) or []:
            p = _plain(p)
            if p["doc_id"] in seen:
                continue
            seen.add(p["doc_id"])
            nearby.append({"doc_id": p["doc_id"], "title": p["title"], "jurisdiction": p["jurisdiction"],
                           "year": p.get("year"), "page": p.get("page"), "section": p.get("section", ""),
                           "quote": one_line(p.get("text", ""))[:200], "language": p.get("language", "")})
            if len(nearby) == 4:
                break
    return {"question": getattr(answer, "question", ""), "answer": text, "refused": refused,
            "citations": [{k: c.get(k) for k in keep} for c in citations], "figures": figures,
            "notes": list(getattr(answer, "notes", []) or []), "nearby": nearby,
            "generator": getattr(answer, "generator", "") or generator, "seconds": round(seconds, 2)}


def _link_markers(text: str, index: int) -> str:
    return _MARKER.sub(lambda m: f"[[{m.group(1)}]](#cb-src-{index}-{m.group(1)})", text)


def figures_markdown(turn: dict, index: int | None = None) -> str:
    """The answer's figures as a small Markdown table ('' without figures)."""
    rows = turn.get("figures") or []
    if not rows:
        return ""
    out = ["| Figure | Applies to | Period | Jurisdiction | Source |", "|---|---|---|---|---|"]
    for f in rows:
        value = f.get("text") or " ".join(x for x in (str(f.get("value") or ""), f.get("unit") or "") if x)
        src = ", ".join(x for x in (f"p. {f['page']}" if f.get("page") else "", f.get("section") or "") if x)
        n = f.get("n")
        ref = (f"[[{n}]](#cb-src-{index}-{n})" if index is not None else f"[{n}]") if n else ""
        cells = [value, f.get("subject") or "", f.get("period") or f.get("deadline") or "",
                 jur.name(f["jurisdiction"]) if f.get("jurisdiction") else "", f"{src} {ref}".strip()]
        out.append("| " + " | ".join(one_line(str(c)).replace("|", "\\|") for c in cells) + " |")
    return "\n".join(out)


def answer_markdown(turn: dict, index: int) -> str:
    """The chat message of a turn: the answer with ``[n]`` as links to its source cards, the
    figures table, who answered and how long it took; a refusal once, with its nearby topics."""
    meta = f"\n\n<span class='cb-meta'>{esc(turn.get('generator') or 'unknown')} · {turn.get('seconds', 0):.1f} s</span>"
    if turn.get("refused"):
        lines = [f"**Not in the indexed documents.** {turn['answer']}"]
        if turn.get("nearby"):
            lines += ["", "Nearby topics the corpus does cover:"]
            for d in turn["nearby"]:
                loc = where(d)
                lines.append(f"- {d['title']} ({jur.name(d['jurisdiction'])}{', ' + loc if loc else ''})")
        return "\n".join(lines) + meta
    body = _link_markers(turn["answer"], index)
    table = figures_markdown(turn, index)
    notes = "".join(f"\n\n> ⚠ {n}" for n in turn.get("notes") or [])
    return body + (f"\n\n{table}" if table else "") + notes + meta


def _open_button(c: dict, label: str = "Open source") -> str:
    data = {"doc": c.get("doc_id", ""), "page": c.get("page") or "", "section": c.get("section") or "",
            "quote": c.get("quote") or ""}
    attrs = " ".join(f'data-{k}="{esc(v)}"' for k, v in data.items())
    return f'<button type="button" class="cb-open" {attrs}>{esc(label)}</button>'


def source_card(c: dict, anchor: str) -> str:
    """One citation: number, title (whole on hover, two lines at most, never cut in a word),
    jurisdiction, year, page or article, language, the quote, and a button to open the source."""
    loc = where(c)
    meta = " · ".join(x for x in (jur.name(c["jurisdiction"]), str(c.get("year") or "n.d."), loc,
                                  language_name(c.get("language", ""))) if x)
    return (f'<div class="cb-card" id="{esc(anchor)}"><div class="cb-card-head"><span class="cb-n">{c["n"]}</span>'
            f'<span class="cb-title" title="{esc(c["title"])}">{esc(c["title"])}</span></div>'
            f'<div class="cb-card-meta">{esc(meta)}</div>'
            f'<blockquote>{esc(one_line(c.get("quote", "")))}</blockquote>{_english(c)}{_open_button(c)}</div>')


def _english(c: dict) -> str:
    """A foreign quote's English rendering under it; a flagged one says what it changed, so the
    reader relies on the original above."""
    if not c.get("english"):
        return ""
    if c.get("english_problems"):
        return (f'<p class="cb-english cb-flagged">Machine translation withheld — it changed the source '
                f'({esc("; ".join(c["english_problems"]))}); rely on the original above.</p>')
    return f'<p class="cb-english">English (machine translation, checked): {esc(one_line(c["english"]))}</p>'



def sources_html(turns: list[dict]) -> str:
    """The sources panel: the latest answer's sources first (open), earlier answers' folded."""
    if not turns:
        return '<div class="cb-empty">Sources appear here, beside the answer. Click a [n] in the answer to jump to its source.</div>'
    parts = []
    for index in range(len(turns) - 1, -1, -1):
        turn = turns[index]
        cards = "".join(source_card(c, f"cb-src-{index}-{c['n']}") for c in turn.get("citations") or [])
        if not cards:
            cards = '<div class="cb-empty">No sources: the indexed documents do not answer this question.</div>'
        label = esc(turn["question"])
        opened = " open" if index == len(turns) - 1 else ""
        parts.append(f'<details class="cb-turn"{opened} id="cb-turn-{index}"><summary>Sources for: {label}</summary>{cards}</details>')
    return "".join(parts)


def viewer_html(view: Any) -> str:
    """The source viewer panel for a :class:`circularbench.viewer.SourceView`."""
    r = view.record
    facts = [jur.name(r.jurisdiction), str(r.year or "n.d."), r.doc_type, language_name(r.language)]
    if view.page:
        facts.append(f"page {view.page} of {view.pages}")
    if view.section:
        facts.append(view.section)
    link = (f'<a class="cb-official" href="{esc(r.source_url)}" target="_blank" rel="noopener noreferrer">Official source ↗</a>'
            if r.source_url else "")
    notes = "".join(f'<div class="cb-note">⚠ {esc(n)}</div>' for n in view.notes)
    image = ""
    if view.image:
        data = base64.b64encode(view.image).decode()
        image = (f'<img class="cb-page-image" alt="Page {view.page} of {esc(r.title)}" '
                 f'src="data:image/png;base64,{data}">')
    label = "Text of the page" if view.page else ("Text of " + view.section if view.section else "Text")
    stamp = f"{r.id}:{view.page or ''}:{view.section}:{view.start}:{time.monotonic_ns()}"
    return (f'<div class="cb-viewer-doc" data-stamp="{esc(stamp)}"><h3>{esc(r.title)}</h3><div class="cb-card-meta">{esc(" · ".join(facts))} {link}</div>'
            f'{notes}{image}<h4>{esc(label)}</h4><div class="cb-doctext">{view.text_html()}</div></div>')


def table_html(headers: list[str], rows: list[list[str]], cls: str = "", raw: bool = False) -> str:
    """A table in a horizontally scrolling wrapper; cells are escaped unless ``raw``."""
    head = "".join(f"<th>{esc(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{c if raw else esc(c)}</td>" for c in row) + "</tr>" for row in rows)
    return f'<div class="cb-table-wrap"><table class="cb-table {cls}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>'


def comparison_html(comparison: Any) -> str:
    """The comparison matrix (jurisdictions × criteria) with numbered citation links, and its
    source cards (each opens the source viewer)."""
    citations = comparison.citations()
    numbers = source_numbers(citations)
    rows = []
    for code, row in zip(comparison.jurisdictions, comparison.rows):
        cells = [f'<span class="cb-nowrap">{esc(jur.name(code))}</span>']
        for f in row:
            if not f.found:
                cells.append(f'<em class="cb-missing">{esc(f.text)}</em>')
                continue
            local = local_numbers(f, numbers)
            text = esc(one_line(f.summary or f.text))
            text = _MARKER.sub(lambda m: (f'<a class="cb-cite" href="#cb-cmp-{local[int(m.group(1))]}">[{local[int(m.group(1))]}]</a>'
                                          if int(m.group(1)) in local else m.group(0)), text)
            cells.append(text)
        rows.append(cells)
    table = table_html(["Jurisdiction", *comparison.criteria], rows, "cb-compare", raw=True)
    cards = "".join(source_card(dict(_plain(c), n=n), f"cb-cmp-{n}") for n, c in enumerate(citations, start=1))
    return (f'<h3>{esc(comparison.topic)}</h3>{table}'
            + (f'<h4>Sources</h4><div class="cb-cards">{cards}</div>' if cards else ""))


def comparison_csv(comparison: Any) -> str:
    """The matrix as CSV (one row per jurisdiction), then its sources (number, document, where, quote)."""
    import csv
    import io

    citations = comparison.citations()
    numbers = source_numbers(citations)
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(["jurisdiction", "code", *comparison.criteria])
    for code, row in zip(comparison.jurisdictions, comparison.rows):
        cells = []
        for f in row:
            local = local_numbers(f, numbers)
            cells.append(_MARKER.sub(lambda m: f"[{local.get(int(m.group(1)), m.group(1))}]", one_line(f.summary or f.text)))
        w.writerow([jur.name(code), code, *cells])
    w.writerow([])
    w.writerow(["source", "document", "jurisdiction", "year", "page / article", "quote"])
    for n, c in enumerate(citations, start=1):
        w.writerow([n, c.title, c.jurisdiction, c.year or "", where(_plain(c)), one_line(c.quote)])
    return buf.getvalue()


def link_plan_markers(markdown: str) -> tuple[str, str]:
    """A plan's Markdown with ``[n]`` as links to its source cards, and without its own
    Sources table (the UI shows cards instead); returns (body, sources table)."""
    body, _, sources = markdown.partition("\n## Sources\n")
    body = _MARKER.sub(lambda m: f"[[{m.group(1)}]](#cb-plan-{m.group(1)})", body)
    return body, sources


def plan_sources_html(plan: Any) -> str:
    cards = "".join(source_card(dict(_plain(c), n=i), f"cb-plan-{i}") for i, c in enumerate(plan.citations(), start=1))
    return f'<h3>Sources</h3><div class="cb-cards">{cards}</div>' if cards else ""


def index_summary(documents: list[Any]) -> tuple[str, str]:
    """What is indexed: a one-line summary and a table of documents per jurisdiction with their
    languages and years."""
    if not documents:
        return "Nothing is indexed yet: run `circularbench index` or upload a document.", ""
    by_jur: dict[str, list[Any]] = defaultdict(list)
    for d in documents:
        by_jur[d.jurisdiction].append(d)
    years = [d.year for d in documents if d.year]
    langs = Counter(d.language for d in documents)
    line = (f"**{len(documents)} documents** from **{len(by_jur)} jurisdictions** in "
            f"{', '.join(f'{language_name(k)} ({v})' for k, v in langs.most_common())}"
            + (f", published {min(years)}–{max(years)}" if years else "") + ".")
    rows = []
    for code, docs in sorted(by_jur.items(), key=lambda kv: (-len(kv[1]), jur.name(kv[0]))):
        ys = sorted(d.year for d in docs if d.year)
        types = Counter(d.doc_type for d in docs)
        rows.append([jur.name(code), str(len(docs)), ", ".join(sorted({language_name(d.language) for d in docs})),
                     (f"{ys[0]}–{ys[-1]}" if ys and ys[0] != ys[-1] else str(ys[0]) if ys else "n.d."),
                     ", ".join(f"{v} {k}{'s' if v > 1 else ''}" for k, v in types.most_common())])
    return line, table_html(["Jurisdiction", "Documents", "Languages", "Years", "Types"], rows, "cb-indexed")


# The choices a report measures under their own name ("auto" stands for one of them).
_MEASURED = frozenset({"extractive", "local", "openai"})


def measured(report: dict | None, name: str) -> str:
    """'measured on test (24 questions): key facts 0.36, cites gold 0.58, p50 0.2 s', from the
    latest evaluation report, or ''."""
    if not report or name not in _MEASURED:
        return ""
    for split in ("test", "unseen", "dev"):
        row = report.get("answers", {}).get(split, {}).get(name, {}).get("all")
        if row:
            latency = report.get("latency", {}).get(f"answer: {name}", {}).get("p50_ms")
            parts = [f"key facts {row['key_fact_recall']:.2f}" if row.get("key_fact_recall") is not None else "",
                     f"cites gold {row['cites_gold']:.2f}" if row.get("cites_gold") is not None else "",
                     f"p50 {latency / 1000:.1f} s" if latency else ""]
            return f"measured on {split} ({row.get('n', '?')} questions): " + ", ".join(p for p in parts if p)
    return ""


def generators_html(available: list[str], report: dict | None = None) -> str:
    """What each generator does, whether it is installed, and what the latest report measured."""
    items = []
    for name, text in GENERATORS.items():
        seen = measured(report, name)
        items.append(f"<li><b>{esc(name)}</b>{'' if name in available or name == 'auto' else ' (not installed here)'}: "
                     f"{esc(text)}{f' <span class=cb-measured>— {esc(seen)}</span>' if seen else ''}</li>")
    return f'<ul class="cb-generators">{"".join(items)}</ul>'


def conversation_markdown(turns: list[dict], urls: dict[str, str] | None = None) -> str:
    """A conversation as Markdown: each question, its answer with figures, and its sources with
    the exact quotes (and the documents' official URLs when known)."""
    urls = urls or {}
    out = ["# circularbench conversation", ""]
    for i, t in enumerate(turns, start=1):
        out += [f"## {i}. {one_line(t['question'])}", ""]
        if t.get("refused"):
            out += [f"*Not in the indexed documents.* {t['answer']}", ""]
        else:
            out += [t["answer"], ""]
        table = figures_markdown(t)
        if table:
            out += [table, ""]
        out.append(f"*Answered by {t.get('generator') or 'unknown'} in {t.get('seconds', 0):.1f} s.*")
        if t.get("citations"):
            out += ["", "**Sources**", ""]
            for c in t["citations"]:
                loc = where(c)
                url = urls.get(c.get("doc_id", ""), "")
                out.append(f"{c['n']}. {one_line(c['title'])} ({jur.name(c['jurisdiction'])}, {c.get('year') or 'n.d.'})"
                           f"{', ' + loc if loc else ''}: “{one_line(c.get('quote', ''))}”" + (f" <{url}>" if url else ""))
        out.append("")
    return "\n".join(out)


def conversation_docx(turns: list[dict], path: Path, urls: dict[str, str] | None = None) -> Path:
    """The same conversation as a Word document (a sources table per answer)."""
    from docx import Document
    from docx.shared import Pt

    urls = urls or {}
    doc = Document()
    doc.styles["Normal"].font.size = Pt(10)
    doc.add_heading("circularbench conversation", level=0)
    for i, t in enumerate(turns, start=1):
        doc.add_heading(f"{i}. {one_line(t['question'])}", level=1)
        doc.add_paragraph(("Not in the indexed documents. " if t.get("refused") else "") + t["answer"])
        if t.get("figures"):
            _docx_table(doc, ["Figure", "Applies to", "Period", "Source"], (
                [f.get("text") or f"{f.get('value') or ''} {f.get('unit') or ''}".strip(), f.get("subject") or "",
                 f.get("period") or f.get("deadline") or "", f"[{f.get('n')}]" if f.get("n") else ""]
                for f in t["figures"]))
        doc.add_paragraph().add_run(f"Answered by {t.get('generator') or 'unknown'} in {t.get('seconds', 0):.1f} s.").italic = True
        if t.get("citations"):
            _docx_table(doc, ["#", "Document", "Page / article", "Quote"], (
                [str(c["n"]),
                 f"{c['title']} ({jur.name(c['jurisdiction'])}, {c.get('year') or 'n.d.'})"
                 + (f" {url}" if (url := urls.get(c.get("doc_id", ""), "")) else ""),
                 where(c) or "—", f"“{one_line(c.get('quote', ''))}”"]
                for c in t["citations"]))
    doc.save(str(path))
    return path


def _docx_table(doc, header: list[str], rows) -> None:
    """A bordered Word table: the header row, then one row per item."""
    table = doc.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for j, label in enumerate(header):
        table.rows[0].cells[j].text = label
    for row in rows:
        for cell, text in zip(table.add_row().cells, row):
            cell.text = text


def dumps(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False, indent=1)
