"""The UI in real headless Chromium (Debian's, driven by Playwright), against `circularbench
serve` on a small real index. Screenshots of each tab go to test-output/ui/."""

import shutil
import time
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import expect, sync_playwright
from reportlab.pdfgen import canvas

from web.feedback_store import FeedbackStore


SHOTS = Path(__file__).resolve().parents[1] / "test-output" / "ui"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# No background traffic: this machine (and a user's air-gapped server) has no internet.
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-quic"]


@pytest.fixture(scope="module")
def served(serve_small):
    return serve_small(workers=1)


@pytest.fixture(scope="module")
def server(served):
    return served[0]


@pytest.fixture(scope="module")
def page(server):
    SHOTS.mkdir(parents=True, exist_ok=True)
    external: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
        pg = context.new_page()
        pg.on("request", lambda r: external.append(r.url) if not r.url.startswith(
            (server, "data:", "blob:")) else None)
        pg.goto(server + "/", wait_until="load")
        pg.wait_for_selector("#question textarea", timeout=60000)
        pg.external_requests = external
        yield pg
        browser.close()


def ask(page, question: str) -> None:
    page.fill("#question textarea", question)
    page.click("#ask")


def test_chat_answers_with_citation_cards(page):
    ask(page, "What is Singapore's 2030 target for the overall recycling rate?")
    cards = page.locator("#citations .cb-card")
    expect(cards.first).to_be_visible(timeout=60000)
    assert "Singapore" in cards.first.inner_text() and "p. " in cards.first.inner_text()
    cards.first.locator("summary").click()
    expect(cards.first.locator(".cb-page")).to_be_visible()
    page.screenshot(path=str(SHOTS / "chat.png"), full_page=True)


def test_thumbs_down_with_a_comment_is_stored(page, served):
    page.get_by_label("Comment sent with a thumbs up/down (optional)").fill("the rate is for 2030")
    page.locator("#chat").get_by_role("button", name="Dislike").last.click()
    store = FeedbackStore(served[1] / "feedback.sqlite3")
    deadline = time.monotonic() + 20
    while not store.all() and time.monotonic() < deadline:
        time.sleep(0.5)
    row = store.all()[-1]
    assert row["rating"] == -1 and row["comment"] == "the rate is for 2030" and "Singapore" in row["question"]


def test_chat_shows_a_refusal(page):
    page.get_by_role("button", name="New conversation").click()
    ask(page, "What recycling rate must manufacturers achieve for air conditioners under Japan's home appliance law?")
    refusal = page.locator("#citations .cb-refused")
    expect(refusal).to_be_visible(timeout=60000)
    assert "Japan" in refusal.inner_text()
    page.screenshot(path=str(SHOTS / "chat-refusal.png"), full_page=True)


def test_plan_renders_and_downloads_as_docx(page, tmp_path):
    page.get_by_role("tab", name="Plan").click()
    page.get_by_label("Home jurisdiction").fill("Vietnam")
    page.get_by_label("Peers (comma-separated)").fill("NL,CN")
    page.click("#plan")
    expect(page.locator("#plan-md")).to_contain_text("Step 10. Benchmarking process again", timeout=120000)
    link = page.locator('#plan-files a[download="plan.docx"]')
    expect(link).to_be_visible(timeout=60000)
    with page.expect_download() as info:
        link.click()
    path = tmp_path / "plan.docx"
    info.value.save_as(path)
    from docx import Document

    assert any(p.text.startswith("Step 5.") for p in Document(str(path)).paragraphs)
    page.screenshot(path=str(SHOTS / "plan.png"), full_page=True)


def test_compare_tab(page):
    page.get_by_role("tab", name="Compare").click()
    page.get_by_label("Jurisdictions").fill("NL,CN,JP")
    page.click("#compare")
    expect(page.locator("#compare-md")).to_contain_text("not found in the indexed documents", timeout=120000)
    page.screenshot(path=str(SHOTS / "compare.png"), full_page=True)


def _pdf(path: Path) -> Path:
    c = canvas.Canvas(str(path))
    c.drawString(60, 800, "Ruritania Glass Deposit Decree")
    c.drawString(60, 780, "Article 2: a deposit of 0.15 RUR applies to every glass jar sold in Ruritania.")
    c.showPage()
    c.save()
    return path


def test_upload_a_pdf_and_find_it(page, server, tmp_path):
    page.get_by_role("tab", name="Documents").click()
    page.set_input_files("#upload-file input[type=file]", str(_pdf(tmp_path / "decree.pdf")))
    page.fill("#upload-title textarea, #upload-title input", "Ruritania Glass Deposit Decree")
    page.fill("#upload-jurisdiction textarea, #upload-jurisdiction input", "NL")
    page.click("#upload")
    expect(page.locator("#doc-status")).to_contain_text("Indexed", timeout=120000)
    expect(page.locator("#documents")).to_contain_text("ruritania_glass_deposit_decree")
    page.screenshot(path=str(SHOTS / "documents.png"), full_page=True)
    hits = httpx.post(f"{server}/v1/search", json={"query": "Ruritania glass jar deposit", "k": 3}, timeout=60).json()
    assert hits["passages"][0]["doc_id"] == "ruritania_glass_deposit_decree"


def test_evaluation_tab_and_phone_width(page):
    page.get_by_role("tab", name="Evaluation").click()
    page.screenshot(path=str(SHOTS / "evaluation.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.get_by_role("tab", name="Chat").click()
    expect(page.locator("#question textarea")).to_be_visible()
    page.screenshot(path=str(SHOTS / "phone.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 400  # no sideways scrolling


def test_the_page_made_no_outside_requests(page):
    assert page.external_requests == []
