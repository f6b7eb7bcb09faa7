"""Plans and comparisons as Markdown, JSON and DOCX (citations as a numbered sources table).

Inside a finding, ``[n]`` numbers its own answer's passages; on export every citation gets one
number for the whole document, in order of first use, and the sources table lists them with
document, jurisdiction, year, page or article and the exact quote.

Example::

    Path("plan.md").write_text(plan_markdown(plan))
    plan_docx(plan, Path("plan.docx"))
"""

from __future__ import annotations

import re
from pathlib import Path

from assistant import jurisdictions as jur
from circularbench.types import Citation, Comparison, Finding, Plan


def source_numbers(citations: list[Citation]) -> dict[str, int]:
    """Each citation's number in a document's sources table, by its key, in the order given."""
    return {c.key: i for i, c in enumerate(citations, start=1)}


def local_numbers(finding: Finding, numbers: dict[str, int]) -> dict[int, int | None]:
    """The finding's own citation numbers -> the document's source numbers."""
    return {c.n: numbers.get(c.key) for c in finding.citations}


def _renumber(finding: Finding, numbers: dict[str, int], cell: bool = False) -> str:
    """The finding's text (``cell``: its concise summary) with the document's source numbers."""
    local = local_numbers(finding, numbers)
    text = (finding.summary or finding.text) if cell else finding.text
    return re.sub(r"\[(\d+)\]", lambda m: f"[{local.get(int(m.group(1))) or m.group(1)}]", text)


def _where(c: Citation) -> str:
    section = " ".join(x for x in (c.section, c.paragraph) if x)
    return ", ".join(x for x in (f"p. {c.page}" if c.page else "", section) if x) or "—"


def _sources(citations: list[Citation]) -> list[tuple[int, Citation]]:
    return list(enumerate(citations, start=1))


def _md_cell(text: str) -> str:
    return " ".join(text.replace("|", "\\|").split())


def plan_markdown(plan: Plan) -> str:
    citations = plan.citations()
    numbers = source_numbers(citations)
    home = jur.name(plan.home)
    out = [f"# Benchmarking plan: {plan.topic}", "",
           f"**Home:** {home} ({plan.home}) · **Peers:** {', '.join(f'{jur.name(p)} ({p})' for p in plan.peers)} · "
           f"**Process:** Zhong & Zvarych, *Benchmarking of the Circular Economy in the World*, Table 1 (10 steps, a closed loop)", ""]
    out += [f"> {n}" for n in plan.notes] + ([""] if plan.notes else [])
    for step in plan.steps:
        out.append(f"## Step {step.number}. {step.name}")
        src = f" [{numbers[step.definition_source.key]}]" if step.definition_source else ""
        out += ["", f"*Definition:* {step.definition}{src}", "", "**Actions**", ""]
        out += [f"- {a}" for a in step.actions]
        if step.evidence:
            out += ["", "**Evidence from the corpus**", ""]
            out += [f"- **{jur.name(f.jurisdiction)}:** {_renumber(f, numbers)}" for f in step.evidence]
        if step.number == 5:
            out += ["", _gap_markdown(plan, numbers)]
        out.append("")
    out += ["## Sources", "", "| # | Document | Jurisdiction | Year | Page / article | Quote |", "|---|---|---|---|---|---|"]
    for n, c in _sources(citations):
        lang = f" ({c.language})" if c.language != "en" else ""
        out.append(f"| {n} | {_md_cell(c.title[:90])} | {c.jurisdiction} | {c.year or 'n.d.'} | {_md_cell(_where(c))} | "
                   f"“{_md_cell(c.quote[:300])}”{lang} |")
    return "\n".join(out) + "\n"


