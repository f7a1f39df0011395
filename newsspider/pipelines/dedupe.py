"""De-duplicate within a run: each article id once.

The spider requests each article once, but one article can still arrive twice
(``urls=`` naming it under two variants, a redirect to another article's URL).
Headline strips are not this pipeline's business: the spider yields a section's
strip only when it differs from the last one it yielded, so the strip every page
carries never becomes an item unless it changed.
"""

from __future__ import annotations

from typing import Any

from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem
from scrapy.statscollectors import StatsCollector

from newsspider.items import ARTICLE_SCHEMA
from newsspider.pipelines import record_of


class DedupePipeline:
    def __init__(self, stats: StatsCollector) -> None:
        self.stats = stats
        self.article_ids: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> DedupePipeline:
        assert crawler.stats is not None
        return cls(crawler.stats)

    def process_item(self, item: Any) -> Any:
        if (article := record_of(item, ARTICLE_SCHEMA)) is not None:
            if article["id"] in self.article_ids:
                self.stats.inc_value("newsspider/dropped/duplicate")
                raise DropItem(f"duplicate article {article['id']}", log_level="DEBUG")
            self.article_ids.add(article["id"])
        return item
