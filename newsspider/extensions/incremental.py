"""The incremental state around a run: lock, salvage, and marking ids written.

- The run lock is taken when the crawler starts (``scrapy crawl`` takes it even
  earlier, to fail with a clear message).
- ``.part`` files a killed run left are salvaged before this run writes: their
  complete lines become a final file and their ids count as written.
- This run's article ids are marked written only after every feed file was
  stored (fsynced and renamed): a crash before that costs a re-fetch, and the
  salvage of the next run covers what the crash left on disk.
"""

from __future__ import annotations

import json
import logging
from collections import defaultdict
from pathlib import Path
from typing import Any

from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

from newsspider.feeds import PART_SUFFIX, Salvaged, salvage
from newsspider.items import ARTICLE_SCHEMA, Article
from newsspider.runlock import RunLock
from newsspider.state import StateStore, body_hash, lock_path, state_for

logger = logging.getLogger(__name__)


def feed_directories(crawler: Crawler, spider_name: str) -> list[Path]:
    """Folders the run's file feeds write to (``data/maghress`` for the defaults)."""
    params: dict[str, Any] = defaultdict(str, name=spider_name)
    folders = []
    for uri in crawler.settings.getdict("FEEDS"):
        if "://" in uri and not uri.startswith("file://"):
            continue
        path = Path((uri.removeprefix("file://")) % params)
        folders.append(path.parent)
    return sorted(set(folders))


class IncrementalState:
    def __init__(self, crawler: Crawler, store: StateStore) -> None:
        self.crawler = crawler
        self.store = store
        self.known_before = len(store)
        self.pending: list[tuple[str, str | None]] = []
        self.salvaged: list[Salvaged] = []
        self.marked = 0

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> IncrementalState:
        store = state_for(crawler)
        if store is None:
            raise NotConfigured("NEWSSPIDER_STATE_ENABLED is off")
        assert crawler.spidercls.name
        RunLock.acquire(lock_path(crawler.settings, crawler.spidercls.name))
        extension = cls(crawler, store)
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.item_scraped, signal=signals.item_scraped)
        crawler.signals.connect(extension.feed_exporter_closed, signal=signals.feed_exporter_closed)
        return extension

    def spider_opened(self, spider: Spider) -> None:
        for folder in feed_directories(self.crawler, spider.name):
            for part in sorted(folder.glob(f"*{PART_SUFFIX}")):
                result = salvage(part)
                self.salvaged.append(result)
                ids = self._article_ids(result.final) if result.kept else []
                self.store.mark_written(ids)
                logger.warning(
                    "salvaged %s from an interrupted run: %d complete lines kept in %s, "
                    "%d torn dropped",
                    part,
                    result.kept,
                    result.final,
                    result.dropped,
                )

    def item_scraped(self, item: Any) -> None:
        if isinstance(item, Article):
            self.pending.append((item.id, body_hash(item.body)))

    def feed_exporter_closed(self) -> None:
        stats = self.crawler.stats
        assert stats is not None
        failed = [key for key in stats.get_stats() if key.startswith("feedexport/failed_count")]
        if failed:
            logger.error("a feed could not be stored; %d ids stay unmarked", len(self.pending))
            return
        self.marked = self.store.mark_written(self.pending)
        stats.set_value("newsspider/state/new", self.marked)

    @staticmethod
    def _article_ids(path: Path) -> list[tuple[str, str | None]]:
        ids = []
        with path.open(encoding="utf-8") as handle:
            for line in handle:
                record = json.loads(line)
                if record.get("schema") == ARTICLE_SCHEMA:
                    ids.append((record["id"], body_hash(record.get("body"))))
        return ids
