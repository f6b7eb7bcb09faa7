"""`index --rebuild` beside the live index: the live one serves unchanged while the new one is
built, the new one is swapped in whole, snapshots opened before the swap finish on the old one,
and a rebuild killed with SIGKILL at any point leaves a serving index and nothing the next run
does not clean up."""

import gc
import os
import shutil
import signal
import subprocess
import sys
import time

import pytest

from assistant.snapshot import IndexSnapshots
from circularbench.settings import INDEX_POINTER
from circularbench.types import DocumentRecord
from corpus.uploads import UploadRegistry
from indexer.ledger import Ledger
from indexer.pipeline import Indexer
from tests.helpers import SMALL_FILES, make_settings

QUERIES = ["verpakkingen recycling gewichtsprocent", "废弃电器电子产品 回收 处理", "recycling of waste electrical products"]
NEW_DOC = DocumentRecord(id="quuxland_deposit_act", file="quuxland_deposit_act.md", title="Quuxland Deposit Act",
                         jurisdiction="NL", doc_type="law", language="en", publisher="uploaded")
NEW_TEXT = b"# Quuxland Deposit Act\n\n## Article 1\n\nQuuxland charges a deposit of 0.30 QXD per can.\n"

# The real indexer rebuilding in a subprocess: at each of its pause points it announces itself
# (``paused-<point>`` in the work folder) and waits until ``go-<point>`` exists (the kill tests
# never create it). Points: "building" (the new version's store holds one document's chunks,
# its ledger nothing yet), "swapped" (the new version is live, the old one still on disk).
PAUSED_REBUILD = """
import pathlib, sys, time
from circularbench.settings import Settings
from indexer import versions
from indexer.pipeline import Indexer
from indexer.vector_store import VectorStore

work, points = pathlib.Path(sys.argv[1]), sys.argv[2].split(",")

def pause(point):
    (work / f"paused-{point}").touch()
    while not (work / f"go-{point}").exists():
        time.sleep(0.02)

if "building" in points:
    add = VectorStore.add
    def add_then_pause(self, chunks, vectors):
        add(self, chunks, vectors)
        pause("building")
    VectorStore.add = add_then_pause
if "swapped" in points:
    publish = versions.publish
    def publish_then_pause(settings, version):
        publish(settings, version)
        pause("swapped")
    versions.publish = publish_then_pause
print(Indexer(Settings()).run(rebuild=True, progress=False).version)
"""


@pytest.fixture()
def settings(small_data, tmp_path):
    """A private copy of the session's small index (built in place: no version yet, as every
    index before its first rebuild; shared with the served tests, so it costs no extra build)."""
    shutil.copytree(small_data, tmp_path / "data")
    return make_settings(tmp_path / "data")


def _hits(bot) -> list[list[str]]:
    return [[h.chunk.chunk_id for h in bot.retriever.search(q, k=5)] for q in QUERIES]


def _finds_new(bot) -> bool:
    return NEW_DOC.id in {h.chunk.doc_id for h in bot.retriever.search("Quuxland deposit can", k=5)}


