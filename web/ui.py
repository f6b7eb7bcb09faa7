"""The Gradio UI, mounted on the API app at ``/``: chat with citation cards, plans,
comparisons, documents and the latest evaluation. It calls the library directly (the index
snapshots and the document service), never the API's routes; every handler shows its errors
as a message in the page.

Nothing here needs the internet: system fonts only, no analytics, no share links.
"""

from __future__ import annotations

import functools
import html
import inspect
import tempfile
from pathlib import Path

import gradio as gr

from assistant import jurisdictions as jur
from assistant.plan_export import comparison_markdown, plan_docx, plan_markdown
from assistant.plans import Planner
from assistant.snapshot import IndexSnapshots
from circularbench.documents import DocumentService
from circularbench.settings import Settings
from circularbench.types import Answer, SearchFilters, Turn
from evals.report import CHARTS, latest_report
from web.auth import client_has_key
from web.dependencies import admin_refusal
from web.feedback_store import FeedbackStore

EXAMPLES = [
    "What recycling quotas does Germany's packaging law set for plastics?",
    "How does China define the circular economy?",
    "What minimum recycled content must plastic beverage bottles contain under the EU packaging regulation?",
    "What is Singapore's 2030 target for the overall recycling rate?",
    "What is step 5 of the circular economy benchmarking process?",
]
CSS = """
.cb-card {border:1px solid #d0d7de;border-radius:8px;padding:8px 12px;margin:6px 0;background:#fafbfc}
.cb-card summary {cursor:pointer;color:#0969da}
.cb-card blockquote {margin:6px 0;padding-left:10px;border-left:3px solid #2da44e}
.cb-page {white-space:pre-wrap;font-size:0.85em;max-height:18em;overflow:auto;background:#fff;border-top:1px dashed #ccc;padding-top:6px}
.cb-refused {border:1px solid #d4a72c;background:#fff8c5;border-radius:8px;padding:8px 12px}
.cb-note {color:#6e7781;font-size:0.85em}
"""
LANGUAGE_NAMES = {"en": "English", "de": "German", "zh": "Chinese", "nl": "Dutch"}


def citation_cards(answer: Answer, settings: Settings) -> str:
    """HTML cards: title, jurisdiction, year, page or article, quote, language; each expands to
    the surrounding page text (PDF page) or passage (other files)."""
    if answer.refused:
        return f'<div class="cb-refused"><b>No answer from the indexed documents.</b><br>{html.escape(answer.answer)}</div>'
    cards = []
    by_id = {p.chunk_id: p for p in answer.passages}
    for c in answer.citations:
        where = ", ".join(x for x in (f"p. {c.page}" if c.page else "", c.section) if x)
        context = by_id[c.chunk_id].text if c.chunk_id in by_id else ""
        if c.page:
            from indexer.loaders import page_text

            try:
                context = page_text(settings.corpus_dir / c.file, c.page)
            except (OSError, ValueError):
                pass
        lang = LANGUAGE_NAMES.get(c.language, c.language)
        cards.append(
            f'<div class="cb-card"><b>[{c.n}] {html.escape(c.title[:110])}</b><br>{html.escape(jur.name(c.jurisdiction))}, '
            f'{c.year or "n.d."}{", " + html.escape(where) if where else ""} · {html.escape(lang)}'
            f"<blockquote>{html.escape(c.quote)}</blockquote>"
            f'<details><summary>{"Page" if c.page else "Passage"} text</summary>'
            f'<div class="cb-page">{html.escape(context)}</div></details></div>'
        )
    notes = "".join(f'<div class="cb-note">⚠ {html.escape(n)}</div>' for n in answer.notes)
    return "".join(cards) + notes


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


