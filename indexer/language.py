"""Per-chunk language detection (ISO 639-1), deterministic.

Example::

    from indexer.language import detect_language
    detect_language("Die Verpackungen sind zu verwerten.")   # 'de'
    detect_language("第一条 为了促进循环经济发展")                # 'zh'
"""

from __future__ import annotations

import re

from langdetect import DetectorFactory, LangDetectException, detect_langs

DetectorFactory.seed = 0  # langdetect is random unless seeded

_CJK = re.compile(r"[\u4e00-\u9fff]")
_LETTERS = re.compile(r"[^\W\d_]", re.U)


def detect_language(text: str, default: str = "en", languages: frozenset[str] | None = None) -> str:
    """Best guess of ``text``'s language; ``default`` for text too short to tell, or when the
    guess is none of ``languages`` (if given)."""
    letters = len(_LETTERS.findall(text))
    if letters < 20:
        return default
    if len(_CJK.findall(text)) / letters > 0.3:
        return "zh"
    try:
        guesses = detect_langs(text[:2000])
    except LangDetectException:
        return default
    # Citations, numbers and names fool the detector on short spans: keep the document's own
    # language unless the text clearly reads as another one.
    if any(g.lang.split("-")[0] == default and g.prob >= 0.15 for g in guesses):
        return default
    code = guesses[0].lang
    code = "zh" if code.startswith("zh") else code.split("-")[0]
    return code if languages is None or code in languages else default
