"""The index ledger: which document version is live, and which chunks belong to it.

The ledger is the commit point of every index change. It is rewritten atomically (temp file,
fsync, rename), so after a crash it names either the old or the new version of a document,
never a mix; vectors that no ledger names are swept on the next run.

Example::

    ledger = Ledger.load(index_dir / "ledger.json")
    ledger.documents["de_verpackg_verpackungsgesetz"].chunk_ids[:2]
"""

from __future__ import annotations

import hashlib

import os
import tempfile
from pathlib import Path

from pydantic import BaseModel, Field

from circularbench.types import DocumentRecord


class LedgerEntry(BaseModel):
    record: DocumentRecord
    sha256: str
    chunker: str
    pages: int
    chunk_ids: list[str]
    indexed_at: float


class Ledger(BaseModel):
    embedding_model: str = ""
    embedding_dimension: int = 0
    documents: dict[str, LedgerEntry] = Field(default_factory=dict)
    keyword_dir: str = ""  # folder name of the keyword index that matches ``generation``
    keyword_generation: str = ""

    @classmethod
    def load(cls, path: Path) -> "Ledger":
        if not path.exists():
            return cls()
        return cls.model_validate_json(path.read_text(encoding="utf-8"))

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".ledger.", suffix=".tmp", dir=path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(self.model_dump_json(indent=1))
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, path)
        finally:
            Path(tmp).unlink(missing_ok=True)

    def live_ids(self) -> set[str]:
        return {cid for entry in self.documents.values() for cid in entry.chunk_ids}

    def generation(self) -> str:
        """A digest of the live chunk set and the tokenizer: the keyword index is current when it matches."""
        from indexer.keyword_index import TOKENIZER_VERSION

        digest = hashlib.sha256(TOKENIZER_VERSION.encode())
        for cid in sorted(self.live_ids()):
            digest.update(cid.encode())
        return digest.hexdigest()[:16]

    def keyword_is_current(self) -> bool:
        return bool(self.keyword_dir) and self.keyword_generation == self.generation()


