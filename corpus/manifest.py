"""Read and validate the corpus manifest (TOML).

Example::

    from corpus.manifest import load_manifest
    manifest = load_manifest()                   # the manifest shipped with the project
    manifest.get("de_verpackg_verpackungsgesetz").jurisdiction   # 'DE'
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from circularbench.types import DocumentRecord


class ManifestError(ValueError):
    """The manifest cannot be used; the message names the file, entry and field."""


@dataclass(frozen=True)
class Manifest:
    path: Path
    documents: tuple[DocumentRecord, ...]

    def get(self, doc_id: str) -> DocumentRecord:
        for doc in self.documents:
            if doc.id == doc_id:
                return doc
        raise KeyError(doc_id)

    def by_file(self) -> dict[str, DocumentRecord]:
        return {doc.file: doc for doc in self.documents}


def load_manifest(path: Path | None = None) -> Manifest:
    """Parse ``path`` (default: the project's manifest) and validate every entry."""
    if path is None:
        from circularbench.settings import Settings

        path = Settings().manifest_path
    try:
        raw = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ManifestError(f"{path}: cannot read manifest: {exc}") from exc
    entries = raw.get("documents")
    if not isinstance(entries, list) or not entries:
        raise ManifestError(f"{path}: no [[documents]] entries")
    docs: list[DocumentRecord] = []
    for n, entry in enumerate(entries, start=1):
        try:
            docs.append(DocumentRecord(**entry))
        except (ValidationError, TypeError) as exc:
            label = entry.get("id", f"entry {n}") if isinstance(entry, dict) else f"entry {n}"
            raise ManifestError(f"{path}: document {label!r}: {_first_error(exc)}") from exc
    for attr in ("id", "file"):
        seen: set[str] = set()
        for doc in docs:
            value = getattr(doc, attr)
            if value in seen:
                raise ManifestError(f"{path}: duplicate {attr} {value!r}")
            seen.add(value)
    return Manifest(path=Path(path), documents=tuple(docs))


def _first_error(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        err = exc.errors()[0]
        field = ".".join(str(p) for p in err["loc"]) or "entry"
        return f"field {field!r}: {err['msg']}"
    return str(exc)
