"""The UI in real headless Chromium (Debian's, driven by Playwright), against `circularbench
serve` on a copy of the real index, at 1366×900 and at phone width. One browser page runs
through the tests in order (they build on each other: the answer, then the reload, …).
Screenshots of each step go to test-output/ui/."""

import re
import shutil
import time
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import expect, sync_playwright
from reportlab.pdfgen import canvas

from tests.helpers import LLM_API_KEY
from web.feedback_store import FeedbackStore
from web.server import start_background, stop_background

SHOTS = Path(__file__).resolve().parents[1] / "test-output" / "ui"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# No background traffic: this machine (and a user's air-gapped server) has no internet.
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-quic"]
PACKAGING = "What recycling quotas does the Packaging Act set for plastics?"
# Latin words (letters with diacritics, digits) whose boxes lie on more than one line: a word
# broken inside ("Ger/man/y", "Crit/erio/n", a year one digit per line). CJK text may break
# between any two characters and is not counted.
BROKEN_WORDS = """(selector) => {
  const broken = [];
  for (const cell of document.querySelectorAll(selector)) {
    const walk = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    let node;
    while ((node = walk.nextNode())) {
      const re = /[A-Za-z\\u00C0-\\u024F0-9]{2,}/g;
      let m;
      while ((m = re.exec(node.data))) {
        const range = document.createRange();
        range.setStart(node, m.index);
        range.setEnd(node, m.index + m[0].length);
        const tops = new Set([...range.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.top)));
        if (tops.size > 1) broken.push(m[0]);
      }
    }
  }
  return broken;
}"""


@pytest.fixture(scope="module")
def served(real_index, llm_server, tmp_path_factory):
    """`circularbench serve` on a private copy of the real index: the extractive generator by
    default, and the session's real OpenAI-compatible server (Qwen2.5 1.5B) as "openai"."""
    settings, _ = real_index
    data = tmp_path_factory.mktemp("ui-served") / "data"
    shutil.copytree(settings.data_dir, data, ignore=shutil.ignore_patterns("feedback.sqlite3", "*.lock"))
    reports = tmp_path_factory.mktemp("ui-reports")
    proc, base = start_background(data, env={
        "CIRCULARBENCH_GENERATOR": "extractive", "CIRCULARBENCH_REPORTS_DIR": str(reports),
        "CIRCULARBENCH_OPENAI_BASE_URL": llm_server.base_url, "CIRCULARBENCH_OPENAI_MODEL": llm_server.model,
        "CIRCULARBENCH_OPENAI_API_KEY": LLM_API_KEY,
        "CIRCULARBENCH_LLM_MAX_TOKENS": "80"})  # one short answer on one thread
    yield base, data, reports
    stop_background(proc)


@pytest.fixture(scope="module")
def server(served):
    return served[0]


@pytest.fixture(scope="module")
def page(server):
    SHOTS.mkdir(parents=True, exist_ok=True)
    external: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        context = browser.new_context(viewport={"width": 1366, "height": 900}, accept_downloads=True)
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


def open_tab(page, name: str) -> None:
    """Click a tab, through the "More tabs" menu where a narrow screen hides it."""
    tab = page.get_by_role("tab", name=name, exact=True)
    if tab.count() and tab.is_visible():
        tab.click()
        return
    page.get_by_label("More tabs").click()
    page.locator(".overflow-dropdown button", has_text=name).click()


def boxes(page, *selectors: str) -> list[dict]:
    """The elements' bounding boxes read in one frame: two bounding_box() calls straddle a scroll."""
    return page.evaluate("""sels => sels.map(s => { const r = document.querySelector(s).getBoundingClientRect();
                                                      return {x: r.x, y: r.y, width: r.width, height: r.height}; })""",
                         list(selectors))


def broken_words(page, selector: str) -> list[str]:
    return page.evaluate(BROKEN_WORDS, selector)


def shoot(page, name: str, at: str = "#chat") -> None:
    """A screenshot of the viewport with ``at`` at its top (clicks scroll the page)."""
    page.evaluate("(s) => { const e = document.querySelector(s); if (e) window.scrollTo(0, e.getBoundingClientRect().top + window.scrollY - 60); }", at)
    page.screenshot(path=str(SHOTS / name))


