"""Small text helpers shared by the generators and the checks: sentences, numbers, terms.

Example::

    from assistant.text import sentences, numbers
    sentences("Quotas rise. 第一条 为了促进。Next one.")   # ['Quotas rise.', '第一条 为了促进。', 'Next one.']
    numbers("at least 65 % by 2030 and 0,25 EUR")       # {'65', '2030', '0.25'}
"""

from __future__ import annotations

import re
from functools import lru_cache

import langcodes

from indexer.chunking import text_length
from indexer.analysis import plain_tokens

# Sentence ends: . ! ? followed by space and a capital/digit/quote/paren, or Chinese 。！？.
# A Chinese semicolon ends one only before a list item ("；（二）"): elsewhere it joins the
# clauses of one provision ("…责令改正；拒不改正的，处五十元以上二百元以下罚款。"), and a fine
# without its violation answers nothing. Abbreviations ("Art. 5", "No. 3", "e.g."), German
# ordinal dates ("vom 18. Dezember") and Dutch list marks ("1°. 90 gewichtsprocent") do not end one.
_ABBREV = re.compile(r"(?:(?<![\d.])\d{1,2}°?\.$)|\b(?:Art|Abs|Nr|No|Nos|Dec|vgl|bzw|ca|etc|e\.g|i\.e|cf|para|Para|S|Sec|Ref|Vol|Fig|p|pp|Mr|Dr|Mio|Mrd|Rn|lit|Buchst|Satz)\.$")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[\"'(\[A-ZÄÖÜ0-9§\u4e00-\u9fff])|(?<=[。！？])|(?<=；)(?=\s*[（(][一二三四五六七八九十\d]+[）)])")
# Thousands groups use one separator throughout ("1,013,000", "1.000", "1 000"), so table columns
# ("1,013,000 817,000") stay apart, and never follow a leading zero ("0,002" is a decimal).
_NUMBER = re.compile(r"(?<![A-Za-z0-9_.,])([1-9]\d{0,2}(?:,\d{3})+|[1-9]\d{0,2}(?:\.\d{3})+|[1-9]\d{0,2}(?: \d{3})+|\d+)"
                     r"(?:[.,](\d+))?(?![A-Za-z0-9_])")
_CITATION = re.compile(r"\s*\[(\d+(?:\s*[,;]\s*\d+)*)\]")


_BLOCKS = re.compile(r"\n\s*\n|\n(?=#{1,6}\s)|\n(?=\(\d+\)\s)")
_HEADING_MARK = re.compile(r"^#{1,6}\s*")


def sentences(text: str) -> list[str]:
    """Sentences, white space folded; paragraphs and Markdown headings always end one."""
    parts: list[str] = []
    for block in _BLOCKS.split(text):
        block = _HEADING_MARK.sub("", " ".join(block.split()))
        merged: list[str] = []
        for piece in _SENTENCE_END.split(block):
            piece = piece.strip()
            if not piece:
                continue
            if merged and _ABBREV.search(merged[-1]):
                merged[-1] = f"{merged[-1]} {piece}"
            else:
                merged.append(piece)
        parts += merged
    return parts


def canonical(whole: str, frac: str = "") -> str:
    """'1.000' / '1,000' / '1 000' -> '1000'; ('0', '25') -> '0.25'."""
    digits = re.sub(r"[ .,]", "", whole)
    return f"{int(digits)}.{frac}" if frac else str(int(digits))


