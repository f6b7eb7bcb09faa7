"""Extractive answers: an English lead built from the evidence's figures, then the passages'
own best sentences, each with its ``[n]`` citation.

Always available, deterministic and fast (no model). Sentences are scored by how many of the
question's terms they hold (with the glossary's German, Chinese and Dutch equivalents, so a
German quota sentence can answer an English question), weighted by the passage's rank and by
what the question asks: a figure, a date or a definition. The lead states the asked figures
in English — value, unit, what they apply to, deadline — read from the chosen sentences by
:mod:`assistant.figures`; with no figure to state, foreign evidence is introduced by where it
stands (jurisdiction, document, articles). Foreign sentences follow as labelled quotes in their
own language. Nothing is translated by a model here.

Example::

    gen = ExtractiveGenerator()
    "".join(gen.stream("What is the recycling quota for glass?", passages))
    # 'Germany, § 16: 90 % by mass from 1 January 2022 (glass) [1]. German original: “…” [1]. '
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from typing import Iterator

from assistant import jurisdictions as jur
from assistant.figures import LIST_ITEM, MEASURES, UNIT_WORD, FigureReader, rank
from assistant.query_expansion import Glossary
from assistant.text import (YEAR, asked_term, asks_for_definition, asks_for_figure, chinese_numeral, defined_term,
                            defines, language_name, locate, numbers, sentences)
from circularbench.types import LEGAL_TYPES, Figure, Passage, paragraph_at
from indexer.analysis import analyze

_HEADING = re.compile(r"^#+\s*")
_ENDS = (".", "!", "?", "。", "；", ";", ":", "：")
_QUESTION_WORDS = {"what", "which", "how", "does", "do", "is", "are", "the", "when", "who", "why", "much", "many"}
_ASKS_AMOUNT = re.compile(r"\b(targets?|quotas?|deadlines?|fines?|penalt(?:y|ies)|deposits?|limits?|rates?|shares?|"
                          r"minimum|maximum|thresholds?|fees?|levels?|how (?:much|many|high|long|large))\b", re.I)
_ASKS_DATE = re.compile(r"^(?:by |since |until |from )?when\b|\b(by when|since when|until when|deadline|what date|"
                        r"which date|from what date|what year|which year|in force|effective)\b", re.I)
# When a law applies from: asked in English, stated in each law's own formula. The sentence that
# states it ("本办法自2019年6月1日起施行") often shares no word with the question.
_ASKS_COMMENCEMENT = re.compile(r"\b(take|takes|took|taken|come|comes|came) (?:into )?(?:effect|force)\b|\b(?:enter|entered|"
                                r"enters) into force|\bin force\b|\bapply from\b|\bapplies from\b|\bsince when\b|"
                                r"\bcommence", re.I)
_COMMENCES = re.compile(r"\b(?:enter|enters|entered) into force|\b(?:take|takes) effect|\bshall apply from|"
                        r"\bin Kraft\b|\bInkrafttreten|\bin werking\b|\binwerkingtreding|起施行|起生效", re.I)
# Title blocks and author lines: mostly capitalised words, an e-mail, "et al.".
_BYLINE = re.compile(r"@|\bet al\.|\bUniversity\b|\bISBN\b|\bdoi\b", re.I)
_CN_ARTICLE = re.compile(r"第([一二三四五六七八九十百零〇]+)条")
_ARTICLE_HEADING = re.compile(r"^(?:§+\s*\d+\w*|Artikel\s+\d+\w*|Article\s+\d+\w*|Art\.\s*\d+\w*|第[一二三四五六七八九十百零〇\d]+条)\s")


@dataclass(frozen=True)
class Asked:
    """What a question asks for, read from its wording."""

    figure: bool
    date: bool
    definition: bool
    commencement: bool = False  # when a law or rule applies from

    @classmethod
    def of(cls, question: str) -> "Asked":
        commencement = bool(_ASKS_COMMENCEMENT.search(question))
        return cls(figure=asks_for_figure(question) or bool(_ASKS_AMOUNT.search(question)),
                   date=commencement or bool(_ASKS_DATE.search(question)), definition=asks_for_definition(question),
                   commencement=commencement)


def _units(text: str, continuing: bool = False) -> list[str]:
    """The passage's sentences, a list's lead-in ("… the following percentages:") joined to its
    items so that a sentence never stops before its number; ``continuing``: the text begins
    inside a list (its lead-in stood before it), whose first items are joined into one unit."""
    out: list[str] = []
    joining = continuing
    for sentence in sentences(text):
        sentence = _HEADING.sub("", sentence).strip()
        opens = sentence.rstrip().endswith((":", "："))  # an item that opens a list of its own
        last = out[-1].rstrip() if out else ""
        # An item ending in a full stop closes its list: a numbered paragraph after it ("3. Het
        # eerste en tweede lid …") is no item of that list.
        # A lead-in that stops without a mark ("… shall, at a minimum, contain", its dash lost
        # in conversion) opens a list as a colon does.
        if last and ((joining and not last.endswith(".")) or last.endswith((":", "：")) or not last.endswith(_ENDS)) \
                and LIST_ITEM.match(sentence) and not opens and len(last) < 700:
            out[-1] = f"{out[-1]} {sentence}"
            joining = True
        else:
            joining = bool(continuing and not out and LIST_ITEM.match(sentence))
            out.append(sentence)
    return out


def _continues(passage: Passage, units: list[str], position: int) -> str:
    """The lead-in of the list the unit at ``position`` belongs to, when the passage begins inside
    that list (its lead-in then stands in the chunk before), else ''."""
    if passage.lead_in and all(LIST_ITEM.match(u) for u in units[: position + 1]):
        return passage.lead_in
    return ""


_PART = 5  # the shortest compound part matched on its own


def _meeting(tokens: set[str], wanted: set[str], language: str) -> set[str]:
    """The ``tokens`` that meet ``wanted``. In German and Dutch a token also meets a wanted
    compound it begins or ends ("kunststof" in "kunststofverpak") and a wanted stem it extends
    ("recycled", "recycl"): the analyzer's splitter misses many Dutch compounds, and the glossary
    gives a compound for "plastic packaging" where a law writes "kunststof verpakkingen"."""
    if language not in ("de", "nl"):
        return tokens & wanted
    return {t for t in tokens if t in wanted or (len(t) >= _PART and any(
        (len(w) > len(t) and (w.startswith(t) or w.endswith(t))) or (len(t) > len(w) >= _PART and t.startswith(w))
        for w in wanted))}


def _rarity(units: list[set[str]]) -> dict[str, float]:
    """BM25's inverse document frequency of each token over the sentences ``units`` (their token
    sets): a question's word that the evidence repeats everywhere (the name of the law it asks
    about, "cleaner production" in every article of that law) tells its sentences apart far less
    than one that stands in a single sentence ("fertiliser")."""
    counts = Counter(t for tokens in units for t in tokens)
    total = len(units)
    return {t: math.log(1 + (total - n + 0.5) / (n + 0.5)) for t, n in counts.items()}


def _title_like(sentence: str, language: str) -> bool:
    if _BYLINE.search(sentence):
        return True
    words = [w for w in sentence.split() if w[:1].isalpha()]
    # German capitalises every noun: the test would call its law text a title.
    return language in ("en", "nl") and len(words) >= 4 and sum(w[0].isupper() for w in words) / len(words) > 0.6


class ExtractiveGenerator:
    # max_sentences 5, chosen on dev: a fifth sentence often quotes the passage holding the
    # evidence (cites .778 -> .794); a sixth mostly adds quotes (number precision falls further).
    name = "extractive"

    def __init__(self, glossary: Glossary | None = None, max_sentences: int = 5, per_passage: int = 2,
                 passages_considered: int = 6, lead_figures: int = 4, lead_passages: int = 2, lead_floor: float = 0.3,
                 gloss_words: int = 8, sentence_floor: float = 0.1):
        if max_sentences < 1 or per_passage < 1 or lead_figures < 0 or gloss_words < 0:
            raise ValueError("max_sentences and per_passage must be at least 1, lead_figures and gloss_words at least 0")
        if not 0 <= sentence_floor < 1:
            raise ValueError("sentence_floor must be in [0, 1)")
        self.glossary = glossary or Glossary.load()
        self.reader = FigureReader(self.glossary)
        self.max_sentences = max_sentences
        self.per_passage = per_passage
        self.passages_considered = passages_considered
        self.lead_figures = lead_figures
        self.lead_passages = lead_passages
        self.lead_floor = lead_floor
        self.gloss_words = gloss_words
        self.sentence_floor = sentence_floor

    def _wanted(self, question: str) -> dict[str, set[str]]:
        """Per passage language, the question's and its translations' tokens as the keyword index
        analyses them (stems, compound parts, Chinese words): the glossary lists base forms only."""
        english = set(analyze(question, "en")) - _QUESTION_WORDS
        translations = self.glossary.translations(question)
        out = {"en": english}
        for language, text in translations.items():
            out[language] = english | set(analyze(text, language))
        return out

    def mentions(self, question: str, text: str, language: str) -> int:
        """How many of the words of ``text`` (in ``language``) meet the question's terms or their
        translations, as the sentence scoring counts them."""
        wanted = self._wanted(question)
        return len(_meeting(set(analyze(text, language)), wanted.get(language, wanted["en"]), language))

    def scored(self, question: str, passages: list[Passage]) -> list[tuple[float, int, int, str]]:
        """(score, passage number, position, sentence) of every sentence sharing a term with the
        question, best first."""
        wanted_by_language = self._wanted(question)
        asked = Asked.of(question)
        question_numbers = numbers(question)
        term = set(analyze(asked_term(question), "en"))  # the term whose meaning is asked, if named
        considered = [(rank_, passage, _units(passage.text, bool(passage.lead_in)))
                      for rank_, passage in enumerate(passages[: self.passages_considered], start=1)]
        analysed = {(rank_, position): set(analyze(sentence, passage.language))
                    for rank_, passage, units in considered for position, sentence in enumerate(units)}
        rarity = _rarity(list(analysed.values()))
        unseen = math.log(1 + (len(analysed) + 0.5) / 0.5)  # a word of a lead-in from the chunk before
        scored: list[tuple[float, int, int, str]] = []
        for rank_, passage, units in considered:
            wanted = wanted_by_language.get(passage.language, wanted_by_language["en"])
            # A Chinese character says about what a word does: "本办法自2019年6月1日起施行。" is whole.
            shortest = 10 if passage.language == "zh" else 25
            for position, sentence in enumerate(units):
                # A heading ("§ 1 Abfallwirtschaftliche Ziele") names a topic but says nothing.
                if not shortest <= len(sentence) <= 900 or (len(sentence) < 80 and not sentence.endswith(_ENDS)
                                                             and not LIST_ITEM.match(sentence)):
                    continue
                if _title_like(sentence, passage.language) or (_ARTICLE_HEADING.match(sentence)
                                                                and not sentence.endswith(_ENDS)):
                    continue
                tokens = analysed[(rank_, position)]
                context = _continues(passage, units, position)
                # A list item is about what its lead-in names, even when that stood in the chunk before.
                met = _meeting(tokens | set(analyze(context, passage.language)), wanted, passage.language)
                # Damped by a root, chosen on dev (cites, key facts): unweighted .808, .578;
                # by rarity .816, .581; by its root .820, .589.
                matched = sum(math.sqrt(rarity.get(t, unseen)) for t in met)
                commences = asked.commencement and bool(_COMMENCES.search(sentence))
                if commences:
                    matched += 1  # as a word of middling rarity
                if matched == 0:
                    continue
                score = matched / math.sqrt(len(tokens) + 4) / math.sqrt(rank_)
                if asked.figure and self.reader.values(sentence, passage.language):
                    score *= 1.5
                if asked.date and self.reader.dates(sentence):
                    score *= 1.4
                if asked.definition and defines(sentence):
                    # A definitions article defines many terms: one of another term is no answer.
                    defined = defined_term(sentence) if term and passage.language == "en" else ""
                    score *= 0.5 if defined and not term <= set(analyze(defined, "en")) else 1.6
                if question_numbers & numbers(sentence) or commences:
                    score *= 2  # "step 5", "Article 13", "2030": the number the question names; when it applies
                if (position == len(units) - 1 and not sentence.endswith(_ENDS)) or (
                        position == 0 and sentence[:1].islower() and not LIST_ITEM.match(sentence)):
                    score *= 0.6  # cut off where the chunk ends or begins
                scored.append((score, rank_, position, sentence))
        return sorted(scored, key=lambda item: -item[0])

    def select(self, question: str, passages: list[Passage],
               scored: list[tuple[float, int, int, str]] | None = None) -> list[tuple[int, str]]:
        """(passage number, sentence) pairs in the order of the evidence, at most ``max_sentences``,
        none scoring under ``sentence_floor`` times the best: a table row sharing one word with
        the question only dilutes the answer."""
        scored = self.scored(question, passages) if scored is None else scored
        chosen: list[tuple[int, int, str]] = []
        per: dict[int, int] = {}
        seen: set[str] = set()  # neighbouring chunks overlap: a sentence they share is said once
        floor = scored[0][0] * self.sentence_floor if scored else 0.0
        for score, n, position, sentence in scored:
            if score < floor:
                break
            said = " ".join(sentence.split())
            if per.get(n, 0) < self.per_passage and said not in seen:
                chosen.append((n, position, sentence))
                per[n] = per.get(n, 0) + 1
                seen.add(said)
            if len(chosen) == self.max_sentences:
                break
        return [(n, sentence) for n, _, sentence in sorted(chosen)]

    def figures(self, question: str, passages: list[Passage],
                scored: list[tuple[float, int, int, str]] | None = None, units: int = 8) -> list[tuple[Figure, str]]:
        """The asked figures of the ``units`` best sentences — not only the quoted ones: the
        sentence holding the asked figure often shares fewer words with the question than a
        definition does —, each with the sentence it stands in."""
        scored = self.scored(question, passages) if scored is None else scored
        found: list[Figure] = []
        unit_of: dict[tuple[int, str], str] = {}
        units_of: dict[int, list[str]] = {}  # a passage's units, as scored() split them
        best = scored[0][0] if scored else 0.0
        for score, n, position, unit in scored[:units]:
            if score < self.lead_floor * best:
                break  # a sentence far weaker than the best one states figures nobody asked for
            passage = passages[n - 1]
            split = units_of.setdefault(n, _units(passage.text, bool(passage.lead_in)))
            before = split[position - 1] if position else ""
            for figure in self.reader.read(passage, unit, n, _continues(passage, split, position), before):
                found.append(figure)
                unit_of.setdefault((n, figure.span), unit)
        ranked = rank(found, question, self.glossary, self.lead_figures)
        # The lead speaks from the passages holding the best figures, not from every one.
        sources = list(dict.fromkeys(f.n for f in ranked))[: self.lead_passages]
        return [(f, unit_of[(f.n, f.span)]) for f in ranked if f.n in sources]

    def lead(self, question: str, passages: list[Passage], chosen: list[tuple[int, str]],
             figures: list[tuple[Figure, str]]) -> str:
        """One English sentence per cited passage stating the asked figures (or dates), or ''."""
        stated: dict[int, list[str]] = {}
        spans: dict[int, str] = {}
        if figures:
            for figure, _ in figures:
                stated.setdefault(figure.n, []).append(_state(figure))
                spans.setdefault(figure.n, figure.span)
        elif Asked.of(question).date:  # a date is asked: the chosen sentences' dates, in English
            for n, sentence in chosen:
                for *_, date in self.reader.dates(sentence):
                    if date not in stated.get(n, []):
                        stated.setdefault(n, []).append(date)
        parts = []
        for n, said in stated.items():  # the passage of the best figure first
            p = passages[n - 1]
            span = locate(spans[n], p.text) if n in spans else ""
            paragraph = paragraph_at(p.text, span, p.opening_paragraph) if span else ""
            section = " ".join(x for x in (_short_title(p), _english_article(p.section), paragraph) if x)
            where = ", ".join(x for x in (jur.name(p.jurisdiction), section, f"p. {p.page}" if p.page else "") if x)
            parts.append(f"{where}: {'; '.join(said)} [{n}].")
        return " ".join(parts)

    def stream(self, question: str, passages: list[Passage]) -> Iterator[str]:
        scored = self.scored(question, passages)
        chosen = self.select(question, passages, scored)
        asks_figure = Asked.of(question).figure
        figures = self.figures(question, passages, scored) if asks_figure else []
        # A foreign sentence holding a lead figure is quoted too, so the original stands beside
        # its English; an English one is in the citation's quote already.
        for figure, unit in figures:
            if figure.language != "en" and (figure.n, unit) not in chosen:
                chosen.append((figure.n, unit))
        chosen.sort(key=lambda item: item[0])
        lead = self.lead(question, passages, chosen, figures)
        if not lead and not asks_figure:  # an asked figure that is not there is the refusal's call
            lead = self.where(passages, chosen, frozenset(YEAR.findall(question)))
        if lead:
            yield lead + " "
        for n, sentence in chosen:
            language = passages[n - 1].language
            body = sentence.rstrip(".。;；")
            if language == "en":
                yield f"{body} [{n}]. "
            else:
                # The original stays as a quote, labelled with its language; without a translator
                # the reader gets its terms in English from the glossary.
                gloss = self.gloss(body, language)
                yield (f"{language_name(language)} original" + (f" (terms: {gloss})" if gloss else "")
                       + f": “{body}” [{n}]. ")

    def where(self, passages: list[Passage], chosen: list[tuple[int, str]], years: frozenset[str] = frozenset()) -> str:
        """With no figure to lead with and foreign sentences to quote, an English sentence saying
        where they stand: 'China: the Chinese text of Measures for the Administration of the
        Recycling of End-of-Life Vehicles addresses this in Article 5 [1] and Article 15 [3].' The
        quotes (with their own labels, 第五条 …) and their terms follow. A date of a quoted
        sentence in one of the question's ``years`` is stated in English beside its place ("since
        2023" asked: '§ 33 (from 1 January 2023)')."""
        by_doc: dict[str, list[int]] = {}
        for n in dict.fromkeys(n for n, _ in chosen):  # a passage once, however many of its sentences
            if passages[n - 1].language != "en":
                by_doc.setdefault(passages[n - 1].doc_id, []).append(n)
        parts = []
        for ns in by_doc.values():
            p = passages[ns[0] - 1]
            cited: dict[str, str] = {}  # place -> its citations, a place once however many passages
            for n in ns:
                q = passages[n - 1]
                place = _english_article(q.section) or (f"p. {q.page}" if q.page else "its text")
                dated = dict.fromkeys(date for m, sentence in chosen if m == n
                                      for *_, date in self.reader.dates(sentence) if years & set(YEAR.findall(date)))
                place += f" ({', '.join(dated)})" if dated else ""
                cited[place] = cited.get(place, "") + f"[{n}]"
            places = [f"{place} {marks}" for place, marks in cited.items()]
            listed = places[0] if len(places) == 1 else ", ".join(places[:-1]) + " and " + places[-1]
            name = _short_title(p)
            name = (f"the {name}" if p.doc_type in LEGAL_TYPES else name) if name else _title_name(p.title)
            parts.append(f"{jur.name(p.jurisdiction)}: the {language_name(p.language)} text"
                         f"{f' of {name}' if name else ''} addresses this in {listed}.")
        return " ".join(parts)

    def gloss(self, sentence: str, language: str, limit: int = 8) -> str:
        """The glossary's English terms for the words of a foreign sentence: 'single-use, reusable';
        for Chinese, then CC-CEDICT's senses of its other content words, for German Ding's senses
        of its other nouns, adjectives and adverbs (``gloss_words`` at most).
        A dictionary gloss, not a translation (its figures and dates are the lead's job)."""
        named: list[str] = []
        for _, term in sorted(self.reader.subjects(sentence, language)):
            # "single-use" adds nothing after "single-use plastics".
            if term not in MEASURES and not any(term in t or t in term for t in named) and len(named) < limit:
                named.append(term)
        dictionary = self.glossary.dictionary_for(language)
        if dictionary is not None and self.gloss_words:
            named += [w for w in dictionary.gloss(UNIT_WORD.sub(" ", sentence), self.gloss_words)
                      if not any(w in t or t in w for t in named)]
        return ", ".join(named)


