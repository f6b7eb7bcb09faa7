"""Figures of the evidence as language-neutral facts: value, unit, subject, deadline, source.

A law says "Kunststoffe … zu mindestens 90 Masseprozent", "ab dem 1. Januar 2022",
"处五十元以上二百元以下罚款" or "per 1 januari 2025"; an analyst reading in English wants
"90 % by mass (plastic), from 1 January 2022". The units, dates and number words of each
language are read by rules (they are closed classes: a handful of units, twelve months, a few
prepositions), the subject is named in English through the glossary, and every figure keeps the
exact sentence it was read from. :func:`holds` re-checks that a figure's value stands in its span.

Example::

    from assistant.figures import FigureReader
    reader = FigureReader()
    [f.text + " " + f.period for f in reader.read_sentence(
        "1. 80 Masseprozent bei Glas; ab dem 1. Januar 2022 90 Masseprozent,", "de")]
    # ['80 % by mass ', '90 % by mass from 1 January 2022']
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant import followup
from assistant.query_expansion import Glossary
from assistant.text import CN_NOT_A_COUNT, WORD_UNIT_TABLE, WORD_UNITS, YEAR, canonical, chinese_numeral, locate, numbers, sentences, terms, word_number
from circularbench.types import Figure, SourceRef
from indexer.analysis import analyze

_NUM = r"(?<![A-Za-z0-9_.,])((?:[1-9]\d{0,2}(?:,\d{3})+|[1-9]\d{0,2}(?:\.\d{3})+|\d+))(?:[.,](\d+))?(?![A-Za-z0-9_])"
_CN_NUM = rf"{CN_NOT_A_COUNT}([〇零一二两三四五六七八九十百千万亿]+|\d+(?:\.\d+)?)"

# Unit words after a number, per meaning; the first group of each is what the English shows. The
# words a number may also be spelled out before (text.WORD_UNIT_TABLE) are that table's.
_WORD_UNIT = {shown: pattern for pattern, shown in WORD_UNIT_TABLE}
_UNITS_AFTER = [
    # Shown as the source measures it: a German law's Masseprozent is a share by mass, the EU's
    # English text and a Dutch decree's gewichtsprocent one by weight.
    (r"Masseprozent|massaprocent|% by mass|per ?cent by mass", "% by mass"),
    (r"Gewichtsprozent|gewichts?procent|% by weight|per ?cent by weight", "% by weight"),
    (rf"%|{_WORD_UNIT['%']}", "%"),
    (rf"{_WORD_UNIT['EUR']}|€", "EUR"),
    (r"Cent|cent", "cent"),
    (r"Kilogramm|kilogram|kilograms|kg", "kg"),
    (r"Tonnen|tonnes|tons|ton|t(?=\s)", "t"),
    (r"ppm", "ppm"),
    (r"mg/kg", "mg/kg"),
    (r"kWh", "kWh"),
    *((pattern, shown) for pattern, shown in WORD_UNIT_TABLE if shown not in ("%", "EUR")),
]
# A unit word where it stands alone: the figures state it in English, a gloss need not ("earth percentage").
UNIT_WORD = re.compile(r"(?<!\w)(?:" + "|".join(p for p, _ in _UNITS_AFTER) + r")(?!\w)")
_UNIT_AFTER = re.compile(_NUM + r"\s?(" + "|".join(f"(?:{p})" for p, _ in _UNITS_AFTER) + r")(?!\w)")
_CURRENCY_BEFORE = re.compile(r"(EUR|€|USD|US\$|S\$|SGD|\$|£|GBP|¥|RMB|CNY)\s?" + _NUM)
_CURRENCY = {"€": "EUR", "US$": "USD", "$": "USD", "S$": "SGD", "£": "GBP", "¥": "yuan", "RMB": "yuan", "CNY": "yuan"}
_ENUMERATED = re.compile(_NUM + r"(?=\s*(?:,|sowie\b|und\b|and\b|en\b|or\b|oder\b|of\b))")
_CLAUSE_BREAK = re.compile(r"[.;:]\s|\b(?:Prozent|Masseprozent|percent)\b")
# How far before a figure its subject may stand ("für Aluminium und Kunststoffe 50").
_NEAR = 32
_CONNECTOR = re.compile(r"^(?:und|and|en|sowie|or|oder|,)$|,$", re.I)
# A count per head: "40 lightweight plastic carrier bags per capita", "12 kg pro Kopf" stays a
# mass. The counted thing (up to six words) is part of what the English shows.
_PER_HEAD = re.compile(_NUM + r"\s+((?:[^\W\d]+[ -]){0,5}[^\W\d]+)\s+(?:per (?:capita|person|inhabitant)|"
                       r"pro (?:Kopf|Einwohner(?:in)?)|per (?:inwoner|hoofd))\b")
_WORD_BEFORE_UNIT = re.compile(rf"\b([a-zäöüß]{{3,40}})\s+({WORD_UNITS})\b")
_CN_UNITS = {"元": "yuan", "万元": "yuan", "亿元": "yuan", "吨": "t", "万吨": "t", "年": "years", "个月": "months",
             "个工作日": "working days", "日": "days", "天": "days", "%": "%", "公斤": "kg", "千克": "kg", "倍": "times"}
_CN_SCALE = {"万元": 10_000, "亿元": 100_000_000, "万吨": 10_000}
# A day count is "N日内" (within N days, as "自收到申请之日起60日内"), never the day of a date ("6月1日").
_CN_FIGURE = re.compile(rf"(百分之)?{_CN_NUM}(万元|亿元|万吨|元|吨|个月|个工作日|日(?=内|以内)|天|公斤|千克|%|"
                        rf"年(?![一二三四五六七八九十\d]{{1,2}}月))?")
# A range, as the legal-liability articles of Chinese laws state fines, detention and multiples
# of a loss: "五千元以上五万元以下", "十日以上十五日以下拘留", "三倍以上五倍以下".
_CN_RANGE_UNIT = r"(万元|元|日|天|个月|年|倍)"
_CN_RANGE = re.compile(rf"{_CN_NUM}{_CN_RANGE_UNIT}以上{_CN_NUM}{_CN_RANGE_UNIT}以下")

_MONTHS = {
    "en": "january february march april may june july august september october november december",
    "de": "januar februar märz april mai juni juli august september oktober november dezember",
    "nl": "januari februari maart april mei juni juli augustus september oktober november december",
}
_MONTH_NUMBER = {name: i for names in _MONTHS.values() for i, name in enumerate(names.split(), start=1)}
_MONTH_NUMBER["jänner"] = 1
_ENGLISH_MONTHS = [m.capitalize() for m in _MONTHS["en"].split()]
_MONTH = "|".join(sorted(_MONTH_NUMBER, key=len, reverse=True))
# A preposition before a date sets its sense: a deadline ("by") or a start ("from").
_BY = r"bis\s+(?:spätestens\s+)?(?:zum\s+)?|spätestens\s+(?:bis\s+)?(?:zum\s+)?|uiterlijk\s+(?:op\s+)?|vóór\s+|voor\s+|by\s+|before\s+|until\s+|no later than\s+|tot\s+"
_FROM = r"(?:spätestens\s+)?ab\s+(?:dem\s+)?|seit\s+(?:dem\s+)?|vanaf\s+|met ingang van\s+|per\s+|from\s+|as (?:of|from)\s+|since\s+|after\s+|nach\s+dem\s+"
_IN = r"im\s+Jahr(?:e)?\s+|in\s+"
_DATE = re.compile(
    rf"(?i)(?:({_BY})|({_FROM})|({_IN}))?"
    rf"(?:(\d{{1,2}})\.?\s+({_MONTH})\s+(\d{{4}})|({_MONTH})\s+(\d{{1,2}}),?\s+(\d{{4}})|(?<![\d.,])((?:19|20)\d{{2}})(?![\d.,%年]|\s?(?:Masse|Prozent|%|t\b|Tonnen|Euro)))"
)
# A bare year closing a law's name is part of the name, no period: "Wet op de omzetbelasting
# 1968", "Verpackungsgesetz 2017", "Environmental Protection Act 1990".
_NAMED = re.compile(r"\b(?:Wet|Gesetz|\w+gesetz(?:es)?|\w*[Vv]erordnung|Besluit|Act|Law|Decree|Ordinance)\b"
                    r"(?:\s+[^\s,;.()]+){0,4}\s+$")
_CN_DATE = re.compile(r"(到|至|自|从|于)?([〇零一二三四五六七八九\d]{4})年(?:([一二三四五六七八九十\d]{1,3})月)?(?:([一二三四五六七八九十\d]{1,3})日)?(起|以前|之前|前|以后|后)?")
# A list item's mark: "a)", "(3)", "2.", "1°." (Dutch), "(A)" (the US Code's subparagraphs; a
# capital needs its brackets, since "No. 5" or "A. Scope" open no item).
_ITEM_MARK = r"(?:\(?[a-z0-9]{1,3}[.)°]+|\([A-Z]\))"
# A list opened inside a sentence ("… the following targets: (a) 90 % for cobalt") splits after
# its colon, so the lead-in is a clause of its own whose date and subject its items inherit.
_CLAUSE = re.compile(rf";|；|。|\n|(?<=\D),\s(?={_ITEM_MARK}\s)|(?<=[:：])\s*(?={_ITEM_MARK}\s)")
LIST_ITEM = re.compile(rf"^\s*(?:{_ITEM_MARK}|[（(][一二三四五六七八九十]+[）)]|\d+°\.?)\s")
# What an English figure is for, named right after it: "(d) 50 % for lithium", "15 % for wood",
# "65 % by average weight of lithium-based batteries": English needs no glossary to name it, a
# few words up to the next function word or a participle ("packaging waste generated").
_SUBJECT_STOP = r"(?!(?:by|in|from|to|and|or|which|that|shall|of|on|at|as|with|per|no|not|each|every)\b)"
_FOR_SUBJECT = re.compile(rf"\s*(?:by (?:average )?weight\s+)?(?:for|of)\s+(?:the\s+|all\s+)?({_SUBJECT_STOP}[a-z][a-z-]+"
                          rf"(?:\s+{_SUBJECT_STOP}(?![a-z]+ed\b)[a-z][a-z-]+){{0,2}})", re.I)
# ... or a list item's last words after its figure: "(c) 12 % lithium;".
_ITEM_SUBJECT = re.compile(rf"\s+({_SUBJECT_STOP}[a-z][a-z-]+(?:\s+{_SUBJECT_STOP}[a-z][a-z-]+){{0,2}})\s*[.;,]?\s*$", re.I)
# Words that point back to what the sentence before named: "of which", "davon", "daarvan", "其中",
# or a demonstrative before a measure ("dieser Verwertungsquote", "this target"); not one before a
# law's name ("im Sinne dieses Gesetzes", "of this Regulation"), which laws write everywhere.
_BACK_REFERENCE = re.compile(r"\b(?:of which|thereof|davon|hiervon|daarvan|hiervan)\b|其中|"
                             r"\b(?:dieser|dieses|diesen|this|these|deze|dit)\s+\w*(?:quote|quota|anteil|rate|share|"
                             r"percentage|target|ziel|doelstelling)", re.I)
# A number right after these is a reference, not a figure: "§ 16", "Absatz 3", "Article 5(2)".
_REFERENCE = re.compile(r"(?:§§?|Art\.|Artikel|Article|Articles|artikel|Absatz|Absätze|Abs\.|Nummer|Nr\.|No\.|lid|onderdeel|"
                        r"Anlage|Annex|Bijlage|paragraph|point|Satz|Kapitel|Chapter|Section|Regulation|Directive|Richtlinie|"
                        r"Verordnung|\(EU\)|\(EG\)|\(EC\)|Nos?\.)\s*$", re.I)


_ASKS_DURATION = re.compile(r"\b(how (?:long|often|quickly|soon)|period|years?|months?|weeks?|days?|duration|retain|keep)\b",
                            re.I)
_DURATIONS = ("years", "months", "weeks", "working days", "days")
# What kind of quantity a question asks for, by the English words that name it, and the units
# of each kind. A question asking for shares wants percentages, not the capacity threshold
# ("2 kWh") that stands in the same sentence; one asking for a fine wants money.
_ASKED_KINDS = {
    "share": re.compile(r"\b(shares?|rates?|percentages?|per ?cent|quotas?|proportions?)\b|%", re.I),
    "money": re.compile(r"\b(fines?|penalt(?:y|ies)|fees?|deposits?|costs?|prices?|charges?|tax(?:es)?|"
                        r"euros?|yuan|dollars?|subsid(?:y|ies)|how much money)\b|[€$£¥]", re.I),
    "mass": re.compile(r"\b(tonnes?|tons|kilo(?:gram)?s?|kg|weight of|volumes?|quantit(?:y|ies))\b", re.I),
    "count": re.compile(r"\b(how many|number of|per (?:capita|person|inhabitant)|consumption levels?)\b", re.I),
}
_KIND_OF_UNIT = {"%": "share", "% by weight": "share", "% by mass": "share", "EUR": "money", "cent": "money",
                 "USD": "money", "SGD": "money", "GBP": "money", "yuan": "money", "kg": "mass", "t": "mass",
                 "per capita": "count"}
# Glossary terms that name a measure, not what it applies to.
MEASURES = {"percent by weight", "weight", "percentage", "rate", "share", "quota", "target", "minimum"}


@dataclass(frozen=True)
class _Raw:
    value: str
    unit: str
    text: str
    start: int
    end: int


def _adjoining(near: list[tuple[int, str]], clause: str) -> list[str]:
    """The term nearest before a figure and those joined to it ("Aluminium und Kunststoffe 50"),
    in order; not the unrelated word further back ("Recycling … für Holz 15")."""
    if not near:
        return []
    kept = [near[-1]]
    for position, term in reversed(near[:-1]):
        between = clause[position: kept[0][0]].split()
        if len(between) <= 3 and _CONNECTOR.search(" ".join(between[1:]) or ","):
            kept.insert(0, (position, term))
        else:
            break
    return [t for _, t in kept]


def _nearer_neighbour(raws: list[_Raw], i: int, start: int, end: int) -> bool:
    """Whether the date at ``start:end`` stands between figure ``i`` and a neighbouring figure,
    nearer to the neighbour (gaps between their edges)."""
    raw = raws[i]
    if i + 1 < len(raws) and raw.end <= start and end <= raws[i + 1].start:
        return raws[i + 1].start - end < start - raw.end
    if i and raws[i - 1].end <= start and end <= raw.start:
        return start - raws[i - 1].end < raw.start - end
    return False


def _thousands(value: str) -> str:
    whole, _, frac = value.partition(".")
    return f"{int(whole):,}" + (f".{frac}" if frac else "")


def _shown(unit_word: str) -> str:
    """The English unit of a unit word the figure patterns matched ("Werktagen" -> 'working days')."""
    return next(shown for pattern, shown in _UNITS_AFTER if re.fullmatch(pattern, unit_word))


_COUNTED = ("years", "months", "weeks", "days", "times")


def _render(value: str, unit: str) -> str:
    if unit in ("EUR", "USD", "SGD", "GBP"):
        return f"{unit} {_thousands(value)}"
    if unit.startswith("%"):
        return f"{value} {unit}" if unit != "%" else f"{value}%"
    if value == "1" and unit.endswith(_COUNTED):
        unit = unit[:-1]  # "1 year", "1 working day"; the figure's unit stays the plural every reading shares
    return f"{_thousands(value)} {unit}".strip()


def english_date(day: str | None, month: int | None, year: str) -> str:
    if month and day:
        return f"{int(day)} {_ENGLISH_MONTHS[month - 1]} {year}"
    if month:
        return f"{_ENGLISH_MONTHS[month - 1]} {year}"
    return year


class FigureReader:
    """Reads figures and dates from passages in English, German, Dutch and Chinese.

    ``glossary`` names subjects in English (its foreign variants looked up in reverse).
    """

    def __init__(self, glossary: Glossary | None = None):
        self.glossary = glossary or Glossary.load()
        reverse: dict[str, tuple[int, str]] = {}
        for term, langs in self.glossary.entries.items():
            for variants in langs.values():
                for rank, variant in enumerate(variants):
                    key = variant.lower()
                    # A variant listed first for a term names that term; ties go to the shorter term.
                    if key not in reverse or (rank, len(term)) < (reverse[key][0], len(reverse[key][1])):
                        reverse[key] = (rank, term)
        self._reverse = {k: t for k, (_, t) in reverse.items()}
        self._variant = re.compile("|".join(re.escape(v) for v in sorted(self._reverse, key=len, reverse=True)), re.I)

    # -- values ---------------------------------------------------------------------------
    def values(self, clause: str, language: str) -> list[_Raw]:
        """The figures of one clause, in order: a number with its unit (or a currency before it)."""
        found: list[_Raw] = []
        taken: list[tuple[int, int]] = []

        def add(raw: _Raw) -> None:
            if not any(a < raw.end and raw.start < b for a, b in taken):
                taken.append((raw.start, raw.end))
                found.append(raw)

        if language == "zh" or not clause.isascii():
            for m in _CN_RANGE.finditer(clause):
                low, high = self._cn_value(m.group(1), m.group(2)), self._cn_value(m.group(3), m.group(4))
                unit = _CN_UNITS[m.group(4)]
                if low and high and _CN_UNITS[m.group(2)] == unit:
                    add(_Raw(high, unit, f"{_thousands(low)} to {_thousands(high)} {unit}", m.start(), m.end()))
            for m in _CN_FIGURE.finditer(clause):
                percent, run, unit = m.group(1), m.group(2), m.group(3)
                if not (percent or unit):
                    continue
                value = self._cn_value(run, unit or "")
                if value is None or (unit == "年" and float(value) >= 100):
                    continue  # "2025年" is a date, read by dates()
                shown = "%" if percent else _CN_UNITS[unit]
                add(_Raw(value, shown, _render(value, shown), m.start(), m.end()))
        for m in _CURRENCY_BEFORE.finditer(clause):
            unit = _CURRENCY.get(m.group(1), m.group(1))
            value = canonical(m.group(2), m.group(3) or "")
            add(_Raw(value, unit, _render(value, unit), m.start(), m.end()))
        for m in _UNIT_AFTER.finditer(clause):
            if _REFERENCE.search(clause[: m.start()]):
                continue
            value = canonical(m.group(1), m.group(2) or "")
            unit = _shown(m.group(3))
            add(_Raw(value, unit, _render(value, unit), m.start(), m.end()))
        # "für Holz 25, für Kunststoffe 50 und für Glas 70 Masseprozent": the unit of an
        # enumeration's last number holds for the bare numbers listed before it.
        for m in _ENUMERATED.finditer(clause):
            if any(r.start <= m.start() < r.end for r in found) or not re.search(r"[^\W\d]\s*$", clause[: m.start()]) \
                    or _REFERENCE.search(clause[: m.start()]):
                continue  # a number after a number or a reference ("Nummer 3, 4") is no list item
            following = [r for r in found if r.start > m.start() and r.unit.startswith("%")]
            if following and not _CLAUSE_BREAK.search(clause[m.end(): min(r.start for r in following)]):
                unit = min(following, key=lambda r: r.start).unit
                value = canonical(m.group(1), m.group(2) or "")
                if float(value) <= 100:
                    add(_Raw(value, unit, _render(value, unit), m.start(), m.end()))
        for m in _PER_HEAD.finditer(clause):
            if not _REFERENCE.search(clause[: m.start()]):
                value = canonical(m.group(1), m.group(2) or "")
                add(_Raw(value, "per capita", f"{_thousands(value)} {m.group(3)} per capita", m.start(), m.end()))
        for m in _WORD_BEFORE_UNIT.finditer(clause):
            number = word_number(m.group(1), language if language in ("nl", "en") else "de")
            if number is not None:
                unit = _shown(m.group(2))
                add(_Raw(str(number), unit, _render(str(number), unit), m.start(), m.end()))
        return sorted(found, key=lambda r: r.start)

    def kinds(self, text: str, language: str) -> set[str]:
        """The kinds of quantity ``text`` states, as :func:`asked_kinds` names them."""
        return {_KIND_OF_UNIT[r.unit] for r in self.values(text, language) if r.unit in _KIND_OF_UNIT}

    @staticmethod
    def _cn_value(run: str, unit: str) -> str | None:
        number = float(run) if run[0].isdigit() else chinese_numeral(run)
        if number is None:
            return None
        number *= _CN_SCALE.get(unit, 1)
        return str(int(number)) if float(number).is_integer() else str(number)

    # -- dates ----------------------------------------------------------------------------
    def dates(self, clause: str) -> list[tuple[int, int, str]]:
        """(start, end, English period) for every date of the clause: 'by 31 December 2025'."""
        out: list[tuple[int, int, str]] = []
        for m in _DATE.finditer(clause):
            by, start, within = m.group(1), m.group(2), m.group(3)
            if m.group(4):
                date = english_date(m.group(4), _MONTH_NUMBER[m.group(5).lower()], m.group(6))
            elif m.group(7):
                date = english_date(m.group(8), _MONTH_NUMBER[m.group(7).lower()], m.group(9))
            else:
                if _REFERENCE.search(clause[: m.start(10)]) or re.match(r"\s?/", clause[m.end():]) \
                        or not (by or start or within) and _NAMED.search(clause[: m.start(10)]):
                    continue  # "Regulation (EU) 2019/904", "Directive 2008/98", "Wet op de omzetbelasting 1968"
                date = m.group(10)
            word = "by" if by else "from" if start else ("on" if " " in date else "in") if within else ""
            out.append((m.start(), m.end(), f"{word} {date}".strip()))
        for m in _CN_DATE.finditer(clause):
            year = chinese_numeral(m.group(2)) if not m.group(2).isdigit() else int(m.group(2))
            if not year or not 1900 <= year <= 2100:
                continue
            month = self._small(m.group(3))
            day = self._small(m.group(4))
            before, after = m.group(1) or "", m.group(5) or ""
            word = "by" if before in ("到", "至") or after in ("以前", "之前", "前") else \
                "from" if before in ("自", "从") or after in ("起", "以后", "后") else "on" if day else "in"
            out.append((m.start(), m.end(), f"{word} {english_date(str(day) if day else None, month, str(year))}"))
        return sorted(out)

    @staticmethod
    def _small(run: str | None) -> int | None:
        if not run:
            return None
        return int(run) if run.isdigit() else chinese_numeral(run)

    # -- subjects -------------------------------------------------------------------------
    def subjects(self, text: str, language: str) -> list[tuple[int, str]]:
        """(position, English term) of the glossary terms the text names, in any language."""
        if language == "en":
            lowered = text.lower()
            return [(lowered.find(t), t) for t in self.glossary.terms_in(text) if lowered.find(t) >= 0]
        return [(m.start(), self._reverse[m.group(0).lower()]) for m in self._variant.finditer(text)
                if not m.group(0)[:1].islower() or language != "de" or m.group(0).islower()]

    def _subject_terms(self, text: str, language: str) -> list[str]:
        """The English terms of the subjects ``text`` names, measures aside: what a clause that
        names none continues."""
        return [t for _, t in self.subjects(text, language) if t not in MEASURES]

    def _last_period(self, lead_in: str) -> str:
        """The period a list's lead-in sets for its items: its date nearest the list, or ''."""
        dates = self.dates(lead_in) if lead_in else []
        return dates[-1][2] if dates else ""

    # -- sentences and passages -----------------------------------------------------------
    def read_sentence(self, sentence: str, language: str, lead_in: str = "", before: str = "") -> list[dict]:
        """Figures of one sentence as dicts (value, unit, text, subject, period, span). ``before``
        is the sentence before it: one that points back to it ("Dabei sind … 70 Prozent dieser
        Verwertungsquote", "of which", "其中") is about what that one names."""
        out: list[dict] = []
        offset = 0
        # A clause that names no subject continues the one before ("… bei Glas; ab 2022 90 %").
        context = lead_in or (before if _BACK_REFERENCE.search(sentence) else "")
        previous = self._subject_terms(context, language)
        opened = self._last_period(lead_in)
        for clause in _CLAUSE.split(sentence):
            start = sentence.find(clause, offset)
            offset = max(offset, start + len(clause))
            raws = self.values(clause, language)
            if not raws:
                if clause.rstrip().endswith((":", "：")):  # a list's lead-in: its items' period and subject
                    opened = self._last_period(clause) or opened
                    previous = self._subject_terms(clause, language) or previous
                continue
            dates = self.dates(clause)
            # The unit is no subject ("Masseprozent", "by weight"): terms inside a figure are skipped.
            named = [(p, t) for p, t in self.subjects(clause, language)
                     if not any(r.start <= p < r.end for r in raws) and t not in MEASURES]
            for i, raw in enumerate(raws):
                # An enumeration ("für Holz 25, für Kunststoffe 50") names each figure's subject
                # just before it; otherwise it follows ("65 % by weight of all packaging waste").
                before = raws[i - 1].end if i else 0
                after = raws[i + 1].start if i + 1 < len(raws) else len(clause)
                stated = language == "en" and (_FOR_SUBJECT.match(clause, raw.end)
                                                or LIST_ITEM.match(clause) and _ITEM_SUBJECT.match(clause, raw.end))
                own = [" ".join(stated.group(1).lower().split())] if stated else \
                      _adjoining([(p, t) for p, t in named if max(before, raw.start - _NEAR) <= p < raw.start],
                                 clause) or \
                      [t for p, t in named if raw.end <= p < after] or \
                      [t for p, t in named if before <= p < raw.start] or previous
                previous = own
                # A date inside the figure ("2025年") is no period; the nearest other one is, by the
                # gap between them. A date standing between this figure and the next or the one
                # before, nearer to that one, is that figure's: in "65 Prozent und ab dem 1. Januar
                # 2022 70 Prozent" the date opens the 70, and "65 % by 2025 and 70 % by 2030" gives
                # the 65 its own.
                periods = [(max(since - raw.end, raw.start - until), d) for since, until, d in dates
                           if not raw.start <= since < raw.end and not _nearer_neighbour(raws, i, since, until)]
                out.append({"value": raw.value, "unit": raw.unit, "text": raw.text,
                            "subject": ", ".join(list(dict.fromkeys(own))[:3]),
                            "period": min(periods)[1] if periods else ("" if dates else opened), "span": sentence})
        return out

    def read(self, source: SourceRef, text: str, n: int, lead_in: str = "", before: str = "") -> list[Figure]:
        """Every figure of ``text`` (a passage of ``source``, or a quote from it), cited as ``[n]``;
        a figure whose English rendering names a number its span lacks is left out. ``lead_in``
        is the list lead-in ``text`` continues when it begins inside a list (see :func:`open_list`);
        ``before`` the sentence before ``text``, when it is a quote."""
        figures: list[Figure] = []
        for sentence in sentences(text):
            context = lead_in if LIST_ITEM.match(sentence) else ""
            exact = locate(sentence, text) or sentence  # the span as the source writes it, line breaks and all
            for found in self.read_sentence(sentence, source.language, context, before):
                found["span"] = exact
                figure = Figure(n=n, chunk_id=source.chunk_id, doc_id=source.doc_id,
                                jurisdiction=source.jurisdiction, section=source.section,
                                page=source.page, language=source.language, **found)
                if holds(figure):
                    figures.append(figure)
            lead_in = _lead_in_after(lead_in, sentence)
            before = sentence
        return figures


