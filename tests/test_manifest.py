import csv
from pathlib import Path

import pytest

from corpus.manifest import ManifestError, load_manifest
from corpus.sync import file_sha256


def test_manifest_covers_every_mirror_document_with_its_checksum(manifest, mirror):
    rows = list(csv.DictReader(open(mirror / "sources.tsv", encoding="utf-8"), delimiter="\t"))
    by_file = manifest.by_file()
    for row in rows:
        doc = by_file[row["file"]]
        assert doc.sha256 == file_sha256(mirror / row["file"]), row["file"]
        assert doc.jurisdiction == row["jurisdiction"].split(" ")[0]
        assert doc.title and doc.language and doc.doc_type


def test_manifest_lists_key_documents_the_mirror_lacks(manifest, mirror):
    expected = {
        "eu_circular_economy_action_plan_2015", "eu_circular_economy_action_plan_2020",
        "eu_waste_framework_directive_2008_98", "jp_fundamental_plan_sound_material_cycle_society_2018",
        "fi_leading_the_cycle_roadmap_2016", "nl_circular_economy_in_the_netherlands_by_2050",
        "cn_14th_five_year_plan_circular_economy_2021", "us_epa_national_recycling_strategy_2021",
        "uk_resources_and_waste_strategy_2018",
    }
    for doc_id in expected:
        doc = manifest.get(doc_id)
        assert doc.download_url and doc.download_url.startswith("https://")
        assert not (mirror / doc.file).exists()


def test_languages_and_jurisdictions(manifest):
    langs = {d.language for d in manifest.documents}
    assert {"en", "de", "zh", "nl"} <= langs
    assert manifest.get("cn_shanghai_domestic_waste_management_regulation_2019").jurisdiction == "CN-SH"


@pytest.mark.parametrize(
    "entry, field",
    [
        ('id = "x"\nfile = "x.pdf"\ntitle = "t"\njurisdiction = "Germany"\ndoc_type = "law"\nlanguage = "de"', "jurisdiction"),
        ('id = "x"\nfile = "../x.pdf"\ntitle = "t"\njurisdiction = "DE"\ndoc_type = "law"\nlanguage = "de"', "file"),
        ('id = "x"\nfile = "x.pdf"\ntitle = "t"\njurisdiction = "DE"\ndoc_type = "law"\nlanguage = "de"\nsha256 = "abc"', "sha256"),
        ('id = "x"\nfile = "x.pdf"\njurisdiction = "DE"\ndoc_type = "law"\nlanguage = "de"', "title"),
    ],
)
def test_bad_manifest_entry_names_the_field(tmp_path: Path, entry, field):
    path = tmp_path / "manifest.toml"
    path.write_text("[[documents]]\n" + entry + "\n", encoding="utf-8")
    with pytest.raises(ManifestError) as err:
        load_manifest(path)
    assert f"'{field}'" in str(err.value) and str(path) in str(err.value)


def test_duplicate_ids_are_refused(tmp_path: Path):
    entry = '[[documents]]\nid = "x"\nfile = "FILE"\ntitle = "t"\njurisdiction = "DE"\ndoc_type = "law"\nlanguage = "de"\n'
    path = tmp_path / "manifest.toml"
    path.write_text(entry.replace("FILE", "a.md") + entry.replace("FILE", "b.md"), encoding="utf-8")
    with pytest.raises(ManifestError, match="duplicate id 'x'"):
        load_manifest(path)
