"""The IncrementalState extension and the IncrementalPipeline in-process, on real signals.

A crawler from ``get_crawler``, the project's feed storage and exporter writing
real files, a real SQLite state; the subprocess crawls in test_cron.py cover the
same contract end to end (kill -9, reruns).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from dataclasses import asdict
from pathlib import Path
from typing import Any

import pytest
from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem, NotConfigured
from scrapy.exporters import JsonItemExporter
from scrapy.extensions.postprocessing import GzipPlugin, PostProcessingManager
from scrapy.utils.test import get_crawler

from newsspider.extensions.incremental import IncrementalState
from newsspider.feeds import AtomicFileFeedStorage, JsonLinesExporter, feed_file_ready, part_path
from newsspider.items import Article
from newsspider.pipelines.incremental import IncrementalPipeline
from newsspider.runlock import RunLock, lock_path
from newsspider.state import StateStore, body_hash, state_for
from tests.test_pipelines import KINDS, article, as_kind, strip

FIRST = article(id="maghress:fr:libe:1", body="Premier.\n\nParagraphe.")
SECOND = article(id="maghress:ar:hespress:2", lang="ar", body="نص المقال.")
NO_BODY = article(id="maghress:fr:lematin:3", body=None)
# sha1 of each body, its first 20 hex digits (None without a body).
FIRST_HASH = "f08883873f0dcafdb934"
SECOND_HASH = "06ff975da84d0716ec5b"


class NewsSpider(Spider):
    name = "maghress"


class FullSpider(NewsSpider):
    skip_known = False  # what `-a full=true` sets on the real spider


def feed_uri(tmp_path: Path) -> str:
    return str(tmp_path / "data" / "%(name)s" / "articles-%(run_id)s.jsonl")


# A file of that feed: the state follows the feeds of the project's FEEDS.
RUN_FILE = "articles-20260101T000000Z.jsonl"


def make_crawler(tmp_path: Path, spidercls: type[Spider] = NewsSpider, **settings: Any) -> Crawler:
    crawler = get_crawler(
        spidercls,
        {
            "NEWSSPIDER_STATE_ENABLED": True,
            "NEWSSPIDER_STATE_DIR": str(tmp_path / "state"),
            "EXTENSIONS_BASE": {},  # Scrapy's own expect a running engine
            "FEEDS": {feed_uri(tmp_path): {"format": "jsonlines"}},
            **settings,
        },
    )
    crawler.stats.open_spider()
    return crawler


@pytest.fixture
def crawler(tmp_path: Path) -> Iterator[Crawler]:
    crawler = make_crawler(tmp_path)
    yield crawler
    # Free the lock and the database even when a test failed half-way.
    crawler.signals.send_catch_log(signals.engine_stopped)


def opened(crawler: Crawler) -> tuple[IncrementalState, Spider]:
    extension = IncrementalState.from_crawler(crawler)
    spider = crawler.spidercls.from_crawler(crawler)
    crawler.signals.send_catch_log(signals.spider_opened, spider=spider)
    return extension, spider


def export(
    crawler: Crawler,
    spider: Spider,
    final: Path,
    items: list[Any],
    exporter_cls: type = JsonLinesExporter,
) -> AtomicFileFeedStorage:
    """What Scrapy's FeedExporter does with one feed slot, up to (not including) store()."""
    storage = AtomicFileFeedStorage.from_crawler(
        crawler, str(final), feed_options={"overwrite": True}
    )
    file = storage.open(spider)
    exporter = exporter_cls(file, encoding="utf-8")
    exporter.start_exporting()
    for item in items:
        exporter.export_item(item)
    exporter.finish_exporting()
    storage.file = file  # type: ignore[attr-defined]
    return storage


def written_hashes(path: Path) -> dict[str, str | None]:
    store = StateStore(path)
    try:
        return dict(store.hashes)
    finally:
        store.close()