def open_list(text: str) -> str:
    """The lead-in of the list ``text`` ends in ("… ten minste het volgende gewichtspercentage
    wordt gerecycled:" and its items so far), or '' when it does not end inside a list: what a
    chunk that begins with the next items continues."""
    lead_in = ""
    for sentence in sentences(text):
        lead_in = _lead_in_after(lead_in, sentence)
    return lead_in


def _lead_in_after(lead_in: str, sentence: str) -> str:
    """The list lead-in in force after ``sentence``: a sentence ending in ':' opens a list, its
    items keep it, any other sentence closes it."""
    if sentence.rstrip().endswith((":", "：")):
        return sentence
    return lead_in if LIST_ITEM.match(sentence) else ""


def asked_kinds(question: str) -> set[str]:
    """The kinds of quantity ``question`` names: "share", "money", "mass", "count".

    >>> sorted(asked_kinds("What fine applies, and what share of the fee?"))
    ['money', 'share']
    """
    return {kind for kind, words in _ASKED_KINDS.items() if words.search(question)}


def rank(figures: list[Figure], question: str, glossary: Glossary, limit: int) -> list[Figure]:
    """The ``limit`` figures most likely asked for. A figure scores by the question's subjects
    it names (glossary terms in the question and the terms inside them: "plastic packaging"
    names plastic and packaging), each weighted by how few of the figures name it — "plastic"
    singles out a figure where every one is about packaging —, then by the question's years in
    its period ("by 2025" asks for the 2025 step of a schedule), the question's terms in its
    sentence and by having a deadline. Durations count only when the question asks how long;
    when the question names the kind of quantity (a share, money, a mass) and some figures are
    of that kind, the others are not what was asked."""
    def named_in(text: str) -> set[str]:
        # A subject named in plain English ("lithium-based batteries") counts by its glossary terms
        # and by its other words' stems: "lithium" singles it out where every figure is a battery's.
        lowered = text.lower()
        found = {t for t in glossary.entries if re.search(rf"(?<!\w){re.escape(t)}(?:s|es)?(?!\w)", lowered)}
        return found | set(analyze(text, "en"))

    asked = named_in(question)
    wanted = glossary.expanded_terms(question)
    if not _ASKS_DURATION.search(question):
        figures = [f for f in figures if f.unit not in _DURATIONS]
    kinds = asked_kinds(question)
    if kinds and (fitting := [f for f in figures if _KIND_OF_UNIT.get(f.unit) in kinds]):
        figures = fitting
    years = set(YEAR.findall(question))

    def atoms(subject: str) -> set[str]:
        out: set[str] = set()
        for part in filter(None, subject.split(", ")):
            inside = _glossary_terms(part, glossary)
            out |= inside
            if part not in glossary.entries:
                out |= set(analyze(part, "en")) - set(analyze(" ".join(inside), "en"))
        return out

    named = [atoms(f.subject) & asked for f in figures]
    spread = {t: sum(t in n for n in named) for t in asked}
    # When some of the asked subjects single out figures ("plastic" among every material's
    # quota), the figures about none of them are not what was asked.
    telling = {t for t, c in spread.items() if 0 < c < len(figures)}
    # A follow-up's own subject ("And for beverage cartons?") goes before the earlier question's.
    if own := followup.focus(question):
        telling = telling & named_in(own) or telling
    if telling:
        keep = [i for i in range(len(figures)) if named[i] & telling]
        figures, named = [figures[i] for i in keep], [named[i] for i in keep]

    def score(i: int) -> float:
        figure = figures[i]
        return (sum(1 / spread[t] for t in named[i]) * 2 + len(terms(figure.span) & wanted) / 10
                + (0.5 if figure.period else 0) + (1.0 if years & set(YEAR.findall(figure.period)) else 0)
                - 0.2 * (figure.n - 1))

    def latest(i: int) -> int:
        """A schedule's figures score alike: its latest step comes first (the one in force, or next)."""
        return max(map(int, YEAR.findall(figures[i].period)), default=0)

    out: list[Figure] = []
    for i in sorted(range(len(figures)), key=lambda i: (-round(score(i), 6), -latest(i), i)):
        figure = figures[i]
        if not any(f.value == figure.value and f.unit == figure.unit and f.chunk_id == figure.chunk_id for f in out):
            out.append(figure)
        if len(out) == limit:
            break
    return out


