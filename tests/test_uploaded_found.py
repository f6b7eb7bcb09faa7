"""A document a user uploads is found like a bundled one: a German ordinance this project has
never seen (written here), uploaded into a copy of the real index, answers English questions."""

import io
import shutil

import pytest

from assistant.retriever import HybridRetriever
from circularbench.documents import DocumentService
from circularbench.settings import Settings

ORDINANCE = """# Verordnung über Anforderungen an die Verwertung und Beseitigung von Altholz (Altholzverordnung - AltholzV)

### § 1 Anwendungsbereich

Diese Verordnung gilt für die stoffliche und energetische Verwertung sowie für die Beseitigung von Altholz.

### § 2 Altholzkategorien

Altholz wird den folgenden Kategorien zugeordnet: Kategorie A I, naturbelassenes Altholz; Kategorie A IV,
mit Holzschutzmitteln behandeltes Altholz wie Bahnschwellen, Leitungsmasten und Hopfenstangen.

### § 3 Stoffliche Verwertung

Altholz der Kategorie A IV darf nicht zur Herstellung von Holzwerkstoffen verwendet werden.

### § 9 Getrennte Sammlung

Betreiber von Baustellen haben Altholz ab dem 1. März 2027 getrennt von anderen Abfällen zu sammeln,
sofern mehr als 5 Kubikmeter Altholz je Baustelle anfallen.
"""


@pytest.fixture(scope="module")
def with_upload(real_index, embedder, tmp_path_factory):
    settings, _ = real_index
    data = tmp_path_factory.mktemp("upload-copy") / "data"
    shutil.copytree(settings.data_dir, data)
    copy = Settings(data_dir=data, corpus_mirror=settings.corpus_mirror)
    summary = DocumentService(copy, lambda: embedder).upload(
        io.BytesIO(ORDINANCE.encode()), title="Verordnung über Anforderungen an die Verwertung und Beseitigung "
        "von Altholz (Altholzverordnung - AltholzV)", jurisdiction="DE", doc_type="law", language="de", year=2026,
        filename="altholzv.md")
    return HybridRetriever.open(copy, embedder), summary.doc_id


@pytest.mark.parametrize("question, section", [
    ("Under the AltholzV, may treated waste wood of category A IV be used to make wood-based panels?", "§ 3"),
    ("From when must construction sites collect waste wood separately under the Altholzverordnung?", "§ 9"),
])
def test_an_uploaded_german_ordinance_answers_english_questions(with_upload, question, section):
    retriever, doc_id = with_upload
    top = retriever.search(question, k=5)
    assert any(h.chunk.doc_id == doc_id and h.chunk.section == section for h in top), \
        [(h.chunk.doc_id, h.chunk.section) for h in top]


def test_the_upload_is_known_by_the_names_its_title_gives(with_upload):
    retriever, doc_id = with_upload
    assert retriever.named_documents("What does the Altholzverordnung say?") == [doc_id]
    assert retriever.named_documents("What does the AltholzV say?") == [doc_id]