def test_the_ids_staged_are_those_exported_without_reading_the_file(
    tmp_path: Path, crawler: Crawler
) -> None:
    extension, spider = opened(crawler)
    final = tmp_path / "data" / "maghress" / RUN_FILE
    storage = export(crawler, spider, final, [FIRST, strip([]), SECOND, NO_BODY])
    # Whatever the file says by now, the ids come from what the exporter wrote.
    part_path(final).write_bytes(b"this is no longer JSON\n")
    seen_at_ready: list[list[tuple[str, str | None]]] = []

    def after_staging(final: Path) -> None:
        assert not final.exists(), "staged before the rename"
        seen_at_ready.append(
            extension.store.db.execute("SELECT id, body_hash FROM staged").fetchall()
        )  # type: ignore[attr-defined]

    crawler.signals.connect(after_staging, signal=feed_file_ready)
    storage.store(storage.file)  # type: ignore[attr-defined]

    expected = {FIRST.id: FIRST_HASH, SECOND.id: SECOND_HASH, NO_BODY.id: None}
    assert seen_at_ready == [list(expected.items())]
    assert final.read_bytes() == b"this is no longer JSON\n"
    assert crawler.stats.get_value("newsspider/state/new") == 3
    crawler.signals.send_catch_log(signals.engine_stopped)
    assert written_hashes(tmp_path / "state" / "maghress.sqlite") == expected


def test_the_exporter_notes_the_hash_of_each_body() -> None:
    assert body_hash(FIRST.body) == FIRST_HASH and body_hash(SECOND.body) == SECOND_HASH