def download(page, link, path: Path) -> Path:
    with page.expect_download() as info:
        link.click()
    info.value.save_as(path)
    return path


def test_first_screen_says_what_is_indexed_and_year_filters_are_empty(page):
    expect(page.locator("#indexed-summary")).to_contain_text(re.compile(r"\d+ documents"), timeout=30000)
    page.get_by_text("What is indexed, what the generators do").click()
    indexed = page.locator("#indexed table")
    expect(indexed).to_contain_text("Germany")
    expect(indexed).to_contain_text("Chinese")
    expect(page.locator("#onboarding")).to_contain_text("extractive")
    page.get_by_text("Filters", exact=True).click()
    for box in ("#year-from input", "#year-to input"):
        assert page.locator(box).input_value() == ""
    page.screenshot(path=str(SHOTS / "onboarding.png"), full_page=True)


def test_answer_first_with_sources_beside_it_and_the_viewer(page):
    ask(page, PACKAGING)
    cards = page.locator("#citations .cb-card")
    expect(cards.first).to_be_visible(timeout=60000)
    # Consecutive numbers, 1..k, as the answer's citations give them.
    numbers = [int(n) for n in page.locator("#citations details[open] .cb-n").all_inner_texts()]
    assert numbers == list(range(1, len(numbers) + 1))
    links = page.locator("#chat a[href^='#cb-src-']")
    expect(links.first).to_be_visible()
    cited = {int(m) for m in re.findall(r"#cb-src-\d+-(\d+)", " ".join(links.evaluate_all("as => as.map(a => a.href)")))}
    assert cited and cited <= set(numbers)
    expect(page.locator("#chat")).to_contain_text(re.compile(r"extractive · \d+\.\d s"))
    # The sources sit to the right of the answer on a desktop screen.
    chat_box, src_box = boxes(page, "#chat", "#citations")
    assert src_box["x"] >= chat_box["x"] + chat_box["width"] - 5 and src_box["y"] < chat_box["y"] + 200
    title = cards.first.locator(".cb-title")
    assert title.get_attribute("title") == title.inner_text().rstrip("…") or len(title.get_attribute("title")) > 20
    assert broken_words(page, "#citations .cb-card, #chat table") == []
    shoot(page, "chat.png")
    # [1] scrolls to its card, highlights it and opens the source at its article, quote marked.
    links.filter(has_text="[1]").first.click()
    expect(page.locator("#citations .cb-card.cb-flash")).to_have_count(1)
    viewer = page.locator("#cb-viewer")
    expect(viewer.locator("mark.cb-hl")).to_be_visible(timeout=30000)
    expect(viewer.locator("mark.cb-hl")).to_be_in_viewport()  # scrolled to the quote
    expect(viewer).to_contain_text("Verpackungsgesetz")
    expect(viewer.locator("a.cb-official")).to_have_attribute("href", re.compile(r"^https://www\.gesetze-im-internet\.de/verpackg"))
    quote = cards.first.locator("blockquote").inner_text()
    marked = viewer.locator("mark.cb-hl").inner_text()
    assert " ".join(marked.split())[:40] == " ".join(quote.split())[:40]
    assert "**" not in viewer.inner_text() and "###" not in viewer.inner_text()
    page.screenshot(path=str(SHOTS / "viewer.png"))
    page.click("#cb-viewer-close")
    expect(viewer).to_be_hidden()


def test_thumbs_down_with_a_comment_is_stored(page, served):
    page.get_by_label("Comment sent with a thumbs up/down on an answer (optional)").fill("quotas for 2030 missing")
    page.locator("#chat").get_by_role("button", name="Dislike").last.click()
    store = FeedbackStore(served[1] / "feedback.sqlite3")
    deadline = time.monotonic() + 20
    while not store.all() and time.monotonic() < deadline:
        time.sleep(0.5)
    row = store.all()[-1]
    assert row["rating"] == -1 and row["comment"] == "quotas for 2030 missing" and "Packaging Act" in row["question"]


