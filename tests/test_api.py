"""The HTTP API on the real index, through FastAPI's test client."""

import io

import pytest
from docx import Document
from fastapi.testclient import TestClient
from reportlab.pdfgen import canvas

from web.app import create_app
from indexer.pipeline import Indexer
from tests.helpers import SMALL_FILES, make_settings, small_corpus
from web.routers import feedback as feedback_router

LOOPBACK = "http://127.0.0.1"  # the server address the app sees: admin actions need no key there


def make_client(settings, store=None, ui=False, base_url=LOOPBACK) -> TestClient:
    app = create_app(settings, ui=ui)
    if store is not None:
        app.dependency_overrides[feedback_router.get_store] = lambda: store
    client = TestClient(app, base_url=base_url)
    client.store = store
    return client


@pytest.fixture(scope="module")
def client(real_index, tmp_path_factory):
    settings, _ = real_index
    with make_client(settings, feedback_router.FeedbackStore(tmp_path_factory.mktemp("fb") / "fb.sqlite3")) as c:
        yield c


@pytest.fixture(scope="module")
def small_settings(tmp_path_factory, mirror, manifest, embedder):
    """Uploads and deletions change the index: they get an index of their own."""
    settings = small_corpus(tmp_path_factory.mktemp("api-small") / "data", mirror, SMALL_FILES[:2])
    Indexer(settings, manifest, embedder).run(progress=False)
    return settings


@pytest.fixture(scope="module")
def small_client(small_settings):
    with make_client(small_settings) as c:
        yield c


def test_health_and_readiness(client):
    assert client.get("/healthz").json() == {"status": "ok", "detail": {}}
    ready = client.get("/readyz")
    assert ready.status_code == 200 and ready.json()["detail"]["chunks"] > 4000


def test_search_returns_passages_with_their_metadata(client):
    r = client.post("/v1/search", json={"query": "deposit on single-use beverage packaging", "k": 5,
                                         "filters": {"jurisdictions": ["Germany"]}})
    assert r.status_code == 200
    passages = r.json()["passages"]
    assert len(passages) == 5
    for p in passages:
        assert set(p) >= {"chunk_id", "doc_id", "file", "title", "jurisdiction", "year", "doc_type", "language",
                          "page", "section", "text", "score"}
        assert p["jurisdiction"] == "DE"


def test_ask_answers_with_citations(client):
    r = client.post("/v1/ask", json={"question": "What recycling quotas does Germany's packaging law set for plastics?",
                                      "generator": "extractive"})
    assert r.status_code == 200
    body = r.json()
    assert not body["refused"] and body["citations"] and set(body) >= {"answer", "refused", "citations", "passages"}


def test_ask_stream_sends_tokens_then_citations_then_final(client):
    with client.stream("POST", "/v1/ask/stream", json={"question": "What is Singapore's 2030 recycling target?",
                                                       "generator": "extractive"}) as r:
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/event-stream")
        events = [line.split(": ", 1)[1] for line in r.iter_lines() if line.startswith("event: ")]
    assert events[0] == "token" and events[-2:] == ["citations", "final"]


@pytest.mark.parametrize("body, field", [
    ({"question": ""}, "body.question"),
    ({"question": "x" * 2001}, "body.question"),
    ({"question": "ok", "colour": "red"}, "body.colour"),
    ({"question": "ok", "generator": "gpt-9"}, "body.generator"),
    ({"question": "ok", "filters": {"year_from": 2020, "year_to": 2000}}, "body.filters.year_to"),
])
def test_bad_requests_are_4xx_naming_the_field(client, body, field):
    r = client.post("/v1/ask", json=body)
    assert r.status_code == 422 and field in r.json()["detail"]


def test_unknown_jurisdiction_and_k_out_of_range(client):
    r = client.post("/v1/search", json={"query": "x", "filters": {"jurisdictions": ["Atlantis"]}})
    assert r.status_code == 422 and "Atlantis" in r.json()["detail"]
    r = client.post("/v1/search", json={"query": "x", "k": 500})
    assert r.status_code == 422 and "body.k" in r.json()["detail"]


def test_plan_as_json_markdown_and_docx(client):
    body = {"topic": "packaging recycling", "jurisdiction": "VN", "peers": ["DE", "EU"]}
    plan = client.post("/v1/plan", json=body).json()
    assert [s["number"] for s in plan["steps"]] == list(range(1, 11))
    md = client.post("/v1/plan", json=body | {"format": "md"})
    assert md.headers["content-type"].startswith("text/markdown") and "## Step 10." in md.text
    docx = client.post("/v1/plan", json=body | {"format": "docx"})
    assert docx.status_code == 200 and "attachment" in docx.headers["content-disposition"]
    assert Document(io.BytesIO(docx.content)).tables


