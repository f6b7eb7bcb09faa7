"""Rewrite an elliptical follow-up into a standalone question before retrieval.

"And what about China?" after "What recycling quotas does Germany set for packaging?" becomes
"What recycling quotas does China set for packaging?": named jurisdictions replace the earlier
ones, and so do numbered references ("And step 7?" after a question about step 5, "And in
2019?" after one about 2021), and so does a new kind of the earlier subject ("And for LMT
batteries?" after one about portable batteries). A follow-up that names another subject
("What about glass?") is searched together with the earlier question, so the topic carries over.
Standalone questions pass unchanged.

Example::

    rewrite("And what about China?", [Turn(question="What quotas does Germany set for packaging?")])
    # 'What quotas does China set for packaging?'
"""

from __future__ import annotations

import re

from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

from assistant import jurisdictions as jur
from assistant.query_expansion import AUXILIARIES
from assistant.text import YEAR
from circularbench.types import Turn

_FOLLOW_UP = re.compile(
    r"^\s*(and|what about|how about|and what about|and how about|what of|same for|also|and for|or|"
    r"what about in|compared (to|with)|versus|vs\.?)\b",
    re.I,
)
_PRONOUN = re.compile(r"\b(it|its|they|them|their|this|that|these|those|there|the same)\b", re.I)
_STRIP = re.compile(r"^\s*(and|or|also)\s+|^\s*(what|how)\s+about\s+(in\s+)?|[?.!]+\s*$", re.I)
# A numbered reference: "step 5", "Article 13", "§ 16", "Annex II".
_NUMBER = r"(?:\d+[a-z]?|[IVXL]+)(?!\w)"
_NUMBERED = re.compile(rf"(?<!\w)(step|article|art\.|section|§|annex|chapter|part|phase|stage|paragraph)\s*({_NUMBER})",
                       re.I)
_WORDS = re.compile(r"[a-z]{3,}")
# The new subject of "And for LMT batteries?": up to four words, the last its head noun.
_SUBJECT = re.compile(r"^(?:for|on|to|with|of|in)\s+(?:the\s+)?((?:[\w-]+\s+){0,3}([a-z][\w-]*))$", re.I)
_OWN_WORDS = 4  # content words of a follow-up leaning on a pronoun; a standalone question names more
_LEFTOVER = re.compile(r"(?:\W|\b(?:and|or|in|for|the|of|at|on|by|from|since|until|to|after|before|what|about|how)\b)*",
                       re.I)


def _renumbered(question: str, previous: str) -> tuple[str, str]:
    """``previous`` with the follow-up's numbered references and year in place of its own of the
    same kind ("step 5" -> "step 7", "2021" -> "2019"), and the follow-up without them."""
    for m in _NUMBERED.finditer(question):
        label = re.escape(m.group(1))
        previous, count = re.subn(rf"(?<!\w)({label})\s*{_NUMBER}",
                                  lambda old: f"{old.group(1)} {m.group(2)}", previous, count=1, flags=re.I)
        if count:
            question = question.replace(m.group(0), " ")
    new_years, old_years = YEAR.findall(question), YEAR.findall(previous)
    if len(new_years) == 1 and len(old_years) == 1:
        previous = previous.replace(old_years[0], new_years[0])
        question = question.replace(new_years[0], " ")
    return previous, question


FOCUS = " — "  # joins a follow-up's own words to the earlier question it is searched with


def focus(question: str) -> str:
    """The follow-up's own words in a question :func:`rewrite` joined to the earlier one ("… for
    paper packaging — for beverage cartons?" -> 'for beverage cartons?'), else ''."""
    _, joined, own = question.rpartition(FOCUS)
    return own if joined else ""


def is_follow_up(question: str) -> bool:
    """Elliptical ("And for glass?") or leaning on a pronoun with too few words of its own to
    name what it refers to ("By when do they have to send it?", "Does that also apply to small
    shops?"); a question saying what it asks about stands alone whatever its pronouns."""
    content = [w for w in _WORDS.findall(question.lower()) if w not in ENGLISH_STOP_WORDS and w not in AUXILIARIES]
    return bool(_FOLLOW_UP.match(question)) or (len(content) <= _OWN_WORDS and bool(_PRONOUN.search(question)))


def rewrite(question: str, history: list[Turn] | None) -> str:
    if not history or not is_follow_up(question):
        return question
    previous, rest = _renumbered(question, history[-1].question)
    if rest != question and _LEFTOVER.fullmatch(rest):
        return previous  # the follow-up only renumbered the question
    new_places = jur.mentioned(question)
    # An organisation named as the source ("the OECD report", "WBCSD's paper") is no place the
    # follow-up moves from while the question names one.
    named = jur.mentioned(previous)
    old_places = [p for p in named if p != "global"] or named
    if new_places and old_places:
        rewritten = previous
        aliases = sorted(
            ((alias, code) for code, (name, names) in jur.JURISDICTIONS.items() if code in old_places
             for alias in (code, name, *names)),
            key=lambda item: -len(item[0]),
        )
        replacement = " and ".join(jur.name(c) for c in new_places)

        def replaced(m: re.Match) -> str:
            # A jurisdiction heading a document's name ("the EU Taxonomy Regulation", "Germany's
            # Packaging Act") goes with the name: "the China Taxonomy Regulation" would name a
            # document that does not exist, and searching it would find the old one.
            if m.group(3):
                return replacement
            return (m.group(1) or "") + replacement + (m.group(2) or "")

        for alias, _ in aliases:
            rewritten, count = re.subn(rf"(?<!\w)(the\s+)?{re.escape(alias)}('s)?((?:\s+[A-Z][\w-]*)+)?(?!\w)",
                                       replaced, rewritten, count=1)
            if count:
                break
        return rewritten
    focus = _STRIP.sub("", rest).strip()
    swapped = _swapped(previous, focus)
    if swapped:
        return swapped
    return f"{previous.rstrip('?. ')}{FOCUS}{focus}?" if focus else previous


def _swapped(previous: str, focus: str) -> str:
    """``previous`` with the follow-up's subject in place of the last phrase of the same head
    noun ("And for LMT batteries?" after "… apply to waste portable batteries under …" asks
    about LMT batteries, not both), or '' when the previous question has no such phrase. A head
    inside a capitalised name ("the EU Batteries Regulation") is a name, not the subject."""
    m = _SUBJECT.match(focus)
    if not m:
        return ""
    words = list(re.finditer(r"[\w-]+", previous))
    heads = [i for i, w in enumerate(words) if w.group() == m.group(2).lower()]
    if not heads:
        return ""
    first = heads[-1]
    while first > 0 and heads[-1] - first < 3 and words[first - 1].group()[0].islower() \
            and words[first - 1].group().lower() not in ENGLISH_STOP_WORDS:
        first -= 1  # its modifiers: "waste portable batteries"
    return previous[: words[first].start()] + m.group(1) + previous[words[heads[-1]].end():]
