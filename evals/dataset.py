"""The evaluation questions (evals/data/qa.jsonl) and the gold-evidence matcher.

Example::

    from evals.dataset import load_questions, matches_gold
    dev = load_questions(split="dev")
    matches_gold(chunk, dev[0].gold[0])   # does this chunk hold the gold quote?
"""

from __future__ import annotations


import re
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field

from circularbench.types import Chunk, Turn

DATA = Path(__file__).resolve().parent / "data"
Category = Literal["factual", "numeric", "definition", "comparative", "cross-lingual", "multi-hop", "follow-up",
                   "unanswerable"]


class Gold(BaseModel):
    file: str
    page: int | None = None
    section: str = ""
    quote: str = Field(min_length=10)


class EvalQuestion(BaseModel):
    id: str
    split: Literal["dev", "test"]
    category: Category
    question: str
    history: list[Turn] = Field(default_factory=list)
    gold: list[Gold] = Field(default_factory=list)
    key_facts: list[str] = Field(default_factory=list)
    reference_answer: str = ""

    @property
    def answerable(self) -> bool:
        return self.category != "unanswerable"


def load_questions(path: Path = DATA / "qa.jsonl", split: str | None = None) -> list[EvalQuestion]:
    out = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if line.strip():
            try:
                q = EvalQuestion.model_validate_json(line)
            except ValueError as exc:
                raise ValueError(f"{path}:{n}: {exc}") from exc
            if split is None or q.split == split:
                out.append(q)
    return out


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().lower()


def matches_gold(chunk: Chunk, gold: Gold, probe: int = 60) -> bool:
    """The chunk is from the gold file and page and holds the start or the end of the quote
    (a quote may straddle two chunks)."""
    if chunk.file != gold.file or (gold.page is not None and chunk.page != gold.page):
        return False
    text, quote = squash(chunk.text), squash(gold.quote)
    return quote[:probe] in text or quote[-probe:] in text




def verify_gold(corpus_dir: Path, questions: list[EvalQuestion] | None = None) -> list[str]:
    """Every gold quote must stand in its document (PDF: on its page, as pypdf extracts it;
    other files: anywhere), white space folded. Returns one line per problem, naming the
    question, file and page, so a document changed under the test set fails loudly."""
    from pypdf import PdfReader

    problems: list[str] = []
    pages_cache: dict[str, list[str]] = {}
    for q in questions if questions is not None else load_questions():
        for g in q.gold:
            path = corpus_dir / g.file
            if not path.is_file():
                problems.append(f"{q.id}: {g.file} is not in {corpus_dir}")
                continue
            quote = squash(g.quote)
            if g.file.endswith(".pdf"):
                if g.file not in pages_cache:
                    pages_cache[g.file] = [squash(p.extract_text() or "") for p in PdfReader(path).pages]
                pages = pages_cache[g.file]
                if g.page is None or not 1 <= g.page <= len(pages) or quote not in pages[g.page - 1]:
                    problems.append(f"{q.id}: quote not on page {g.page} of {g.file}: “{g.quote[:60]}…”")
            elif quote not in squash(path.read_text(encoding="utf-8")):
                problems.append(f"{q.id}: quote not in {g.file}: “{g.quote[:60]}…”")
    return problems
