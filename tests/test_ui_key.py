"""Every face behind the key: with CIRCULARBENCH_API_KEY set, the UI and Gradio's own routes refuse
clients without it (raw HTTP, gradio_client and Chromium), and admin actions need the key unless
the server's socket is bound to loopback only."""

import shutil

import httpx
import pytest
from fastapi.testclient import TestClient
from gradio_client import Client, handle_file
from playwright.sync_api import expect, sync_playwright

from tests.helpers import make_settings
from web.app import create_app

KEY = "ui-s3cret-ключ"
KEY_HEADER = {"X-API-Key": KEY.encode()}  # as UTF-8 bytes: a header is bytes on the wire
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# Gradio's routes, the UI's own event endpoints among them, and the API's docs.
ROUTES = [("GET", "/"), ("GET", "/config"), ("GET", "/gradio_api/info"), ("POST", "/gradio_api/run/predict"),
          ("POST", "/gradio_api/call/upload"), ("POST", "/gradio_api/call/delete"), ("POST", "/gradio_api/queue/join"),
          ("GET", "/gradio_api/queue/data?session_hash=x"), ("GET", "/gradio_api/heartbeat/x"),
          ("POST", "/gradio_api/upload"), ("GET", "/gradio_api/file=/etc/passwd"), ("GET", "/theme.css"),
          ("GET", "/docs"), ("GET", "/openapi.json"), ("POST", "/gradio_api/reset")]


@pytest.fixture(scope="module")
def keyed_app(small_data):
    settings = make_settings(small_data, api_key=KEY)
    with TestClient(create_app(settings, ui=True), base_url="http://127.0.0.1") as c:
        yield c


@pytest.mark.parametrize("method, path", ROUTES)
def test_every_ui_route_refuses_a_client_without_the_key(keyed_app, method, path):
    for headers in ({}, {"X-API-Key": "wrong"}, {"Cookie": "circularbench_session=forged"}):
        r = keyed_app.request(method, path, json={"data": []}, headers=headers, follow_redirects=False)
        assert r.status_code == 401, (path, headers, r.status_code)