def test_a_feed_in_another_format_marks_nothing(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A feed of the stream in JSON (not JSON Lines): the file is written, its articles
    are not marked."""
    final = tmp_path / "out.json"
    crawler = make_crawler(tmp_path, FEEDS={str(final): {"format": "json"}})
    extension, spider = opened(crawler)
    storage = export(crawler, spider, final, [FIRST, SECOND], exporter_cls=JsonItemExporter)
    with caplog.at_level(logging.WARNING):
        storage.store(storage.file)  # type: ignore[attr-defined]
    assert [record["id"] for record in json.loads(final.read_bytes())] == [FIRST.id, SECOND.id]
    assert "out.json is not JSON Lines" in caplog.text
    assert len(extension.store) == 0
    assert extension.store.db.execute("SELECT COUNT(*) FROM staged").fetchone() == (0,)  # type: ignore[attr-defined]
    crawler.signals.send_catch_log(signals.engine_stopped)


def test_a_post_processed_feed_marks_nothing(tmp_path: Path) -> None:
    """Behind a feed's own postprocessing plugins the exporter does not write to our
    file: nothing is marked (``NEWSSPIDER_GZIP`` or a .gz name gzip without them)."""
    final = tmp_path / "articles.jsonl.gz"
    options = {"format": "jsonlines", "postprocessing": [GzipPlugin]}
    crawler = make_crawler(tmp_path, FEEDS={str(final): options})
    extension, spider = opened(crawler)
    storage = AtomicFileFeedStorage.from_crawler(
        crawler, str(final), feed_options={"overwrite": True, "postprocessing": [GzipPlugin]}
    )
    file = storage.open(spider)
    wrapper = PostProcessingManager([GzipPlugin], file, {})
    exporter = JsonLinesExporter(wrapper, encoding="utf-8")
    exporter.export_item(FIRST)
    wrapper.close()
    storage.store(file)
    assert final.exists() and len(extension.store) == 0
    crawler.signals.send_catch_log(signals.engine_stopped)


def test_a_feed_that_fails_before_its_rename_marks_nothing(
    tmp_path: Path, crawler: Crawler
) -> None:
    extension, spider = opened(crawler)
    final = tmp_path / "data" / "maghress" / RUN_FILE
    storage = export(crawler, spider, final, [FIRST])
    part_path(final).unlink()  # the rename will fail: no .part to rename
    with pytest.raises(FileNotFoundError):
        storage.store(storage.file)  # type: ignore[attr-defined]
    assert not extension.store.is_known(FIRST.id)
    assert extension.store.recover() == 0, "no final file: the staged ids are forgotten"
    assert not extension.store.is_known(FIRST.id)


def test_at_open_a_crash_is_settled_and_killed_files_salvaged(tmp_path: Path) -> None:
    folder = tmp_path / "data" / "maghress"
    folder.mkdir(parents=True)
    committed, lost = folder / "articles-committed.jsonl", folder / "articles-lost.jsonl"
    committed.write_text("{}\n")
    before = StateStore(tmp_path / "state" / "maghress.sqlite")
    before.stage([("maghress:fr:libe:10", "h10")], committed)  # crash after the rename
    before.stage([("maghress:fr:libe:11", "h11")], lost)  # crash before it
    before.close()
    killed = folder / "articles-20260101T000000Z.jsonl.part"
    lines = [
        json.dumps(asdict(record), ensure_ascii=False) for record in (FIRST, strip([]), SECOND)
    ]
    killed.write_text(
        "\n".join(lines) + '\n{"schema": "newsspider.article/1", "id": "torn', "utf-8"
    )

    crawler = make_crawler(tmp_path)
    extension, _spider = opened(crawler)
    try:
        assert extension.recovered == 1
        [salvaged] = extension.salvaged
        assert (salvaged.kept, salvaged.dropped) == (3, 1)
        assert salvaged.final == folder / "articles-20260101T000000Z.jsonl"
        assert extension.store.hashes == {
            "maghress:fr:libe:10": "h10",
            FIRST.id: FIRST_HASH,
            SECOND.id: SECOND_HASH,
        }
    finally:
        crawler.signals.send_catch_log(signals.engine_stopped)


@pytest.mark.parametrize(
    ("reason", "lost", "clean"),
    [
        ("finished", None, True),
        # A listing page lost: the next run walks listings to the end.
        ("finished", "newsspider/failed_listing_pages", False),
        ("finished", "newsspider/lost_article_pages", False),
        # Records a feed could not store: with a clean run, the next one would stop at
        # known listing pages or take a feed's 304, and they would never be written.
        ("finished", "newsspider/feeds/lost_records", False),
        ("shutdown", None, False),
        ("redis_unavailable", None, False),
    ],
)
def test_a_run_is_clean_only_when_finished_with_every_listing(
    tmp_path: Path, reason: str, lost: str | None, clean: bool
) -> None:
    crawler = make_crawler(tmp_path)
    _extension, spider = opened(crawler)
    crawler.signals.send_catch_log(signals.spider_closed, spider=spider, reason=reason)
    if lost:
        # Counted after spider_closed, as a feed slot that fails to store is.
        crawler.stats.set_value(lost, 1)
    crawler.signals.send_catch_log(signals.engine_stopped)
    store = StateStore(tmp_path / "state" / "maghress.sqlite")
    assert store.previous_clean is clean
    store.close()


def test_a_run_in_progress_is_unclean_until_it_ends(tmp_path: Path, crawler: Crawler) -> None:
    """A kill -9 never reaches spider_closed: the state must already say unclean."""
    opened(crawler)
    store = StateStore(tmp_path / "state" / "maghress.sqlite")
    assert store.previous_clean is False
    store.close()


def test_a_state_that_cannot_record_a_file_fails_the_run(tmp_path: Path, crawler: Crawler) -> None:
    extension, spider = opened(crawler)
    final = tmp_path / "data" / "maghress" / RUN_FILE
    storage = export(crawler, spider, final, [FIRST])
    extension.store.db.close()  # type: ignore[attr-defined]  # e.g. the disk under it is gone
    storage.store(storage.file)  # type: ignore[attr-defined]
    assert final.exists(), "the records are kept"
    assert crawler.stats.get_value("newsspider/state/errors") == 2  # staging and marking


def test_the_lock_is_held_from_start_to_engine_stop(tmp_path: Path) -> None:
    crawler = make_crawler(tmp_path)
    path = lock_path(crawler.settings, "maghress").resolve()
    extension = IncrementalState.from_crawler(crawler)  # signals hold their receivers weakly
    assert path in RunLock.held
    crawler.signals.send_catch_log(signals.engine_stopped)
    assert path not in RunLock.held
    assert extension.lock.path == path


def test_without_the_state_neither_component_is_built(tmp_path: Path) -> None:
    crawler = make_crawler(tmp_path, NEWSSPIDER_STATE_ENABLED=False)
    with pytest.raises(NotConfigured):
        IncrementalState.from_crawler(crawler)
    with pytest.raises(NotConfigured):
        IncrementalPipeline.from_crawler(crawler)
    assert not (tmp_path / "state").exists()


@pytest.mark.parametrize(
    ("emit_revisions", "body", "expected"),
    [
        (False, "Un.\n\nDeux.", "dropped: known"),
        (False, "Changed.", "dropped: changed"),
        (True, "Changed.", "written"),
    ],
)
@pytest.mark.parametrize("kind", KINDS)
def test_incremental_pipeline(
    tmp_path: Path, emit_revisions: bool, body: str, expected: str, kind: str
) -> None:
    crawler = make_crawler(tmp_path, NEWSSPIDER_EMIT_REVISIONS=emit_revisions)
    store = state_for(crawler)
    assert store is not None
    store.mark_written([("maghress:fr:libe:1", body_hash("Un.\n\nDeux."))])
    pipeline = IncrementalPipeline.from_crawler(crawler)
    new = as_kind(article(id="maghress:fr:libe:2"), kind)
    assert pipeline.process_item(new) is new
    try:
        pipeline.process_item(as_kind(article(body=body), kind))
        outcome = "written"
    except DropItem as drop:
        outcome = "dropped: known" if "earlier run" in str(drop) else "dropped: changed"
    assert outcome == expected
    counted = "newsspider/state/known" if body == "Un.\n\nDeux." else "newsspider/state/changed"
    assert crawler.stats.get_value(counted) == 1
    store.close()


def test_incremental_pipeline_lets_everything_through_with_full(tmp_path: Path) -> None:
    crawler = make_crawler(tmp_path, FullSpider)
    crawler.spider = FullSpider.from_crawler(crawler)
    store = state_for(crawler)
    assert store is not None
    store.mark_written([("maghress:fr:libe:1", body_hash("Un.\n\nDeux."))])
    pipeline = IncrementalPipeline.from_crawler(crawler)
    item = article()
    assert isinstance(item, Article) and store.is_known(item.id)
    assert pipeline.process_item(item) is item
    headlines = strip([], id="maghress:fr:libe:1")  # a strip is never the state's business
    assert pipeline.process_item(headlines) is headlines
    assert crawler.stats.get_value("newsspider/state/known") is None
    store.close()


def test_a_part_file_that_cannot_be_salvaged_is_counted_and_skipped(tmp_path: Path) -> None:
    """One foreign .part must not cost the others their salvage, nor pass unseen."""
    folder = tmp_path / "data" / "maghress"
    folder.mkdir(parents=True)
    (folder / "articles-20260101T000000Z.jsonl.part").mkdir()  # sorts first
    (folder / "articles-20260101T000001Z.jsonl.part").symlink_to(tmp_path / "elsewhere")
    killed = folder / "articles-20260101T000002.500Z.jsonl.part"
    killed.write_text(json.dumps(asdict(FIRST), ensure_ascii=False) + "\n", "utf-8")
    crawler = make_crawler(tmp_path)
    extension, _spider = opened(crawler)
    try:
        [salvaged] = extension.salvaged
        assert salvaged.final == folder / "articles-20260101T000002.500Z.jsonl"
        assert extension.store.is_known(FIRST.id)
        assert crawler.stats.get_value("newsspider/state/salvage_failed") == 2
    finally:
        crawler.signals.send_catch_log(signals.engine_stopped)
