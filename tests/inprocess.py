"""A real Scrapy crawl inside the test process, for extensions that need the engine's signals.

The spider fetches nothing: it yields the given records from ``start()``, so
the item pipelines, the feed exporter and every extension run as in a crawl,
on Scrapy's reactorless asyncio loop, in a fraction of a second.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any, ClassVar

from scrapy import Spider
from scrapy.crawler import Crawler
from scrapy.utils.test import get_crawler

import newsspider.settings

PROJECT_SETTINGS = {k: v for k, v in vars(newsspider.settings).items() if k.isupper()}


class RecordsSpider(Spider):
    name = "records"
    run_id = "20260101T000000Z"  # a run id as the spider makes them (salvage matches it)
    records: ClassVar[list[Any]] = []  # replaced by the crawl's argument

    async def start(self) -> AsyncIterator[Any]:
        for record in self.records:
            yield record


def crawl_records(records: list[Any], settings: dict[str, Any]) -> Crawler:
    """Run a crawl of ``records`` with the project's settings plus ``settings``; the crawler after."""
    crawler = get_crawler(RecordsSpider, {**PROJECT_SETTINGS, **settings})
    assert not crawler.settings.getbool("TWISTED_REACTOR_ENABLED"), "no reactor in this process"
    asyncio.run(crawler.crawl_async(records=records))
    return crawler
