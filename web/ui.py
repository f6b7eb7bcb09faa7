"""The Gradio UI, mounted on the API app at ``/``: chat with the answer first and its sources
beside it, a source viewer (the PDF page with the quote highlighted, or the law's article),
plans, comparisons, documents and the latest evaluation. It calls the library directly (the
index snapshots, the document service, circularbench/viewer.py), never the API's routes; every
handler shows its errors as a message in the page. What the page shows is built in
web/ui_render.py; its style and its one script are web/static/ui.css and ui.js.

The conversation lives in the browser (gr.BrowserState), so a reload keeps it, with earlier
conversations and the chosen generator.

Nothing here needs the internet: system fonts only, no analytics, no share links.
"""

from __future__ import annotations

import functools
import html
import inspect
import json
import tempfile
import time
from pathlib import Path

import gradio as gr

from assistant import jurisdictions as jur
from assistant.plan_export import comparison_markdown, comparison_xlsx, plan_docx, plan_markdown
from assistant.plans import Planner
from assistant.snapshot import IndexSnapshots
from assistant.text import language_name
from circularbench.documents import DocumentService
from circularbench.settings import Settings
from circularbench.types import SearchFilters, Turn
from circularbench.viewer import open_source
from evals.dataset import SPLITS
from evals.report import CHARTS, latest_report, write_report
from evals.runner import EvalConfig, run_eval
from web import ui_render as R
from web.auth import client_has_key
from web.dependencies import admin_refusal
from web.feedback_store import FeedbackStore

STATIC = Path(__file__).resolve().parent / "static"
CSS = (STATIC / "ui.css").read_text(encoding="utf-8")
JS_LINKS = (STATIC / "ui.js").read_text(encoding="utf-8")
EXAMPLES = [
    "What recycling quotas does the Packaging Act set for plastics?",
    "How does China define the circular economy?",
    "What minimum recycled content must plastic beverage bottles contain under the EU packaging regulation?",
    "What is Singapore's 2030 target for the overall recycling rate?",
    "What is step 5 of the circular economy benchmarking process?",
]
STORAGE_KEY = "circularbench-conversation-v1"
MAX_PAST = 20


