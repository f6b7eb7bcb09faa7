"""When to refuse: is the retrieved evidence strong enough to answer from?

Two signals, cheap and independent of the generator: the dense similarity of the best passage
to the question, and the *coverage* of the question's content terms by the top passages (a
term counts as covered when it, or one of its glossary translations, occurs there). A question
about a jurisdiction the index does not cover (e.g. Japan) is refused for that part outright.

Example::

    evidence = assess(question, hits, glossary, indexed={"DE", "EU"})
    refuse, reason = evidence.refusal(min_similarity=0.8, min_coverage=0.5)
"""

from __future__ import annotations

from dataclasses import dataclass, field

from assistant import jurisdictions as jur
from assistant.query_expansion import Glossary
from assistant.retriever import Hit
from assistant.text import terms

# Words that carry no topic: they do not count for coverage.
_GENERIC = {
    "what", "which", "how", "does", "do", "did", "is", "are", "was", "were", "the", "when", "who", "why",
    "much", "many", "law", "laws", "act", "regulation", "country", "countries", "set", "sets", "say", "says",
    "according", "under", "document", "documents", "require", "requires", "required", "apply", "applies",
    "rule", "rules", "provide", "provides", "there", "any", "give", "given", "its", "their", "per", "also",
}


@dataclass
class Evidence:
    top_similarity: float
    coverage: float
    named_jurisdictions: list[str] = field(default_factory=list)
    uncovered_jurisdictions: list[str] = field(default_factory=list)  # named, but not in the index
    missing_terms: list[str] = field(default_factory=list)

    def refusal(self, min_similarity: float, min_coverage: float) -> tuple[bool, str]:
        # A comparison still answers for the covered jurisdictions (and says which are missing).
        if self.named_jurisdictions and self.uncovered_jurisdictions == self.named_jurisdictions:
            names = ", ".join(jur.name(c) for c in self.uncovered_jurisdictions)
            return True, f"the indexed documents contain nothing from {names}"
        if self.top_similarity < min_similarity and self.coverage < min_coverage:
            return True, "no indexed passage is close enough to the question"
        if self.coverage < min_coverage / 2:
            missing = ", ".join(self.missing_terms[:5])
            return True, f"the retrieved passages do not mention {missing}"
        return False, ""


def _question_terms(question: str) -> set[str]:
    names = {w for code in jur.mentioned(question) for alias in (code, *jur.JURISDICTIONS.get(code, ("", ()))[1])
             for w in terms(alias)}
    return {t for t in terms(question) if t not in _GENERIC and t not in names and not t.isdigit()}


def assess(question: str, hits: list[Hit], glossary: Glossary, indexed: set[str], top: int = 3) -> Evidence:
    named = jur.mentioned(question)
    uncovered = [c for c in named if not set(jur.expand([c], indexed)) & indexed]
    similarity = max((h.dense_similarity or 0.0 for h in hits[:top]), default=0.0)
    wanted = _question_terms(question)
    if not wanted:
        return Evidence(similarity, 1.0 if hits else 0.0, named, uncovered)
    evidence_text = " ".join(h.chunk.text for h in hits[:top]).lower()
    found = terms(evidence_text)
    covered = {t for t in wanted if t in found}
    for phrase in glossary.terms_in(question):
        variants = [v.lower() for lang in glossary.entries[phrase].values() for v in lang]
        if any(v in evidence_text for v in variants):
            covered |= terms(phrase) & wanted
    missing = sorted(wanted - covered)
    return Evidence(similarity, len(covered) / len(wanted), named, uncovered, missing)
