"""Checks every answer passes, whatever wrote it.

Each sentence must cite at least one retrieved passage (``[n]`` within range), and every
number, percentage and year in it must appear in a passage it cites. A sentence whose numbers
stand in another passage is re-cited to it (with a note); sentences that still fail are
dropped and the answer says so. Given a figure reader, a sentence that attaches a figure to
another subject than its passage does (a quota for wood given as plastics') is dropped too.
Each citation carries the exact quote (a substring of the passage) that best supports the
sentences citing it.

Example::

    checked = verify_answer("The quota is 65% [1]. It rises to 90% [1].", passages)
    checked.text, checked.notes     # ('The quota is 65% [1].', ['dropped … 90 …'])
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from assistant.figures import FigureReader, misattributed
from assistant.text import citation_numbers, locate, numbers, sentences, strip_citations, terms
from circularbench.types import Citation, Passage


@dataclass
class CheckedAnswer:
    text: str
    citations: list[Citation] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    kept: int = 0
    dropped: int = 0


def _short(sentence: str, limit: int = 90) -> str:
    return sentence if len(sentence) <= limit else sentence[: limit - 1] + "…"


_QUOTE_CHARS = 400


def best_quote(claim: str, passage: Passage) -> str:
    """The passage sentence sharing most terms and numbers with ``claim``, as an exact substring."""
    claim_terms, claim_numbers = terms(claim), numbers(claim)
    candidates = sentences(passage.text) or [passage.text]

    def score(s: str) -> tuple[int, int]:
        return (len(numbers(s) & claim_numbers) * 2 + len(terms(s) & claim_terms), -len(s))

    chosen = max(candidates, key=score)
    if len(chosen) > _QUOTE_CHARS:
        # A long sentence is quoted around the first number the claim shares with it, so the
        # quote shows the figure it supports.
        words = chosen.split()
        at = next((i for i, w in enumerate(words) if numbers(w) & claim_numbers), 0)
        start = max(0, at - 25)
        chosen = " ".join(words[start:])
        chosen = chosen[:_QUOTE_CHARS].rsplit(" ", 1)[0] if len(chosen) > _QUOTE_CHARS else chosen
    return locate(chosen, passage.text) or passage.text[:_QUOTE_CHARS]


def grounded_numbers(passage: Passage) -> set[str]:
    """The numbers a sentence citing ``passage`` may state: its text's, and its locator's
    ("§ 16 (2)", "p. 43"), which the citation itself shows."""
    return (numbers(passage.text) | numbers(f"{passage.section} {passage.opening_paragraph}")
            | ({str(passage.page)} if passage.page else set()))


def _supporting_passage(claim: str, passages: list[Passage]) -> int | None:
    """The passage holding every number of ``claim`` and most of its terms, if any."""
    wanted_numbers, wanted_terms = numbers(claim), terms(claim)
    candidates = [n for n, p in enumerate(passages, start=1) if wanted_numbers <= grounded_numbers(p)]
    if not wanted_numbers or not candidates:
        return None
    return max(candidates, key=lambda n: len(terms(passages[n - 1].text) & wanted_terms))


_QUOTE = re.compile(r"“[^”]*”")
# What an answer says of the sentences the checks dropped; its notes name each one, so a face
# that shows the notes takes this away (web/ui_render.py).
DROPPED_NOTE = re.compile(r"\s*\(Dropped \d+ sentence\(s\) that the cited passages did not support\.\)")


def dropped_note(count: int) -> str:
    return f" (Dropped {count} sentence(s) that the cited passages did not support.)"


def _sentences_keeping_quotes(raw: str) -> list[str]:
    """Sentences of ``raw``, a quoted original (“…”) kept whole even when it holds several."""
    quotes: list[str] = []

    def park(m: re.Match) -> str:
        quotes.append(m.group(0))
        return f"\x00{len(quotes) - 1}\x00"

    parked = _QUOTE.sub(park, raw)
    return [re.sub(r"\x00(\d+)\x00", lambda m: quotes[int(m.group(1))], s) for s in sentences(parked)]


def verify_answer(raw: str, passages: list[Passage], sources: list[Passage] | None = None,
                  reader: FigureReader | None = None) -> CheckedAnswer:
    """Check ``raw`` against the ``passages`` the generator saw. ``sources`` are the full
    passages they were cut from (same order), in which the quotes are located; ``reader``
    checks that each stated figure keeps the subject its passage gives it."""
    sources = sources or passages
    read: dict[int, list] = {}
    checked = CheckedAnswer(text="")
    kept: list[str] = []
    quotes: dict[int, str] = {}
    for sentence in _sentences_keeping_quotes(raw):
        cited = citation_numbers(sentence)
        valid = [n for n in dict.fromkeys(cited) if 1 <= n <= len(passages)]
        invalid = [n for n in cited if n not in valid]
        claim = strip_citations(sentence)
        if not claim:
            continue
        if invalid:
            checked.notes.append(f"removed citation(s) {invalid} outside the {len(passages)} retrieved passages")
        if not valid:
            checked.notes.append(f"dropped a sentence without a valid citation: “{_short(claim)}”")
            checked.dropped += 1
            continue
        grounded = set().union(*(grounded_numbers(passages[n - 1]) for n in valid))
        missing = sorted(numbers(claim) - grounded)
        if missing and (better := _supporting_passage(claim, passages)):
            # Small models often cite the neighbour of the right passage: re-cite, and say so.
            checked.notes.append(f"moved citation {valid} to [{better}], the passage holding {', '.join(missing)}")
            valid, missing = [better], []
        if missing:
            checked.notes.append(
                f"dropped a sentence whose number(s) {', '.join(missing)} are not in the cited passage(s) "
                f"{valid}: “{_short(claim)}”"
            )
            checked.dropped += 1
            continue
        if reader is not None:
            figures = [f for n in valid for f in read.setdefault(n, reader.read(passages[n - 1], passages[n - 1].text, n))]
            if wrong := misattributed(claim, figures, reader.glossary):
                checked.notes.append(f"dropped a sentence giving a figure to another subject than its passage "
                                     f"does — {'; '.join(wrong)}: “{_short(claim)}”")
                checked.dropped += 1
                continue
        kept.append(f"{claim.rstrip()} {''.join(f'[{n}]' for n in valid)}".replace(". [", " [").rstrip() + ".")
        for n in valid:
            quotes.setdefault(n, best_quote(claim, passages[n - 1]))
    checked.text = " ".join(kept)
    checked.kept = len(kept)
    for n, quote in quotes.items():
        p = sources[n - 1]
        quote = locate(quote, p.text) or quote
        checked.citations.append(Citation.of(p, n, quote))
    return checked
