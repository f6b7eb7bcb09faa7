"""Figures read from law text in four languages: value, unit, subject, deadline, and the checks.

The sentences are quoted from the corpus's laws (VerpackG § 1 and § 16, the Dutch packaging
decree, the Shanghai regulation, China's WEEE regulation, the PPWR); no index is needed.
"""

from __future__ import annotations

import pytest

from assistant.figures import FigureReader, holds, rank
from assistant.followup import rewrite
from assistant.text import numbers
from circularbench.types import Figure, SourceRef, Turn


@pytest.fixture(scope="module")
def reader() -> FigureReader:
    return FigureReader()


def _read(reader, sentence, language):
    return [(f["text"], f["subject"], f["period"]) for f in reader.read_sentence(sentence, language)]


def test_german_enumeration_gives_each_material_its_quota_and_deadline(reader):
    sentence = ("Dabei muss das Recycling der einzelnen Verpackungsmaterialien bis spätestens 31. Dezember 2025 "
                "mindestens für Holz 25, für Aluminium und Kunststoffe 50, für Eisenmetalle und Glas 70 sowie für "
                "Papier und Karton 75 Masseprozent erreichen")
    found = _read(reader, sentence, "de")
    assert ("50 % by mass", "aluminium, plastic", "by 31 December 2025") in found
    assert [text for text, _, _ in found] == ["25 % by mass", "50 % by mass", "70 % by mass", "75 % by mass"]
    assert found[0][1] == "wood"


def test_a_clause_without_subject_continues_the_one_before(reader):
    found = _read(reader, "1. 80 Masseprozent bei Glas; ab dem 1. Januar 2022 90 Masseprozent,", "de")
    assert found == [("80 % by mass", "glass", ""), ("90 % by mass", "glass", "from 1 January 2022")]

def test_a_date_between_two_figures_belongs_to_the_nearer_one(reader):
    # § 16(2) VerpackG: 65 % until 2022, 70 % from 1 January 2022; the date opens the 70.
    german = _read(reader, "Dabei sind mindestens 65 Prozent und ab dem 1. Januar 2022 70 Prozent dieser "
                           "Verwertungsquote durch werkstoffliche Verwertung sicherzustellen.", "de")
    assert [(text, period) for text, _, period in german] == [("65%", ""), ("70%", "from 1 January 2022")]
    english = _read(reader, "Member States shall recycle 65 % by 31 December 2025 and 70 % by 31 December 2030.", "en")
    assert [period for *_, period in english] == ["by 31 December 2025", "by 31 December 2030"]



def test_a_sentence_pointing_back_takes_the_subject_of_the_one_before(reader):
    before = "Kunststoffe sind zu mindestens 90 Masseprozent einer Verwertung zuzuführen."
    share = "Dabei sind ab dem 1. Januar 2022 70 Prozent dieser Verwertungsquote durch werkstoffliche Verwertung sicherzustellen."
    assert reader.read_sentence(share, "de", before=before)[0]["subject"] == "plastic"
    assert reader.read_sentence("Ab 2022 sind 70 Prozent sicherzustellen.", "de",
                                before=before)[0]["subject"] == ""  # no pointer back, no carry
    # A demonstrative before the law's name points at the law, not at the sentence before.
    assert reader.read_sentence("Ab 2022 sind 70 Prozent im Sinne dieses Gesetzes sicherzustellen.", "de",
                                before=before)[0]["subject"] == ""
    source = SourceRef(chunk_id="c", doc_id="d", file="d.md", title="t", jurisdiction="DE", year=2017, language="de")
    assert [f.subject for f in reader.read(source, f"{before} {share}", 1)] == ["plastic", "plastic"]


def test_money_in_digits_and_in_words(reader):
    assert _read(reader, "ein Pfand in Höhe von mindestens 0,25 Euro einschließlich Umsatzsteuer", "de")[0][0] == "EUR 0.25"
    fine = _read(reader, "kann mit einer Geldbuße bis zu zweihunderttausend Euro geahndet werden", "de")
    assert fine[0][0] == "EUR 200,000"
    # References are not amounts: "Nummer 3, 4, 12" lists provisions.
    assert [t for t, _, _ in _read(reader, "Absatz 1 Nummer 3, 4, 12 mit einer Geldbuße bis zu 200 Euro", "de")] == ["EUR 200"]


