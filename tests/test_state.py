"""State store, run lock, and salvage of killed runs' files."""

from __future__ import annotations

import logging
import subprocess
import sys
from pathlib import Path

from newsspider.feeds import parts_to_salvage, salvage
from newsspider.runlock import RunLock
from newsspider.state import StateStore


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
    for number, record in enumerate((b'{"id": "new"}\n', b'{"id": "newer"}\n'), start=1):
        part = tmp_path / "a.jsonl.part"
        part.write_bytes(record)
        result = salvage(part)
        assert result.final == tmp_path / f"a.salvaged-{number}.jsonl"
        assert result.final.read_bytes() == record
    assert (tmp_path / "a.jsonl").read_bytes() == b'{"id": "old"}\n'


def test_salvage_touches_only_this_spiders_feed_files(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    folder = tmp_path / "data" / "maghress"
    folder.mkdir(parents=True)
    ours = folder / "articles-20260101T000000Z.jsonl.part"
    ours.write_bytes(b'{"id": "a"}\n')
    (folder / "movie.mkv.part").write_bytes(b"not ours")
    (folder / "headlines-x.jsonl.other.part").write_bytes(b"not ours either")
    feeds = ["data/%(name)s/articles-%(run_id)s.jsonl", "data/%(name)s/headlines-%(run_id)s.jsonl"]
    assert parts_to_salvage(feeds, "maghress") == [Path("data/maghress") / ours.name]
    assert parts_to_salvage(feeds, "other") == []
    # Distributed workers on one disk: each salvages its own files, never a live peer's.
    one = folder / "articles-20260101T000000Z-one.jsonl.part"
    two = folder / "headlines-20260101T000000Z-two.jsonl.part"
    one.write_bytes(b'{"id": "b"}\n')
    two.write_bytes(b'{"id": "c"}\n')
    assert parts_to_salvage(feeds, "maghress", "-one") == [Path("data/maghress") / one.name]
    assert parts_to_salvage(feeds, "maghress", "-two") == [Path("data/maghress") / two.name]
    assert parts_to_salvage(feeds, "maghress") == [Path("data/maghress") / ours.name]


def test_ids_count_as_written_only_once_their_file_is_final(tmp_path: Path) -> None:
    store = StateStore(tmp_path / "s.sqlite")
    final = tmp_path / "articles.jsonl"
    store.stage([("a", "h")], final)
    assert not store.is_known("a"), "staged is not written"
    assert store.recover() == 0, "no final file: a crash before the rename"
    store.stage([("a", "h")], final)
    final.write_text("{}\n")
    assert store.recover() == 1, "final file present: a crash after the rename"
    assert store.is_known("a")


def test_salvage_of_an_all_torn_file_leaves_nothing(tmp_path: Path) -> None:
    part = tmp_path / "a.jsonl.part"
    part.write_bytes(b'{"id": "x", "bo')
    result = salvage(part)
    assert result.kept == 0 and result.final is None and not part.exists()
    assert list(tmp_path.iterdir()) == []


def test_a_successful_run_started_in_the_future_is_not_the_last_success(
    tmp_path: Path, caplog
) -> None:
    """One run under a clock a year ahead would bound every later since=auto run."""
    store = StateStore(tmp_path / "s.sqlite")
    store.record_run("2026-01-01T00:00:00.5+00:00", 0)
    store.record_run("2999-01-01T00:00:00Z", 0)
    with caplog.at_level(logging.WARNING):
        assert store.last_success() == "2026-01-01T00:00:00.5+00:00"
    assert "2999-01-01T00:00:00Z, later than now" in caplog.text
    store.close()
    empty = StateStore(tmp_path / "empty.sqlite")
    empty.record_run("2999-01-01T00:00:00Z", 0)
    assert empty.last_success() is None
    empty.close()


def test_redis_keeps_no_last_success_from_the_future(redis_url: str, caplog) -> None:
    from newsspider.distributed import Keys
    from newsspider.state.redis import RedisStateStore, connect

    store = RedisStateStore(connect(redis_url), Keys("newsspider", "maghress"), "one", "test")
    store.record_run("2999-01-01T00:00:00Z", 0)
    with caplog.at_level(logging.WARNING):
        assert store.last_success() is None
    assert "later than now" in caplog.text
    store.record_run("2026-01-01T00:00:00Z", 0)  # the clock put right: this one replaces it
    assert store.last_success() == "2026-01-01T00:00:00Z"
    store.record_run("2025-01-01T00:00:00Z", 0)  # workers end in any order: the latest stays
    assert store.last_success() == "2026-01-01T00:00:00Z"
    store.close()