# Chinese numerals count as numbers where they measure something ("五十元", "三年", "百分之三十",
# "第十六条"): a bare 一 is as often a word ("一次性", single-use) as a number.
_CN_DIGIT_VALUE = {c: i for i, c in enumerate("〇一二三四五六七八九")} | {"零": 0, "两": 2}
_CN_DIGITS = "".join(_CN_DIGIT_VALUE)
# 一 after 上, 下, 同, 每, 这 or 前 is "the previous, next, same, each, this" ("上一年度", the
# previous year), not a count of one year or month.
CN_NOT_A_COUNT = rf"(?!(?<=[上下同每这前])一(?![{_CN_DIGITS}十百千万亿\d]))"
_CN_NUMERAL = re.compile(rf"(百分之|第)?{CN_NOT_A_COUNT}([{_CN_DIGITS}十百千万亿]+)(?(1)|(?=元|万元|亿元|吨|万吨|年|个月|个工作日|日|天|倍|公斤|千克|条|款|项|小时|%))")
# Unit words a number word may stand before, in German, Dutch and English, each with the unit the
# English shows: laws write durations and small amounts in words ("mindestens drei Jahre", "zes
# maanden", "within three years"). The FigureReader reads figures by the same table.
WORD_UNIT_TABLE = (
    (r"Euro|EUR|euro", "EUR"),
    (r"Prozent|procent|per ?cent|percent", "%"),
    (r"Jahren|Jahre|jaar|years?", "years"),
    (r"Monaten|Monate|maanden|months?", "months"),
    (r"Wochen|weken|weeks?", "weeks"),
    (r"Werktagen|Werktage|werkdagen|working days?", "working days"),
    (r"Tagen|Tage|dagen|days?", "days"),
)
WORD_UNITS = "|".join(pattern for pattern, _ in WORD_UNIT_TABLE)
# Number words before a unit: "bis zu zweihunderttausend Euro", "vijftigduizend euro".
_WORD_NUMBER = re.compile(rf"\b([a-zäöüß]{{3,40}})\s+(?=(?:{WORD_UNITS})\b)")


def chinese_numeral(run: str) -> int | None:
    """A run of Chinese numeral characters as an integer ('二〇二五' -> 2025, '五十' -> 50)."""
    if all(c in _CN_DIGIT_VALUE for c in run):  # digit by digit: a year or a code, not '二十'
        return int("".join(str(_CN_DIGIT_VALUE[c]) for c in run))
    import cn2an  # only needed for Chinese text

    try:
        return int(cn2an.cn2an(run, "smart"))
    except (ValueError, KeyError):
        return None


def word_number(word: str, language: str) -> int | None:
    """A German, Dutch or English number word as an integer ('zweihunderttausend' -> 200000), else None."""
    from text_to_num import text2num

    try:
        return int(text2num(word.lower(), language))
    except (ValueError, AssertionError, KeyError):
        return None


def numbers(text: str) -> set[str]:
    """Numbers in canonical form: thousands separators dropped, decimal comma as a point;
    Chinese numerals that measure something and German/Dutch/English number words before a unit too.

    Citation markers ``[n]`` are not numbers of the text and are ignored.
    """
    text = _CITATION.sub(" ", text)
    out = {canonical(whole, frac) for whole, frac in _NUMBER.findall(text)}
    if not text.isascii():
        for _, run in _CN_NUMERAL.findall(text):
            if (value := chinese_numeral(run)) is not None:
                out.add(str(value))
    for word in _WORD_NUMBER.findall(text):
        for language in ("de", "nl", "en"):
            if (value := word_number(word, language)) is not None:
                out.add(str(value))
                break
    return out


def locate(quote: str, text: str) -> str | None:
    """The exact substring of ``text`` that ``quote`` is, up to white space; None if absent."""
    words = quote.split()
    if not words:
        return None
    match = re.search(r"\s+".join(re.escape(w) for w in words), text)
    return match.group(0) if match else None


def citation_numbers(sentence: str) -> list[int]:
    return [int(n) for group in _CITATION.findall(sentence) for n in re.split(r"\s*[,;]\s*", group)]


def strip_citations(sentence: str) -> str:
    return _CITATION.sub("", sentence).strip()


_FIGURE_QUESTION = re.compile(
    r"\b(how (much|many|high|large|long)|what (share|percentage|proportion|rate|amount|level|fee|fine|tax)|"
    r"which (rate|percentage|year)|by when|what year|per ?cent|percentage|%)",
    re.I,
)


YEAR = re.compile(r"\b(?:19|20)\d{2}\b")  # a year as laws and plans name it: 1990, 2030


def asks_for_figure(question: str) -> bool:
    """Does the question ask for a number (an amount, a rate, a year)?"""
    return bool(_FIGURE_QUESTION.search(question))


# "What is a 'resource recovery' business model": no word boundary before a quote mark.
_DEFINITION_QUESTION = re.compile(r"\b(define[sd]?|definition|mean[st]?|meaning|meant|(?:what|who) counts as)\b|\bwhat is an? (?=\w|[‘'\"“])",
                                  re.I)
