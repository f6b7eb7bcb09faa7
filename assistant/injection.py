"""Documents are data: sentences that read as instructions to the assistant are removed
from passages before any generator sees them.

Example::

    clean, flagged = neutralize(passages)
    flagged     # chunk ids that carried instruction-like text
"""

from __future__ import annotations

import re

from assistant.text import sentences
from circularbench.types import Passage

_INSTRUCTION = re.compile(
    r"\b(ignore|disregard|forget|override)\b.{0,40}\b(instructions?|prompts?|rules|guidelines|context)\b"
    r"|\b(you are now|act as|pretend to be|new instructions?|system prompt|jailbreak)\b"
    r"|\b(respond|reply|answer|say|output)\b.{0,20}\b(only|exactly|always)\b.{0,30}\b(with|that)\b"
    r"|\b(assistant|ai|chatbot|language model)s?\b.{0,30}\b(must|should|shall)\b",
    re.I,
)


def is_instruction(sentence: str) -> bool:
    return bool(_INSTRUCTION.search(sentence))


def neutralize(passages: list[Passage]) -> tuple[list[Passage], list[str]]:
    clean: list[Passage] = []
    flagged: list[str] = []
    for p in passages:
        kept = [s for s in sentences(p.text) if not is_instruction(s)]
        if len(kept) == len(sentences(p.text)):
            clean.append(p)
            continue
        flagged.append(p.chunk_id)
        clean.append(p.model_copy(update={"text": " ".join(kept) or "[removed: instruction-like text]"}))
    return clean, flagged