def test_compare(client):
    r = client.post("/v1/compare", json={"criterion": "deposit systems for beverage packaging",
                                          "jurisdictions": ["DE", "Netherlands", "Japan"]})
    assert r.status_code == 200
    data = r.json()
    assert data["jurisdictions"] == ["DE", "NL", "JP"] and not data["rows"][2][0]["found"]


def test_documents_list_and_page_text(client):
    docs = client.get("/v1/documents").json()["documents"]
    assert len(docs) == 28
    page = client.get("/v1/documents/eu_taxonomy_regulation_2020_852/pages/20").json()
    assert page["pages"] == 31 and "Article 13" in page["text"]
    assert client.get("/v1/documents/eu_taxonomy_regulation_2020_852/pages/99").status_code == 404
    assert client.get("/v1/documents/..%2F..%2Fetc%2Fpasswd/pages/1").status_code in (404, 422)
    assert client.get("/v1/documents/nope/pages/1").status_code == 404


def _pdf(text: str) -> bytes:
    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    y = 800
    for line in text.split("\n"):
        c.drawString(60, y, line)
        y -= 16
    c.showPage()
    c.save()
    return buf.getvalue()


def test_upload_is_indexed_searchable_and_deletable(small_client):
    client = small_client
    pdf = _pdf("Freedonia Circular Economy Roadmap 2030\nArticle 1\nFreedonia shall recycle 77 percent of its "
               "textile waste by 2030.\nA deposit of 0.40 FRD applies to every glass jar.")
    r = client.post("/v1/documents", files={"file": ("roadmap.bin", pdf, "application/octet-stream")},
                    data={"title": "Freedonia Roadmap", "jurisdiction": "FR", "year": "2024", "doc_type": "roadmap"})
    assert r.status_code == 201, r.text
    assert r.json()["doc_id"] == "freedonia_roadmap" and r.json()["file"].endswith(".pdf")
    hits = client.post("/v1/search", json={"query": "textile waste recycling Freedonia", "k": 3}).json()["passages"]
    assert hits[0]["doc_id"] == "freedonia_roadmap" and hits[0]["page"] == 1
    again = client.post("/v1/documents", files={"file": ("r.pdf", pdf)}, data={"title": "Freedonia Roadmap", "jurisdiction": "FR"})
    assert again.status_code == 409
    assert client.delete("/v1/documents/freedonia_roadmap").status_code == 200
    hits = client.post("/v1/search", json={"query": "textile waste recycling Freedonia", "k": 3}).json()["passages"]
    assert all(h["doc_id"] != "freedonia_roadmap" for h in hits)


@pytest.mark.parametrize("content, code, word", [
    (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 10, 415, "checked by content"),
    ("Müll".encode("latin-1") * 10, 415, "UTF-8"),
    (b"%PDF-1.7\ngarbage that is no pdf", 422, "corrupt PDF"),
])
def test_bad_uploads_are_refused_and_nothing_is_lost(small_client, content, code, word):
    client = small_client
    before = len(client.get("/v1/documents").json()["documents"])
    r = client.post("/v1/documents", files={"file": ("x.pdf", content)}, data={"title": "Bad", "jurisdiction": "DE"})
    assert r.status_code == code and word in r.json()["detail"]
    assert len(client.get("/v1/documents").json()["documents"]) == before


def test_feedback_is_stored(client):
    r = client.post("/v1/feedback", json={"question": "q?", "answer": "a", "rating": -1, "comment": "wrong quota"})
    assert r.status_code == 201
    assert client.store.all()[-1]["comment"] == "wrong quota"
    assert client.post("/v1/feedback", json={"question": "q", "rating": 5}).status_code == 422


def test_api_key_is_required_when_configured(small_settings):
    settings = small_settings
    keyed = settings.model_copy(update={"api_key": "s3cret"})
    with make_client(keyed) as c:
        assert c.get("/healthz").status_code == 200
        assert c.post("/v1/search", json={"query": "x"}).status_code == 401
        assert c.post("/v1/search", json={"query": "x"}, headers={"X-API-Key": "wrong"}).status_code == 401
        assert c.post("/v1/search", json={"query": "reuse"}, headers={"X-API-Key": "s3cret"}).status_code == 200
        # Admin routes need the key even on loopback once one is set.
        assert c.delete("/v1/documents/whatever").status_code == 401
    with make_client(settings, base_url="http://192.0.2.7") as c:  # reached on an address other than loopback
        assert c.delete("/v1/documents/whatever").status_code == 403