def visible_errors(fn):
    """Any error of a handler becomes a message in the page (gr.Error), not a failed request."""

    def message(exc: Exception) -> str:
        return str(exc) or type(exc).__name__

    if inspect.isgeneratorfunction(fn):
        @functools.wraps(fn)
        def stream(*args, **kwargs):
            try:
                yield from fn(*args, **kwargs)
            except gr.Error:
                raise
            except Exception as exc:
                raise gr.Error(message(exc)) from exc
        return stream

    @functools.wraps(fn)
    def call(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except gr.Error:
            raise
        except Exception as exc:
            raise gr.Error(message(exc)) from exc
    return call


def _conv(value) -> dict:
    """The stored conversation, whatever the browser held (nothing, an old shape, junk)."""
    conv = value if isinstance(value, dict) else {}
    turns = [t for t in conv.get("turns") or [] if isinstance(t, dict) and "question" in t and "answer" in t]
    past = [p for p in conv.get("past") or [] if isinstance(p, dict) and p.get("turns")]
    return {"turns": turns, "past": past[-MAX_PAST:], "generator": conv.get("generator") or ""}


def messages(turns: list[dict]) -> list[dict]:
    out = []
    for i, t in enumerate(turns):
        out += [{"role": "user", "content": t["question"]}, {"role": "assistant", "content": R.answer_markdown(t, i)}]
    return out


def _past_choices(conv: dict) -> list[tuple[str, int]]:
    return [(f"{p['turns'][0]['question'][:70]} ({len(p['turns'])} answers)", i)
            for i, p in reversed(list(enumerate(conv["past"])))]


def build_ui(snapshots: IndexSnapshots, docs: DocumentService, settings: Settings) -> gr.Blocks:
    store = FeedbackStore(settings.data_dir / "feedback.sqlite3")
    generator_choices = ["auto", "extractive", "local", "openai"]

    def check_admin(request: gr.Request) -> None:
        scope = request.request.scope
        reason = admin_refusal(settings, bool(settings.api_key) and client_has_key(scope, settings.api_key), scope)
        if reason:
            raise gr.Error(reason)

    def indexed() -> list:
        try:
            return docs.list()
        except Exception:  # no index yet
            return []

    def jurisdiction_choices() -> list[str]:
        try:
            codes = sorted(snapshots.current().retriever.jurisdictions)
        except Exception:  # no index yet: the filter is simply empty
            codes = []
        return [f"{code} — {jur.name(code)}" for code in codes]

    def year_choices() -> list[int]:
        return sorted({d.year for d in indexed() if d.year})

    def source_urls(turns: list[dict]) -> dict[str, str]:
        urls = {}
        for doc_id in {c["doc_id"] for t in turns for c in t.get("citations") or []}:
            try:
                urls[doc_id] = docs.record(doc_id).source_url
            except Exception:
                pass
        return urls

    def filters_from(jurs, year_from, year_to, doc_types, languages) -> SearchFilters:
        return SearchFilters(
            jurisdictions=[j.split(" — ")[0] for j in jurs or []],
            year_from=int(year_from) if year_from else None, year_to=int(year_to) if year_to else None,
            doc_types=doc_types or [], languages=languages or [],
        )

    # --- chat -------------------------------------------------------------------------------
    @visible_errors
    def respond(message, conv, generator, jurs, year_from, year_to, doc_types, languages):
        conv = _conv(conv)
        turns = conv["turns"]
        message = (message or "").strip()
        if not message:
            yield gr.update(), conv, "", gr.update()
            return
        history = [Turn(question=t["question"][:4000], answer=t["answer"][:20000]) for t in turns]
        filters = filters_from(jurs, year_from, year_to, doc_types, languages)
        bot = snapshots.current()  # one snapshot for the whole answer
        chat = messages(turns) + [{"role": "user", "content": message}, {"role": "assistant", "content": "…"}]
        yield chat, gr.update(), "", gr.update()
        started = time.monotonic()
        draft, answer = "", None
        for event in bot.stream(message, filters=filters, history=history, generator=generator):
            if event.kind == "token":
                draft += event.text
                chat[-1]["content"] = draft + " ▌"
                yield chat, gr.update(), "", gr.update()
            else:
                answer = event.answer
        turn = R.turn_record(answer, time.monotonic() - started, generator)
        conv["turns"] = turns + [turn]
        conv["generator"] = generator
        yield messages(conv["turns"]), conv, "", R.sources_html(conv["turns"])

    def restore(conv):
        conv = _conv(conv)
        gen = conv["generator"] if conv["generator"] in generator_choices else settings.generator
        return (messages(conv["turns"]), R.sources_html(conv["turns"]), gen,
                gr.update(choices=_past_choices(conv), value=None))

    def new_conversation(conv):
        conv = _conv(conv)
        if conv["turns"]:
            conv["past"] = (conv["past"] + [{"turns": conv["turns"]}])[-MAX_PAST:]
        conv["turns"] = []
        return (conv, [], R.sources_html([]), gr.update(choices=_past_choices(conv), value=None),
                gr.update(value=None, visible=False))

    def reopen(choice, conv):
        conv = _conv(conv)
        if choice is None or not 0 <= int(choice) < len(conv["past"]):
            return gr.update(), gr.update(), gr.update(), gr.update()
        picked = conv["past"].pop(int(choice))
        if conv["turns"]:
            conv["past"].append({"turns": conv["turns"]})
        conv["turns"] = picked["turns"]
        return conv, messages(conv["turns"]), R.sources_html(conv["turns"]), gr.update(choices=_past_choices(conv), value=None)

    def remember_generator(generator, conv):
        conv = _conv(conv)
        conv["generator"] = generator
        return conv

    @visible_errors
    def export(conv):
        turns = _conv(conv)["turns"]
        if not turns:
            raise gr.Error("conversation: ask a question first")
        urls = source_urls(turns)
        folder = Path(tempfile.mkdtemp(prefix="cb-chat-"))
        (folder / "conversation.md").write_text(R.conversation_markdown(turns, urls), encoding="utf-8")
        R.conversation_docx(turns, folder / "conversation.docx", urls)
        return gr.update(value=[str(folder / "conversation.md"), str(folder / "conversation.docx")], visible=True)

    @visible_errors
    def on_like(data: gr.LikeData, conv, comment):
        turns = _conv(conv)["turns"]
        index = data.index if isinstance(data.index, int) else data.index[0]
        turn = turns[min(len(turns) - 1, index // 2)] if turns else {"question": "", "answer": ""}
        store.add(turn["question"] or "(unknown)", turn["answer"], 1 if data.liked else -1, comment or "")
        gr.Info("Thanks — feedback saved for “" + turn["question"][:60] + "”.")
        return ""

    # --- the source viewer -----------------------------------------------------------------
    @visible_errors
    def open_citation(evt: gr.EventData):
        data = getattr(evt, "_data", None) or {}
        doc_id = str(data.get("doc") or "")
        if not doc_id:
            return gr.update(), gr.update()
        record = docs.record(doc_id)
        page = str(data.get("page") or "")
        view = open_source(settings.corpus_dir, record, page=int(page) if page.isdigit() else None,
                           section=str(data.get("section") or ""), quote=str(data.get("quote") or ""),
                           chunk_size=settings.chunk_size, overlap=settings.chunk_overlap)
        return gr.update(visible=True), R.viewer_html(view)

    # --- plans and comparisons -------------------------------------------------------------
    @visible_errors
    def make_plan(topic, home, peers, criteria):
        plan = Planner(snapshots.current()).plan(topic or "", home or "", [p for p in (peers or "").split(",") if p.strip()],
                                                [c.strip() for c in criteria.split(",") if c.strip()] if criteria else None)
        folder = Path(tempfile.mkdtemp(prefix="cb-plan-"))
        md = plan_markdown(plan)
        (folder / "plan.md").write_text(md, encoding="utf-8")
        (folder / "plan.json").write_text(plan.model_dump_json(indent=1), encoding="utf-8")
        plan_docx(plan, folder / "plan.docx")
        body, _ = R.link_plan_markers(md)
        return body, R.plan_sources_html(plan), [str(folder / "plan.docx"), str(folder / "plan.md"), str(folder / "plan.json")]

    @visible_errors
    def make_comparison(criterion, jurisdictions, columns):
        result = Planner(snapshots.current()).compare(
            criterion or "", [j for j in (jurisdictions or "").split(",") if j.strip()],
            [c.strip() for c in columns.split(",") if c.strip()] if columns else None)
        folder = Path(tempfile.mkdtemp(prefix="cb-compare-"))
        (folder / "comparison.csv").write_text(R.comparison_csv(result), encoding="utf-8-sig")
        (folder / "comparison.md").write_text(comparison_markdown(result), encoding="utf-8")
        (folder / "comparison.json").write_text(result.model_dump_json(indent=1), encoding="utf-8")
        comparison_xlsx(result, folder / "comparison.xlsx")
        files = [str(folder / n) for n in ("comparison.xlsx", "comparison.csv", "comparison.md", "comparison.json")]
        return R.comparison_html(result), files

    # --- documents -------------------------------------------------------------------------
    def extent(summaries) -> dict[str, str]:
        """"12 pages" for a PDF; "45 articles" (laws) or "8 sections" for files without pages."""
        try:
            chunks = snapshots.current().retriever.chunks.values()
        except Exception:
            chunks = []
        sections: dict[str, set[str]] = {}
        articles: dict[str, set[str]] = {}
        for c in chunks:
            if c.section:
                sections.setdefault(c.doc_id, set()).add(c.section)
                if c.section[:1] in "§第" or c.section.split(" ")[0] in {"Article", "Artikel", "Art.", "Sec.", "Section"}:
                    articles.setdefault(c.doc_id, set()).add(c.section)
        out = {}
        for d in summaries:
            if d.pages:
                out[d.doc_id] = f"{d.pages} pages"
            elif articles.get(d.doc_id):
                out[d.doc_id] = f"{len(articles[d.doc_id])} articles"
            elif sections.get(d.doc_id):
                out[d.doc_id] = f"{len(sections[d.doc_id])} sections"
            else:
                out[d.doc_id] = "1 text"
        return out

    @visible_errors
    def documents_table(query=""):
        summaries = indexed()
        sizes = extent(summaries)
        words = (query or "").lower().split()
        rows = []
        for d in summaries:
            hay = " ".join([d.title, d.doc_id, d.jurisdiction, jur.name(d.jurisdiction), str(d.year or ""), d.doc_type,
                            language_name(d.language)]).lower()
            if words and not all(w in hay for w in words):
                continue
            open_btn = R._open_button({"doc_id": d.doc_id, "page": 1 if d.pages else "", "section": "", "quote": ""}, "Open")
            rows.append([f'<span title="{R.esc(d.title)}">{R.esc(d.title)}</span><br><span class="cb-doc-id">{R.esc(d.doc_id)}</span>',
                         R.esc(jur.name(d.jurisdiction)), R.esc(d.year or "n.d."), R.esc(d.doc_type), R.esc(language_name(d.language)),
                         R.esc(sizes[d.doc_id]), str(d.chunks), "uploaded" if d.uploaded else "corpus", open_btn])
        table = R.table_html(["Title", "Jurisdiction", "Year", "Type", "Language", "Pages / articles", "Chunks", "Origin", ""],
                             rows, "cb-docs", raw=True)
        note = f"{len(rows)} of {len(summaries)} documents" + (f" match “{html.escape(query)}”" if words else "")
        choices = [(f"{d.title[:80]} ({d.doc_id})", d.doc_id) for d in summaries]
        return f'<div class="cb-note">{note}</div>{table}', gr.update(choices=choices)

    @visible_errors
    def upload(file, title, jurisdiction, year, doc_type, language, request: gr.Request, progress=gr.Progress()):
        check_admin(request)
        if file is None:
            raise gr.Error("file: choose a file first")
        progress(0.1, desc="checking the file")
        with open(file, "rb") as fh:
            progress(0.3, desc="indexing (embedding the text)")
            summary = docs.upload(fh, title=title or "", jurisdiction=jurisdiction or "", doc_type=doc_type or "report",
                                  language=language or "en", year=int(year) if year else None,
                                  filename=Path(file).name)
        progress(1.0, desc="indexed")
        table, choices = documents_table()  # then filtered again by the search box
        return f"Indexed **{summary.doc_id}** ({summary.title}): {summary.chunks} chunks.", table, choices

    def ask_delete(doc_id):
        if not doc_id:
            raise gr.Error("doc_id: choose a document")
        return gr.update(visible=True), f"Delete **{doc_id}** from the index? Its search entries are removed; a corpus document comes back with the next `corpus sync`."

    @visible_errors
    def delete(doc_id, request: gr.Request):
        check_admin(request)
        if not doc_id:
            raise gr.Error("doc_id: choose a document")
        docs.delete(doc_id)
        table, choices = documents_table()
        return f"Deleted **{doc_id}**.", table, choices

    def latest_data() -> dict | None:
        """The latest evaluation report's figures, if there is one."""
        folder = latest_report(settings.reports_dir)
        try:
            return json.loads((folder / "report.json").read_text(encoding="utf-8")) if folder else None
        except (OSError, ValueError):
            return None

    @visible_errors
    def evaluation():
        folder = latest_report(settings.reports_dir)
        if folder is None:
            return "No evaluation report yet: run `circularbench eval`.", None, None, None
        # The report's tables (splits, retrieval, answers, where answers were lost, the worst
        # questions), then its charts.
        text = (folder / "report.md").read_text(encoding="utf-8").split("![")[0]
        return (text, *(str(folder / name) for name in CHARTS))

    @visible_errors
    def run_evaluation(splits, progress=gr.Progress()):
        """Evaluate the extractive path on the chosen splits over the current index, report saved
        beside the others; the bar follows every question ranked and answered."""
        config = EvalConfig(splits=list(splits or ["dev"]), generators=["extractive"], baselines=False, plans=False)

        def report(stage: str, done: int, total: int) -> None:
            progress(done / max(total, 1), desc=f"{stage}: {done} of {total}")

        data = run_eval(settings, config, snapshots.current(), progress=report).summary()
        write_report(data, settings.reports_dir)
        return evaluation()

    def onboarding():
        line, table = R.index_summary(indexed())
        return f"{line}", table

    # --- layout ----------------------------------------------------------------------------
    with gr.Blocks(title="circularbench", analytics_enabled=False) as ui:
        conv = gr.BrowserState({"turns": [], "past": [], "generator": ""}, storage_key=STORAGE_KEY)
        gr.Markdown("## circularbench — benchmark circular-economy policy against the documents")
        with gr.Tab("Chat"):
            summary_md = gr.Markdown(elem_id="indexed-summary")
            with gr.Accordion("What is indexed, what the generators do, questions to try", open=False, elem_id="onboarding"):
                indexed_html = gr.HTML(elem_id="indexed")
                gr.HTML("<b>Generators</b>" + R.generators_html(generator_choices, latest_data()))
                gr.Markdown("Every sentence of an answer cites a passage; click **[n]** to see the passage, "
                            "**Open source** to read the page or article with the quote highlighted.")
            with gr.Row(equal_height=False, elem_id="cb-answer-row"):
                with gr.Column(scale=3, min_width=340):
                    chat = gr.Chatbot(height=560, label="Answers cite the indexed documents", elem_id="chat",
                                      sanitize_html=True)
                with gr.Column(scale=2, min_width=300, elem_id="cb-sources-col"):
                    sources = gr.HTML(R.sources_html([]), elem_id="citations", js_on_load=JS_LINKS, label="Sources")
            comment = gr.Textbox(label="Comment sent with a thumbs up/down on an answer (optional)", elem_id="comment",
                                 max_lines=2)
            question = gr.Textbox(placeholder="Ask a benchmarking question…", show_label=False, elem_id="question")
            with gr.Row():
                send = gr.Button("Ask", variant="primary", elem_id="ask")
                clear = gr.Button("New conversation", elem_id="new-conversation")
                export_btn = gr.Button("Export conversation (Markdown, DOCX)", elem_id="export")
            gr.Examples(EXAMPLES, inputs=question, label="Questions to try")
            with gr.Row():
                generator = gr.Dropdown(generator_choices, value=settings.generator, label="Generator",
                                        info="auto: the best installed · extractive: quotes, instant · local: CPU LLM · openai: your server",
                                        elem_id="generator")
                past = gr.Dropdown([], value=None, label="Earlier conversations", elem_id="past")
            with gr.Accordion("Filters", open=False):
                jurs = gr.Dropdown(jurisdiction_choices(), multiselect=True, label="Jurisdictions")
                with gr.Row():
                    years = year_choices()
                    year_from = gr.Dropdown(years, value=None, label="From year", allow_custom_value=True, elem_id="year-from")
                    year_to = gr.Dropdown(years, value=None, label="To year", allow_custom_value=True, elem_id="year-to")
                doc_types = gr.Dropdown(["law", "strategy", "report", "paper", "statistics", "plan", "roadmap"],
                                        multiselect=True, label="Document types")
                languages = gr.Dropdown(["en", "de", "zh", "nl"], multiselect=True, label="Languages")
            export_files = gr.File(label="Conversation export", file_count="multiple", elem_id="export-files",
                                   visible=False)
            inputs = [question, conv, generator, jurs, year_from, year_to, doc_types, languages]
            send.click(respond, inputs, [chat, conv, question, sources])
            question.submit(respond, inputs, [chat, conv, question, sources])
            clear.click(new_conversation, conv, [conv, chat, sources, past, export_files])
            past.select(reopen, [past, conv], [conv, chat, sources, past])
            generator.change(remember_generator, [generator, conv], conv)
            export_btn.click(export, conv, export_files)
            chat.like(on_like, [conv, comment], comment)
        with gr.Tab("Plan"):
            with gr.Row():
                topic = gr.Textbox("packaging recycling", label="Topic")
                home = gr.Textbox("VN", label="Home jurisdiction")
                peers = gr.Textbox("DE,EU", label="Peers (comma-separated)")
                criteria = gr.Textbox("", label="Gap-table criteria (optional)")
            plan_btn = gr.Button("Draft the 10-step plan", variant="primary", elem_id="plan")
            plan_files = gr.File(label="Download (DOCX, Markdown, JSON)", file_count="multiple", elem_id="plan-files")
            plan_md = gr.Markdown(elem_id="plan-md")
            plan_sources = gr.HTML(elem_id="plan-sources", js_on_load=None)
            plan_btn.click(make_plan, [topic, home, peers, criteria], [plan_md, plan_sources, plan_files])
        with gr.Tab("Compare"):
            with gr.Row():
                criterion = gr.Textbox("recycling targets for plastic packaging", label="Criterion")
                cmp_jurs = gr.Textbox("DE,NL,CN,EU", label="Jurisdictions to compare", elem_id="compare-jurisdictions")
                columns = gr.Textbox("", label="Sub-criteria as columns (optional)")
            cmp_btn = gr.Button("Compare", variant="primary", elem_id="compare")
            cmp_files = gr.File(label="Download (CSV, Markdown, JSON)", file_count="multiple", elem_id="compare-files")
            cmp_html = gr.HTML(elem_id="compare-md", js_on_load=None)
            cmp_btn.click(make_comparison, [criterion, cmp_jurs, columns], [cmp_html, cmp_files])
        with gr.Tab("Documents"):
            doc_query = gr.Textbox(placeholder="Search titles, jurisdictions, years, types…", show_label=False,
                                   elem_id="doc-search")
            doc_table = gr.HTML(elem_id="documents", js_on_load=None)
            with gr.Accordion("Upload a document", open=False):
                with gr.Row():
                    up_file = gr.File(label="PDF, Markdown, text or HTML", type="filepath", elem_id="upload-file")
                    with gr.Column():
                        up_title = gr.Textbox(label="Title", elem_id="upload-title")
                        up_jur = gr.Textbox(label="Jurisdiction (code or name)", elem_id="upload-jurisdiction")
                        with gr.Row():
                            up_year = gr.Number(None, label="Year", precision=0)
                            up_type = gr.Textbox("report", label="Type")
                            up_lang = gr.Textbox("en", label="Language")
                        up_btn = gr.Button("Upload and index", variant="primary", elem_id="upload")
            with gr.Row():
                del_id = gr.Dropdown([], label="Document to delete", elem_id="delete-id")
                del_btn = gr.Button("Delete…", variant="stop", elem_id="delete")
            with gr.Row(visible=False) as confirm_row:
                confirm_md = gr.Markdown()
                confirm_btn = gr.Button("Yes, delete it", variant="stop", elem_id="delete-confirm")
                cancel_btn = gr.Button("Cancel", elem_id="delete-cancel")
            doc_status = gr.Markdown(elem_id="doc-status")
            doc_query.change(documents_table, doc_query, [doc_table, del_id], api_name="search_documents")
            up_btn.click(upload, [up_file, up_title, up_jur, up_year, up_type, up_lang], [doc_status, doc_table, del_id]).then(
                documents_table, doc_query, [doc_table, del_id], api_name=False)
            del_btn.click(ask_delete, del_id, [confirm_row, confirm_md])
            cancel_btn.click(lambda: gr.update(visible=False), None, confirm_row, api_name=False)
            confirm_btn.click(delete, del_id, [doc_status, doc_table, del_id]).then(
                lambda: gr.update(visible=False), None, confirm_row, api_name=False).then(
                documents_table, doc_query, [doc_table, del_id], api_name=False)
        with gr.Tab("Evaluation"):
            with gr.Row():
                eval_splits = gr.Dropdown(list(SPLITS), value=["dev"], multiselect=True, label="Splits",
                                          info="dev ≈ 1 min; every split ≈ 4 min on 2 cores", elem_id="eval-splits")
                eval_run = gr.Button("Run the evaluation now (extractive)", elem_id="eval-run")
            eval_md = gr.Markdown(elem_id="eval-report")
            with gr.Row():
                chart1 = gr.Image(label="Retrieval by category", interactive=False)
                chart_loss = gr.Image(label="Where answers were lost", interactive=False)
                chart2 = gr.Image(label="Latency", interactive=False)
        with gr.Column(visible=False, elem_id="cb-viewer") as viewer:
            viewer_close = gr.Button("Close ✕", size="sm", elem_id="cb-viewer-close")
            viewer_body = gr.HTML(elem_id="cb-viewer-body", js_on_load=None)
        sources.click(open_citation, None, [viewer, viewer_body])
        viewer_close.click(lambda: gr.update(visible=False), None, viewer)
        ui.load(restore, conv, [chat, sources, generator, past])
        ui.load(onboarding, None, [summary_md, indexed_html])
        ui.load(documents_table, None, [doc_table, del_id], api_name="documents_table")
        ui.load(evaluation, None, [eval_md, chart1, chart_loss, chart2])
        eval_run.click(run_evaluation, eval_splits, [eval_md, chart1, chart_loss, chart2])
    return ui


def theme() -> gr.themes.Base:
    """System fonts only: the default theme would fetch web fonts."""
    return gr.themes.Default(font=["system-ui", "Segoe UI", "Helvetica", "Arial", "sans-serif"],
                             font_mono=["ui-monospace", "Consolas", "monospace"])
