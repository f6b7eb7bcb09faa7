"""Keyword-side language analysis and the names questions call documents by (no index needed)."""

from assistant.named_documents import DocumentNames
from circularbench.types import DocumentRecord
from corpus.names import document_names
from indexer.analysis import analyze, plain_tokens
from indexer.keyword_index import KeywordIndex


def test_inflections_meet_at_their_stem():
    assert set(analyze("Verpackungen", "de")) & set(analyze("Verpackung", "de"))
    assert analyze("recycling targets", "en") == analyze("recycled target", "en")
    assert analyze("verpakkingen", "nl") == analyze("verpakking", "nl")


def test_german_compounds_yield_their_parts():
    tokens = analyze("Kunststoffverpackungen", "de")
    assert {"kunststoff", "verpack"} <= set(tokens)
    assert analyze("Verpackungen", "de") == ["verpack"]  # no suffix taken for a part


def test_chinese_gets_words_and_bigrams():
    tokens = analyze("废弃电器电子产品回收处理", "zh")
    assert {"废弃", "电器", "回收", "处理"} <= set(tokens)  # jieba's words
    assert "品回" in tokens  # and the bigram across a word edge, for words jieba does not know


def test_article_labels_and_stop_words():
    assert analyze("nach § 16 Absatz 2", "de")[:1] == ["§16"]
    assert "the" not in analyze("the packaging", "en") and "die" not in plain_tokens("die Verpackung")


def test_a_german_query_finds_a_german_compound_through_the_index():
    index = KeywordIndex.build([("de", "Verkaufsverpackungen sind zurückzunehmen", "de"),
                                ("en", "Sales packaging is taken back", "en")])
    assert [cid for cid, _ in index.search("Verpackungen", language="de")] == ["de"]


def _record(**fields) -> DocumentRecord:
    base = {"id": "x", "file": "x.md", "title": "T", "jurisdiction": "DE", "doc_type": "law", "language": "de"}
    return DocumentRecord(**(base | fields))


def test_names_come_from_the_record_and_its_title():
    record = _record(title="Verordnung über die Bewirtschaftung von gewerblichen Siedlungsabfällen "
                           "(Gewerbeabfallverordnung - GewAbfV 2017)", short_title="Commercial Waste Ordinance")
    assert {"Commercial Waste Ordinance", "Gewerbeabfallverordnung", "GewAbfV"} <= set(document_names(record))
    eu = _record(id="eu", title="Regulation (EU) 2025/40 of 19 December 2024 on packaging, amending Regulation (EU) 2019/1020")
    assert "Regulation (EU) 2025/40" in document_names(eu) and "Regulation (EU) 2019/1020" not in document_names(eu)


def test_questions_name_documents(manifest):
    names = DocumentNames.from_records(list(manifest.documents))
    assert names.mentioned("What does the Packaging Act require of online marketplaces?") == ["de_verpackg_verpackungsgesetz"]
    assert names.mentioned("Under Regulation (EU) 2025/40, what is reusable packaging?") == [
        "eu_packaging_and_packaging_waste_regulation_2025_40"]
    assert names.mentioned("What does Zhong and Zvarych's step 5 say?") == ["zhong_zvarych_benchmarking_circular_economy_world"]
    assert names.mentioned("How do the PPWR and the Dutch packaging decree compare?") == [
        "eu_packaging_and_packaging_waste_regulation_2025_40", "nl_besluit_beheer_verpakkingen_2014"]
    # A publisher's name yields to the one document of it that the question names.
    assert names.mentioned("What does WBCSD's CDX paper propose?") == ["wbcsd_circularity_data_exchange_landscape_2024"]
    assert names.mentioned("What recycling targets apply to plastic packaging?") == []


def test_a_scoped_search_leaves_out_the_names_of_its_documents(manifest):
    names = DocumentNames.from_records(list(manifest.documents))
    zhong, ppwr, nl = ("zhong_zvarych_benchmarking_circular_economy_world",
                       "eu_packaging_and_packaging_waste_regulation_2025_40", "nl_besluit_beheer_verpakkingen_2014")
    assert names.without_names("According to Zhong and Zvarych, what is step 5?", [zhong]) == "According to , what is step 5?"
    # Only the scope's own documents lose their names; another document named stays a search term.
    assert names.without_names("How do the PPWR and the Dutch packaging decree compare?", [ppwr]) == (
        "How do the and the Dutch packaging decree compare?")
    assert names.without_names("How do the PPWR and the Dutch packaging decree compare?", [nl]) == (
        "How do the PPWR and the compare?")
    # The kind of document after its name goes too: inside it, "white paper" matches its front matter.
    cdx = "wbcsd_circularity_data_exchange_landscape_2024"
    assert names.without_names("What does 'circular accounting' mean in WBCSD's CDX white paper?", [cdx]) == (
        "What does 'circular accounting' mean in 's ?")
    assert names.without_names("What does the Zhong and Zvarych paper list as step 5?", [zhong]) == (
        "What does the list as step 5?")
    assert names.without_names("PPWR", [ppwr]) == "PPWR"  # nothing but a name: kept
    assert names.without_names("What recycling targets apply?", [ppwr]) == "What recycling targets apply?"
