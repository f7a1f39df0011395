"""De-duplicate within a run: each article id once; each headline strip once per change.

The strip is the same on every page of a section, so it reaches this pipeline
once per crawled page; only a strip different from the last one written for its
section goes through.
"""

from __future__ import annotations

from typing import Any

from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem
from scrapy.statscollectors import StatsCollector

from newsspider.items import Article, Headlines


class DedupePipeline:
    def __init__(self, stats: StatsCollector) -> None:
        self.stats = stats
        self.article_ids: set[str] = set()
        self.last_strip: dict[tuple[str, str], str] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> DedupePipeline:
        assert crawler.stats is not None
        return cls(crawler.stats)

    def process_item(self, item: Any) -> Any:
        if isinstance(item, Article):
            if item.id in self.article_ids:
                self.stats.inc_value("newsspider/dropped/duplicate")
                raise DropItem(f"duplicate article {item.id}", log_level="DEBUG")
            self.article_ids.add(item.id)
        elif isinstance(item, Headlines):
            section = (item.site, item.lang)
            if self.last_strip.get(section) == item.id:
                self.stats.inc_value("newsspider/headlines/unchanged")
                raise DropItem(f"unchanged headline strip {item.id}", log_level="DEBUG")
            self.last_strip[section] = item.id
        return item