def holds(figure: Figure) -> bool:
    """Does the figure's value (and every number of its English text) stand in its span?"""
    found = numbers(figure.span)
    return figure.value in found and numbers(f"{figure.text} {figure.period}") <= found


def _named_terms(text: str, glossary: Glossary) -> set[str]:
    """Every glossary term the English ``text`` names, the terms inside longer ones included
    ("plastic packaging" names plastic and packaging too)."""
    lowered = text.lower()
    return {t for t in glossary.entries if t not in MEASURES
            and re.search(rf"(?<!\w){re.escape(t)}(?:s|es)?(?!\w)", lowered)}


def _glossary_terms(part: str, glossary: Glossary) -> set[str]:
    """The glossary terms one part of a figure's subject stands for: itself when it is one
    ("plastic"), those a plain-English phrase names ("lithium-based batteries" -> batteries)."""
    return {part} if part in glossary.entries else _named_terms(part, glossary)


def misattributed(claim: str, figures: list[Figure], glossary: Glossary) -> list[str]:
    """The figures ``claim`` attaches to another subject than the one their span names: "90 %"
    said of wood where the cited passage gives 90 % for plastics and 15 % for wood. A value is
    judged only when every figure of that value names a subject and the claim names a subject
    that the passages give another figure for; each finding reads 'value (plastic, not wood)'."""
    said = _named_terms(claim, glossary)
    if not said:
        return []
    subjects = lambda f: {t for part in filter(None, f.subject.split(", "))  # noqa: E731
                          for t in _glossary_terms(part, glossary)} - MEASURES
    out = []
    for value in sorted(numbers(claim)):
        own = [f for f in figures if f.value == value]
        if not own or not all(subjects(f) for f in own):
            continue
        theirs = set().union(*(subjects(f) for f in own))
        others = set().union(*(subjects(f) for f in figures if f.value != value)) - theirs
        if not said & theirs and said & others:
            out.append(f"{value} ({', '.join(sorted(theirs))}, not {', '.join(sorted(said & others))})")
    return out
