"""Rewrite an elliptical follow-up into a standalone question before retrieval.

"And what about China?" after "What recycling quotas does Germany set for packaging?" becomes
"What recycling quotas does China set for packaging?": named jurisdictions replace the earlier
ones, and so do numbered references ("And step 7?" after a question about step 5, "And in
2019?" after one about 2021). A follow-up that names a new subject instead ("What about
glass?") is searched together with the earlier question, so the topic carries over.
Standalone questions pass unchanged.

Example::

    rewrite("And what about China?", [Turn(question="What quotas does Germany set for packaging?")])
    # 'What quotas does China set for packaging?'
"""

from __future__ import annotations

import re

from assistant import jurisdictions as jur
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
_LEFTOVER = re.compile(r"(?:\W|\b(?:and|or|in|for|the|of|at|on|by|what|about|how)\b)*", re.I)


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


def is_follow_up(question: str) -> bool:
    words = question.split()
    return bool(_FOLLOW_UP.match(question)) or (len(words) <= 6 and bool(_PRONOUN.search(question)))


def rewrite(question: str, history: list[Turn] | None) -> str:
    if not history or not is_follow_up(question):
        return question
    previous, rest = _renumbered(question, history[-1].question)
    if rest != question and _LEFTOVER.fullmatch(rest):
        return previous  # the follow-up only renumbered the question
    new_places = jur.mentioned(question)
    old_places = jur.mentioned(previous)
    if new_places and old_places:
        rewritten = previous
        aliases = sorted(
            ((alias, code) for code, (name, names) in jur.JURISDICTIONS.items() if code in old_places
             for alias in (code, name, *names)),
            key=lambda item: -len(item[0]),
        )
        replacement = " and ".join(jur.name(c) for c in new_places)
        for alias, _ in aliases:
            rewritten, count = re.subn(
                rf"(?<!\w){re.escape(alias)}('s)?(?!\w)", lambda m: replacement + (m.group(1) or ""), rewritten, count=1
            )
            if count:
                break
        return rewritten
    focus = _STRIP.sub("", rest).strip()
    return f"{previous.rstrip('?. ')} — {focus}?" if focus else previous