@pytest.mark.parametrize("key", [b"", b"s3cr\xc3\xa9t", b"\xff\xfe", "s3cret ✓".encode(), b"s3cret\x80"])
def test_odd_keys_are_401_not_500(small_settings, key):
    keyed = small_settings.model_copy(update={"api_key": "s3cret"})
    with make_client(keyed) as c:
        for method, path in [("post", "/v1/search"), ("get", "/v1/documents"), ("delete", "/v1/documents/x"),
                             ("get", "/config"), ("get", "/")]:
            r = c.request(method.upper(), path, json={"query": "reuse"}, headers=[(b"X-API-Key", key)])
            assert r.status_code == 401, (path, key, r.status_code, r.text[:200])


def test_a_non_ascii_key_itself_works(small_settings):
    keyed = small_settings.model_copy(update={"api_key": "schlüssel-密钥"})
    with make_client(keyed) as c:
        r = c.post("/v1/search", json={"query": "reuse", "k": 1}, headers=[(b"X-API-Key", "schlüssel-密钥".encode())])
        assert r.status_code == 200


@pytest.mark.parametrize("path, body, field", [
    ("/v1/ask", {"question": "   "}, "body.question"),
    ("/v1/ask", {"question": "\t\n "}, "body.question"),
    ("/v1/ask/stream", {"question": "  "}, "body.question"),
    ("/v1/search", {"query": " "}, "body.query"),
    ("/v1/plan", {"topic": "  ", "jurisdiction": "VN", "peers": ["DE"]}, "body.topic"),
    ("/v1/plan", {"topic": "packaging", "jurisdiction": "VN", "peers": ["DE"], "criteria": ["deposit", " "]},
     "body.criteria.1"),
    ("/v1/plan", {"topic": "packaging", "jurisdiction": "VN", "peers": ["  "]}, "body.peers.0"),
    ("/v1/compare", {"criterion": "   ", "jurisdictions": ["DE"]}, "body.criterion"),
    ("/v1/compare", {"criterion": "deposits", "jurisdictions": ["DE"], "criteria": [""]}, "body.criteria.0"),
    ("/v1/feedback", {"question": " ", "rating": 1}, "body.question"),
])
def test_blank_text_is_422_naming_the_field_before_any_index_work(tmp_path, path, body, field):
    # No index at all in this data folder: a 422 proves validation comes before the index is opened.
    settings = make_settings(tmp_path / "empty")
    with make_client(settings) as c:
        r = c.post(path, json=body)
        assert r.status_code == 422 and field in r.json()["detail"], r.text
        assert "blank" in r.json()["detail"] or "at least 1" in r.json()["detail"]
        if path != "/v1/feedback":  # valid input on the same app does reach the (missing) index
            assert c.post("/v1/search", json={"query": "reuse"}).status_code == 503


def test_blank_upload_fields_are_422(small_client):
    r = small_client.post("/v1/documents", files={"file": ("a.md", b"# A\n\ntext")}, data={"title": "  ", "jurisdiction": "DE"})
    assert r.status_code == 422 and "title" in r.json()["detail"]


def test_upload_size_limit_holds_while_streaming(small_settings):
    limited = small_settings.model_copy(update={"max_upload_mb": 0.5})
    with make_client(limited) as c:
        before = c.get("/v1/documents").json()["documents"]
        # Just over the limit: the document service stops reading at the limit.
        r = c.post("/v1/documents", files={"file": ("a.md", b"# Big\n\n" + b"x" * 600_000)},
                   data={"title": "Big", "jurisdiction": "DE"})
        assert r.status_code == 413 and "0.5 MB limit" in r.json()["detail"]
        # Far over it, sent in chunks without a length: refused by the body limit as it streams in.
        def chunks():
            for _ in range(40):
                yield b"y" * 100_000
        r = c.post("/v1/documents", content=chunks(), headers={"Content-Type": "multipart/form-data; boundary=b"})
        assert r.status_code == 413
        assert c.get("/v1/documents").json()["documents"] == before


def test_a_generator_this_server_does_not_offer_is_a_422(client):
    # The test index has no OpenAI-compatible server configured: asking for one is the client's call.
    r = client.post("/v1/ask", json={"question": "What recycling quota applies to glass?", "generator": "openai"})
    assert r.status_code == 422 and r.json()["detail"].startswith("generator:")
    r = client.post("/v1/compare", json={"criterion": "glass recycling", "jurisdictions": ["DE", "NL"],
                                         "generator": "openai"})
    assert r.status_code == 422 and "generator" in r.json()["detail"]
