"""The source viewer's library side (circularbench/viewer.py) on real corpus files: the quote is
found and highlighted in a German law's article, a Chinese law's article and a PDF page (the
page image gets yellow boxes where the quote stands); the text is clean (no Markdown markup, no
hard-wrapped lines inside a paragraph)."""

import io

import pytest
from PIL import Image

from circularbench.viewer import clean_text, find_quote, open_source


def test_find_quote_ignores_spacing_markup_and_a_cut_end():
    text = "(2) Die Systeme sind\nverpflichtet, **mindestens** 90 Masse-\nprozent zu recyceln."
    start, end = find_quote(text, "Die Systeme sind verpflichtet, mindestens 90 Masseprozent")
    assert text[start:end].startswith("Die Systeme") and text[start:end].endswith("prozent")
    # A quote cut short in the middle of a word is found by its longest prefix.
    start, end = find_quote(text, "Die Systeme sind verpflichtet, mindestens 90 Massexyz")
    assert text[start:end].endswith("90 Masse")
    assert find_quote(text, "nothing like this is in the text at all") is None
    assert find_quote(text, "") is None
    # A quote that opens with its paragraph mark is marked from the mark on, as the card shows it.
    start, end = find_quote(text, "(2) Die Systeme sind verpflichtet")
    assert text[start:end].startswith("(2) Die Systeme")
    start, end = find_quote("Satz 2. 2) Die Systeme", "(2) Die Systeme")  # the text has no "(": not invented
    assert start == 8


def test_clean_text_joins_wrapped_lines_and_drops_markdown():
    raw = "### § 16 Anforderungen\n\n(1) Die Systeme haben die nach\n§ 14 Absatz 1 erfassten **Verpackungen** zu\nrecyceln.\n\n1.  80 Masseprozent bei Glas,\n2.  85 Masseprozent"
    clean = clean_text(raw, markdown=True)
    assert clean.splitlines()[0] == "§ 16 Anforderungen"
    assert "(1) Die Systeme haben die nach § 14 Absatz 1 erfassten Verpackungen zu recyceln." in clean
    assert "1.  80 Masseprozent bei Glas,\n2.  85 Masseprozent" in clean
    assert "**" not in clean and "#" not in clean


def test_a_german_law_opens_at_its_article_with_the_quote_marked(mirror, manifest):
    record = manifest.get("de_verpackg_verpackungsgesetz")
    quote = ("Die Systeme sind verpflichtet, im Jahresmittel mindestens folgende\nAnteile der bei ihnen "
             "beteiligten Verpackungen der Vorbereitung zur\nWiederverwendung oder dem Recycling zuzuführen")
    view = open_source(mirror, record, section="§ 16", quote=quote)
    assert view.section == "§ 16" and view.found and view.page is None
    assert view.text.lstrip("… ").startswith("§ 16 Anforderungen an die Verwertung")
    assert "§ 17" not in view.text.splitlines()[-1][:5]  # ends before the next article
    marked = view.text[view.start:view.end]
    assert marked.startswith("Die Systeme sind verpflichtet") and marked.endswith("zuzuführen")
    assert "\n" not in marked  # the hard-wrapped paragraph reads as one
    assert "**" not in view.text and "###" not in view.text
    page = view.text_html()
    assert '<mark class="cb-hl">Die Systeme sind verpflichtet' in page


def test_a_chinese_law_opens_at_its_article(mirror, manifest):
    record = manifest.get("cn_circular_economy_promotion_law_2018")
    view = open_source(mirror, record, section="第二条", quote="本法所称循环经济，是指在生产、流通和消费等过程中进行的减量化")
    assert view.section == "第二条" and view.found
    assert view.text.startswith("第二条") and "第三条" not in view.text
    assert view.text[view.start:view.end].endswith("减量化")


def test_a_pdf_page_is_rendered_with_the_quote_boxed(mirror, manifest):
    record = manifest.get("sg_mse_key_environmental_statistics_2022")
    quote = "prevalent work-from-home arrangements and overall decline in economic activities"
    view = open_source(mirror, record, page=2, quote=quote)
    assert view.page == 2 and view.pages == 12 and view.found
    assert view.text[view.start:view.end].replace("\n", " ") == quote
    image = Image.open(io.BytesIO(view.image)).convert("RGB")
    plain = open_source(mirror, record, page=2, quote="")
    before = Image.open(io.BytesIO(plain.image)).convert("RGB")
    assert image.size == before.size and image.width > 800
    # The highlight changes pixels, and only in the upper half of the page where the quote stands.
    changed = [(x, y) for x in range(0, image.width, 6) for y in range(0, image.height, 6)
               if image.getpixel((x, y)) != before.getpixel((x, y))]
    assert len(changed) > 200
    assert all(y < image.height / 2 for _, y in changed)


def test_a_quote_that_is_not_on_the_page_is_reported(mirror, manifest):
    record = manifest.get("sg_mse_key_environmental_statistics_2022")
    view = open_source(mirror, record, page=2, quote="the Ruritanian glass jar deposit of 0.15 RUR", image=False)
    assert not view.found and view.notes and view.image is None
    with pytest.raises(ValueError):
        open_source(mirror, record, page=99, quote="")
