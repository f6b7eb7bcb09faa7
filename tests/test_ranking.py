"""The learned ranker: its features, its shipped model file, and what a bad file does."""

from __future__ import annotations

import json

import numpy as np
import pytest

from assistant.ranking import BUILTIN, FEATURES, Candidate, ChunkProfiles, LinearRanker, QuerySignals, RankerError, features
from circularbench.types import Chunk


def chunk(cid: str, text: str, *, section: str = "", doc_id: str = "d1", language: str = "en",
          heading: str = "") -> Chunk:
    return Chunk(chunk_id=cid, doc_id=doc_id, file=f"{doc_id}.md", title="A Packaging Law", jurisdiction="XX",
                 year=2020, language=language, section=section, doc_type="law", heading=heading,
                 char_start=0, char_end=len(text), text=text)


QUESTION = "How high is the recycling rate for plastic packaging from 2025?"
ANSWER = chunk("a", "From 1 January 2025 the recycling rate for plastic packaging is 55 percent.", section="§ 4")
CONTENTS = chunk("b", "Contents\n§ 1 Scope ........ 3\n§ 2 Definitions ........ 4\n§ 3 Duties ........ 5")
RECITAL = chunk("c", "Whereas plastic packaging should be recycled more.")
GERMAN = chunk("d", "Ab dem 1. Januar 2025 beträgt die Recyclingquote für Kunststoffverpackungen 55 Prozent.",
               section="§ 4", doc_id="d2", language="de")


def signals(translations: dict[str, str] | None = None) -> QuerySignals:
    return QuerySignals(QUESTION, {"en"}, translations or {}, best_similarity=0.9)


def test_features_describe_the_candidate_not_its_document():
    cands = [Candidate(ANSWER, 0.03, dense_rank=2, dense_similarity=0.85, keyword_rank=1, keyword_relative=1.0),
             Candidate(CONTENTS, 0.02, dense_rank=1, dense_similarity=0.9),
             Candidate(RECITAL, 0.01, keyword_rank=2, keyword_relative=0.4)]
    rows = features(signals(), cands, ChunkProfiles(), articled={"d1"})
    f = [dict(zip(FEATURES, row)) for row in rows]
    assert rows.shape == (3, len(FEATURES))
    assert f[0]["coverage"] == 6 / 8  # all of the question but "how high"
    assert f[2]["coverage"] == 3 / 8  # the recital lacks the rate, the year and "from"
    assert f[0]["year_match"] == 1.0 and f[1]["year_match"] == 0.0
    assert f[0]["figures_when_asked"] > 0 and f[2]["figures_when_asked"] == 0
    assert f[1]["leader_dots"] > 1 and f[0]["leader_dots"] == 0
    assert f[2]["preamble"] == 1.0 and f[0]["in_article"] == 1.0
    assert f[1]["dense_gap"] == 0.0 and f[0]["dense_gap"] == pytest.approx(-0.05)
    assert f[2]["dense_gap"] < f[0]["dense_gap"]  # missed by the dense side
    assert f[0]["log_fused_rank"] == 0.0


def test_translated_coverage_is_measured_in_the_chunks_language():
    rows = features(signals({"de": "Recyclingquote Kunststoffverpackungen"}), [Candidate(GERMAN, 0.02)],
                    ChunkProfiles(), articled=set())
    assert dict(zip(FEATURES, rows[0]))["translated_coverage"] == 1.0


def test_the_dense_rank_is_weighed_by_what_no_translation_reaches_in_the_chunks_language():
    asked = QuerySignals(QUESTION, {"en"}, {}, best_similarity=0.9, untranslated={"de": 0.5, "nl": 1.0})
    rows = features(asked, [Candidate(GERMAN, 0.02, dense_rank=2), Candidate(ANSWER, 0.02, dense_rank=1)],
                    ChunkProfiles(), articled=set())
    assert [dict(zip(FEATURES, r))["dense_untranslated"] for r in rows] == [0.25, 0.0]  # English needs none


