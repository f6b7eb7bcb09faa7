"""The assistant: retrieve, check the evidence, generate, verify, cite — or refuse.

Example::

    from assistant.assistant import Assistant
    bot = Assistant.open(Settings())
    answer = bot.ask("What recycling quota does Germany set for plastic packaging?")
    answer.answer, [c.quote for c in answer.citations]
    bot.ask("And what about China?", history=[Turn(question=..., answer=answer.answer)])
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator

from assistant import jurisdictions as jur
from assistant.figures import FigureReader, asked_kinds, rank
from assistant.followup import rewrite
from assistant.generators.base import INSUFFICIENT, Generator
from assistant.generators.extractive import Asked, ExtractiveGenerator
from assistant.generators.factory import make_generator
from assistant.injection import neutralize
from assistant.prompting import build_messages
from assistant.refusal import assess
from assistant.retriever import Hit, HybridRetriever
from assistant.text import asks_for_figure, focus, numbers
from assistant.translation import TranslationCache, Translator
from assistant.verification import CheckedAnswer, dropped_note, verify_answer
from circularbench.settings import Settings
from circularbench.types import Answer, Citation, Figure, Passage, SearchFilters, Turn


@dataclass(frozen=True)
class StreamEvent:
    """``kind`` is "token" (``text`` set) or "answer" (``answer`` set, always last)."""

    kind: str
    text: str = ""
    answer: Answer | None = None


class Assistant:
    def __init__(self, settings: Settings, retriever: HybridRetriever, generator: Generator | None = None):
        self.settings = settings
        self.retriever = retriever
        self._generators: dict[str, Generator] = {}
        if generator is not None:
            self._generators[generator.name] = generator
            self._default = generator.name
        else:
            self._default = None
        self._reader: FigureReader | None = None
        self._translator: Translator | None = None

    @classmethod
    def open(cls, settings: Settings, generator: Generator | None = None) -> "Assistant":
        return cls(settings, HybridRetriever.open(settings), generator)

    def with_retriever(self, retriever: HybridRetriever) -> "Assistant":
        """A new assistant over another index snapshot, sharing this one's loaded generators."""
        other = Assistant(self.settings, retriever)
        other._generators, other._default, other._reader = self._generators, self._default, self._reader
        other._translator = self._translator
        return other

    def generator(self, name: str | None = None) -> Generator:
        """The named generator ("extractive", "local", "openai", "auto"), built once and kept."""
        key = name or self._default or self.settings.generator
        if key not in self._generators:
            gen = make_generator(self.settings, key)
            self._generators[key] = gen
            self._generators.setdefault(gen.name, gen)
        return self._generators[key]

    def ask(self, question: str, filters: SearchFilters | None = None, history: list[Turn] | None = None,
            generator: str | None = None) -> Answer:
        final = None
        for event in self.stream(question, filters, history, generator):
            if event.kind == "answer":
                final = event.answer
        assert final is not None
        return final

    def stream(self, question: str, filters: SearchFilters | None = None, history: list[Turn] | None = None,
               generator: str | None = None) -> Iterator[StreamEvent]:
        """Tokens as the generator writes them, then the checked :class:`Answer`."""
        question = " ".join(question.split())
        if not question:
            raise ValueError("question is empty")
        search_query = rewrite(question, history)
        hits = self.retriever.search(search_query, k=self.settings.search_k, filters=filters)
        passages = [self.retriever.passage(h) for h in hits]
        base = {"question": question, "passages": passages, "search_query": search_query}

        evidence = assess(search_query, hits, self.retriever.glossary, self.retriever.jurisdictions)
        refuse, reason = evidence.refusal(self.settings.refusal_min_similarity, self.settings.refusal_min_coverage)
        if refuse or not hits:
            yield StreamEvent("answer", answer=self._refusal(reason or "nothing matched", search_query, filters, hits, base))
            return

        gen = self.generator(generator)
        sources = passages[: self.settings.answer_passages if gen.name == "extractive" else self.settings.llm_passages]
        given, flagged = neutralize(sources)
        if gen.name == "extractive":
            pieces = gen.stream(search_query, given)
        else:
            # The asked figures, read by rule, go to the model as facts: small models misread
            # German and Chinese quotas. A small CPU model reads ~40 prompt tokens/s: it gets
            # the passages' most relevant sentences (those of the facts first), which keeps the
            # first token within seconds.
            facts = self.extractive.figures(search_query, given) if Asked.of(search_query).figure else []
            wanted = self.retriever.glossary.expanded_terms(search_query)
            given = [p.model_copy(update={"text": focus(p.text, wanted, self.settings.llm_passage_chars,
                                                        tuple(unit for f, unit in facts if f.n == n))})
                     for n, p in enumerate(given, start=1)]
            if hasattr(gen, "chat_stream"):
                pieces = gen.chat_stream(build_messages(search_query, given, [f for f, _ in facts]))
            else:
                pieces = gen.stream(search_query, given)
        raw = ""
        for piece in pieces:
            raw += piece
            yield StreamEvent("token", text=piece)
        if raw.strip().upper().startswith(INSUFFICIENT):
            answer = self._refusal("the generator found no answer in the passages", search_query, filters, hits, base)
            yield StreamEvent("answer", answer=answer.model_copy(update={"generator": gen.name}))
            return
        checked = verify_answer(raw, given, sources, reader=self.reader)
        notes = list(checked.notes)
        if flagged:
            notes.append(f"ignored instruction-like text in {len(flagged)} passage(s): documents are data, not instructions")
        if checked.kept == 0:
            answer = self._refusal("no sentence of the draft answer was supported by its cited passage",
                                   search_query, filters, hits, base)
            yield StreamEvent("answer", answer=answer.model_copy(update={"generator": gen.name, "notes": notes}))
            return
        figures = self.figures(search_query, checked, sources)
        # An asked amount is stated when the answer states a figure read from its cited passage
        # (a value with its unit); an article number or a list mark in a quote is none. An asked
        # date, year or count ("how many steps") is any number of the answer's.
        unitless = Asked.of(search_query).date or "count" in asked_kinds(search_query)
        if asks_for_figure(search_query) and not (figures or (unitless and numbers(checked.text))):
            answer = self._refusal("the retrieved passages give no figure for what is asked",
                                   search_query, filters, hits, base)
            yield StreamEvent("answer", answer=answer.model_copy(update={"generator": gen.name, "notes": notes}))
            return
        if self.settings.translate_quotes and hasattr(gen, "chat_stream"):
            checked.citations = self.render_quotes(gen, checked.citations)
        text = checked.text
        if checked.dropped:
            text += dropped_note(checked.dropped)
        if evidence.uncovered_jurisdictions:
            names = ", ".join(jur.name(c) for c in evidence.uncovered_jurisdictions)
            text += f" (The indexed documents contain nothing from {names}.)"
        yield StreamEvent("answer", answer=Answer(
            answer=text, refused=False, citations=checked.citations, notes=notes, generator=gen.name,
            figures=figures, **base,
        ))

    def render_quotes(self, model, citations: list[Citation]) -> list[Citation]:
        """The foreign quotes with their checked English renderings (cached per sentence and model)."""
        if self._translator is None or self._translator.model is not model:
            cache = TranslationCache(self.settings.data_dir / "translations.sqlite3")
            self._translator = Translator(model, cache)
        out = []
        for c in citations:
            if c.language != "en":
                r = self._translator.render(c.quote, c.language)
                c = c.model_copy(update={"english": r.text, "english_problems": list(r.problems)})
            out.append(c)
        return out

    def figures(self, question: str, checked: CheckedAnswer, sources: list[Passage], limit: int = 8) -> list[Figure]:
        """The figures the answer states, as facts read from its cited passages (whatever wrote
        it): a figure counts when its value stands in the answer's text."""
        stated = numbers(checked.text)
        found = [f for c in checked.citations
                 for f in self.reader.read(sources[c.n - 1], sources[c.n - 1].text, c.n, sources[c.n - 1].lead_in)
                 if f.value in stated]
        return rank(found, question, self.retriever.glossary, limit)

    @property
    def reader(self) -> FigureReader:
        if self._reader is None:
            self._reader = FigureReader(self.retriever.glossary)
        return self._reader

    @property
    def extractive(self) -> ExtractiveGenerator:
        """The extractive generator, also what reads the asked figures for an LLM's prompt."""
        gen = self.generator("extractive")
        assert isinstance(gen, ExtractiveGenerator)
        return gen

    def _refusal(self, reason: str, query: str, filters: SearchFilters | None, hits: list[Hit], base: dict) -> Answer:
        scope = f"{len({h.chunk.doc_id for h in hits})} matching documents" if hits else "the index"
        if filters and not filters.is_empty():
            scope += " (filters: " + filters.model_dump_json(exclude_defaults=True) + ")"
        nearby: list[str] = []
        for h in hits:
            label = f"{h.chunk.title[:70]}{' ' + h.chunk.section if h.chunk.section else ''} ({h.chunk.jurisdiction})"
            if label not in nearby:
                nearby.append(label)
        text = f"The indexed documents don't answer this: {reason}. I searched {scope} for “{query}”."
        if nearby:
            text += " Nearby topics the corpus does cover: " + "; ".join(nearby[:3]) + "."
        return Answer(answer=text, refused=True, generator="", **base)
