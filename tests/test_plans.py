"""Benchmarking plans and comparisons on the real index."""

import json
import re

import pytest
from docx import Document
from openpyxl import load_workbook
from typer.testing import CliRunner

from assistant.assistant import Assistant
from assistant.plan_export import comparison_markdown, plan_docx, plan_markdown
from assistant.plans import STEPS, Planner
from assistant.retriever import Hit, HybridRetriever
from circularbench.cli import app


@pytest.fixture(scope="module")
def planner(real_index, embedder):
    settings, _ = real_index
    return Planner(Assistant(settings, HybridRetriever.open(settings, embedder)))


@pytest.fixture(scope="module")
def plan(planner):
    return planner.plan("packaging recycling", home="Vietnam", peers=["Deutschland", "European Union"])


def test_plan_follows_the_ten_steps_in_order(plan):
    assert [s.number for s in plan.steps] == list(range(1, 11))
    assert [s.name for s in plan.steps] == STEPS
    assert plan.home == "VN" and plan.peers == ["DE", "EU"]


def test_each_step_is_defined_by_a_quote_from_the_paper(plan, planner):
    chunks = planner.assistant.retriever.chunks
    for step in plan.steps:
        source = step.definition_source
        assert source and source.doc_id == "zhong_zvarych_benchmarking_circular_economy_world"
        assert source.quote in chunks[source.chunk_id].text
        assert source.quote.startswith(f"Step {step.number}")


def test_evidence_is_cited_with_quotes_from_the_cited_passage(plan, planner):
    # The cited passage is the chunk as the assistant shows it: with the end of the sentence it stops inside.
    retriever = planner.assistant.retriever
    found = [f for step in plan.steps for f in step.evidence if f.found]
    assert found
    for f in found:
        assert f.citations
        for c in f.citations:
            assert c.quote in retriever.passage(Hit(retriever.chunks[c.chunk_id], 0.0, None, None)).text
            assert c.jurisdiction == f.jurisdiction or c.jurisdiction.startswith(f.jurisdiction + "-")


def test_gap_table_marks_what_the_corpus_lacks(plan):
    assert len(plan.gap_table) >= 3
    for row in plan.gap_table:
        assert [c.jurisdiction for c in row.cells] == ["VN", "DE", "EU"]
        home = row.cells[0]
        assert not home.found and home.text.startswith("not found in the indexed documents")
    assert any(row.cells[1].found for row in plan.gap_table)
    assert any("Vietnam" in n for n in plan.notes)
    step4 = plan.steps[3]
    assert any("Home-side data to collect" in a for a in step4.actions)


def test_exports_carry_the_citations(plan, tmp_path):
    md = plan_markdown(plan)
    assert md.count("## Step ") == 10 and "## Sources" in md and "not found in the indexed documents" in md
    path = plan_docx(plan, tmp_path / "plan.docx")
    doc = Document(str(path))
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith("Heading")]
    assert [h for h in headings if h.startswith("Step ")] == [f"Step {n}. {name}" for n, name in enumerate(STEPS, 1)]
    sources = doc.tables[-1]
    assert len(sources.rows) == len(plan.citations()) + 1
    assert plan.citations()[0].quote[:40] in sources.rows[1].cells[4].text
    assert json.loads(plan.model_dump_json())["steps"][4]["name"] == STEPS[4]


def test_comparison_covers_every_jurisdiction(planner):
    result = planner.compare("recycling targets for plastic packaging", ["DE", "Netherlands", "CN", "EU", "Japan"])
    assert result.jurisdictions == ["DE", "NL", "CN", "EU", "JP"]
    assert len(result.rows) == 5 and all(len(r) == 1 for r in result.rows)
    cells = {code: row[0] for code, row in zip(result.jurisdictions, result.rows)}
    assert not cells["JP"].found and "not found in the indexed documents" in cells["JP"].text
    assert cells["DE"].found and cells["NL"].found and cells["EU"].found
    assert any(c.language == "nl" for c in cells["NL"].citations)  # cross-lingual source, labelled
    assert "Dutch original" in cells["NL"].text
    # Both cells state their plastics percentages in English first, as checked facts: the Dutch
    # items through the lead-in that chunking left in the chunk before them.
    # Each in its source's measure: Masseprozent is by mass, gewichtsprocent by weight.
    for code, country, unit in (("DE", "Germany", "% by mass"), ("NL", "Netherlands", "% by weight")):
        lead = cells[code].text.split(" original")[0]
        assert lead.startswith(country) and unit in lead, cells[code].text
        assert any(f.text in lead and "plastic" in f.subject for f in cells[code].figures), cells[code].figures
        # The matrix cell is concise: the facts with their article, then one quote.
        summary = cells[code].summary
        assert summary.startswith(cells[code].figures[0].subject) and unit in summary
        assert summary.count("“") == 1 and len(summary) < len(cells[code].text), summary
    assert comparison_markdown(result).count("| ") > 5


def test_cli_plan_docx_and_compare_json(real_index, monkeypatch, tmp_path):
    settings, _ = real_index
    monkeypatch.setenv("CIRCULARBENCH_DATA_DIR", str(settings.data_dir))
    runner = CliRunner()
    out = tmp_path / "plan.docx"
    result = runner.invoke(app, ["plan", "--topic", "battery collection", "-j", "CN", "--peers", "DE,EU",
                                 "--format", "docx", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert Document(str(out)).paragraphs
    bad = runner.invoke(app, ["plan", "--topic", "x", "-j", "Atlantis", "--peers", "DE"])
    assert bad.exit_code == 1 and "unknown jurisdiction 'Atlantis'" in bad.output
    sheet = tmp_path / "matrix.xlsx"
    cmp = runner.invoke(app, ["compare", "deposit systems for beverage packaging", "-j", "DE,NL", "--json",
                              "--xlsx", str(sheet)])
    assert cmp.exit_code == 0, cmp.output
    result = json.loads(cmp.output)
    assert result["jurisdictions"] == ["DE", "NL"]
    book = load_workbook(sheet)
    assert book.sheetnames == ["Comparison", "Figures", "Sources"]
    rows = list(book["Comparison"].values)
    assert rows[0] == ("Jurisdiction", "Code", "deposit systems for beverage packaging")
    assert [r[1] for r in rows[1:]] == ["DE", "NL"]
    unnumbered = lambda text: re.sub(r"\[\d+\]", "[]", text)  # noqa: E731 - the sheet numbers its sources
    assert [unnumbered(r[2]) for r in rows[1:]] == [unnumbered(c["summary"] or c["text"])
                                                   for c in (row[0] for row in result["rows"])]
    figures = sum(len(row[0]["figures"]) for row in result["rows"])
    assert book["Figures"].max_row == 1 + figures and book["Sources"].max_row > 1
