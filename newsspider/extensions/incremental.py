"""The incremental state around a run: lock, recovery, salvage, marking ids written.

- The run lock is taken when the crawler starts (``scrapy crawl`` takes it even
  earlier, to fail with a clear message).
- At the start, staging left by a crash is settled, so is a ``compact`` killed
  between writing a day's file and removing the files it holds, and the ``.part`` files of
  this spider's feeds that a killed run left are salvaged: their complete lines
  become a final file and their ids count as written.  One that cannot be read
  (a link, a folder, another user's file) is left, counted and fails the run.
- During the run, the ids the JSON Lines exporter noted for each feed file are
  staged once the file is complete, before its rename, and written after it.
  So an id counts as written exactly when a final file holds it — no more (a
  feed that failed) and no less (a crash between rename and marking).
- The run is marked clean when it finished with every listing page and article
  page fetched and every record stored; otherwise the next run walks listings to their end instead of stopping at
  known pages.
- All of this follows the cron stream only (``newsspider.feeds.stream_feeds``):
  a one-off export (``-o``/``-O``) neither marks what it writes nor counts as a
  run of the stream; its ``.part`` files are salvaged without marking.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

from newsspider.compact import settle
from newsspider.distributed import run_suffix
from newsspider.feeds import (
    PART_SUFFIX,
    ArticleEntry,
    Salvaged,
    feed_file_committed,
    feed_file_patterns,
    feed_file_ready,
    in_feeds,
    parts_to_salvage,
    salvage,
    stream_feeds,
)
from newsspider.runlock import RunLock, lock_path
from newsspider.state import State, state_for

logger = logging.getLogger(__name__)


class IncrementalState:
    def __init__(self, crawler: Crawler, store: State, lock: RunLock) -> None:
        self.crawler = crawler
        self.store = store
        self.lock = lock
        self.known_before = 0  # read when the spider opens (distributed: after joining)
        self.salvaged: list[Salvaged] = []
        self.stream: list[str] = []  # the FEEDS the state follows: set when the spider opens
        self.stream_patterns: list[tuple[Path, re.Pattern[str]]] = []
        self.recovered = 0
        self.new = 0
        self.close_reason: str | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> IncrementalState:
        store = state_for(crawler)
        if store is None:
            raise NotConfigured("NEWSSPIDER_STATE_ENABLED is off")
        assert crawler.spidercls.name
        lock = RunLock.acquire(lock_path(crawler.settings, crawler.spidercls.name))
        extension = cls(crawler, store, lock)
        connect = crawler.signals.connect
        connect(extension.spider_opened, signal=signals.spider_opened)
        connect(extension.spider_closed, signal=signals.spider_closed)
        connect(extension.feed_file_ready, signal=feed_file_ready)
        connect(extension.feed_file_committed, signal=feed_file_committed)
        connect(extension.engine_stopped, signal=signals.engine_stopped)
        return extension

    def spider_opened(self, spider: Spider) -> None:
        settings = self.crawler.settings
        # Our spider decides with its arguments (incremental=…); another, from the settings.
        stream: list[str] | None = getattr(spider, "stream_feeds", None)
        self.stream = stream_feeds(settings) if stream is None else stream
        self.stream_patterns = feed_file_patterns(self.stream, spider.name, run_suffix(settings))
        if self.stream:
            self.store.begin_run()
        self.known_before = len(self.store)
        self.recovered = self.store.recover()
        try:
            if finished := settle(settings, spider.name):
                logger.warning("finished %d compaction(s) a kill had interrupted", finished)
        except (OSError, ValueError) as error:  # left for `newsspider compact` to say
            logger.error("cannot finish an interrupted compaction: %s", error)
        stats = self.crawler.stats
        assert stats is not None
        stats.set_value("newsspider/state/path", str(self.store.path))
        stats.set_value("newsspider/state/known_before", self.known_before)
        stats.set_value("newsspider/state/recovered_after_crash", self.recovered)
        stats.set_value("newsspider/state/previous_run_clean", self.store.previous_clean)
        stats.set_value("newsspider/state/feeds", self.stream)
        for part in parts_to_salvage(settings.getdict("FEEDS"), spider.name, run_suffix(settings)):
            try:
                result = salvage(part)
            except OSError as error:
                # Someone else's file, a link or a folder under a feed's name: left
                # where it is, and the run is not ok (its lines may be articles).
                logger.error("cannot salvage %s: %s", part, error.strerror or error)
                stats.inc_value("newsspider/state/salvage_failed")
                continue
            self.salvaged.append(result)
            if self._in_stream(part):
                self.store.mark_written(result.articles)
            logger.warning(
                "salvaged %s from an interrupted run: %d complete lines kept in %s, %d torn dropped",
                part,
                result.kept,
                result.final,
                result.dropped,
            )
        stats.set_value(
            "newsspider/state/salvaged",
            [
                {
                    "part": str(s.part),
                    "final": str(s.final) if s.final else None,
                    "kept": s.kept,
                    "dropped": s.dropped,
                }
                for s in self.salvaged
            ],
        )

    def _in_stream(self, path: Path) -> bool:
        """Whether ``path`` (a final file, or its ``.part``) belongs to the cron stream."""
        return in_feeds(path.with_name(path.name.removesuffix(PART_SUFFIX)), self.stream_patterns)

    def feed_file_ready(self, final: Path, articles: list[ArticleEntry] | None) -> None:
        if not self._in_stream(final):
            logger.info("%s is a one-off export: the state does not follow it", final)
            return
        if articles is None:
            logger.warning("%s is not JSON Lines: its articles are not marked as written", final)
            return
        try:
            self.store.stage(articles, final)
        except Exception as error:  # the state's server is gone (Redis down, disk full)
            self._state_failed(final, error)

    def feed_file_committed(self, final: Path) -> None:
        if not self._in_stream(final):
            return
        try:
            self.new += self.store.promote(final)
        except Exception as error:
            self._state_failed(final, error)
        if self.crawler.stats is not None:
            self.crawler.stats.set_value("newsspider/state/new", self.new)

    def _state_failed(self, final: Path, error: Exception) -> None:
        """The file is written but the state does not know it: the run fails (exit 3),
        and the next run writes its articles again (``newsspider merge`` drops repeats)."""
        logger.error("the state could not record %s: %s", final, error)
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value("newsspider/state/errors")

    def spider_closed(self, spider: Spider, reason: str) -> None:
        self.close_reason = reason

    def engine_stopped(self) -> None:
        """Record how the run ended, then free the lock and the database for whatever
        runs next in this process.  Decided here, not at ``spider_closed``: the feed
        slots close (and may lose records) after the other ``spider_closed`` handlers."""
        if self.stream and self.close_reason is not None:
            self._end_run(self.close_reason)
        self.store.close()
        self.lock.release()

    def _end_run(self, reason: str) -> None:
        stats = self.crawler.stats.get_stats() if self.crawler.stats else {}
        # Records a feed lost are not in the state, but a clean run would let the next
        # one stop at known listing pages or take a feed's 304: they would never return.
        complete = (
            reason == "finished"
            and not stats.get("newsspider/failed_listing_pages")
            and not stats.get("newsspider/lost_article_pages")
            and not stats.get("newsspider/feeds/lost_records")
        )
        try:
            self.store.end_run(complete)
        except Exception as error:
            logger.error("the state could not record the end of the run: %s", error)
