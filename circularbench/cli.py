"""The ``circularbench`` command: a thin layer over the library API.

Example::

    circularbench corpus sync
    circularbench index
    circularbench search "recycling quota for plastic packaging" --jurisdiction DE
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.table import Table

from circularbench.settings import Settings

app = typer.Typer(help="Document-grounded benchmarking assistant for the circular economy.", no_args_is_help=True)
corpus_app = typer.Typer(help="The corpus: manifest and local copies of the documents.", no_args_is_help=True)
app.add_typer(corpus_app, name="corpus")
console = Console()


def _fail(message: str) -> None:
    console.print(f"[red]error:[/red] {message}")
    raise typer.Exit(code=1)


@corpus_app.command("sync")
def corpus_sync(
    no_download: bool = typer.Option(False, "--no-download", help="Only copy from the mirror folder."),
) -> None:
    """Fill the data folder's corpus from the mirror folder, or download from source URLs."""
    from corpus.manifest import ManifestError, load_manifest
    from corpus.sync import sync_corpus

    settings = Settings()
    try:
        manifest = load_manifest(settings.manifest_path)
    except ManifestError as exc:
        _fail(str(exc))
    report = sync_corpus(
        manifest, settings.corpus_dir, settings.corpus_mirror, download=not no_download,
        timeout=settings.download_timeout,
    )
    for r in report.results:
        if r.status in ("unavailable", "error"):
            colour = "yellow" if r.status == "unavailable" else "red"
            console.print(f"[{colour}]{r.status}[/{colour}] {r.file}: {r.detail}")
    console.print(
        f"corpus: {report.count('present')} present, {report.count('copied')} copied, "
        f"{report.count('downloaded')} downloaded, {report.count('unavailable')} unavailable, "
        f"{report.count('error')} errors → {settings.corpus_dir}"
    )
    if not report.ok:
        raise typer.Exit(code=1)


@app.command()
def index(
    rebuild: bool = typer.Option(
        False, "--rebuild", help="Build the whole index again beside the live one, which keeps serving until the "
        "new one is complete and swapped in (a Chroma server's collection is rebuilt in place)."),
    quiet: bool = typer.Option(False, "--quiet", help="No progress bars."),
) -> None:
    """Index the synced corpus: only new or changed documents are embedded."""
    from indexer.pipeline import Indexer
    from indexer.vector_store import EmbeddingMismatchError, StoreServedError

    try:
        report = Indexer(Settings()).run(rebuild=rebuild, progress=not quiet)
    except (EmbeddingMismatchError, StoreServedError) as exc:
        _fail(str(exc))
    for file, reason in report.skipped:
        console.print(f"[yellow]skipped[/yellow] {file}: {reason}")
    console.print(
        f"index: {report.documents} documents ({len(report.indexed)} indexed, {len(report.unchanged)} unchanged, "
        f"{len(report.removed)} removed, {len(report.skipped)} skipped), {report.pages} pages, "
        f"{report.chunks_added} chunks added, {report.chunks_total} chunks in total, "
        f"{report.seconds:.1f} s ({report.embed_seconds:.1f} s embedding)"
    )
    if report.version:
        console.print(f"rebuilt as {report.version}, now live ({report.chunks_embedded} chunks embedded, the rest reused)")
    if report.versions_removed:
        names = ["the index built in place" if v == "_root" else v for v in report.versions_removed]
        console.print(f"removed index versions no one reads any more: {', '.join(names)}")


@app.command()
def documents(as_json: bool = typer.Option(False, "--json")) -> None:
    """List the indexed documents with their chunk counts."""
    from circularbench.documents import DocumentService

    rows = [d.model_dump() for d in DocumentService(Settings()).list()]
    if as_json:
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=1))
        return
    table = Table("doc id", "jur.", "year", "type", "lang", "pages", "chunks")
    for r in rows:
        table.add_row(r["doc_id"], r["jurisdiction"], str(r["year"] or ""), r["doc_type"], r["language"],
                      str(r["pages"] or ""), str(r["chunks"]))
    console.print(table)
    console.print(f"{len(rows)} documents, {sum(r['chunks'] for r in rows)} chunks")


def _filters(jurisdiction, year_from, year_to, doc_type, language):
    from pydantic import ValidationError

    from assistant.jurisdictions import UnknownJurisdictionError, normalize
    from circularbench.types import SearchFilters

    try:
        return SearchFilters(
            jurisdictions=[normalize(j) for j in jurisdiction or []], year_from=year_from, year_to=year_to,
            doc_types=doc_type or [], languages=language or [],
        )
    except (ValidationError, UnknownJurisdictionError) as exc:
        _fail(str(exc))


JURISDICTION_OPT = typer.Option(None, "--jurisdiction", "-j", help="Code or name (DE, Germany, Deutschland); repeatable.")
YEAR_FROM_OPT = typer.Option(None, "--year-from")
YEAR_TO_OPT = typer.Option(None, "--year-to")
DOC_TYPE_OPT = typer.Option(None, "--doc-type", help="law, strategy, report, …; repeatable.")
LANGUAGE_OPT = typer.Option(None, "--language", help="ISO 639-1 code of the passage; repeatable.")


