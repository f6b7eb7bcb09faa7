"""The glossary's rule (assistant/glossary.tsv header): translations only, no inflected duplicates."""

from assistant.query_expansion import LANGUAGES, Glossary
from indexer.analysis import analyze


def test_no_two_variants_of_a_cell_analyse_alike():
    # The keyword index stems and splits compounds: a second inflection of a word adds nothing
    # but weight in BM25's sum.
    for term, entry in Glossary.load().entries.items():
        for lang in LANGUAGES:
            seen: dict[tuple[str, ...], str] = {}
            for variant in entry[lang]:
                key = tuple(analyze(variant, lang))
                assert key not in seen, f"{term} ({lang}): {variant!r} analyses like {seen[key]!r}"
                seen[key] = variant


def test_words_fitted_to_evaluation_quotes_are_gone():
    # Once in the glossary, none of them a translation of its term (issue 11).
    entries = Glossary.load().entries
    fitted = {"recycling rate": "gewichtsprocent", "end-of-life vehicle": "五大总成",
              "separate collection": "nascheiding", "plastic packaging": "verpakkingen",
              "heavy metals": "lood", "municipality": "Entsorgungsträger"}
    for term, word in fitted.items():
        assert all(word not in entries[term][lang] for lang in LANGUAGES), (term, word)


def test_comment_lines_are_skipped(tmp_path):
    path = tmp_path / "g.tsv"
    path.write_text("# a note\nen\tde\tzh\tnl\nglass\tGlas\t玻璃\tglas\n", encoding="utf-8")
    assert Glossary.load(path).entries == {"glass": {"de": ("Glas",), "zh": ("玻璃",), "nl": ("glas",)}}


def test_cedict_reads_glosses_backwards_everyday_sense_first():
    from assistant.lexicon import Cedict

    cedict = Cedict.load()
    assert cedict.translate("battery")[0] == "电池"
    assert "瓶子" in cedict.translate("bottles")  # compared by lemmas: plurals and other forms meet
    assert "回收" in cedict.translate("recycled")
    # "responsible" and "response" share a Snowball stem, not a lemma: 反应 is a reaction.
    assert "负有责任" in cedict.translate("responsible", 10) and "反应" not in cedict.translate("responsible", 10)
    assert "可回收" not in cedict.translate("recycling plant")  # a gloss must be the term itself
    assert len(cedict.translate("target", limit=3)) == 3


def test_cedict_glosses_a_chinese_sentence_word_by_word():
    from assistant.lexicon import Cedict

    cedict = Cedict.load()
    # 罚款 is in the dictionary; 经济损失 is not, and is glossed by its parts; particles are not glossed.
    assert cedict.gloss("处以经济损失额一倍以下的罚款") == ["economy loss", "fine"]
    assert cedict.gloss("开发利用秸秆") == ["exploit", "straw"]  # a sense once, also inside a split word
    # Adverbs and time words say how and when a duty applies; the ranker's gloss leaves them out.
    assert cedict.gloss("擅自从事") == ["without permission", "go for"]
    assert cedict.gloss("逾期未改正的") == ["be overdue", "correct"]
    assert cedict.gloss("擅自从事", modifiers=False) == ["go for"]
    words = cedict.gloss("电网企业未按照规定完成收购可再生能源电量，造成可再生能源发电企业经济损失的，应当承担赔偿责任", limit=3)
    assert len(words) == 3 and "should" not in words  # the rarest words, in the sentence's order


def test_ding_glosses_a_german_sentence_word_by_word():
    from assistant.lexicon import Ding
    from circularbench.settings import Settings

    ding = Ding.load(Settings().lexicon_german)  # installed by scripts/setup.sh
    # Listed forms, plurals through their singular, compounds Ding lacks through their parts.
    assert ding.gloss("Beton, Ziegel und Keramik") == ["concrete", "brick", "ceramics"]
    assert ding.sense("Abfallfraktionen") == "waste fraction"  # "Fraktionen" alone is listed under parliament
    # An entry in a field of this product's goes before one tagged far from it, and of equal
    # entries the common English rendering wins.
    assert ding.sense("Bau") == "construction" and ding.sense("Geldbuße") == "fine"
    assert ding.sense("Kunststoff") == "plastic"  # a synonym's own tag ([ugs.] "Plaste") marks only it
    # Abbreviations after a sense are no part of it, listed ones included ("height /h; ht/").
    assert ding.sense("Höhe") == "height" and ding.sense("Nummer") == "number"
    # A noun before a number is a reference, not content.
    assert ding.gloss("nach Absatz 1 Satz 2 mit einer Geldbuße") == ["fine"]
    many = "Erzeuger, Besitzer, Glas, Kunststoff, Metalle, Holz, Dämmmaterial, Bitumengemische, Beton, Ziegel"
    kept = ding.gloss(many, limit=3)
    assert len(kept) == 3 and "glass" not in kept and "insulating material" in kept  # the rarest
    # Adjectives and adverbs too, inflected ones through their stem: what a duty is like. One
    # right before a noun is glossed with it, one apart from it alone.
    assert ding.gloss("eine kostenfreie Rückgabe, unverzüglich") == ["free of charge surrender", "promptly"]
    assert ding.gloss("von einem unabhängigen Sachverständigen") == ["independent expert"]
    assert ding.gloss("kostenfrei. Rückgabe") == ["free of charge", "surrender"]
    # One before a noun glossed already is dropped with it, not given to the next noun; one
    # before a noun Ding has no sense for stands alone.
    assert ding.gloss("Rückgabe, kostenfreie Rückgabe, Batterie") == ["surrender", "battery"]
    assert ding.gloss("eine kostenfreie Qwertzuiop und Batterie") == ["free of charge", "battery"]
    assert ding.modifier("sonstige") == "other" and ding.modifier("organischer") == "organic"
    assert ding.modifier("Rückgabe") == ""  # a noun is no modifier


