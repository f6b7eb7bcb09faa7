import hashlib
import http.server
import threading
from functools import partial

import pytest

from circularbench.types import DocumentRecord
from corpus.manifest import Manifest
from corpus.sync import file_sha256, sync_corpus


def test_sync_from_mirror_copies_everything_and_reports_missing(tmp_path, manifest, mirror):
    dest = tmp_path / "corpus"
    report = sync_corpus(manifest, dest, mirror, download=False)
    on_disk = {p.name for p in mirror.iterdir() if p.name != "sources.tsv"}
    assert report.ok
    assert report.count("copied") == len(on_disk)
    assert report.count("unavailable") == len(manifest.documents) - len(on_disk)
    assert {p.name for p in dest.iterdir()} == on_disk  # no temp files left behind
    for name in on_disk:
        assert file_sha256(dest / name) == file_sha256(mirror / name)
    again = sync_corpus(manifest, dest, mirror, download=False)
    assert again.count("present") == len(on_disk) and again.count("copied") == 0


def test_checksum_mismatch_is_an_error_and_writes_nothing(tmp_path, mirror):
    fake_mirror = tmp_path / "mirror"
    fake_mirror.mkdir()
    (fake_mirror / "a.md").write_text("tampered", encoding="utf-8")
    doc = DocumentRecord(id="a", file="a.md", title="A", jurisdiction="DE", doc_type="law", language="de", sha256="0" * 64)
    dest = tmp_path / "corpus"
    report = sync_corpus(Manifest(tmp_path / "m.toml", (doc,)), dest, fake_mirror, download=False)
    assert report.results[0].status == "error" and "checksum mismatch" in report.results[0].detail
    assert "a.md" in report.results[0].detail
    assert list(dest.iterdir()) == []


@pytest.fixture()
def file_server(tmp_path):
    root = tmp_path / "served"
    root.mkdir()
    handler = partial(http.server.SimpleHTTPRequestHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield root, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_download_verifies_checksum(tmp_path, mirror, file_server):
    root, base = file_server
    source = mirror / "cn_weee_recycling_regulation_2019.md"
    (root / "weee.md").write_bytes(source.read_bytes())
    good_sha = hashlib.sha256(source.read_bytes()).hexdigest()
    docs = (
        DocumentRecord(id="good", file="good.md", title="G", jurisdiction="CN", doc_type="law", language="zh",
                       download_url=f"{base}/weee.md", sha256=good_sha),
        DocumentRecord(id="bad", file="bad.md", title="B", jurisdiction="CN", doc_type="law", language="zh",
                       download_url=f"{base}/weee.md", sha256="f" * 64),
        DocumentRecord(id="gone", file="gone.md", title="X", jurisdiction="CN", doc_type="law", language="zh",
                       download_url=f"{base}/missing.md"),
    )
    dest = tmp_path / "corpus"
    report = sync_corpus(Manifest(tmp_path / "m.toml", docs), dest, mirror=None)
    status = {r.doc_id: r for r in report.results}
    assert status["good"].status == "downloaded" and file_sha256(dest / "good.md") == good_sha
    assert status["bad"].status == "error" and not (dest / "bad.md").exists()
    assert status["gone"].status == "unavailable" and "404" in status["gone"].detail
    assert sorted(p.name for p in dest.iterdir()) == ["good.md"]
