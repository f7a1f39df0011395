"""The feed storage never shows a partial file under its final name."""

from __future__ import annotations

from pathlib import Path

from scrapy import Spider

from newsspider.feeds import AtomicFileFeedStorage


def test_file_appears_complete_only_when_stored(tmp_path: Path) -> None:
    final = tmp_path / "out" / "articles.jsonl"
    storage = AtomicFileFeedStorage(str(final), feed_options={"overwrite": True})
    handle = storage.open(Spider("s"))
    handle.write(b'{"a": 1}\n{"a": ')
    assert not final.exists(), "a half-written file must not carry the final name"
    assert (tmp_path / "out" / "articles.jsonl.part").exists()
    handle.write(b"2}\n")
    storage.store(handle)
    assert final.read_bytes() == b'{"a": 1}\n{"a": 2}\n'
    assert not (tmp_path / "out" / "articles.jsonl.part").exists()


def test_append_mode_keeps_the_earlier_file(tmp_path: Path) -> None:
    final = tmp_path / "articles.jsonl"
    final.write_bytes(b'{"a": 1}\n')
    storage = AtomicFileFeedStorage(str(final))
    handle = storage.open(Spider("s"))
    handle.write(b'{"a": 2}\n')
    handle.flush()
    assert final.read_bytes() == b'{"a": 1}\n', "the earlier file stays untouched until the end"
    part = tmp_path / "articles.jsonl.part"
    assert part.read_bytes() == b'{"a": 2}\n', "only this run's lines: a salvage repeats nothing"
    storage.store(handle)
    assert final.read_bytes() == b'{"a": 1}\n{"a": 2}\n'
    assert not part.exists()


def test_overwrite_mode_replaces(tmp_path: Path) -> None:
    final = tmp_path / "articles.jsonl"
    final.write_bytes(b'{"old": 1}\n')
    storage = AtomicFileFeedStorage(f"file://{final}", feed_options={"overwrite": True})
    handle = storage.open(Spider("s"))
    handle.write(b'{"new": 1}\n')
    storage.store(handle)
    assert final.read_bytes() == b'{"new": 1}\n'


def test_each_exported_line_reaches_the_os_at_once(tmp_path: Path) -> None:
    """No flush, no close: a kill -9 now would still leave the line for salvage."""
    storage = AtomicFileFeedStorage(str(tmp_path / "a.jsonl"), feed_options={"overwrite": True})
    handle = storage.open(Spider("s"))
    handle.write(b'{"a": 1}\n')
    assert (tmp_path / "a.jsonl.part").read_bytes() == b'{"a": 1}\n'
    storage.store(handle)
