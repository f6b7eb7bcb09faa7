"""One cited finding per (question, jurisdiction): the building block of plans and comparisons.

Each question is searched within the jurisdiction alone, so every jurisdiction gets its own
evidence. A finding counts as found only when the assistant answers (no refusal) and its cited
quotes mention the topic (in any language, through the glossary); otherwise it says plainly
"not found in the indexed documents".

Example::

    finder = Finder(Assistant.open(Settings()))
    finder.find("What recycling targets apply to packaging?", "DE", topic="packaging")
"""

from __future__ import annotations

from assistant import jurisdictions as jur
from assistant.assistant import Assistant
from circularbench.types import Citation, Figure, Finding, SearchFilters

NOT_FOUND = "not found in the indexed documents"


class Finder:
    def __init__(self, assistant: Assistant, generator: str | None = "extractive"):
        self.assistant = assistant
        self.generator = generator

    def covers(self, code: str) -> bool:
        indexed = self.assistant.retriever.jurisdictions
        return bool(set(jur.expand([code], indexed)) & indexed)

    def find(self, question: str, code: str, topic: str) -> Finding:
        if not self.covers(code):
            return Finding(jurisdiction=code, question=question, found=False,
                           text=f"{NOT_FOUND} (no documents from {jur.name(code)} are indexed)")
        answer = self.assistant.ask(question, filters=SearchFilters(jurisdictions=[code]), generator=self.generator)
        # A quoted list item is about what its lead-in names, which may stand before the passage.
        mentions = self.assistant.extractive.mentions
        if answer.refused or not any(mentions(topic, f"{answer.passages[c.n - 1].lead_in} {c.quote}", c.language)
                                     for c in answer.citations):
            return Finding(jurisdiction=code, question=question, found=False, text=NOT_FOUND)
        return Finding(jurisdiction=code, question=question, found=True, text=answer.answer,
                       summary=summary(answer.figures, answer.citations),
                       citations=answer.citations, figures=answer.figures)


def summary(figures: list[Figure], citations: list[Citation], facts: int = 3, quote_chars: int = 160) -> str:
    """A concise cell: 'plastic: 51 % by weight in 2021 — Artikel 6 [2]; … “quote” [2]'."""
    stated = []
    for f in figures[:facts]:
        stated.append(f"{f.subject + ': ' if f.subject else ''}{f.text}{' ' + f.period if f.period else ''}"
                      f"{' — ' + f.locator if f.locator else ''} [{f.n}]")
    cited = next((c for c in citations if figures and c.n == figures[0].n), citations[0] if citations else None)
    quote = ""
    if cited is not None:
        text = " ".join(cited.quote.split())
        text = text if len(text) <= quote_chars else text[: quote_chars - 1].rsplit(" ", 1)[0] + "…"
        quote = f"“{text}” [{cited.n}]"
    if not stated:
        return f"Evidence found, no figure: {quote}".strip()
    return "; ".join(stated) + (f". {quote}" if quote else "")