def build_ui(snapshots: IndexSnapshots, docs: DocumentService, settings: Settings) -> gr.Blocks:
    store = FeedbackStore(settings.data_dir / "feedback.sqlite3")
    generator_choices = ["extractive", "local", "openai", "auto"]

    def check_admin(request: gr.Request) -> None:
        scope = request.request.scope
        reason = admin_refusal(settings, bool(settings.api_key) and client_has_key(scope, settings.api_key), scope)
        if reason:
            raise gr.Error(reason)

    def jurisdiction_choices() -> list[str]:
        try:
            codes = sorted(snapshots.current().retriever.jurisdictions)
        except Exception:  # no index yet: the filter is simply empty
            codes = []
        return [f"{code} — {jur.name(code)}" for code in codes]

    def filters_from(jurs, year_from, year_to, doc_types, languages) -> SearchFilters:
        return SearchFilters(
            jurisdictions=[j.split(" — ")[0] for j in jurs or []],
            year_from=int(year_from) if year_from else None, year_to=int(year_to) if year_to else None,
            doc_types=doc_types or [], languages=languages or [],
        )

    @visible_errors
    def respond(message, chat, state, generator, jurs, year_from, year_to, doc_types, languages):
        message = (message or "").strip()
        if not message:
            yield chat, state, "", gr.update()
            return
        history = [Turn(question=t["question"], answer=t["answer"]) for t in state]
        filters = filters_from(jurs, year_from, year_to, doc_types, languages)
        bot = snapshots.current()  # one snapshot for the whole answer
        chat = chat + [{"role": "user", "content": message}, {"role": "assistant", "content": ""}]
        draft = ""
        for event in bot.stream(message, filters=filters, history=history, generator=generator):
            if event.kind == "token":
                draft += event.text
                chat[-1]["content"] = draft + " ▌"
                yield chat, state, "", gr.update()
            else:
                answer = event.answer
        prefix = "**Refused.** " if answer.refused else ""
        chat[-1]["content"] = prefix + answer.answer
        state = state + [{"question": message, "answer": answer.answer}]
        yield chat, state, "", citation_cards(answer, settings)

    @visible_errors
    def on_like(data: gr.LikeData, state, comment):
        index = data.index if isinstance(data.index, int) else data.index[0]
        turn = state[min(len(state) - 1, index // 2)] if state else {"question": "", "answer": ""}
        store.add(turn["question"] or "(unknown)", turn["answer"], 1 if data.liked else -1, comment or "")
        return gr.Info("Thanks — feedback saved.")

    @visible_errors
    def make_plan(topic, home, peers, criteria):
        plan = Planner(snapshots.current()).plan(topic or "", home or "", [p for p in (peers or "").split(",") if p.strip()],
                                                [c.strip() for c in criteria.split(",") if c.strip()] if criteria else None)
        folder = Path(tempfile.mkdtemp(prefix="cb-plan-"))
        md = plan_markdown(plan)
        (folder / "plan.md").write_text(md, encoding="utf-8")
        (folder / "plan.json").write_text(plan.model_dump_json(indent=1), encoding="utf-8")
        plan_docx(plan, folder / "plan.docx")
        return md, [str(folder / "plan.docx"), str(folder / "plan.md"), str(folder / "plan.json")]

    @visible_errors
    def make_comparison(criterion, jurisdictions, columns):
        result = Planner(snapshots.current()).compare(
            criterion or "", [j for j in (jurisdictions or "").split(",") if j.strip()],
            [c.strip() for c in columns.split(",") if c.strip()] if columns else None)
        return comparison_markdown(result)

    @visible_errors
    def documents_table():
        rows = [[d.doc_id, d.jurisdiction, d.year or "", d.doc_type, d.language, d.pages or "", d.chunks,
                 "uploaded" if d.uploaded else "corpus"] for d in docs.list()]
        return rows, gr.update(choices=[r[0] for r in rows])

    @visible_errors
    def upload(file, title, jurisdiction, year, doc_type, language, request: gr.Request, progress=gr.Progress()):
        check_admin(request)
        if file is None:
            raise gr.Error("file: choose a file first")
        progress(0.2, desc="indexing")
        with open(file, "rb") as fh:
            summary = docs.upload(fh, title=title or "", jurisdiction=jurisdiction or "", doc_type=doc_type or "report",
                                  language=language or "en", year=int(year) if year else None,
                                  filename=Path(file).name)
        progress(1.0)
        rows, choices = documents_table()
        return f"Indexed **{summary.doc_id}**: {summary.chunks} chunks.", rows, choices

    @visible_errors
    def delete(doc_id, request: gr.Request):
        check_admin(request)
        if not doc_id:
            raise gr.Error("doc_id: choose a document")
        docs.delete(doc_id)
        rows, choices = documents_table()
        return f"Deleted **{doc_id}**.", rows, choices

    @visible_errors
    def evaluation():
        folder = latest_report(Path("evals/reports"))
        if folder is None:
            return "No evaluation report yet: run `circularbench eval`.", None, None, None
        # The report's tables (splits, retrieval, answers, where answers were lost, the worst
        # questions), then its charts.
        text = (folder / "report.md").read_text(encoding="utf-8").split("![")[0]
        return (text, *(str(folder / name) for name in CHARTS))

    with gr.Blocks(title="circularbench", analytics_enabled=False) as ui:
        gr.Markdown("## circularbench — benchmark circular-economy policy against the documents")
        with gr.Tab("Chat"):
            state = gr.State([])
            with gr.Row():
                with gr.Column(scale=3):
                    chat = gr.Chatbot(height=420, label="Answers cite the indexed documents", elem_id="chat")
                    question = gr.Textbox(placeholder="Ask a benchmarking question…", show_label=False, elem_id="question")
                    with gr.Row():
                        send = gr.Button("Ask", variant="primary", elem_id="ask")
                        clear = gr.Button("New conversation")
                    gr.Examples(EXAMPLES, inputs=question)
                with gr.Column(scale=2):
                    # The default is the setting ("auto": the best generator installed here).
                    generator = gr.Dropdown(generator_choices, value=settings.generator, label="Generator")
                    with gr.Accordion("Filters", open=False):
                        jurs = gr.Dropdown(jurisdiction_choices(), multiselect=True, label="Jurisdictions")
                        with gr.Row():
                            year_from = gr.Number(label="From year", precision=0)
                            year_to = gr.Number(label="To year", precision=0)
                        doc_types = gr.Dropdown(["law", "strategy", "report", "paper", "statistics", "plan", "roadmap"],
                                                multiselect=True, label="Document types")
                        languages = gr.Dropdown(["en", "de", "zh", "nl"], multiselect=True, label="Languages")
                    comment = gr.Textbox(label="Comment sent with a thumbs up/down (optional)")
            cards = gr.HTML(elem_id="citations")
            inputs = [question, chat, state, generator, jurs, year_from, year_to, doc_types, languages]
            send.click(respond, inputs, [chat, state, question, cards])
            question.submit(respond, inputs, [chat, state, question, cards])
            clear.click(lambda: ([], [], ""), None, [chat, state, cards])
            chat.like(on_like, [state, comment], None)
        with gr.Tab("Plan"):
            with gr.Row():
                topic = gr.Textbox("packaging recycling", label="Topic")
                home = gr.Textbox("VN", label="Home jurisdiction")
                peers = gr.Textbox("DE,EU", label="Peers (comma-separated)")
                criteria = gr.Textbox("", label="Gap-table criteria (optional)")
            plan_btn = gr.Button("Draft the 10-step plan", variant="primary", elem_id="plan")
            plan_files = gr.File(label="Download (DOCX, Markdown, JSON)", file_count="multiple", elem_id="plan-files")
            plan_md = gr.Markdown(elem_id="plan-md")
            plan_btn.click(make_plan, [topic, home, peers, criteria], [plan_md, plan_files])
        with gr.Tab("Compare"):
            with gr.Row():
                criterion = gr.Textbox("recycling targets for plastic packaging", label="Criterion")
                cmp_jurs = gr.Textbox("DE,NL,CN,EU", label="Jurisdictions")
                columns = gr.Textbox("", label="Sub-criteria as columns (optional)")
            cmp_btn = gr.Button("Compare", variant="primary", elem_id="compare")
            cmp_md = gr.Markdown(elem_id="compare-md")
            cmp_btn.click(make_comparison, [criterion, cmp_jurs, columns], cmp_md)
        with gr.Tab("Documents"):
            doc_table = gr.Dataframe(headers=["doc id", "jurisdiction", "year", "type", "language", "pages", "chunks", "origin"],
                                interactive=False, elem_id="documents")
            with gr.Row():
                up_file = gr.File(label="PDF, Markdown, text or HTML", type="filepath", elem_id="upload-file")
                with gr.Column():
                    up_title = gr.Textbox(label="Title", elem_id="upload-title")
                    up_jur = gr.Textbox(label="Jurisdiction (code or name)", elem_id="upload-jurisdiction")
                    with gr.Row():
                        up_year = gr.Number(label="Year", precision=0)
                        up_type = gr.Textbox("report", label="Type")
                        up_lang = gr.Textbox("en", label="Language")
                    up_btn = gr.Button("Upload and index", variant="primary", elem_id="upload")
            with gr.Row():
                del_id = gr.Dropdown([], label="Document to delete")
                del_btn = gr.Button("Delete", variant="stop")
            doc_status = gr.Markdown(elem_id="doc-status")
            up_btn.click(upload, [up_file, up_title, up_jur, up_year, up_type, up_lang], [doc_status, doc_table, del_id])
            del_btn.click(delete, del_id, [doc_status, doc_table, del_id])
        with gr.Tab("Evaluation"):
            eval_md = gr.Markdown()
            with gr.Row():
                chart1 = gr.Image(label="Retrieval by category", interactive=False)
                chart_loss = gr.Image(label="Where answers were lost", interactive=False)
                chart2 = gr.Image(label="Latency", interactive=False)
        ui.load(documents_table, None, [doc_table, del_id])
        ui.load(evaluation, None, [eval_md, chart1, chart_loss, chart2])
    return ui


def theme() -> gr.themes.Base:
    """System fonts only: the default theme would fetch web fonts."""
    return gr.themes.Default(font=["system-ui", "Segoe UI", "Helvetica", "Arial", "sans-serif"],
                             font_mono=["ui-monospace", "Consolas", "monospace"])