def _short_title(passage: Passage) -> str:
    """The document's English name for a lead ('Packaging Act'), so two laws of a jurisdiction
    are told apart; '' without one or when it holds a number (every number an answer states
    must stand in the passage it cites: not "Key Environmental Statistics 2022")."""
    return passage.short_title if not re.search(r"\d", passage.short_title) else ""


def _title_name(title: str) -> str:
    """For a document without a short title (an upload), the name its title gives in brackets
    (an English name or a short title: "报废机动车回收管理办法 (Measures for …)", "… (VerpackG)");
    '' without one, since a long native title would turn the lead into that language, or when
    the name holds a number. The source card shows the full title."""
    _, _, rest = title.partition(" (")
    name = re.sub(r"\s*\([^()]*\)", "", rest[:-1] if rest.endswith(")") else rest).strip()
    return name if name and name.isascii() and not re.search(r"\d", name) else ""


# The label words of German and Dutch law, in English: the lead speaks English, the quote and
# the source card keep the original label. "§" is the same sign in an English text.
_LABEL_ENGLISH = {"Artikel": "Article", "Anlage": "Annex", "Anhang": "Annex", "Bijlage": "Annex"}
_LABEL_WORDS = re.compile(rf"^({'|'.join(_LABEL_ENGLISH)})\b")


_OUTLINE_NUMBER = re.compile(r"\d+(?:\.\d+)*")


def _english_article(section: str) -> str:
    """An article label in English: "第六十六条" -> "Article 66", "Artikel 6" -> "Article 6",
    "Anlage 5", "Anhang II" -> "Annex 5", "Annex II"; a report's numbered section "2.2" ->
    "Section 2.2" (a bare "2.2" reads as a figure); others ("§ 16") as they are."""
    section = section.strip()
    if _OUTLINE_NUMBER.fullmatch(section):
        return f"Section {section}"
    m = _CN_ARTICLE.fullmatch(section)
    number = chinese_numeral(m.group(1)) if m else None
    if number:
        return f"Article {number}"
    return _LABEL_WORDS.sub(lambda w: _LABEL_ENGLISH[w.group(1)], section)


def _state(figure: Figure) -> str:
    """'90 % by mass from 1 January 2022 (plastic, recovery)'."""
    text = figure.text + (f" {figure.period}" if figure.period else "")
    return text + (f" ({figure.subject})" if figure.subject else "")