def test_durations_in_words_and_working_days(reader):
    # KrWG § 49: laws write short durations in words; BattG § 7 counts working days.
    kept = _read(reader, "die Erzeuger mindestens drei Jahre, die Beförderer mindestens zwölf Monate", "de")
    assert [t for t, _, _ in kept] == ["3 years", "12 months"]
    assert _read(reader, "innerhalb von 15 Werktagen unentgeltlich abholt", "de")[0][0] == "15 working days"
    assert _read(reader, "binnen zes weken na de aanvraag", "nl")[0][0] == "6 weeks"
    assert _read(reader, "within three years of that date", "en")[0][0] == "3 years"
    # The checks read the same words: a figure "3 years" holds in "drei Jahre".
    assert {"3", "12", "6"} <= numbers("mindestens drei Jahre, zwölf Monate, binnen zes weken")


def test_chinese_numerals_ranges_durations_and_dates(reader):
    fine = _read(reader, "拒不改正的，处五十元以上二百元以下罚款。", "zh")
    assert fine[0][0] == "50 to 200 yuan"
    assert _read(reader, "废弃电器电子产品处理的基本数据的保存期限不得少于3年。", "zh")[0][0] == "3 years"
    assert reader.dates("到2025年，塑料污染治理取得积极进展") == [(0, 6, "by 2025")]
    assert reader.dates("本法自2009年1月1日起施行。")[0][2] == "from 1 January 2009"
    # A day count ("within 60 days", "15 working days"); the day of a date is none.
    assert _read(reader, "应当自收到完整的申请材料之日起60日内完成审查", "zh")[0][0] == "60 days"
    assert _read(reader, "应当在十五个工作日内答复", "zh")[0][0] == "15 working days"
    assert numbers("应当在十五个工作日内答复") == {"15"}  # so the figure holds in its span
    assert _read(reader, "每年3月31日前报告", "zh") == []
    # Detention and multiples of a loss are ranges as fines are, in the same legal wording.
    assert _read(reader, "由公安机关对法定代表人处十日以上十五日以下的拘留", "zh")[0][0] == "10 to 15 days"
    assert _read(reader, "处所造成直接经济损失三倍以上五倍以下的罚款", "zh")[0][0] == "3 to 5 times"
    assert _read(reader, "处五年以上十年以下有期徒刑", "zh")[0][0] == "5 to 10 years"
    # 一 after 上, 同 or 每 is "the previous, the same, each": 上一年度 is the previous year, no figure.
    assert _read(reader, "重点用能单位应当在上一年度结束后报告", "zh") == [] and numbers("同一年度内") == set()
    assert _read(reader, "一年内改正", "zh")[0][0] == "1 year" and numbers("上一万吨") == {"10000"}


def test_dutch_and_english_dates_and_units(reader):
    dutch = _read(reader, "jaarlijks meer dan 50.000 kilogram bedraagt, zendt elk jaar voor 1 augustus 2016 een verslag", "nl")
    assert dutch[0][0] == "50,000 kg"
    assert reader.dates("per 1 januari 2025 geldt")[0][2] == "from 1 January 2025"
    english = _read(reader, "(a) by 31 December 2025, a minimum of 65 % by weight of all packaging waste generated", "en")
    assert english == [("65 % by weight", "packaging waste", "by 31 December 2025")]
    # A regulation's number is no year.
    assert reader.dates("under Regulation (EU) 2019/904") == []
    # Nor is the year closing a law's name; one after a preposition still is.
    named = _read(reader, "een fiscale eenheid als bedoeld in de Wet op de omzetbelasting 1968 en die eenheid "
                          "jaarlijks meer dan 50.000 kilogram verpakkingen in de handel brengt", "nl")
    assert named[0][0] == "50,000 kg" and named[0][2] == "", named
    assert reader.dates("nach dem Verpackungsgesetz 2017 ab 2022 und") == [(32, 39, "from 2022")]
    # Each "N°." item of a Dutch list is its own clause: the glass of item 1 is not item 2's subject.
    items = _read(reader, "1°. 90 gewichtsprocent van glazen verpakkingen, 2°. 75 gewichtsprocent van papieren "
                          "en kartonnen verpakkingen,", "nl")
    assert items[0][:2] == ("90 % by weight", "glass, packaging") and "glass" not in items[1][1], items


def test_numbers_read_chinese_numerals_and_digits_beside_chinese_characters():
    assert {"50", "200", "30", "2025", "3"} <= numbers("处五十元以上二百元以下罚款，百分之三十，到2025年，不得少于3年")
    # A bare 一 is a word: 一次性 is "single-use", not the number 1.
    assert "1" not in numbers("一次性塑料制品")


