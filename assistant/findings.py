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
from circularbench.types import Finding, SearchFilters

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
                       citations=answer.citations, figures=answer.figures)