def test_the_conversation_survives_a_reload_and_exports(page, tmp_path):
    page.reload(wait_until="load")
    page.wait_for_selector("#question textarea", timeout=60000)
    expect(page.locator("#chat")).to_contain_text(PACKAGING, timeout=30000)
    expect(page.locator("#citations .cb-card").first).to_be_visible()
    shoot(page, "reloaded.png")
    page.click("#export")
    md_link = page.locator('#export-files a[download="conversation.md"]')
    expect(md_link).to_be_visible(timeout=30000)
    md = download(page, md_link, tmp_path / "conversation.md").read_text(encoding="utf-8")
    assert PACKAGING in md and "**Sources**" in md and "“" in md and "gesetze-im-internet.de" in md
    docx = download(page, page.locator('#export-files a[download="conversation.docx"]'), tmp_path / "c.docx")
    from docx import Document

    document = Document(str(docx))
    assert any(PACKAGING in p.text for p in document.paragraphs) and document.tables
    page.click("#new-conversation")
    expect(page.locator("#chat")).not_to_contain_text(PACKAGING)
    page.locator("#past input").click()
    expect(page.get_by_role("option", name=re.compile("Packaging Act"))).to_be_visible()
    page.keyboard.press("Escape")


def test_chat_shows_a_refusal_once_with_nearby_topics_once_each(page):
    ask(page, "What recycling rate must manufacturers achieve for air conditioners under Japan's home appliance law?")
    chat = page.locator("#chat")
    expect(chat).to_contain_text("Not in the indexed documents", timeout=60000)
    expect(page.locator("#citations")).to_contain_text("No sources")
    text = page.locator("body").inner_text()
    assert text.count("Not in the indexed documents") == 1 and "Japan" in text
    topics = chat.locator("li").all_inner_texts()
    assert topics and len(topics) == len(set(topics))
    shoot(page, "chat-refusal.png")


# Whether the page's font draws CJK characters: without one, Chromium draws every character as
# the same empty box, so two different characters (and a private-use one) paint alike.
CJK_GLYPHS = """(selector) => {
  const el = [...document.querySelectorAll(selector)].find(e => /[\\u4e00-\\u9fff]/.test(e.textContent));
  if (!el) return "no Chinese text";
  const c = document.createElement("canvas");
  c.width = c.height = 64;
  const ctx = c.getContext("2d");
  const paint = (ch) => {
    ctx.clearRect(0, 0, 64, 64);
    ctx.font = "48px " + getComputedStyle(el).fontFamily;
    ctx.fillText(ch, 4, 52);
    return ctx.getImageData(0, 0, 64, 64).data.join(",");
  };
  const [hui, kou, none] = [paint("回"), paint("口"), paint("\\ue000")];
  return hui !== kou && hui !== none && kou !== none ? "glyphs" : "boxes";
}"""


def test_chinese_sources_render_in_a_cjk_font(page):
    ask(page, "What must enterprises that recycle end-of-life vehicles do under China's measures?")
    cards = page.locator("#citations .cb-card")
    expect(cards.first).to_be_visible(timeout=60000)
    expect(page.locator("#citations")).to_contain_text(re.compile("[\u4e00-\u9fff]{4}"))
    assert page.evaluate(CJK_GLYPHS, "#citations blockquote") == "glyphs"
    shoot(page, "chat-cjk.png")