def test_a_figure_holds_only_when_its_numbers_stand_in_its_span(reader):
    source = SourceRef(chunk_id="c", doc_id="d", file="d.md", title="t", jurisdiction="DE", year=2017, language="de")
    figure = reader.read(source, "Kunststoffe sind zu mindestens 90 Masseprozent einer Verwertung zuzuführen.", 1)[0]
    assert holds(figure)
    assert not holds(figure.model_copy(update={"value": "95", "text": "95 % by mass"}))


def test_rank_prefers_the_figure_about_the_asked_subject(reader):
    source = SourceRef(chunk_id="c", doc_id="d", file="d.md", title="t", jurisdiction="DE", year=2017, language="de")
    figures = reader.read(source, "Dabei muss das Recycling mindestens für Holz 15, für Kunststoffe 22,5, für Metalle 50 "
                                  "und für Glas sowie Papier und Karton 60 Masseprozent erreichen.", 1)
    best = rank(figures, "What recycling quota applies to plastic packaging?", reader.glossary, 1)
    assert [f.value for f in best] == ["22.5"]
    assert all(isinstance(f, Figure) for f in figures)
    # A follow-up joined to the question it continues asks about its own subject first.
    followed = rewrite("And for metals?", [Turn(question="What recycling quota applies to plastic packaging?")])
    assert [f.value for f in rank(figures, followed, reader.glossary, 1)] == ["50"], followed


def test_rank_takes_the_asked_kind_of_quantity_and_the_asked_year(reader):
    source = SourceRef(chunk_id="c", doc_id="d", file="d.eu.md", title="t", jurisdiction="EU", year=2023, language="en")
    threshold = reader.read(source, "From 18 August 2031, industrial batteries with a capacity greater than 2 kWh shall "
                                    "contain 16% cobalt, 85% lead and 6% lithium.", 1)
    shares = rank(threshold, "What recycled content shares apply from 2031?", reader.glossary, 5)
    assert {f.unit for f in shares} == {"%"} and {f.value for f in shares} == {"16", "85", "6"}
    schedule = reader.read(source, "Recycling shall reach 65 % by weight by 31 December 2025 and 70 % by weight by "
                                   "31 December 2030.", 1)
    assert rank(schedule, "What recycling target applies by 2025?", reader.glossary, 1)[0].value == "65"
    assert rank(schedule, "What recycling target applies?", reader.glossary, 1)[0].value == "70"  # the latest step


def test_a_count_per_head_is_a_figure_and_a_mass_per_head_stays_a_mass(reader):
    read = reader.read_sentence("The annual consumption must not exceed 40 lightweight plastic carrier bags per capita "
                                "by 31 December 2025.", "en")
    assert [(f["text"], f["period"]) for f in read] == [("40 lightweight plastic carrier bags per capita",
                                                          "by 31 December 2025")]
    assert [f["text"] for f in reader.read_sentence("Der Verbrauch darf 12 kg pro Kopf nicht übersteigen.", "de")] == ["12 kg"]


def test_an_english_list_names_each_figure_for_what_follows_it_and_dates_it_by_its_lead_in(reader):
    # Annex XII, Part C of the Batteries Regulation, as one sentence (its items are not sentences).
    sentence = ("1. No later than 31 December 2027, all recycling shall achieve at least the following targets for "
                "recovery of materials: (a) 90 % for cobalt; (b) 90 % for copper; (d) 50 % for lithium; (e) 90 % for nickel.")
    assert ("50%", "lithium", "by 31 December 2027") in _read(reader, sentence, "en")
    efficiency = _read(reader, "(a) recycling of 75 % by average weight of lead-acid batteries; (b) recycling of 65 % "
                               "by average weight of lithium-based batteries;", "en")
    assert [s for _, s, _ in efficiency] == ["lead-acid batteries", "lithium-based batteries"]
    content = _read(reader, "plant: (a) 26 % cobalt; (b) 85 % lead; (c) 12 % lithium; (d) 15 % nickel.", "en")
    assert [s for _, s, _ in content] == ["cobalt", "lead", "lithium", "nickel"]  # Article 8(2)'s items
    assert _read(reader, "(c) 15 % by 2040.", "en")[0][1] == ""
    source = SourceRef(chunk_id="c", doc_id="d", file="d.eu.md", title="t", jurisdiction="EU", year=2023, language="en")
    figures = reader.read(source, sentence, 1)
    assert [f.value for f in rank(figures, "What lithium recovery rate applies?", reader.glossary, 1)] == ["50"]