def test_a_browser_is_sent_to_the_login_page_and_the_cookie_opens_the_ui(keyed_app):
    r = keyed_app.get("/", headers={"Accept": "text/html"}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/login"
    assert 'name="password"' in keyed_app.get("/login").text
    assert keyed_app.post("/login", data={"password": "wrong"}).status_code == 401
    with TestClient(keyed_app.app, base_url="http://127.0.0.1") as browser:
        assert browser.post("/login", data={"password": KEY}).status_code == 200
        assert browser.get("/config").status_code == 200 and browser.get("/gradio_api/info").status_code == 200
        # An unknown Gradio endpoint is a 404, not Gradio's 500.
        assert browser.post("/gradio_api/run/predict", json={"data": []}).status_code == 404
    assert keyed_app.get("/config", headers=KEY_HEADER).status_code == 200


def test_without_a_key_on_loopback_the_ui_is_open(small_data):
    with TestClient(create_app(make_settings(small_data), ui=True), base_url="http://127.0.0.1") as c:
        assert c.get("/config").status_code == 200 and c.get("/").status_code == 200
        assert c.post("/gradio_api/run/predict", json={"data": []}).status_code == 404


@pytest.fixture(scope="module")
def keyed_server(serve_small):
    return serve_small(env={"CIRCULARBENCH_API_KEY": KEY})


@pytest.fixture(scope="module")
def open_wide_server(serve_small):
    """No key, bound to every interface: reachable from other hosts, so no admin actions."""
    return serve_small(env={"CIRCULARBENCH_HOST": "0.0.0.0"})


def _markdown(tmp_path, name: str, text: str):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return handle_file(str(path))


def test_gradio_client_needs_the_key(keyed_server, tmp_path):
    base, _ = keyed_server
    with pytest.raises(Exception):
        Client(base, verbose=False)
    with pytest.raises(Exception):
        Client(base, auth=("anyone", "wrong"), verbose=False)
    client = Client(base, auth=("anyone", KEY), verbose=False)
    doc = _markdown(tmp_path, "decree.md", "# Zembla Bottle Decree\n\nZembla refunds 0.25 ZMB for every returned bottle.\n")
    status, _, _ = client.predict(doc, "Zembla Bottle Decree", "NL", 2024, "law", "en", api_name="/upload")
    assert "Indexed **zembla_bottle_decree**" in status
    hits = httpx.post(f"{base}/v1/search", json={"query": "Zembla", "k": 3}, headers=KEY_HEADER,
                      timeout=60).json()["passages"]
    assert hits[0]["doc_id"] == "zembla_bottle_decree"
    status, _, _ = client.predict("zembla_bottle_decree", api_name="/delete")
    assert "Deleted" in status


def test_without_a_key_admin_actions_need_a_loopback_socket(open_wide_server, tmp_path):
    base, _ = open_wide_server  # reached through 127.0.0.1, but the socket listens on 0.0.0.0
    r = httpx.post(f"{base}/v1/documents", files={"file": ("a.md", b"# A\n\nSome text.\n")},
                   data={"title": "Open Wide", "jurisdiction": "DE"}, timeout=60)
    assert r.status_code == 403 and "CIRCULARBENCH_API_KEY" in r.json()["detail"]
    assert httpx.delete(f"{base}/v1/documents/cn_weee_recycling_regulation_2019", timeout=60).status_code == 403
    client = Client(base, verbose=False)  # no key set: the UI itself is open
    doc = _markdown(tmp_path, "a.md", "# A\n\nSome text.\n")
    with pytest.raises(Exception, match="CIRCULARBENCH_API_KEY"):
        client.predict(doc, "Open Wide", "DE", 2024, "law", "en", api_name="/upload")
    client.predict(api_name="/documents_table")  # fills the delete dropdown's choices, as the page load does
    with pytest.raises(Exception, match="CIRCULARBENCH_API_KEY"):
        client.predict("cn_weee_recycling_regulation_2019", api_name="/delete")
    docs = httpx.get(f"{base}/v1/documents", timeout=60).json()["documents"]
    assert "cn_weee_recycling_regulation_2019" in {d["doc_id"] for d in docs}


def test_gradio_handlers_show_errors_instead_of_failing(serve_small, tmp_path):
    base, _ = serve_small()
    client = Client(base, verbose=False)
    with pytest.raises(Exception, match="topic is empty"):
        client.predict("   ", "VN", "DE", "", api_name="/make_plan")
    with pytest.raises(Exception, match="Atlantis"):
        client.predict("deposits", "Atlantis,DE", "", api_name="/make_comparison")
    with pytest.raises(Exception, match="title: must not be blank"):
        client.predict(_markdown(tmp_path, "b.md", "# B\n\ntext\n"), "  ", "DE", 2024, "law", "en", api_name="/upload")
    with pytest.raises(Exception, match="doc_id: choose a document"):
        client.predict(None, api_name="/delete")


def test_chromium_signs_in_with_the_key(keyed_server):
    base, _ = keyed_server
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_page()
        page.goto(base + "/")
        expect(page.locator("input[name=password]")).to_be_visible(timeout=30000)
        assert "#question" not in page.content()
        page.fill("input[name=password]", "wrong")
        page.click("button[type=submit]")
        expect(page.locator(".error")).to_contain_text("Wrong key")
        page.fill("input[name=password]", KEY)
        page.click("button[type=submit]")
        page.wait_for_selector("#question textarea", timeout=60000)
        page.fill("#question textarea", "What must producers of electrical products pay into the fund?")
        page.click("#ask")
        expect(page.locator("#citations .cb-card, #citations .cb-refused").first).to_be_visible(timeout=60000)
        browser.close()