def test_an_llm_answer_streams_visibly_and_names_its_generator(page):
    page.click("#new-conversation")
    page.locator("#generator input").click()
    page.get_by_role("option", name="openai", exact=True).click()
    ask(page, "What share of plastic packaging must be recycled in Germany?")
    # Tokens arrive one by one: the reply grows behind a cursor before the answer is done.
    partial = page.wait_for_function(
        "() => { const t = document.querySelector('#chat').innerText; return t.includes('▌') && t; }",
        timeout=240000).json_value()
    page.wait_for_function(
        "(n) => { const t = document.querySelector('#chat').innerText; return t.includes('▌') && t.length > n; }",
        arg=len(partial), timeout=120000)
    shoot(page, "chat-streaming.png")
    expect(page.locator("#chat")).to_contain_text(re.compile(r"openai-compat · \d+\.\d s"), timeout=300000)
    assert "▌" not in page.locator("#chat").inner_text()
    expect(page.locator("#citations .cb-card").first).to_be_visible()
    # The German quote comes with its English rendering beside it (or says why it was withheld).
    expect(page.locator("#citations details[open] .cb-english").first).to_contain_text(
        re.compile("English \\(machine translation, checked\\)|Machine translation withheld"))
    shoot(page, "chat-llm.png")
    page.locator("#generator input").click()
    page.get_by_role("option", name="extractive", exact=True).click()


def test_plan_renders_fits_and_downloads_as_docx(page, tmp_path):
    page.get_by_role("tab", name="Plan").click()
    page.get_by_label("Home jurisdiction").fill("Vietnam")
    page.get_by_label("Peers (comma-separated)").fill("NL,CN")
    page.click("#plan")
    expect(page.locator("#plan-md")).to_contain_text("Step 10. Benchmarking process again", timeout=120000)
    link = page.locator('#plan-files a[download="plan.docx"]')
    expect(link).to_be_visible(timeout=60000)
    path = download(page, link, tmp_path / "plan.docx")
    from docx import Document

    assert any(p.text.startswith("Step 5.") for p in Document(str(path)).paragraphs)
    expect(page.locator("#plan-md table").first).to_be_visible()
    assert broken_words(page, "#plan-md table td, #plan-md table th, #plan-sources .cb-card") == []
    page.locator("#plan-sources .cb-open").first.click()
    expect(page.locator("#cb-viewer .cb-viewer-doc")).to_be_visible(timeout=30000)
    page.click("#cb-viewer-close")
    page.screenshot(path=str(SHOTS / "plan.png"), full_page=True)


def test_compare_fits_and_downloads_as_csv_and_xlsx(page, tmp_path):
    page.get_by_role("tab", name="Compare").click()
    # By id: the chat filters also hold a "Jurisdictions" field, which a fill made while the tab mounts could reach.
    field = page.locator("#compare-jurisdictions textarea, #compare-jurisdictions input")
    field.fill("DE,NL,CN,JP")
    expect(field).to_have_value("DE,NL,CN,JP")
    page.click("#compare")
    table = page.locator("#compare-md table")
    expect(table).to_contain_text("Germany", timeout=120000)
    expect(table).to_contain_text("not found in the indexed documents")
    assert broken_words(page, "#compare-md td, #compare-md th") == []
    csv_path = download(page, page.locator('#compare-files a[download="comparison.csv"]'), tmp_path / "c.csv")
    import csv

    rows = list(csv.reader(csv_path.open(encoding="utf-8-sig")))
    assert rows[0][:2] == ["jurisdiction", "code"] and {r[1] for r in rows[1:5]} == {"DE", "NL", "CN", "JP"}
    from openpyxl import load_workbook

    sheet = download(page, page.locator('#compare-files a[download="comparison.xlsx"]'), tmp_path / "c.xlsx")
    book = load_workbook(sheet)
    assert book.sheetnames == ["Comparison", "Figures", "Sources"]
    assert [r[1] for r in book["Comparison"].iter_rows(min_row=2, values_only=True)] == ["DE", "NL", "CN", "JP"]
    page.locator("#compare-md a.cb-cite").first.click()
    expect(page.locator("#cb-viewer mark.cb-hl")).to_be_visible(timeout=30000)
    page.screenshot(path=str(SHOTS / "compare-viewer.png"))
    page.click("#cb-viewer-close")
    page.screenshot(path=str(SHOTS / "compare.png"), full_page=True)


def _pdf(path: Path) -> Path:
    c = canvas.Canvas(str(path))
    c.drawString(60, 800, "Ruritania Glass Deposit Decree")
    c.drawString(60, 780, "Article 2: a deposit of 0.15 RUR applies to every glass jar sold in Ruritania.")
    c.showPage()
    c.save()
    return path


