"""English renderings of foreign evidence by an LLM: checked against the source, cached.

A small model translating law text keeps most numbers but drops dates ("ab dem 1. Januar
2022" vanished) and changes article references (measured with the bundled 1.5B model). So
every rendering is checked: it must state the same numbers as the source (digits, Chinese
numerals and number words read alike, which covers amounts, years, days and article
numbers) and name the month of each of its dates. A rendering that fails is kept but
flagged, and the reader is shown the original. Renderings are cached in SQLite by the
sentence's hash and the model, so a sentence is translated once per model.

Example::

    translator = Translator(generator, model="local-llm", cache=TranslationCache(path))
    r = translator.render("Kunststoffe sind zu mindestens 90 Masseprozent zu verwerten.", "de")
    r.text, r.flagged, r.problems
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, Protocol

from assistant.figures import FigureReader
from assistant.text import language_name, numbers
from indexer.chunking import cjk_characters

SYSTEM = ("You translate legal and policy text into English. Translate the whole text faithfully. "
          "Keep every number, percentage, amount, date and article or paragraph reference exactly as in the "
          "source, written with digits. Reply with the English translation only, nothing else.")


class ChatModel(Protocol):
    """What a translator needs of an LLM generator (both LLM generators offer it)."""

    name: str

    def chat_stream(self, messages: list[dict[str, str]], max_tokens: int | None = None) -> Iterator[str]: ...


@dataclass(frozen=True)
class Rendering:
    """An English rendering of ``source``; ``flagged`` when the checks found ``problems``."""

    source: str
    text: str
    model: str
    problems: tuple[str, ...] = ()

    @property
    def flagged(self) -> bool:
        return bool(self.problems)


_READER: FigureReader | None = None


def check(source: str, rendering: str) -> list[str]:
    """What the rendering changed: numbers lost or added, months of dates not named."""
    global _READER
    problems: list[str] = []
    wanted, got = numbers(source), numbers(rendering)
    if lost := sorted(wanted - got, key=float):
        problems.append("numbers missing: " + ", ".join(lost))
    if added := sorted(got - wanted, key=float):
        problems.append("numbers not in the source: " + ", ".join(added))
    _READER = _READER or FigureReader()
    lowered = rendering.lower()
    for *_, date in _READER.dates(source):
        month = next((w for w in date.split() if w[:1].isupper() and not w[:1].isdigit()), None)
        if month and month.lower() not in lowered:
            problems.append(f"date changed: {date.split(' ', 1)[-1]} is not in the rendering")
    return problems


class TranslationCache:
    """Renderings by (sentence hash, model) in one SQLite file, safe across threads."""

    def __init__(self, path: Path):
        path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(path, check_same_thread=False)
        with self._lock, self._db:
            self._db.execute("CREATE TABLE IF NOT EXISTS renderings (sentence_hash TEXT, model TEXT, text TEXT, "
                             "problems TEXT, PRIMARY KEY (sentence_hash, model))")

    @staticmethod
    def key(sentence: str) -> str:
        return hashlib.sha256(" ".join(sentence.split()).encode()).hexdigest()

    def get(self, sentence: str, model: str) -> Rendering | None:
        with self._lock:
            row = self._db.execute("SELECT text, problems FROM renderings WHERE sentence_hash = ? AND model = ?",
                                   (self.key(sentence), model)).fetchone()
        return Rendering(sentence, row[0], model, tuple(json.loads(row[1]))) if row else None

    def put(self, rendering: Rendering) -> None:
        with self._lock, self._db:
            self._db.execute("INSERT OR REPLACE INTO renderings VALUES (?, ?, ?, ?)",
                             (self.key(rendering.source), rendering.model, rendering.text,
                              json.dumps(list(rendering.problems))))


def token_budget(sentence: str) -> int:
    """Room for the English rendering of ``sentence``, not the answer's cap: a long article
    sentence cut short loses its last figures and the checks then withhold it. About a token
    per 2 Latin characters and 2 per CJK character (an English word or two per character)."""
    cjk = cjk_characters(sentence)
    return min(2048, 64 + 2 * cjk + (len(sentence) - cjk) // 2)


class Translator:
    """Renders foreign sentences in English with an LLM, checks and caches each rendering."""

    def __init__(self, model: ChatModel, cache: TranslationCache | None = None, max_chars: int = 1200):
        if max_chars < 1:
            raise ValueError("max_chars must be at least 1")
        self.model = model
        self.cache = cache
        self.max_chars = max_chars

    def render(self, sentence: str, language: str) -> Rendering:
        sentence = sentence[: self.max_chars]
        if self.cache and (hit := self.cache.get(sentence, self.model.name)):
            return hit
        messages = [{"role": "system", "content": SYSTEM},
                    {"role": "user", "content": f"{language_name(language)} text:\n{sentence}"}]
        text = " ".join("".join(self.model.chat_stream(messages, max_tokens=token_budget(sentence))).split())
        rendering = Rendering(sentence, text, self.model.name, tuple(check(sentence, text)))
        if self.cache:
            self.cache.put(rendering)
        return rendering
