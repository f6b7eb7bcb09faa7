import re
from pathlib import Path

import pytest
from pypdf import PdfReader, PdfWriter
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from circularbench.types import DocumentRecord
from indexer.cleaning import normalize_text, strip_running_lines
from indexer.loaders import LoadError, load_document


def record(file: str, language: str = "en") -> DocumentRecord:
    return DocumentRecord(id="t", file=file, title="Test", jurisdiction="EU", doc_type="report", language=language)


def make_pdf(path: Path, pages: list[list[str]]) -> Path:
    c = canvas.Canvas(str(path), pagesize=A4)
    for lines in pages:
        y = 800
        for line in lines:
            c.drawString(60, y, line)
            y -= 16
        c.showPage()
    c.save()
    return path


def test_real_pdf_is_loaded_page_by_page(mirror):
    path = mirror / "eu_taxonomy_regulation_2020_852.pdf"
    loaded = load_document(path, record(path.name))
    assert [p.page for p in loaded.pages] == list(range(1, len(PdfReader(path).pages) + 1))
    joined = {p.page: " ".join(p.text.split()) for p in loaded.pages}
    assert "Article 13 Substantial contribution to the transition to a circular economy" in joined[20]
    # The running header "L 198/14 EN Official Journal of the European Union 22.6.2020" is gone.
    assert not any(re.search(r"^L 198/\d+", p.text, re.M) for p in loaded.pages)


def test_running_headers_and_page_numbers_are_removed(tmp_path):
    topics = ["reuse", "repair", "remanufacturing", "recycling", "recovery"]
    pages = [
        ["Circular Outlook 2030 - Draft", f"Section on {t}.", f"Targets for {t} rise each year.", f"Page {n}"]
        for n, t in enumerate(topics, start=1)
    ]
    loaded = load_document(make_pdf(tmp_path / "r.pdf", pages), record("r.pdf"))
    for page, t in zip(loaded.pages, topics):
        assert page.text == f"Section on {t}.\nTargets for {t} rise each year."


def test_dehyphenation_and_whitespace():
    assert normalize_text("the recyc-\nling  rate\u00a0is\r\nhigh") == "the recycling rate is\nhigh"
    assert normalize_text("EU-\nLevel") == "EU-\nLevel"
    assert strip_running_lines(["a\nb", "c"]) == ["a\nb", "c"]  # too few pages to judge


def test_markdown_front_matter_and_escapes_are_cleaned(mirror):
    loaded = load_document(mirror / "de_verpackg_verpackungsgesetz.md", record("x.md", "de"))
    text = loaded.pages[0].text
    assert loaded.pages[0].page is None
    assert not text.startswith("---") and "origslug" not in text
    assert "6.5.2015" in text and "6\\.5.2015" not in text


def test_html_keeps_headings_and_drops_scripts(tmp_path):
    path = tmp_path / "p.html"
    path.write_text("<html><head><script>track()</script></head><body><h2>Article 4</h2><p>Reuse targets.</p></body></html>", encoding="utf-8")
    text = load_document(path, record("p.html")).pages[0].text
    assert "## Article 4" in text and "Reuse targets." in text and "track" not in text


def _encrypted(path: Path) -> Path:
    writer = PdfWriter(clone_from=make_pdf(path.with_suffix(".plain.pdf"), [["secret text"]]))
    writer.encrypt(user_password="pw", owner_password="owner")
    with open(path, "wb") as fh:
        writer.write(fh)
    return path


BAD_INPUTS = {
    "empty.pdf": (lambda p: p.write_bytes(b""), "file is empty"),
    "binary.pdf": (lambda p: p.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40), "not a PDF"),
    "corrupt.pdf": (lambda p: p.write_bytes(b"%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 9 0 R >>\ntrailer garbage"), "corrupt PDF"),
    "encrypted.pdf": (_encrypted, "encrypted PDF"),
    "latin1.txt": (lambda p: p.write_bytes("Abfallwirtschaft und Müll".encode("latin-1")), "not valid UTF-8"),
    "nul.md": (lambda p: p.write_bytes(b"# title\n\x00\x01\x02 binary"), "binary content"),
    "blank.pdf": (lambda p: make_pdf(p, [[]]), "no extractable text"),
}


@pytest.mark.parametrize("name", sorted(BAD_INPUTS))
def test_bad_input_is_refused_with_the_file_name(tmp_path, name):
    make, reason = BAD_INPUTS[name]
    path = tmp_path / name
    make(path)
    with pytest.raises(LoadError) as err:
        load_document(path, record(name))
    assert str(err.value).startswith(f"{name}: ") and reason in str(err.value)


def test_oversized_file_is_refused(tmp_path):
    path = tmp_path / "big.txt"
    path.write_text("reuse " * 50_000, encoding="utf-8")
    with pytest.raises(LoadError, match=r"big.txt: file is 0.3 MB, over the 0 MB limit"):
        load_document(path, record("big.txt"), max_bytes=100_000)
