"""The evaluation questions (evals/data/qa.jsonl), their splits, the gold-evidence matcher and
the checks that keep the questions honest (gold quotes in the corpus, absent terms absent).

Example::

    from evals.dataset import load_questions, gold_holds
    held_out = load_questions(split=["test", "unseen"])
    gold_holds(chunk, held_out[0].gold[0])   # does this chunk hold the gold quote?
"""

from __future__ import annotations

import hashlib
import re
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Literal

from pydantic import BaseModel, ConfigDict, Field

from circularbench.types import Chunk, Passage, Turn

DATA = Path(__file__).resolve().parent / "data"
Category = Literal["factual", "numeric", "definition", "comparative", "cross-lingual", "multi-hop", "follow-up",
                   "unanswerable"]


class Gold(BaseModel):
    file: str
    page: int | None = None
    section: str = ""
    quote: str = Field(min_length=10)


Split = Literal["dev", "test", "unseen"]
# Dev is for tuning; test and unseen are held out. Unseen's questions are about documents nothing
# is ever tuned on (lexicon, weights, prompts, thresholds): they stand in for a user's uploads.
SPLITS: tuple[str, ...] = ("dev", "test", "unseen")
HELD_OUT: tuple[str, ...] = ("test", "unseen")
# The unseen split's documents: no lexicon entry, weight, prompt or threshold is ever tuned on
# their text, and no dev question uses them.
UNSEEN_DOCUMENTS = frozenset({
    "de_gewabfv_2017_gewerbeabfallverordnung.md",
    "de_elektrog_2015_elektro_und_elektronikgeraetegesetz.md",
    "cn_energy_conservation_law_2018.md",
    "cn_renewable_energy_law_2009.md",
    "wbcsd_circularity_data_exchange_landscape_2024.pdf",
})


class EvalQuestion(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str
    split: Split
    category: Category
    question: str
    history: list[Turn] = Field(default_factory=list)
    gold: list[Gold] = Field(default_factory=list)
    key_facts: list[str] = Field(default_factory=list)
    reference_answer: str = ""
    absent_terms: list[str] = Field(
        default_factory=list,
        description="Unanswerable questions: terms an answer would need that no corpus document contains.")

    @property
    def answerable(self) -> bool:
        return self.category != "unanswerable"


def load_questions(path: Path = DATA / "qa.jsonl", split: str | Iterable[str] | None = None) -> list[EvalQuestion]:
    """The questions of one split, of several (``["test", "unseen"]``), or all (None)."""
    wanted = None if split is None else ({split} if isinstance(split, str) else set(split))
    out = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if line.strip():
            try:
                q = EvalQuestion.model_validate_json(line)
            except ValueError as exc:
                raise ValueError(f"{path}:{n}: {exc}") from exc
            if wanted is None or q.split in wanted:
                out.append(q)
    return out


def fingerprint(questions: list[EvalQuestion]) -> str:
    """A hash of the questions' content, independent of their order in the file: committed
    beside the thresholds, so any edit to a held-out split shows in review."""
    lines = sorted(q.model_dump_json() for q in questions)
    return hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()[:16]


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().lower()


def gold_holds(source: Chunk | Passage, gold: Gold, probe: int = 60) -> bool:
    """The chunk or passage is from the gold file and page and holds the start or the end of the quote (a quote may straddle two chunks)."""
    if source.file != gold.file or (gold.page is not None and source.page != gold.page):
        return False
    text, quote = squash(source.text), squash(gold.quote)
    return quote[:probe] in text or quote[-probe:] in text


@lru_cache(maxsize=64)
def _pdf_pages(path: Path, mtime_ns: int, size: int) -> tuple[str, ...]:
    """A PDF's pages as pypdf extracts them, folded; kept per file version (path, time, size),
    since the gold and absent-term checks each read the whole corpus and parsing is the slow part."""
    from pypdf import PdfReader

    return tuple(squash(p.extract_text() or "") for p in PdfReader(path).pages)


def corpus_texts(corpus_dir: Path, files: Iterable[str] | None = None) -> dict[str, list[str]]:
    """Each document's text as the checks read it, white space folded and lower-cased: one
    entry per page for PDFs (as pypdf extracts it), one for other files."""
    out: dict[str, list[str]] = {}
    for path in sorted(corpus_dir.iterdir()) if files is None else (corpus_dir / f for f in files):
        if not path.is_file() or path.name == "sources.tsv":
            continue
        if path.suffix.lower() == ".pdf":
            stat = path.stat()
            out[path.name] = list(_pdf_pages(path.resolve(), stat.st_mtime_ns, stat.st_size))
        else:
            out[path.name] = [squash(path.read_text(encoding="utf-8", errors="replace"))]
    return out


def verify_gold(corpus_dir: Path, questions: list[EvalQuestion] | None = None) -> list[str]:
    """Every gold quote must stand in its document (PDF: on its page, as pypdf extracts it;
    other files: anywhere), white space folded. Returns one line per problem, naming the
    question, file and page, so a document changed under the test set fails loudly."""
    questions = questions if questions is not None else load_questions()
    files = {g.file for q in questions for g in q.gold}
    texts = corpus_texts(corpus_dir, sorted(f for f in files if (corpus_dir / f).is_file()))
    problems: list[str] = []
    for q in questions:
        for g in q.gold:
            if g.file not in texts:
                problems.append(f"{q.id}: {g.file} is not in {corpus_dir}")
                continue
            quote, pages = squash(g.quote), texts[g.file]
            if g.file.endswith(".pdf"):
                if g.page is None or not 1 <= g.page <= len(pages) or quote not in pages[g.page - 1]:
                    problems.append(f"{q.id}: quote not on page {g.page} of {g.file}: “{g.quote[:60]}…”")
            elif quote not in pages[0]:
                problems.append(f"{q.id}: quote not in {g.file}: “{g.quote[:60]}…”")
    return problems


def present_absent_terms(corpus_dir: Path, questions: list[EvalQuestion]) -> list[str]:
    """Unanswerable questions whose ``absent_terms`` do occur in the corpus (one line each,
    naming the question, the term and the file): such a question may well be answerable."""
    texts = corpus_texts(corpus_dir)
    problems = []
    for q in questions:
        for term in q.absent_terms:
            needle = squash(term)
            for file, pages in texts.items():
                if any(needle in page for page in pages):
                    problems.append(f"{q.id}: “{term}” occurs in {file}")
    return problems