def test_a_definition_counts_only_when_one_is_asked():
    defining = [Candidate(chunk("e", "Für die Zwecke dieses Gesetzes bezeichnet der Ausdruck Einwegverpackung ...",
                                language="de"), 0.02),
                Candidate(chunk("f", "本法所称再利用，是指将废物直接作为产品使用", language="zh"), 0.02), Candidate(ANSWER, 0.01)]
    asked = QuerySignals("What does 'reuse' mean?", {"en"}, {}, best_similarity=0.9)
    rows = [dict(zip(FEATURES, r)) for r in features(asked, defining, ChunkProfiles(), articled=set())]
    assert [r["defines_when_asked"] for r in rows] == [1.0, 1.0, 0.0]
    rows = [dict(zip(FEATURES, r)) for r in features(signals(), defining, ChunkProfiles(), articled=set())]
    assert [r["defines_when_asked"] for r in rows] == [0.0, 0.0, 0.0]


def test_the_asked_kind_of_quantity_counts_in_any_language():
    """A question about a deposit wants money: the German, Chinese and English chunks that
    state an amount count, the one stating only a share does not, whatever its language."""
    cands = [Candidate(chunk("g", "Das Pfand beträgt mindestens 0,25 Euro je Verpackung.", language="de"), 0.02),
             Candidate(chunk("h", "处五百元以上五千元以下的罚款。", language="zh"), 0.02),
             Candidate(chunk("i", "A deposit of EUR 0.25 is charged."), 0.02),
             Candidate(chunk("j", "Die Sammelquote beträgt 50 Prozent.", language="de"), 0.02)]
    asked = QuerySignals("How high is the deposit on a bottle?", {"en"}, {}, best_similarity=0.9)
    rows = [dict(zip(FEATURES, r)) for r in features(asked, cands, ChunkProfiles(), articled=set())]
    assert [r["asked_kinds_stated"] for r in rows] == [1.0, 1.0, 1.0, 0.0]
    rows = [dict(zip(FEATURES, r)) for r in features(signals(), cands, ChunkProfiles(), articled=set())]
    assert [r["asked_kinds_stated"] for r in rows] == [0.0, 0.0, 0.0, 1.0]  # a rate asks for a share


def test_the_shipped_model_prefers_the_answer_to_a_title_block_ranked_alike():
    ranker = LinearRanker.load()
    meta = json.loads(BUILTIN.read_text(encoding="utf-8"))
    assert meta["fitted_on"] == "dev" and meta["features"] == list(FEATURES)
    same = dict(dense_rank=1, dense_similarity=0.9, keyword_rank=1, keyword_relative=1.0)
    scores = ranker.scores(features(signals(), [Candidate(CONTENTS, 0.03, **same), Candidate(ANSWER, 0.03, **same)],
                                    ChunkProfiles(), articled={"d1"}))
    assert np.all((0 < scores) & (scores < 1))
    assert scores[1] > scores[0]


def test_a_ranker_file_of_other_features_or_garbage_is_refused_by_name(tmp_path):
    stale = tmp_path / "stale.json"
    stale.write_text(json.dumps(LinearRanker.load().to_dict() | {"features": ["old"]}), encoding="utf-8")
    with pytest.raises(RankerError, match="stale.json: its features are not this version's"):
        LinearRanker.load(stale)
    garbage = tmp_path / "garbage.json"
    garbage.write_text("{", encoding="utf-8")
    with pytest.raises(RankerError, match="garbage.json: not a ranker file"):
        LinearRanker.load(garbage)
    with pytest.raises(RankerError, match="missing.json"):
        LinearRanker.load(tmp_path / "missing.json")


def test_a_foreign_chunk_is_met_through_a_dictionarys_english_gloss_of_its_words():
    # No translation of the question is given; Ding's sense of "Dämmstoffe" ('insulating material') meets it.
    from assistant.query_expansion import Glossary

    german = chunk("g", "Getrennt zu sammeln sind Dämmstoffe, Bitumengemische und Baustoffe auf Gipsbasis.",
                   section="§ 8", doc_id="d3", language="de")
    asked = QuerySignals("Must insulation material and gypsum be kept apart?", {"en"}, {}, best_similarity=0.9)
    rows = features(asked, [Candidate(german, 0.02), Candidate(ANSWER, 0.02)], ChunkProfiles(Glossary.load()),
                    articled=set())
    f = [dict(zip(FEATURES, row)) for row in rows]
    assert f[0]["gloss_coverage"] > 0
    assert f[1]["gloss_coverage"] == 0.0  # an English chunk is measured by its own words (coverage)