def test_ding_reads_glosses_backwards_primary_sense_first(tmp_path):
    from assistant.lexicon import Ding
    from circularbench.settings import Settings

    ding = Ding.load(Settings().lexicon_german, str(tmp_path))
    assert "gewerbeabfall" in ding.translate("commercial waste")
    # A noun whose own sense is the term goes before one that mining calls a fine ("Abrieb").
    assert ding.translate("fine", 1) == ["geldstrafe"]
    assert ding.translate("no such english term") == []
    # Matched as nouns, plurals through their singular: not by a stem shared with other words
    # ("responsible" and "response" stem alike, and Ding renders "response" as Antwort).
    assert "batterie" in ding.translate("batteries") and ding.translate("responsible") == []
    # Read once, then from the cache: the same dictionary.
    assert list(tmp_path.glob("ding-*.pickle")) and Ding.load.__wrapped__(Ding, Settings().lexicon_german,
                                                                         str(tmp_path)) == ding


def test_german_dictionary_layer_translates_what_the_glossary_lacks():
    plain, layered = Glossary.load(dictionary=False), Glossary.load(dictionary=True)
    assert plain.translations("insulation")["de"] == ""  # not a glossary term
    assert "isolierung" in layered.translations("insulation")["de"].split()
    # A glossary term keeps its glossary German; only the word it leaves goes to the dictionary.
    assert layered.translations("sorting plant")["de"].startswith(plain.translations("sorting")["de"])
    assert layered.untranslated("lithium batteries in bottles")["de"] == 0  # "lithium" is Lithium
    assert plain.untranslated("lithium batteries in bottles")["de"] == 1 / 3


def test_extractive_gloss_adds_dictionary_senses_for_chinese_and_german():
    from assistant.generators.extractive import ExtractiveGenerator

    gen = ExtractiveGenerator(Glossary.load(dictionary=True))
    assert "straw" in gen.gloss("对农村地区利用秸秆等生物质能源的方式，不适用本法", "zh")
    assert "straw" not in ExtractiveGenerator(Glossary.load(dictionary=True), gloss_words=0).gloss(
        "对农村地区利用秸秆等生物质能源的方式，不适用本法", "zh")
    assert ExtractiveGenerator(Glossary.load(dictionary=False)).gloss("利用秸秆", "zh") == ""
    assert "brick" in gen.gloss("Beton, Ziegel, Fliesen und Keramik", "de")
    assert gen.gloss("Beton, Ziegel", "nl") == ""  # no Dutch dictionary
    # Units are the figures' to state in English: "Masseprozent" is no 'earth percentage'.
    unit = gen.gloss("mindestens 65 Masseprozent der Verpackungsabfälle und 0,25 Euro Pfand", "de")
    assert "percentage" not in unit and "euro" not in unit and "packaging waste" in unit


def test_dictionary_layer_covers_only_what_the_glossary_lacks():
    plain, layered = Glossary.load(dictionary=False), Glossary.load(dictionary=True)
    assert plain.translations("lithium batteries in bottles")["zh"] == "电池 蓄电池"
    zh = layered.translations("lithium batteries in bottles")["zh"].split()
    assert zh[:2] == ["电池", "蓄电池"] and "瓶子" in zh  # "bottles" has no Chinese in the glossary
    assert layered.translations("packaging")["de"] == plain.translations("packaging")["de"]


def test_question_words_and_jurisdiction_names_are_not_translated():
    zh = Glossary.load(dictionary=True).translations("What does the Chinese law say about bottles?")["zh"].split()
    assert "瓶子" in zh
    assert not {"什么", "语文", "中国籍", "雌鹿"} & set(zh)  # "what", "Chinese" (the language), "does" (a doe)


def test_untranslated_share_counts_the_words_no_translation_reaches():
    plain, layered = Glossary.load(dictionary=False), Glossary.load(dictionary=True)
    # The glossary translates "batteries" into all three and "bottles" into German and Dutch;
    # "lithium" into none. CC-CEDICT gives "bottles" its Chinese, not "lithium".
    share = plain.untranslated("lithium batteries in bottles")
    assert share["de"] == share["nl"] == 1 / 3 and share["zh"] == 2 / 3
    assert layered.untranslated("lithium batteries in bottles")["zh"] == 1 / 3
    assert plain.untranslated("in the") == {lang: 0.0 for lang in LANGUAGES}
    # A plural reaches its term's translations as it does in translations(): "targets" is "target".
    assert plain.untranslated("collection targets") == {lang: 0.0 for lang in LANGUAGES}