@app.command()
def search(
    query: str,
    k: int = typer.Option(10, "--k", min=1, max=100),
    jurisdiction: Optional[list[str]] = JURISDICTION_OPT,
    year_from: Optional[int] = YEAR_FROM_OPT,
    year_to: Optional[int] = YEAR_TO_OPT,
    doc_type: Optional[list[str]] = DOC_TYPE_OPT,
    language: Optional[list[str]] = LANGUAGE_OPT,
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Hybrid (dense + keyword) search over the index."""
    from assistant.retriever import HybridRetriever, IndexNotReadyError

    filters = _filters(jurisdiction, year_from, year_to, doc_type, language)
    try:
        retriever = HybridRetriever.open(Settings())
    except IndexNotReadyError as exc:
        _fail(str(exc))
    hits = retriever.search(query, k=k, filters=filters)
    if as_json:
        passages = [retriever.passage(h).model_dump() for h in hits]
        typer.echo(json.dumps(passages, ensure_ascii=False, indent=1))
        return
    for n, hit in enumerate(hits, start=1):
        c = hit.chunk
        where = f"p. {c.page}" if c.page else (c.section or "—")
        if c.page and c.section:
            where += f", {c.section}"
        console.print(f"[bold][{n}][/bold] {c.file} ({c.jurisdiction}, {c.year or 'n.d.'}, {c.language}) {where}  score={hit.score:.4f}")
        console.print("    " + " ".join(c.text.split())[:300])


@app.command()
def ask(
    question: str,
    jurisdiction: Optional[list[str]] = JURISDICTION_OPT,
    year_from: Optional[int] = YEAR_FROM_OPT,
    year_to: Optional[int] = YEAR_TO_OPT,
    doc_type: Optional[list[str]] = DOC_TYPE_OPT,
    language: Optional[list[str]] = LANGUAGE_OPT,
    generator: Optional[str] = typer.Option(None, "--generator", "-g", help="auto, extractive, local or openai."),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Answer a question from the indexed documents, with numbered, quoted sources."""
    from assistant.assistant import Assistant
    from assistant.generators.base import GeneratorError
    from assistant.retriever import IndexNotReadyError

    filters = _filters(jurisdiction, year_from, year_to, doc_type, language)
    try:
        bot = Assistant.open(Settings())
        final = None
        for event in bot.stream(question, filters=filters, generator=generator):
            if event.kind == "token" and not as_json:
                console.print(event.text, end="", style="dim", highlight=False)
            elif event.kind == "answer":
                final = event.answer
    except (IndexNotReadyError, GeneratorError, ValueError) as exc:
        _fail(str(exc))
    if as_json:
        typer.echo(final.model_dump_json(indent=1))
        return
    console.print()
    console.print(f"[bold]{'Refused' if final.refused else 'Answer'}[/bold] ({final.generator or 'no generator'}): {final.answer}")
    for c in final.citations:
        where = ", ".join(x for x in (f"p. {c.page}" if c.page else "", c.section) if x)
        console.print(f"  [{c.n}] {c.title[:80]} ({c.jurisdiction}, {c.year or 'n.d.'}) {where} — “{c.quote[:200]}”")
    for note in final.notes:
        console.print(f"  [yellow]note:[/yellow] {note}")


@app.command()
def plan(
    topic: str = typer.Option(..., "--topic", help="What to benchmark, e.g. 'packaging recycling'."),
    jurisdiction: str = typer.Option(..., "--jurisdiction", "-j", help="The home jurisdiction (code or name)."),
    peers: str = typer.Option(..., "--peers", help="Comma-separated peers, e.g. DE,EU or 'Germany,European Union'."),
    criteria: Optional[str] = typer.Option(None, "--criteria", help="Comma-separated gap-table criteria."),
    fmt: str = typer.Option("md", "--format", help="md, json or docx."),
    out: Optional[Path] = typer.Option(None, "--out", help="Write here (required for docx)."),
    generator: Optional[str] = typer.Option("extractive", "--generator", "-g"),
) -> None:
    """Draft a 10-step benchmarking plan (Zhong & Zvarych) with cited evidence and a gap table."""
    from assistant.assistant import Assistant
    from assistant.jurisdictions import UnknownJurisdictionError
    from assistant.plan_export import plan_docx, plan_markdown
    from assistant.plans import Planner
    from assistant.retriever import IndexNotReadyError

    if fmt not in ("md", "json", "docx"):
        _fail(f"--format must be md, json or docx, not {fmt!r}")
    if fmt == "docx" and out is None:
        _fail("--format docx needs --out FILE")
    try:
        planner = Planner(Assistant.open(Settings()), generator=generator)
        result = planner.plan(topic, jurisdiction, _split(peers), _split(criteria) if criteria else None)
    except (IndexNotReadyError, UnknownJurisdictionError, ValueError) as exc:
        _fail(str(exc))
    if fmt == "docx":
        plan_docx(result, out)
        console.print(f"wrote {out}")
        return
    text = result.model_dump_json(indent=1) if fmt == "json" else plan_markdown(result)
    if out:
        out.write_text(text, encoding="utf-8")
        console.print(f"wrote {out}")
    else:
        typer.echo(text)


@app.command()
def compare(
    criterion: str,
    jurisdictions: str = typer.Option(..., "--jurisdictions", "-j", help="Comma-separated, e.g. DE,NL,CN,EU."),
    columns: Optional[str] = typer.Option(None, "--criteria", help="Comma-separated sub-criteria as columns."),
    as_json: bool = typer.Option(False, "--json"),
    xlsx: Optional[Path] = typer.Option(None, "--xlsx", help="Also write the matrix as a spreadsheet here."),
    generator: Optional[str] = typer.Option("extractive", "--generator", "-g"),
) -> None:
    """Compare jurisdictions side by side: each cell cited, or 'not found in the indexed documents'."""
    from assistant.assistant import Assistant
    from assistant.jurisdictions import UnknownJurisdictionError
    from assistant.plan_export import comparison_markdown, comparison_xlsx
    from assistant.plans import Planner
    from assistant.retriever import IndexNotReadyError

    try:
        planner = Planner(Assistant.open(Settings()), generator=generator)
        result = planner.compare(criterion, _split(jurisdictions), _split(columns) if columns else None)
    except (IndexNotReadyError, UnknownJurisdictionError, ValueError) as exc:
        _fail(str(exc))
    if xlsx is not None:
        try:
            comparison_xlsx(result, xlsx)
        except OSError as exc:
            _fail(f"cannot write {xlsx}: {exc.strerror or exc}")
    typer.echo(result.model_dump_json(indent=1) if as_json else comparison_markdown(result))


def _split(value: str) -> list[str]:
    return [part.strip() for part in value.split(",") if part.strip()]


@app.command()
def serve(
    host: Optional[str] = typer.Option(None, "--host", help="Default: CIRCULARBENCH_HOST (127.0.0.1)."),
    port: Optional[int] = typer.Option(None, "--port", help="Default: CIRCULARBENCH_PORT (8000)."),
    workers: int = typer.Option(1, "--workers", min=1, max=32),
) -> None:
    """Serve the API (and UI) over HTTP; several workers share the index through a Chroma server."""
    from web.server import serve as run

    settings = Settings()
    run(settings, host or settings.host, port or settings.port, workers)


@app.command("eval")
def evaluate(
    split: str = typer.Option("all", "--split", help="dev, test, unseen, a comma-separated list, or all."),
    generators: str = typer.Option("extractive", "--generators", help="Comma-separated: extractive,local,openai."),
    llm_limit: int = typer.Option(12, "--llm-limit", min=1, help="Questions per split for each LLM generator."),
    no_baselines: bool = typer.Option(False, "--no-baselines", help="Skip the naive LangChain pipeline."),
    out: Optional[Path] = typer.Option(None, "--out", help="Reports go to a dated folder here (default: the reports_dir setting)."),
    gate: bool = typer.Option(False, "--gate", help="The CI gate (test + unseen); exit 1 below the committed thresholds."),
) -> None:
    """Evaluate retrieval, answers, refusals and plans per split, with baselines, and show where answers were lost."""
    from evals.dataset import SPLITS
    from evals.gate import GATE_CONFIG, check
    from evals.report import write_report
    from evals.runner import EvalConfig, run_eval

    splits = list(SPLITS) if split == "all" else _split(split)
    if not splits or any(s not in SPLITS for s in splits):
        _fail(f"--split must be among {', '.join(SPLITS)} (comma-separated) or all, not {split!r}")
    config = EvalConfig(**GATE_CONFIG) if gate else EvalConfig(
        splits=splits, generators=_split(generators), llm_limit=llm_limit, baselines=not no_baselines)
    settings = Settings()
    data = run_eval(settings, config).summary()
    folder = write_report(data, out or settings.reports_dir)
    for name, digest in data["fingerprints"].items():
        console.print(f"split {name}: {data['questions'][name]} questions, fingerprint {digest}")
    for name, systems in data["retrieval"].items():
        figures = "; ".join(f"{system} {t['all']['hit@5']:.2f}/{t['all']['mrr@10']:.2f}" for system, t in systems.items())
        console.print(f"{name} retrieval hit@5/MRR@10: {figures}")
    console.print(f"report: {folder / 'report.md'}")
    if gate:
        failures = check(data)
        for line in failures:
            console.print(f"[red]gate:[/red] {line}")
        if failures:
            raise typer.Exit(code=1)
        console.print("gate: all metrics at or above their thresholds")
