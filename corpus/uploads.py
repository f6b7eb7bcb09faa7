"""Documents users add at run time (API uploads), kept beside the synced corpus.

The registry (``<corpus dir>/uploads.json``) holds each upload's manifest record; the file sits
in the corpus folder like any synced document. Both are written atomically.

Example::

    registry = UploadRegistry(settings.corpus_dir)
    registry.add(record, pdf_bytes)
    registry.records()         # [DocumentRecord(...)]
    registry.remove("my_report")
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from circularbench.types import DocumentRecord


def write_atomically(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    finally:
        Path(tmp).unlink(missing_ok=True)


class UploadRegistry:
    def __init__(self, corpus_dir: Path):
        self.corpus_dir = corpus_dir
        self.path = corpus_dir / "uploads.json"

    def records(self) -> list[DocumentRecord]:
        if not self.path.exists():
            return []
        return [DocumentRecord(**r) for r in json.loads(self.path.read_text(encoding="utf-8"))]

    def _save(self, records: list[DocumentRecord]) -> None:
        payload = json.dumps([r.model_dump() for r in records], ensure_ascii=False, indent=1)
        write_atomically(self.path, payload.encode("utf-8"))

    def add(self, record: DocumentRecord, content: bytes) -> Path:
        target = self.corpus_dir / record.file
        write_atomically(target, content)
        self._save([r for r in self.records() if r.id != record.id] + [record])
        return target

    def remove(self, doc_id: str) -> bool:
        records = self.records()
        match = [r for r in records if r.id == doc_id]
        if not match:
            return False
        self._save([r for r in records if r.id != doc_id])
        (self.corpus_dir / match[0].file).unlink(missing_ok=True)
        return True