def _gap_markdown(plan: Plan, numbers: dict[str, int]) -> str:
    codes = [plan.home, *plan.peers]
    lines = ["**Gap table**", "", "| Criterion | " + " | ".join(jur.name(c) for c in codes) + " |",
             "|---" * (len(codes) + 1) + "|"]
    for row in plan.gap_table:
        cells = [_md_cell(_renumber(f, numbers, cell=True)) if f.found else f"*{_md_cell(f.text)}*" for f in row.cells]
        lines.append(f"| {row.criterion} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def comparison_markdown(comparison: Comparison) -> str:
    citations = comparison.citations()
    numbers = source_numbers(citations)
    out = [f"# Comparison: {comparison.topic}", "", "| Jurisdiction | " + " | ".join(comparison.criteria) + " |",
           "|---" * (len(comparison.criteria) + 1) + "|"]
    for code, row in zip(comparison.jurisdictions, comparison.rows):
        cells = [_md_cell(_renumber(f, numbers, cell=True)) if f.found else f"*{_md_cell(f.text)}*" for f in row]
        out.append(f"| {jur.name(code)} | " + " | ".join(cells) + " |")
    out += ["", "## Sources", ""]
    out += [f"{n}. {c.title[:90]} ({c.jurisdiction}, {c.year or 'n.d.'}), {_where(c)}: “{_md_cell(c.quote[:300])}”"
            for n, c in _sources(citations)]
    return "\n".join(out) + "\n"


def comparison_xlsx(comparison: Comparison, path: Path) -> Path:
    """The matrix as a spreadsheet: one row per jurisdiction with its concise cells, a sheet of
    the figures as facts (one row each, filterable) and a sheet of the numbered sources."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    citations = comparison.citations()
    numbers = source_numbers(citations)
    book = Workbook()
    matrix = book.active
    matrix.title = "Comparison"
    matrix.append(["Jurisdiction", "Code", *comparison.criteria])
    facts = book.create_sheet("Figures")
    facts.append(["Jurisdiction", "Criterion", "Figure", "Applies to", "Deadline or period", "Article / page",
                  "Source", "Original text"])
    for code, row in zip(comparison.jurisdictions, comparison.rows):
        matrix.append([jur.name(code), code, *(_renumber(f, numbers, cell=True) if f.found else f.text for f in row)])
        for criterion, f in zip(comparison.criteria, row):
            local = local_numbers(f, numbers)
            for fig in f.figures:
                facts.append([jur.name(code), criterion, fig.text, fig.subject, fig.period, fig.locator,
                              local.get(fig.n), " ".join(fig.span.split())])
    sources = book.create_sheet("Sources")
    sources.append(["Source", "Document", "File", "Jurisdiction", "Year", "Page / article", "Quote", "Language"])
    for n, c in _sources(citations):
        sources.append([n, c.title, c.file, c.jurisdiction, c.year, _where(c), c.quote, c.language])
    for sheet in book.worksheets:
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for column in sheet.columns:
            sheet.column_dimensions[column[0].column_letter].width = 18 if column[0].column <= 2 else 60
            for cell in column[1:]:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.freeze_panes = "A2"
    book.save(path)
    return path


def plan_docx(plan: Plan, path: Path) -> Path:
    """A Word document a colleague can open: steps, evidence, gap table and a sources table."""
    from docx import Document
    from docx.shared import Pt

    citations = plan.citations()
    numbers = source_numbers(citations)
    doc = Document()
    doc.styles["Normal"].font.size = Pt(10)
    doc.add_heading(f"Benchmarking plan: {plan.topic}", level=0)
    doc.add_paragraph(f"Home: {jur.name(plan.home)} ({plan.home}). Peers: "
                      f"{', '.join(f'{jur.name(p)} ({p})' for p in plan.peers)}. Process: Zhong & Zvarych, "
                      "Benchmarking of the Circular Economy in the World, Table 1.")
    for note in plan.notes:
        doc.add_paragraph(note, style="Intense Quote")
    for step in plan.steps:
        doc.add_heading(f"Step {step.number}. {step.name}", level=1)
        src = f" [{numbers[step.definition_source.key]}]" if step.definition_source else ""
        doc.add_paragraph().add_run(f"Definition: {step.definition}{src}").italic = True
        for action in step.actions:
            doc.add_paragraph(action, style="List Bullet")
        if step.evidence:
            doc.add_paragraph().add_run("Evidence from the corpus").bold = True
            for f in step.evidence:
                doc.add_paragraph(f"{jur.name(f.jurisdiction)}: {_renumber(f, numbers)}", style="List Bullet 2")
        if step.number == 5:
            codes = [plan.home, *plan.peers]
            table = doc.add_table(rows=1, cols=len(codes) + 1)
            table.style = "Table Grid"
            for i, label in enumerate(["Criterion", *[jur.name(c) for c in codes]]):
                table.rows[0].cells[i].text = label
            for row in plan.gap_table:
                cells = table.add_row().cells
                cells[0].text = row.criterion
                for i, f in enumerate(row.cells, start=1):
                    cells[i].text = _renumber(f, numbers, cell=True) if f.found else f.text
    doc.add_heading("Sources", level=1)
    table = doc.add_table(rows=1, cols=5)
    table.style = "Table Grid"
    for i, label in enumerate(["#", "Document", "Jurisdiction, year", "Page / article", "Quote"]):
        table.rows[0].cells[i].text = label
    for n, c in _sources(citations):
        cells = table.add_row().cells
        cells[0].text = str(n)
        cells[1].text = f"{c.title} ({c.file})"
        cells[2].text = f"{c.jurisdiction}, {c.year or 'n.d.'}"
        cells[3].text = _where(c)
        cells[4].text = f"“{c.quote}”" + (f" ({c.language})" if c.language != "en" else "")
    doc.save(str(path))
    return path
