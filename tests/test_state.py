"""State store, run lock, salvage of killed runs' files, and the incremental pipeline."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from scrapy.exceptions import DropItem
from scrapy.utils.test import get_crawler

from newsspider.feeds import salvage
from newsspider.pipelines.incremental import IncrementalPipeline
from newsspider.runlock import RunLock
from newsspider.state import StateStore, body_hash, state_for
from tests.test_pipelines import article


def test_state_remembers_ids_across_reopen(tmp_path: Path) -> None:
    store = StateStore(tmp_path / "s.sqlite")
    assert store.mark_written([("a", "h1"), ("b", None)]) == 2
    assert store.mark_written([("a", "h2")]) == 0, "a known id is not new"
    store.record_run("2026-01-01T00:00:00Z", 0)
    store.record_run("2026-01-02T00:00:00Z", 4)
    store.close()
    again = StateStore(tmp_path / "s.sqlite")
    assert len(again) == 2 and again.is_known("a") and not again.is_known("c")
    assert again.body_hash("a") == "h2"
    assert again.last_success() == "2026-01-01T00:00:00Z", "a failed run is not a success"
    revision = again.db.execute("SELECT revision FROM written WHERE id = 'a'").fetchone()[0]
    assert revision == 2


def test_lock_is_exclusive_across_processes_and_shared_within_one(tmp_path: Path) -> None:
    path = tmp_path / "state" / "maghress.lock"
    lock = RunLock.acquire(path)
    assert RunLock.acquire(path) is lock
    holder = (
        "import sys; from newsspider.runlock import RunLock, RunLocked\n"
        "try:\n    RunLock.acquire(__import__('pathlib').Path(sys.argv[1]))\n"
        "except RunLocked as e:\n    print(e); sys.exit(75)\n"
    )
    other = subprocess.run(
        [sys.executable, "-c", holder, str(path)], capture_output=True, text=True
    )
    assert other.returncode == 75
    assert "another run holds" in other.stdout
    lock.release()
    other = subprocess.run(
        [sys.executable, "-c", holder, str(path)], capture_output=True, text=True
    )
    assert other.returncode == 0, "a released lock can be taken"


def test_salvage_keeps_complete_lines_and_drops_the_torn_one(tmp_path: Path) -> None:
    part = tmp_path / "articles-1.jsonl.part"
    part.write_bytes(b'{"id": "a"}\n{"id": "b"}\n{"id": "c", "bo')
    result = salvage(part)
    assert (result.kept, result.dropped) == (2, 1)
    assert result.final == tmp_path / "articles-1.jsonl"
    assert result.final.read_bytes() == b'{"id": "a"}\n{"id": "b"}\n'
    assert not part.exists()


def test_salvage_never_overwrites_a_final_file(tmp_path: Path) -> None:
    (tmp_path / "a.jsonl").write_bytes(b'{"id": "old"}\n')
    part = tmp_path / "a.jsonl.part"
    part.write_bytes(b'{"id": "new"}\n')
    result = salvage(part)
    assert result.final == tmp_path / "a.salvaged.jsonl"
    assert json.loads(result.final.read_text()) == {"id": "new"}
    assert (tmp_path / "a.jsonl").read_bytes() == b'{"id": "old"}\n'


def test_salvage_of_an_all_torn_file_leaves_nothing(tmp_path: Path) -> None:
    part = tmp_path / "a.jsonl.part"
    part.write_bytes(b'{"id": "x", "bo')
    result = salvage(part)
    assert result.kept == 0 and not result.final.exists() and not part.exists()


@pytest.mark.parametrize(
    ("emit_revisions", "body", "expected"),
    [
        (False, "Un.\n\nDeux.", "dropped: known"),
        (False, "Changed.", "dropped: changed"),
        (True, "Changed.", "written"),
    ],
)
def test_incremental_pipeline(
    tmp_path: Path, emit_revisions: bool, body: str, expected: str
) -> None:
    crawler = get_crawler(
        settings_dict={
            "NEWSSPIDER_STATE_ENABLED": True,
            "NEWSSPIDER_STATE_DIR": str(tmp_path),
            "NEWSSPIDER_EMIT_REVISIONS": emit_revisions,
        }
    )
    crawler.stats.open_spider()
    store = state_for(crawler)
    assert store is not None
    store.mark_written([("maghress:fr:libe:1", body_hash("Un.\n\nDeux."))])
    pipeline = IncrementalPipeline.from_crawler(crawler)
    assert pipeline.process_item(article(id="maghress:fr:libe:2")).id == "maghress:fr:libe:2"
    try:
        pipeline.process_item(article(body=body))
        outcome = "written"
    except DropItem as drop:
        outcome = "dropped: known" if "earlier run" in str(drop) else "dropped: changed"
    assert outcome == expected
