"""The names a question may call a document by: its short title, aliases and official number
(manifest or upload form), plus what its title gives away by convention — the title itself up
to its first parenthesis or colon, a German-style "(Verpackungsgesetz - VerpackG)" pair,
official numbers ("Regulation (EU) 2025/40", "COM(2019) 640", "42 U.S.C.") and the
publisher's acronym ("OECD", "WBCSD").

Derived from the record alone, so an uploaded document is named like a bundled one.

Example::

    document_names(manifest.get("de_verpackg_verpackungsgesetz"))
    # ['Packaging Act', 'German Packaging Act', 'Verpackungsgesetz', 'VerpackG', ...]
"""

from __future__ import annotations

import re

from circularbench.types import DocumentRecord

# "(Verpackungsgesetz - VerpackG)", "(Gewerbeabfallverordnung - GewAbfV 2017)": a name and its abbreviation.
_NAME_PAIR = re.compile(r"\((\w[\w -]{5,60}?) - ([A-Z][A-Za-z]{2,10})(?: \d{4})?\)")
# "(Circular Economy Promotion Law of the PRC, …)": an English name of a kind of document.
_KIND_NAME = re.compile(r"\(([A-Z][\w'-]*(?: [\w'-]+){1,10}? (?:Law|Act|Regulation|Measures|Decree|Ordinance|Directive|"
                        r"Strategy|Plan|Programme|Protocol))( of the PRC)?\b")
_CJK = re.compile(r"[\u3400-\u9fff]")
_NUMBERS = re.compile(
    r"(?:Regulation|Directive|Decision)\s+\((?:EU|EC|EEC)\)\s+(?:No\s+)?\d{2,4}/\d+"
    r"|\b\d{2,4}/\d+/E[UC]\b|COM\(\d{4}\)\s*\d+|\b\d+\s+U\.S\.C\.")
_ACRONYM_IN_PARENS = re.compile(r"\(([A-Z]{3,6})\)")  # "Solid Waste Disposal (RCRA)", "… Development (WBCSD)"
_LEADING_ACRONYM = re.compile(r"^([A-Z]{3,6})\b")  # "OECD Publishing, Paris"


def document_names(record: DocumentRecord) -> list[str]:
    """Distinct names, the record's own first; none shorter than three characters."""
    names = [record.short_title, *record.aliases, record.number]
    # The title up to its first parenthesis or colon is a name; cut at a comma it is a fragment.
    head, cut = re.match(r"([^(:,;]*)(.?)", record.title).groups()
    if cut in ("(", ":", "") and (len(head.split()) >= 2 or len(_CJK.findall(head)) >= 4) and len(head) <= 90:
        names.append(head.strip())
    for name, suffix in _KIND_NAME.findall(record.title):
        names += [name + suffix, name]
    for pair in _NAME_PAIR.findall(record.title):
        names += pair
    number = _NUMBERS.search(record.title)  # the first is the document's own; later ones it amends
    if number:
        names.append(number.group(0))
    names += _ACRONYM_IN_PARENS.findall(f"{record.title} {record.publisher}")
    names += _LEADING_ACRONYM.findall(record.publisher)
    out: dict[str, None] = {}
    for name in names:
        name = " ".join(name.split())
        if len(name) >= 3:
            out.setdefault(name, None)
    return list(out)