def test_documents_search_upload_and_delete_with_confirmation(page, server, tmp_path):
    page.get_by_role("tab", name="Documents").click()
    table = page.locator("#documents table")
    expect(table).to_contain_text("Verpackungsgesetz", timeout=30000)
    extents = page.locator("#documents tbody tr td:nth-child(6)").all_inner_texts()
    assert extents and all(re.fullmatch(r"\d+ (pages|articles|sections)", e) for e in extents), extents
    assert broken_words(page, "#documents td, #documents th") == []
    page.fill("#doc-search input, #doc-search textarea", "Germany law")
    expect(page.locator("#documents tbody tr")).to_have_count(5)
    page.fill("#doc-search input, #doc-search textarea", "")
    page.get_by_text("Upload a document").click()
    page.set_input_files("#upload-file input[type=file]", str(_pdf(tmp_path / "decree.pdf")))
    page.fill("#upload-title textarea, #upload-title input", "Ruritania Glass Deposit Decree")
    page.fill("#upload-jurisdiction textarea, #upload-jurisdiction input", "NL")
    page.click("#upload")
    expect(page.locator("#doc-status")).to_contain_text("Indexed", timeout=120000)
    expect(page.locator("#documents")).to_contain_text("ruritania_glass_deposit_decree")
    hits = httpx.post(f"{server}/v1/search", json={"query": "Ruritania glass jar deposit", "k": 3}, timeout=60).json()
    assert hits["passages"][0]["doc_id"] == "ruritania_glass_deposit_decree"
    page.screenshot(path=str(SHOTS / "documents.png"), full_page=True)
    page.fill("#delete-id input", "Ruritania")
    page.get_by_role("option", name=re.compile("ruritania_glass_deposit_decree")).click()
    page.click("#delete")
    expect(page.locator("#delete-confirm")).to_be_visible()
    assert "ruritania_glass_deposit_decree" in page.locator("#documents").inner_text()  # nothing deleted yet
    page.click("#delete-confirm")
    expect(page.locator("#doc-status")).to_contain_text("Deleted", timeout=120000)
    expect(page.locator("#documents")).not_to_contain_text("ruritania_glass_deposit_decree")


def test_evaluation_runs_from_its_tab_and_phone_width(page, served):
    page.get_by_role("tab", name="Evaluation").click()
    expect(page.locator("#eval-report")).to_contain_text("No evaluation report yet")
    page.click("#eval-run")  # the dev split, extractive, over the served index
    expect(page.locator(".progress-text, .eta-bar, .progress-level").first).to_be_attached(timeout=60000)
    expect(page.locator("#eval-report")).to_contain_text("splits **dev**".replace("**", ""), timeout=300000)
    assert [p.name for p in served[2].iterdir()] and "Retrieval — dev" in page.locator("#eval-report").inner_text()
    page.screenshot(path=str(SHOTS / "evaluation.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.wait_for_timeout(800)  # the tab bar moves tabs that no longer fit into its "More tabs" menu
    open_tab(page, "Compare")
    expect(page.locator("#compare-md table")).to_be_visible()
    assert broken_words(page, "#compare-md td, #compare-md th") == []
    page.screenshot(path=str(SHOTS / "phone-compare.png"), full_page=True)
    open_tab(page, "Chat")
    expect(page.locator("#question textarea")).to_be_visible()
    page.locator("#past input").click()
    page.get_by_role("option", name=re.compile("Packaging Act")).click()
    expect(page.locator("#citations .cb-card").first).to_be_visible(timeout=30000)
    # On a phone the sources come right below the answer, not beside it.
    chat_box, src_box = boxes(page, "#chat", "#citations")
    assert src_box["y"] >= chat_box["y"] + chat_box["height"] - 5
    assert broken_words(page, "#citations .cb-card, #chat table") == []
    page.screenshot(path=str(SHOTS / "phone.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 400  # no sideways scrolling
    page.set_viewport_size({"width": 1366, "height": 900})


def test_the_page_made_no_outside_requests(page):
    assert page.external_requests == []