# How laws and reports define a term, in the corpus languages: "‘x’ means", "im Sinne dieses
# Gesetzes", "wordt verstaan onder", "本法所称…是指".
_DEFINES = re.compile(r"\b(means|mean|is defined as|shall mean|refers to|im Sinne dieses|bedeutet|bezeichnet|"
                      r"wordt verstaan|verstaan onder)\b|是指|所称|本法所称|本条例所称", re.I)


def asks_for_definition(question: str) -> bool:
    """Does the question ask what a term means?"""
    return bool(_DEFINITION_QUESTION.search(question))


def defines(text: str) -> bool:
    """Does ``text`` define a term the way laws and reports do?"""
    return bool(_DEFINES.search(text))


# A quoted term: the marks stand outside words, so "WBCSD's CDX paper and Germany's" quotes nothing.
_QUOTED_TERM = re.compile(r"(?<!\w)[‘'\"“„]([^’'\"”“]{2,80}?)[’'\"”“](?!\w)")
_ASKED_TERM = re.compile(r"\b(?:define[sd]?|definition of|meaning of|(?:what|who) counts as|what is meant by|what (?:is|are))"
                         r"\s+(?:an?\s+|the\s+)?(?:(?:definition|meaning) of\s+(?:an?\s+|the\s+)?)?"
                         r"(.+?)(?=\s+(?:under|in|by|for|according|within|as|at)\b|[?,;]|$)"
                         r"|\bwhat (?:does|do) (?:an?\s+|the\s+)?(.+?) mean\b", re.I)
# "(61) ‘deposit’ means …", "‘circular economy’ shall mean …": the quoted term right before the verb.
_DEFINED_TERM = re.compile(r"[‘'\"“]([^’'\"”“]{2,80})[’'\"”]\s*(?:\([^)]*\)\s*)?(?:means|mean|shall mean|is defined as|refers to)\b")


def asked_term(question: str) -> str:
    """The term whose meaning a question asks for: the quoted one ("How is 'recycling' defined"),
    else what follows "define", "definition of", "what is meant by" …; '' when none is named."""
    if not asks_for_definition(question):
        return ""
    if quoted := _QUOTED_TERM.search(question):
        return quoted.group(1).strip()
    found = _ASKED_TERM.search(question)
    return (found.group(1) or found.group(2)).strip() if found else ""


def defined_term(sentence: str) -> str:
    """The term an English definition sentence defines ("‘deposit’ means …" -> 'deposit'), or ''."""
    found = _DEFINED_TERM.search(sentence)
    return found.group(1).strip() if found else ""


def terms(text: str) -> set[str]:
    """Content terms for overlap scoring (the keyword index's tokens: stop words dropped)."""
    return {t for t in plain_tokens(text) if len(t) > 1 or not t.isascii()}


def focus(text: str, wanted: set[str], max_chars: int, spans: tuple[str, ...] = ()) -> str:
    """The sentences of ``text`` sharing most terms with ``wanted``, in their original order,
    within ``max_chars`` (CJK characters weigh 2.5, as in chunking): what a small LLM reads
    instead of the whole passage. Sentences inside one of the ``spans`` (the asked figures'
    sentences) come first and are kept whole."""
    parts = sentences(text)
    if sum(text_length(p) + 1 for p in parts) <= max_chars:
        return " ".join(parts)
    spans = tuple(" ".join(span.split()) for span in spans)

    def kept(part: str) -> bool:
        part = " ".join(part.split())
        return any(part in span or span in part for span in spans)

    ranked = sorted(range(len(parts)), key=lambda i: (not kept(parts[i]), -len(terms(parts[i]) & wanted), i))
    keep: list[int] = []
    used = 0
    for i in ranked:
        # A fact's sentence stays whole even past the budget: the fact's numbers must stand in it.
        if kept(parts[i]) or used + text_length(parts[i]) + 1 <= max_chars:
            keep.append(i)
            used += text_length(parts[i]) + 1
    return " ".join(parts[i] for i in sorted(keep)) or parts[ranked[0]][:max_chars]


@lru_cache(maxsize=256)
def language_name(code: str) -> str:
    """The English name of a language code ("nl" -> 'Dutch', "pl" -> 'Polish'), so a quote from
    any uploaded document is labelled in words; the code itself where it names no language."""
    return langcodes.Language.get(code).display_name() if langcodes.tag_is_valid(code) else code
