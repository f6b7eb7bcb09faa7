"""Fill the local corpus folder from a mirror folder or from each document's download URL.

Every file lands through a temporary file in the same folder and an atomic rename, after its
checksum is verified: a failed or interrupted sync never leaves a half-written document.

Example::

    from corpus.sync import sync_corpus
    report = sync_corpus(manifest, dest=Path("data/corpus"), mirror=Path("../shared/corpus"))
    [r.doc_id for r in report.results if r.status == "unavailable"]
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import httpx

from circularbench.types import DocumentRecord
from corpus.manifest import Manifest

Status = Literal["present", "copied", "downloaded", "unavailable", "error"]


@dataclass(frozen=True)
class SyncResult:
    doc_id: str
    file: str
    status: Status
    detail: str = ""
    sha256: str | None = None


@dataclass
class SyncReport:
    results: list[SyncResult] = field(default_factory=list)

    def count(self, status: Status) -> int:
        return sum(r.status == status for r in self.results)

    @property
    def ok(self) -> bool:
        return not any(r.status == "error" for r in self.results)


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def sync_corpus(
    manifest: Manifest,
    dest: Path,
    mirror: Path | None = None,
    download: bool = True,
    timeout: float = 60.0,
) -> SyncReport:
    """Make ``dest`` hold every manifest document that can be had; report each one."""
    dest.mkdir(parents=True, exist_ok=True)
    report = SyncReport()
    with httpx.Client(timeout=timeout, follow_redirects=True) as client:
        for doc in manifest.documents:
            report.results.append(_sync_one(doc, dest, mirror, client if download else None))
    return report


def _sync_one(doc: DocumentRecord, dest: Path, mirror: Path | None, client: httpx.Client | None) -> SyncResult:
    target = dest / doc.file
    if target.is_file() and (doc.sha256 is None or file_sha256(target) == doc.sha256):
        return SyncResult(doc.id, doc.file, "present", sha256=doc.sha256)

    if mirror is not None and (mirror / doc.file).is_file():
        source = mirror / doc.file
        try:
            digest = _install(target, lambda fh: _copy_into(source, fh), doc.sha256)
        except ChecksumError as exc:
            return SyncResult(doc.id, doc.file, "error", f"{source}: {exc}")
        except OSError as exc:
            return SyncResult(doc.id, doc.file, "error", f"{source}: cannot copy: {exc}")
        return SyncResult(doc.id, doc.file, "copied", str(source), digest)

    if client is None or not doc.download_url:
        why = "not in the mirror" + ("" if doc.download_url else " and no download URL")
        return SyncResult(doc.id, doc.file, "unavailable", why)
    try:
        digest = _install(target, lambda fh: _download_into(client, doc.download_url, fh), doc.sha256)
    except ChecksumError as exc:
        return SyncResult(doc.id, doc.file, "error", f"{doc.download_url}: {exc}")
    except (httpx.HTTPError, OSError) as exc:
        return SyncResult(doc.id, doc.file, "unavailable", f"download failed: {exc}")
    return SyncResult(doc.id, doc.file, "downloaded", doc.download_url, digest)


class ChecksumError(ValueError):
    pass


def _install(target: Path, write, expected_sha: str | None) -> str:
    """Write through ``write(fh)`` into a temp file, verify, then rename onto ``target``."""
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as fh:
            write(fh)
            fh.flush()
            os.fsync(fh.fileno())
        digest = file_sha256(tmp)
        if expected_sha is not None and digest != expected_sha:
            raise ChecksumError(f"checksum mismatch (expected {expected_sha[:12]}…, got {digest[:12]}…)")
        os.replace(tmp, target)
        return digest
    finally:
        tmp.unlink(missing_ok=True)


def _copy_into(source: Path, fh) -> None:
    with open(source, "rb") as src:
        shutil.copyfileobj(src, fh)


def _download_into(client: httpx.Client, url: str, fh) -> None:
    with client.stream("GET", url) as response:
        response.raise_for_status()
        for block in response.iter_bytes():
            fh.write(block)
