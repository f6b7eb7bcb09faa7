"""Extractive answers: the passages' own best sentences, each with its ``[n]`` citation.

Always available, deterministic and fast (no model). Sentences are scored by how many of the
question's terms they hold (with the glossary's German, Chinese and Dutch equivalents, so a
German quota sentence can answer an English question), weighted by the passage's rank. A
sentence in another language is labelled with it, e.g. "(German) …"; nothing is translated.

Example::

    gen = ExtractiveGenerator()
    "".join(gen.stream("What is the recycling quota for glass?", passages))
    # '(German) Glas 90 Masseprozent … [1]'
"""

from __future__ import annotations

import math
import re
from typing import Iterator

from assistant.query_expansion import Glossary
from assistant.text import asks_for_figure, numbers, sentences, terms
from circularbench.types import Passage

LANGUAGE_NAMES = {"de": "German", "zh": "Chinese", "nl": "Dutch", "fr": "French", "ja": "Japanese"}
_HEADING = re.compile(r"^#+\s*")
_ENDS = (".", "!", "?", "。", "；", ";", ":", "：")
_QUESTION_WORDS = {"what", "which", "how", "does", "do", "is", "are", "the", "when", "who", "why", "much", "many"}


class ExtractiveGenerator:
    name = "extractive"

    def __init__(self, glossary: Glossary | None = None, max_sentences: int = 3, per_passage: int = 2,
                 passages_considered: int = 6):
        if max_sentences < 1 or per_passage < 1:
            raise ValueError("max_sentences and per_passage must be at least 1")
        self.glossary = glossary or Glossary.load()
        self.max_sentences = max_sentences
        self.per_passage = per_passage
        self.passages_considered = passages_considered

    def _question_terms(self, question: str) -> set[str]:
        return self.glossary.expanded_terms(question) - _QUESTION_WORDS

    def select(self, question: str, passages: list[Passage]) -> list[tuple[int, str]]:
        """(passage number, sentence) pairs, best first, at most ``max_sentences``."""
        wanted = self._question_terms(question)
        asks_number = asks_for_figure(question) or bool(re.search(r"\b(target|quota|deadline|fine)s?\b", question, re.I))
        question_numbers = numbers(question)
        scored: list[tuple[float, int, int, str]] = []
        for rank, passage in enumerate(passages[: self.passages_considered], start=1):
            for position, sentence in enumerate(sentences(passage.text)):
                sentence = _HEADING.sub("", sentence).strip()
                # A heading ("§ 1 Abfallwirtschaftliche Ziele") names a topic but says nothing.
                if not 25 <= len(sentence) <= 700 or (len(sentence) < 80 and not sentence.endswith(_ENDS)):
                    continue
                matched = len(terms(sentence) & wanted)
                if matched == 0:
                    continue
                score = matched / math.sqrt(len(terms(sentence)) + 4) / math.sqrt(rank)
                found = numbers(sentence)
                if asks_number and found:
                    score *= 1.3
                if question_numbers & found:
                    score *= 2  # "step 5", "Article 13", "2030": the number the question names

                scored.append((score, rank, position, sentence))
        scored.sort(key=lambda item: -item[0])
        chosen: list[tuple[int, int, str]] = []
        per: dict[int, int] = {}
        for _, rank, position, sentence in scored:
            if per.get(rank, 0) < self.per_passage:
                chosen.append((rank, position, sentence))
                per[rank] = per.get(rank, 0) + 1
            if len(chosen) == self.max_sentences:
                break
        # Read in the order of the evidence: by passage, then by position in it.
        return [(rank, sentence) for rank, _, sentence in sorted(chosen)]

    def stream(self, question: str, passages: list[Passage]) -> Iterator[str]:
        for n, sentence in self.select(question, passages):
            language = passages[n - 1].language
            label = f"({LANGUAGE_NAMES.get(language, language)}) " if language != "en" else ""
            yield f"{label}{sentence.rstrip('.。;；')} [{n}]. "
