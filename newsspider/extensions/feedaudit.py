"""Count the records each feed should hold and the ones it stored: the rest are lost.

A feed file that cannot be opened (its folder is a file, the disk is full) or
stored (the rename fails) only leaves an error in the log, and Scrapy goes on:
the run would pass for a success with records missing.  This extension counts,
per feed of ``FEEDS``, the records scraped that the feed's item filter accepts,
and the records of its slots that reached their file (public ``feed_slot_closed``
signal: the slot's ``itemcount``, and our storage's ``committed``).  The
difference is ``newsspider/feeds/lost_records``, and the run fails (exit 3).
A record the exporter refused (it raised on that record) is lost the same way.

Built from the public ``FEEDS`` setting and signals, never from the
FeedExporter's own objects; a filter that looks only at the item's class
(Scrapy's ``ItemFilter``, our ``item_classes``) is asked once per class, not
once per record.  It also counts the records by kind and lists the files
stored, for the run report: ``newsspider/records/<kind>`` counts what reached
the files — a feed's lost records are taken off the kinds it holds (off each kind,
up to its count, when it holds several), so the summary line never counts a
record that may be missing.
"""

from __future__ import annotations

import logging
from collections import Counter
from pathlib import Path
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.extensions.feedexport import FeedSlot, ItemFilter
from scrapy.settings import BaseSettings
from scrapy.utils.conf import feed_complete_default_values_from_settings
from scrapy.utils.misc import load_object

from newsspider.items import Article, ArticleWithSource, Headlines, NewsArticle

logger = logging.getLogger(__name__)

RECORD_KINDS: dict[type, str] = {
    Article: "article",
    ArticleWithSource: "article",
    NewsArticle: "article",
    Headlines: "headlines",
}


def feed_filters(settings: BaseSettings) -> dict[str, ItemFilter]:
    """Each feed's item filter, keyed as FeedExporter keys its slots (``uri_template``)."""
    filters = {}
    for key, options in settings.getdict("FEEDS").items():
        uri = str(key.absolute()) if isinstance(key, Path) else str(key)
        options = feed_complete_default_values_from_settings(options, settings, uri)
        filters[uri] = load_object(options.get("item_filter", ItemFilter))(options)
    return filters


class FeedAudit:
    def __init__(self, crawler: Crawler) -> None:
        assert crawler.stats is not None
        self.stats = crawler.stats
        # Bound once: Scrapy 2.19's stats collector runs a shim on every attribute read.
        self.inc_value = crawler.stats.inc_value
        filters = feed_filters(crawler.settings)
        # A subclass may look at the record's content: it is asked for every record.
        self.by_class = {uri: f for uri, f in filters.items() if type(f) is ItemFilter}
        self.by_record = {uri: f for uri, f in filters.items() if type(f) is not ItemFilter}
        self.feeds_of_class: dict[type, tuple[str, ...]] = {}
        self.accepted: Counter[str] = Counter()
        self.accepted_by_kind: dict[str, Counter[str]] = {}  # feed → record kind → count
        self.stored: Counter[str] = Counter()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> FeedAudit:
        extension = cls(crawler)
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.item_scraped, signal=signals.item_scraped)
        crawler.signals.connect(extension.feed_slot_closed, signal=signals.feed_slot_closed)
        crawler.signals.connect(extension.feed_exporter_closed, signal=signals.feed_exporter_closed)
        return extension

    def spider_opened(self) -> None:
        # A run that wrote nothing says 0, not nothing: the stats file and the report
        # answer `newsspider/records/article` for every run.
        for kind in RECORD_KINDS.values():
            self.stats.set_value(f"newsspider/records/{kind}", 0)

    def item_scraped(self, item: Any) -> None:
        kind = type(item)
        if kind not in self.feeds_of_class:
            self.feeds_of_class[kind] = tuple(
                uri for uri, f in self.by_class.items() if f.accepts(item)
            )
        feeds = [
            *self.feeds_of_class[kind],
            *(uri for uri, f in self.by_record.items() if f.accepts(item)),
        ]
        self.accepted.update(feeds)
        if kind in RECORD_KINDS:
            self.inc_value(f"newsspider/records/{RECORD_KINDS[kind]}")
            for uri in feeds:
                self.accepted_by_kind.setdefault(uri, Counter())[RECORD_KINDS[kind]] += 1

    def feed_slot_closed(self, slot: FeedSlot) -> None:
        storage = slot.storage
        # Our storage says whether the final file is in place; Scrapy's own
        # storages log their failures and count them in feedexport/failed_count/*.
        if not getattr(storage, "committed", True):
            return
        self.stored[slot.uri_template] += slot.itemcount
        files = self.stats.get_value("newsspider/feeds/files", [])
        self.stats.set_value(
            "newsspider/feeds/files", [*files, str(getattr(storage, "path", slot.uri))]
        )

    def feed_exporter_closed(self) -> None:
        lost = 0
        lost_by_kind: Counter[str] = Counter()
        for uri, accepted in self.accepted.items():
            if (missing := accepted - self.stored[uri]) > 0:
                logger.error("%d of %d record(s) did not reach the feed %s", missing, accepted, uri)
                lost += missing
                for kind, count in self.accepted_by_kind.get(uri, Counter()).items():
                    lost_by_kind[kind] += min(missing, count)
        if lost:
            self.stats.set_value("newsspider/feeds/lost_records", lost)
        for kind, count in lost_by_kind.items():
            key = f"newsspider/records/{kind}"
            self.stats.set_value(key, max(0, self.stats.get_value(key, 0) - count))
