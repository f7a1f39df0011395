"""Where a run writes, in process: the probes before a run, batch file names, and
which feeds are the cron stream that the incremental state follows."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import ClassVar

import pytest
from scrapy import signals
from scrapy.settings import Settings

from newsspider.feeds import (
    feed_file_patterns,
    in_feeds,
    parts_to_salvage,
    sample_feed_path,
    stream_feeds,
)
from newsspider.paths import UnsafePath, check_outputs, probe_file
from newsspider.state import StateStore
from tests.inprocess import PROJECT, spider_for
from tests.test_incremental import FIRST, RUN_FILE, NewsSpider, export, make_crawler, opened

STREAM = {
    "data/%(name)s/articles-%(run_id)s.jsonl": {"format": "jsonlines"},
    "data/%(name)s/headlines-%(run_id)s.jsonl": {"format": "jsonlines"},
}
ARTICLES, HEADLINES = list(STREAM)


@pytest.mark.parametrize(
    ("priority", "named", "incremental", "expected"),
    [
        ("project", [], None, [ARTICLES, HEADLINES]),  # the project's own files: the stream
        ("cmdline", [], None, [ARTICLES, HEADLINES]),  # -s FEEDS=…: the user's own stream
        ("cmdline", [], False, []),  # -o/-O: `scrapy crawl` sets incremental=false
        ("project", [ARTICLES], None, [ARTICLES]),  # NEWSSPIDER_STATE_FEEDS names the stream
        ("cmdline", [], True, [ARTICLES, HEADLINES]),  # -a incremental=true: asked for
        ("project", [], False, []),  # -a incremental=false: the state is left alone
    ],
)
def test_the_state_follows_the_cron_stream_only(
    priority: str, named: list[str], incremental: bool | None, expected: list[str]
) -> None:
    settings = Settings({"NEWSSPIDER_STATE_FEEDS": named})
    settings.set("FEEDS", STREAM, priority=priority)
    assert stream_feeds(settings, incremental) == expected


@pytest.mark.parametrize(
    ("template", "names", "not_names"),
    [
        (
            "out-%(batch_id)d.jsonl",
            ["out-1.jsonl", "out-12.jsonl"],
            ["out-.jsonl", "out-x.jsonl", "out-1.json"],
        ),
        ("out-%(batch_id)05d.jsonl", ["out-00003.jsonl"], ["out-a0003.jsonl"]),
        # Scrapy writes the batch time as UTC ISO with "-" for ":".
        (
            "%(name)s-%(batch_time)s.jsonl",
            ["maghress-2026-11-24T08-15-02.123456+00-00.jsonl"],
            ["maghress-yesterday.jsonl", "djazairess-2026-11-24T08-15-02+00-00.jsonl"],
        ),
        (
            "articles-%(run_id)s-%(batch_id)d.jsonl",
            ["articles-20261124T081502Z-w1-2.jsonl"],
            ["articles-20261124T081502Z-w2-2.jsonl"],  # another worker's
        ),
    ],
)
def test_feed_file_names_are_recognised_batch_by_batch(
    template: str, names: list[str], not_names: list[str]
) -> None:
    [(folder, pattern)] = feed_file_patterns([template], "maghress", "-w1")
    assert folder == Path(".")
    assert [name for name in names + not_names if pattern.fullmatch(name)] == names


def test_salvage_finds_the_parts_of_every_batch(tmp_path: Path) -> None:
    for name in ("out-00001.jsonl.part", "out-00002.jsonl.part", "other.jsonl.part"):
        (tmp_path / name).write_text("{}\n")
    template = str(tmp_path / "out-%(batch_id)05d.jsonl")
    assert [p.name for p in parts_to_salvage([template], "maghress")] == [
        "out-00001.jsonl.part",
        "out-00002.jsonl.part",
    ]


def test_a_sample_path_gives_every_parameter_a_value() -> None:
    path = sample_feed_path("file:///srv/%(name)s/out-%(batch_id)03d-%(run_id)s.jsonl", "maghress")
    assert path == Path("/srv/maghress/out-001-20000101T000000.000Z.jsonl")
    assert sample_feed_path("stdout:", "maghress") is None
    assert sample_feed_path("s3://bucket/%(name)s.jsonl", "maghress") is None


def test_a_probe_leaves_nothing_behind(tmp_path: Path) -> None:
    kept = tmp_path / "kept.log"
    kept.write_text("earlier lines\n")
    probe_file(kept, "setting LOG_FILE")
    assert kept.read_text() == "earlier lines\n", "an existing file is only looked at"
    target = tmp_path / "new" / "deeper" / "out.jsonl"
    probe_file(target, "output out.jsonl", written=target.with_name("out.jsonl.part"))
    assert sorted(tmp_path.iterdir()) == [kept], "no probe file, no folder made for it"


@pytest.mark.parametrize(
    ("feed", "message"),
    [
        ("/proc/out.jsonl", "output /proc/out.jsonl: cannot write '/proc/out.jsonl': "),
        ("/proc/new/out.jsonl", "output /proc/new/out.jsonl: cannot write "),
        ("{tmp}", "output {tmp}: '{tmp}' is a folder"),
    ],
)
def test_an_output_that_cannot_be_written_is_one_line(
    tmp_path: Path, feed: str, message: str
) -> None:
    settings = Settings({"FEEDS": {feed.format(tmp=tmp_path): {"format": "jsonlines"}}})
    with pytest.raises(UnsafePath) as caught:
        check_outputs(settings, "maghress")
    assert str(caught.value).startswith(message.format(tmp=tmp_path))


class OneOffSpider(NewsSpider):
    stream_feeds: ClassVar[list[str]] = []  # the real spider's with -O, no incremental=true


def test_a_one_off_export_is_neither_marked_nor_a_run_of_the_stream(tmp_path: Path) -> None:
    folder = tmp_path / "data" / "maghress"
    folder.mkdir(parents=True)
    killed = folder / "articles-20251231T235959Z.jsonl.part"  # a one-off export, killed
    killed.write_text(json.dumps(asdict(FIRST)) + "\n", encoding="utf-8")
    state = StateStore(tmp_path / "state" / "maghress.sqlite")
    state.set_clean(False)  # the stream's last run died: its next run must walk listings
    state.close()

    crawler = make_crawler(tmp_path, OneOffSpider)
    _extension, spider = opened(crawler)
    final = folder / RUN_FILE
    storage = export(crawler, spider, final, [FIRST])
    storage.store(storage.file)  # type: ignore[attr-defined]
    crawler.signals.send_catch_log(signals.spider_closed, spider=spider, reason="finished")
    crawler.signals.send_catch_log(signals.engine_stopped)

    assert final.exists() and (folder / "articles-20251231T235959Z.jsonl").exists()
    assert crawler.stats.get_value("newsspider/state/feeds") == []
    state = StateStore(tmp_path / "state" / "maghress.sqlite")
    assert not state.is_known(FIRST.id), "neither the file written nor the one salvaged"
    assert state.previous_clean is False, "the stream's unclean end is kept"
    state.close()


def test_the_stream_files_of_a_run_are_marked(tmp_path: Path) -> None:
    """The same export by the stream (the project's FEEDS): marked, and the run is clean."""
    crawler = make_crawler(tmp_path)
    _extension, spider = opened(crawler)
    final = tmp_path / "data" / "maghress" / RUN_FILE
    storage = export(crawler, spider, final, [FIRST])
    storage.store(storage.file)  # type: ignore[attr-defined]
    crawler.signals.send_catch_log(signals.spider_closed, spider=spider, reason="finished")
    crawler.signals.send_catch_log(signals.engine_stopped)
    state = StateStore(tmp_path / "state" / "maghress.sqlite")
    assert state.is_known(FIRST.id) and state.previous_clean is True
    state.close()
    assert in_feeds(final, feed_file_patterns(list(crawler.settings.getdict("FEEDS")), "maghress"))


def test_the_spider_skips_known_articles_only_for_the_stream() -> None:
    stream = spider_for()
    assert stream.skip_known and stream.stream_feeds == list(PROJECT["FEEDS"])
    assert not spider_for(incremental="false").skip_known
    elsewhere = spider_for({"NEWSSPIDER_STATE_FEEDS": ["elsewhere.jsonl"]})
    assert not elsewhere.skip_known and elsewhere.stream_feeds == []
    assert not spider_for(full="true", incremental="true").skip_known, "full=true: all fetched"
