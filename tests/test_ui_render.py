"""What the UI renders, without a browser: consecutive citation numbers with [n] links, the
figures table, a refusal once with each nearby document once, comparison CSV, exports."""

import csv
import io

from circularbench.types import Answer, Citation, Comparison, Finding, Passage
from web import ui_render as R


def _citation(n: int, doc: str = "de_verpackg_verpackungsgesetz", quote: str = "mindestens 90 Masseprozent") -> Citation:
    return Citation(chunk_id=f"{doc}:x:{n:05d}", doc_id=doc, file=f"{doc}.md", title="Verpackungsgesetz (VerpackG)",
                    jurisdiction="DE", year=2017, language="de", page=None, section="§ 16", n=n, quote=quote)


def _passage(doc: str, title: str) -> Passage:
    return Passage(chunk_id=f"{doc}:x:1", doc_id=doc, file=f"{doc}.pdf", title=title, jurisdiction="global", year=2019,
                   language="en", page=3, section="4", doc_type="report", text="Some nearby text.", score=0.1)


def test_citations_are_renumbered_in_order_of_use_and_linked():
    answer = Answer(question="q", answer="First [4]. Second [1][4].", refused=False,
                    citations=[_citation(1), _citation(4)], generator="extractive")
    turn = R.turn_record(answer, 0.42)
    assert turn["answer"] == "First [1]. Second [2][1]."
    assert [c["n"] for c in turn["citations"]] == [1, 2] and turn["citations"][0]["chunk_id"].endswith("00004")
    md = R.answer_markdown(turn, 3)
    assert "[[1]](#cb-src-3-1)" in md and "[[2]](#cb-src-3-2)" in md and "extractive · 0.4 s" in md
    cards = R.sources_html([turn])
    assert 'id="cb-src-0-1"' in cards and 'class="cb-open"' in cards and 'data-section="§ 16"' in cards


def test_dropped_sentences_are_told_once_by_their_notes():
    answer = Answer(question="q", answer="Kept [1]. (Dropped 1 sentence(s) that the cited passages did not support.)",
                    refused=False, citations=[_citation(1)], notes=["dropped a sentence without a valid citation: “x”"])
    md = R.answer_markdown(R.turn_record(answer, 1.0), 0)
    assert "Dropped" not in md and md.count("dropped a sentence") == 1


def test_figures_become_a_table_with_the_renumbered_source():
    answer = Answer(question="q", answer="Quota [3].", refused=False, citations=[_citation(3)])
    object.__setattr__(answer, "figures", [{"value": "90", "unit": "%", "text": "90 % by weight", "subject": "plastics",
                                            "period": "from 1 January 2022", "jurisdiction": "DE", "section": "§ 16", "n": 3}])
    turn = R.turn_record(answer, 1.0)
    table = R.figures_markdown(turn, 0)
    assert "| 90 % by weight | plastics | from 1 January 2022 | Germany | § 16 [[1]](#cb-src-0-1) |" in table
    assert R.figures_markdown(R.turn_record(Answer(question="q", answer="x", refused=False), 0.1)) == ""


def test_a_refusal_is_said_once_and_each_nearby_document_once():
    text = ("The indexed documents don't answer this: the indexed documents contain nothing from Japan. I searched 6 "
            "matching documents. Nearby topics the corpus does cover: OECD (global); OECD (global); CDX (global).")
    oecd, cdx = _passage("oecd_report", "Business Models for the Circular Economy"), _passage("cdx", "Circularity Data Exchange")
    answer = Answer(question="q", answer=text, refused=True, passages=[oecd, oecd, cdx])
    turn = R.turn_record(answer, 0.1)
    md = R.answer_markdown(turn, 0)
    assert md.count("Not in the indexed documents") == 1 and "don't answer this" not in md
    assert md.count("Business Models for the Circular Economy") == 1 and "Circularity Data Exchange" in md
    assert "No sources" in R.sources_html([turn])


def test_comparison_csv_and_html_number_sources_once():
    c1, c2 = _citation(1), _citation(2, quote="other quote")
    comparison = Comparison(topic="t", criteria=["targets"], jurisdictions=["DE", "JP"], rows=[
        [Finding(jurisdiction="DE", question="targets", found=True, text="90 % [2] and [1].", citations=[c1, c2])],
        [Finding(jurisdiction="JP", question="targets", found=False, text="not found in the indexed documents")]])
    rows = list(csv.reader(io.StringIO(R.comparison_csv(comparison))))
    assert rows[0] == ["jurisdiction", "code", "targets"]
    assert rows[1] == ["Germany", "DE", "90 % [2] and [1]."] and rows[2][1] == "JP"
    assert rows[5][0] == "1" and rows[6][-1] == "other quote"
    page = R.comparison_html(comparison)
    assert 'href="#cb-cmp-2"' in page and 'id="cb-cmp-1"' in page and "cb-missing" in page


def test_a_conversation_exports_to_markdown_and_docx(tmp_path):
    turn = R.turn_record(Answer(question="What quota?", answer="90 % [1].", refused=False, citations=[_citation(1)],
                                generator="extractive"), 0.5)
    md = R.conversation_markdown([turn], {"de_verpackg_verpackungsgesetz": "https://www.gesetze-im-internet.de/verpackg/"})
    assert "## 1. What quota?" in md and "“mindestens 90 Masseprozent”" in md and "gesetze-im-internet" in md
    from docx import Document

    doc = Document(str(R.conversation_docx([turn], tmp_path / "c.docx")))
    assert doc.tables[0].rows[1].cells[3].text == "“mindestens 90 Masseprozent”"


def test_generators_show_what_the_latest_report_measured():
    report = {"answers": {"test": {"extractive": {"all": {"key_fact_recall": 0.362, "cites_gold": 0.579, "n": 162}}}},
              "latency": {"answer: extractive": {"p50_ms": 152.7}}}
    html = R.generators_html(["extractive", "auto"], report)
    assert "measured on test (162 questions): key facts 0.36, cites gold 0.58, p50 0.2 s" in html
    assert "local</b> (not installed here)" in html and html.count("measured on") == 1
    assert "measured" not in R.generators_html(["extractive"], None)
