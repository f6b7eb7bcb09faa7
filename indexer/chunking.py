"""Structure-aware chunking: sections first (headings, law articles), then size.

Law articles (``§ 16``, ``Artikel 3``, ``Article 5``, ``第十六条``), annexes and their parts
(``Anlage 5``, ``Annex XII, Part C``) and numbered headings become the ``section`` of their chunks; heading paths travel along as context. Chunks never cross a
page of a PDF, an article, or a document, so a citation names exactly one article. In Dutch
law ``§`` opens a group of articles (a *paragraaf*), so there it is a heading, not a section.

Example::

    from indexer.chunking import Chunker
    chunks = Chunker(chunk_size=900, overlap=120).split(loaded_document)
    chunks[0].section, chunks[0].page, chunks[0].text[:40]
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from langchain_text_splitters import RecursiveCharacterTextSplitter

from circularbench.types import Chunk
from indexer.analysis import ANALYSED_LANGUAGES
from indexer.language import detect_language
from indexer.loaders import LoadedDocument

_CN_NUM = "一二三四五六七八九十百千零〇两0-9"
_MD_HEADING = re.compile(r"^(#{1,6})\s*(.+?)\s*#*\s*$")
# Article labels at the start of a heading or line, normalised to "§ 16", "Artikel 3", ...
_ARTICLE = re.compile(
    rf"^(?P<label>§+\s*\d+[a-z]?|(?:Artikel|Article|Art\.)\s+\d+[a-z]?|第[{_CN_NUM}]+条(?:之[{_CN_NUM}]+)?)"
    r"(?=$|[\s.:,)\u3000])",
    re.I,
)
# Annexes are cited like articles ("Anlage 5 VerpackG", "Annex II").
_ANNEX = re.compile(r"^(?P<label>(?:Anlage|Anhang|Annex|Bijlage)\s+[\dIVXL]+[a-z]?)(?=$|[\s.:,)])", re.I)
# A part of an annex, on a line of its own or before its title ("Part C: Targets for recovery of
# materials"); "Part B of this Annex" opens a sentence.
_ANNEX_PART = re.compile(r"^(?P<word>Part|PART|Teil|TEIL|Deel|DEEL)\s+(?P<id>[A-Z]|[IVX]+)(?=$|:\s)")
_CHAPTER = re.compile(rf"^(第[{_CN_NUM}]+[章节编]|Abschnitt\s+\d+|Hoofdstuk\s+\d+|Chapter\s+[IVXLC\d]+|CHAPTER\s+[IVXLC\d]+|Kapitel\s+\d+|Title\s+[IVXLC\d]+|TITLE\s+[IVXLC\d]+)\b")
_NUMBERED_HEADING = re.compile(r"^(\d{1,2}(?:\.\d{1,2}){0,3})\.?\s+([A-Z][^\n]{2,90})$")
_SPACES = re.compile(r"\s+")
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def cjk_characters(text: str) -> int:
    """How many CJK ideographs ``text`` holds (each costs a model far more than a Latin letter)."""
    return len(_CJK.findall(text))


def text_length(text: str) -> int:
    """Length in "Latin characters": a CJK character weighs 2.5, close to its token cost.

    Chunk sizes are set in characters, but the embedder truncates by tokens; without the weight
    a 900-character Chinese chunk would be ~900 tokens, past the 512 the embedder reads.
    """
    return len(text) + (3 * cjk_characters(text)) // 2


@dataclass
class _Span:
    start: int
    end: int
    section: str
    heading: str


def _continues_outline(previous: tuple[int, ...], number: tuple[int, ...]) -> bool:
    """Whether a numbered heading can follow ``previous`` in a report's outline: a first child
    ("2.1" -> "2.1.1"), or a later number at some level (up to two skipped, for headings the
    PDF lost) and then first children ("2.1" -> "2.2", "3", "3.1", "4"). A footnote ("16
    Ecoinvent maintains …"), a page header or a table row read as a heading breaks it."""
    if not previous:
        return number[0] <= 2 and all(n == 1 for n in number[1:])
    if number[: len(previous)] == previous and len(number) > len(previous):
        return all(n == 1 for n in number[len(previous):])
    return any(number[:level] == previous[:level] and len(number) > level and 0 < number[level] - previous[level] <= 3
               and all(n == 1 for n in number[level + 1:]) for level in range(len(previous)))


def _normalise_label(label: str) -> str:
    label = _SPACES.sub(" ", label.strip())
    return re.sub(r"^(§+)\s*", r"\1 ", label)


class Chunker:
    """Split a :class:`LoadedDocument` into :class:`Chunk` records.

    ``numbered_headings`` turns lines like "2.1 Business models" into sections; it is on for
    reports and papers and off for laws, whose numbered lists would be mistaken for headings.
    """

    def __init__(self, chunk_size: int = 900, overlap: int = 120):
        if not 0 <= overlap < chunk_size:
            raise ValueError(f"overlap ({overlap}) must be in [0, chunk_size={chunk_size})")
        self.chunk_size = chunk_size
        self.overlap = overlap
        self._splitter = RecursiveCharacterTextSplitter(
            chunk_size=chunk_size,
            chunk_overlap=overlap,
            separators=["\n\n", "\n", "。", "；", ". ", "; ", ", ", "，", " ", ""],
            keep_separator="end",
            add_start_index=True,
            length_function=text_length,
            strip_whitespace=True,
        )

    @property
    def fingerprint(self) -> str:
        """Changes whenever the chunking would; part of every chunk id."""
        return f"chunker-v8:{self.chunk_size}:{self.overlap}"

    def split(self, doc: LoadedDocument) -> list[Chunk]:
        record = doc.record
        numbered = record.doc_type not in {"law", "regulation"}
        id_salt = hashlib.sha256(
            (self.fingerprint + "".join(p.text for p in doc.pages)).encode()
        ).hexdigest()[:10]
        chunks: list[Chunk] = []
        state = _HeadingState(paragraph_is_group=record.language == "nl")
        for page in doc.pages:
            for span in self._spans(page.text, state, numbered):
                body = page.text[span.start:span.end]
                for piece in self._splitter.create_documents([body]):
                    text = piece.page_content
                    start = span.start + piece.metadata["start_index"]
                    chunks.append(
                        Chunk(
                            chunk_id=f"{record.id}:{id_salt}:{len(chunks):05d}",
                            doc_id=record.id,
                            file=record.file,
                            title=record.title,
                            jurisdiction=record.jurisdiction,
                            year=record.year,
                            doc_type=record.doc_type,
                            # A guess outside the analysed languages is a short span misread
                            # (a German annex note as Danish, an EU citation as Catalan).
                            language=detect_language(text, record.language, ANALYSED_LANGUAGES),
                            page=page.page,
                            section=span.section,
                            heading=span.heading,
                            char_start=start,
                            char_end=start + len(text),
                            text=text,
                        )
                    )
        return chunks

    def _spans(self, text: str, state: "_HeadingState", numbered: bool) -> list[_Span]:
        """Cut ``text`` at section starts, then merge short neighbours under one heading."""
        raw: list[_Span] = []
        start = 0
        offset = 0
        for line in text.split("\n"):
            if state.observe(line, numbered) and offset > start:
                raw.append(_Span(start, offset, state.previous_section, state.previous_heading))
                start = offset
            offset += len(line) + 1
        raw.append(_Span(start, len(text), state.section, state.heading))
        return self._merge(raw, text)

    def _merge(self, spans: list[_Span], text: str) -> list[_Span]:
        """Join a heading-only span to what follows it, and short neighbours of one section.

        Different articles are never merged: a citation names one article, not a range.
        """
        merged: list[_Span] = []
        for span in spans:
            if not text[span.start:span.end].strip():
                continue
            last = merged[-1] if merged else None
            if last is not None and _only_headings(text[last.start:last.end]):
                last.end, last.section, last.heading = span.end, span.section, span.heading
            elif (
                last is not None
                and last.section == span.section
                and last.heading.rsplit(" > ", 1)[0] == span.heading.rsplit(" > ", 1)[0]
                and text_length(text[last.start:span.end]) <= self.chunk_size
            ):
                last.end, last.heading = span.end, _common_path(last.heading, span.heading)
            else:
                merged.append(_Span(span.start, span.end, span.section, span.heading))
        return merged


def _only_headings(text: str) -> bool:
    """Headings alone: Markdown headings, or one line that ends no sentence ("Article 5",
    "2.1 Business models"). A one-line Chinese article ("第一条 …制定本法。") is text."""
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    if len(lines) == 1 and not lines[0].endswith((".", "。", ";", "；", ":", "：", "!", "?", "！", "？")):
        return True
    return all(_MD_HEADING.match(line) for line in lines)


def _common_path(a: str, b: str) -> str:
    common = []
    for x, y in zip(a.split(" > "), b.split(" > ")):
        if x != y:
            break
        common.append(x)
    return " > ".join(common)


class _HeadingState:
    """Tracks the current section label and heading path while lines stream past.

    ``observe`` returns True when a line opens a new section; the state before that line stays
    readable as ``previous_*``.
    """

    def __init__(self, paragraph_is_group: bool = False) -> None:
        self.paragraph_is_group = paragraph_is_group
        self.path: list[tuple[int, str]] = []  # (level, heading text)
        self.section = ""
        self.previous_section = ""
        self.previous_heading = ""
        self.annex = ""  # the annex whose parts are being read ("Annex XII")
        self.number: tuple[int, ...] = ()  # the report outline's last number: (2, 1) for "2.1"

    @property
    def heading(self) -> str:
        return " > ".join(h for _, h in self.path)

    def _push(self, level: int, text: str) -> None:
        while self.path and self.path[-1][0] >= level:
            self.path.pop()
        self.path.append((level, text[:120]))

    def observe(self, line: str, numbered: bool) -> bool:
        self.previous_section, self.previous_heading = self.section, self.heading
        stripped = line.strip()
        if not stripped:
            return False
        md = _MD_HEADING.match(stripped)
        if md:
            level, title = len(md.group(1)), _SPACES.sub(" ", md.group(2))
            article = _ARTICLE.match(title) or _ANNEX.match(title)
            if article and self.paragraph_is_group and title.startswith("§"):
                article = None
            self._push(level, title)
            if article:
                self.section = _normalise_label(article.group("label"))
            elif _CHAPTER.match(title) or level <= 2 or title.startswith("§"):
                self.section = ""
            return True
        article = _ARTICLE.match(stripped)
        # A bare "Article 5" line (EU regulations) or a line opening with 第五条 (Chinese laws); a
        # wrapped sentence that happens to start "§ 30a Absatz 3." is neither.
        bare = bool(article) and stripped.rstrip(".") == article.group("label")
        if article and (bare or stripped.startswith("第")):
            self.section = _normalise_label(article.group("label"))
            if bare:
                self._push(7, stripped)
            return True
        annex = _ANNEX.match(stripped)
        # An annex's heading line, set in capitals in EU acts ("ANNEX XII"): its text is the law's
        # as much as an article's, not the last article's nor preamble. "Annex II." closing a
        # wrapped sentence is a reference.
        if annex and stripped == annex.group("label") and stripped.split()[0].isupper():
            word, number = stripped.split(None, 1)
            self._push(1, stripped)
            self.section = self.annex = f"{word.capitalize()} {number}"
            return True
        part = _ANNEX_PART.match(stripped) if self.annex and self.section.startswith(self.annex) else None
        if part:
            self._push(2, stripped)
            self.section = f"{self.annex}, {part.group('word').capitalize()} {part.group('id')}"
            return True
        chapter = _CHAPTER.match(stripped)
        # "Chapter VII of this Regulation:" or "Chapter VII." wraps a sentence; a chapter heading ends none.
        if chapter and len(stripped) <= 80 and not stripped.endswith((".", ":", ";", ",")):
            self._push(1, stripped)
            self.section = ""
            if (number := re.search(r"\d+", chapter.group(1))) and numbered:  # "Chapter 3": the outline goes on at 3
                self.number = (int(number.group()),)
            return True
        if numbered:
            heading = _NUMBERED_HEADING.match(stripped)
            if heading and not stripped.endswith((".", ",", ";", ":")):
                number = tuple(int(n) for n in heading.group(1).split("."))
                self._push(2 + len(number), stripped)
                # Only a heading that continues the outline, and reads as a title, names the
                # section: the text under a footnote ("16 The authors state that …") or a page
                # header read as a heading is still its section's, and is cited so.
                title = heading.group(2)
                if _continues_outline(self.number, number) and ", " not in title and len(title.split()) <= 12:
                    self.number, self.section = number, heading.group(1)
                return True
        return False