def _start(settings, work, points: str) -> subprocess.Popen:
    env = dict(os.environ, CIRCULARBENCH_DATA_DIR=str(settings.data_dir))
    return subprocess.Popen([sys.executable, "-c", PAUSED_REBUILD, str(work), points], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def _paused(proc, work, point: str) -> None:
    """Wait until the rebuild stands at ``point``."""
    flag, deadline = work / f"paused-{point}", time.monotonic() + 300
    while not flag.exists() and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    assert flag.exists(), f"the rebuild never reached {point}: " + proc.stderr.read().decode()[-800:]


def _kill(proc) -> None:
    proc.send_signal(signal.SIGKILL)
    proc.wait()


def _root_items(settings) -> set[str]:
    return {p.name for p in settings.index_root.iterdir() if p.name in ("ledger.json", "chroma") or
            p.name.startswith(("bm25-", "v-", ".trash-"))}


def test_a_rebuild_killed_while_building_leaves_the_old_index_serving(settings, tmp_path, manifest, embedder):
    expected = _hits(IndexSnapshots(settings).current())
    proc = _start(settings, tmp_path, "building")
    _paused(proc, tmp_path, "building")
    # Mid-rebuild, in another process: the live index answers as before.
    snapshots = IndexSnapshots(settings)
    assert _hits(snapshots.current()) == expected
    _kill(proc)

    assert not (settings.index_root / INDEX_POINTER).exists() and settings.index_dir == settings.index_root
    [half] = settings.index_root.glob("v-*")
    assert (half / "chroma").is_dir() and not (half / "ledger.json").exists()
    assert _hits(snapshots.current()) == expected
    assert _hits(IndexSnapshots(settings).current()) == expected

    report = Indexer(settings, manifest, embedder).run(progress=False)
    assert report.versions_removed == [half.name] and report.indexed == []
    assert _root_items(settings) == {"ledger.json", "chroma", *(p.name for p in settings.index_root.glob("bm25-*"))}
    assert _hits(IndexSnapshots(settings).current()) == expected


def test_a_rebuild_killed_after_the_swap_serves_the_new_index(settings, tmp_path, manifest, embedder):
    expected = _hits(IndexSnapshots(settings).current())
    live_ids = Ledger.load(settings.index_dir / "ledger.json").live_ids()
    proc = _start(settings, tmp_path, "swapped")
    _paused(proc, tmp_path, "swapped")
    _kill(proc)

    [new] = settings.index_root.glob("v-*")
    assert settings.index_dir == new  # swapped in, whole
    assert Ledger.load(new / "ledger.json").live_ids() == live_ids
    assert (settings.index_root / "ledger.json").exists()  # the old index is still on disk
    bot = IndexSnapshots(settings).current()
    assert _hits(bot) == expected

    report = Indexer(settings, manifest, embedder).run(progress=False)
    assert report.versions_removed == ["_root"]
    assert _root_items(settings) == {new.name}
    assert _hits(bot) == expected and _hits(IndexSnapshots(settings).current()) == expected


def test_search_keeps_answering_through_a_rebuild_in_another_process(settings, tmp_path):
    snapshots = IndexSnapshots(settings)
    expected = _hits(snapshots.current())
    UploadRegistry(settings.corpus_dir).add(NEW_DOC, NEW_TEXT)  # arrives with the rebuild only
    proc = _start(settings, tmp_path, "building,swapped")
    _paused(proc, tmp_path, "building")
    bot = snapshots.current()  # what a request arriving mid-rebuild gets: the live index, whole
    assert _hits(bot) == expected and not _finds_new(bot)
    assert bot.ask("How must waste electrical and electronic products be recycled?", generator="extractive").passages
    (tmp_path / "go-building").touch()

    _paused(proc, tmp_path, "swapped")  # the new version is live, the old one not yet released
    after = snapshots.current()
    assert after is not bot and _finds_new(after) and _hits(after) == expected
    assert _hits(bot) == expected  # the request that took the old snapshot finishes on it
    (tmp_path / "go-swapped").touch()

    while proc.poll() is None:  # and on until the rebuild ends: every search answers
        assert snapshots.current().retriever.search("Quuxland deposit can", k=3)
    assert proc.returncode == 0, proc.stderr.read().decode()[-800:]
    assert settings.index_dir.name == proc.stdout.read().decode().split()[-1]
    assert _finds_new(snapshots.current())
    assert _hits(bot) == expected and not _finds_new(bot)


def test_a_snapshot_opened_before_the_swap_finishes_on_the_old_index(settings, manifest, embedder):
    snapshots = IndexSnapshots(settings)
    before = snapshots.current()
    chunks_before, expected = dict(before.retriever.chunks), _hits(before)
    UploadRegistry(settings.corpus_dir).add(NEW_DOC, NEW_TEXT)

    report = Indexer(settings, manifest, embedder).run(rebuild=True, progress=False)
    # Everything rebuilt; the vectors of unchanged chunks reused, only the new document embedded.
    assert sorted(report.indexed) == sorted([NEW_DOC.id, *(f.rsplit(".", 1)[0] for f in SMALL_FILES)])
    assert 0 < report.chunks_embedded <= 2 and report.chunks_added == report.chunks_total
    assert settings.index_dir.name == report.version and report.versions_removed == []
    assert (settings.index_root / "ledger.json").exists()  # held by ``before``

    after = snapshots.current()
    assert after is not before
    assert _finds_new(after)
    assert before.retriever.chunks == chunks_before and _hits(before) == expected and not _finds_new(before)

    del before
    gc.collect()  # the request that held the old snapshot is over
    assert Indexer(settings, manifest, embedder).run(progress=False).versions_removed == ["_root"]
    assert _root_items(settings) == {report.version}

    # Version to version: a second rebuild while ``after`` holds the first one.
    second = Indexer(settings, manifest, embedder).run(rebuild=True, progress=False)
    assert second.chunks_embedded == 0 and second.versions_removed == []
    assert _root_items(settings) == {report.version, second.version}
    assert _finds_new(after) and _finds_new(snapshots.current())
    del after
    gc.collect()
    assert Indexer(settings, manifest, embedder).run(progress=False).versions_removed == [report.version]
    assert _root_items(settings) == {second.version}
