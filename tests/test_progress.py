"""The terminal's progress line: pages done and pending, rate, elapsed time, records
and failures (what a user watching a long crawl asks)."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest
from scrapy import Spider
from scrapy.utils.test import get_crawler

from newsspider.extensions.progress import Progress, progress_line


def test_the_line_says_done_pending_rate_elapsed_records_and_failures() -> None:
    stats = {
        "response_received_count": 120,
        "item_scraped_count": 96,
        "newsspider/failed_requests": 1,
    }
    line = progress_line("maghress", stats, pending=34, elapsed=74.6)
    assert line == (
        "maghress: 120 pages done, 34 pending, 1.6/s, 1:14.6 elapsed, 96 records, 1 failed"
    )


def test_before_anything_and_without_a_countable_queue() -> None:
    assert progress_line("news", {}, pending=None, elapsed=0.0) == (
        "news: 0 pages done, 0.0/s, 0:00.0 elapsed, 0 records, 0 failed"
    )


class SlowStart(Spider):
    """Requests that wait in the scheduler: the line counts them as pending."""

    name = "slowstart"

    async def start(self) -> Any:
        for n in range(5):
            yield self._request(n)

    def _request(self, n: int) -> Any:
        import scrapy

        return scrapy.Request(f"data:,page{n}", callback=self.parse, dont_filter=True)

    def parse(self, response: Any) -> None:
        progress = next(e for e in self.crawler.extensions.middlewares if isinstance(e, Progress))
        progress.started = time.monotonic() - 2.0  # two seconds in
        progress.show()


def test_a_real_crawl_shows_its_pending_requests(capsys: pytest.CaptureFixture[str]) -> None:
    crawler = get_crawler(
        SlowStart,
        {"NEWSSPIDER_PROGRESS": True, "CONCURRENT_REQUESTS": 1, "EXTENSIONS": {Progress: 0}},
    )
    asyncio.run(crawler.crawl_async())
    lines = [line for line in capsys.readouterr().err.split("\r\x1b[K") if line]
    # The first page is parsed while the four others wait (one request at a time).
    assert (
        lines[0] == "slowstart: 1 pages done, 4 pending, 0.5/s, 0:02.0 elapsed, 0 records, 0 failed"
    )
    assert lines[-1].startswith("slowstart: 5 pages done, 0 pending, ")
