"""A live progress line on a terminal, every second: pages done and pending, rate,
elapsed time, records and failures.

Off by default (cron has no terminal to show it on); ``newsspider run`` turns
it on when stderr is a TTY, with the log going to a file.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Mapping
from typing import Any

from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from twisted.internet import task


class Progress:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.loop = task.LoopingCall(self.show)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Progress:
        if not crawler.settings.getbool("NEWSSPIDER_PROGRESS"):
            raise NotConfigured
        extension = cls(crawler)
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    def spider_opened(self, spider: Spider) -> None:
        self.started = time.monotonic()
        self.loop.start(1.0, now=False)

    def spider_closed(self, spider: Spider) -> None:
        if self.loop.running:
            self.loop.stop()
        sys.stderr.write("\r\x1b[K")

    def show(self) -> None:
        stats = self.crawler.stats.get_stats() if self.crawler.stats else {}
        line = progress_line(
            self.crawler.spidercls.name or "",
            stats,
            pending=self._pending(),
            elapsed=time.monotonic() - self.started,
        )
        sys.stderr.write(f"\r\x1b[K{line}")
        sys.stderr.flush()

    def _pending(self) -> int | None:
        """Requests scheduled or downloading: what is left of the crawl as known now."""
        engine = self.crawler.engine
        try:
            scheduler = engine._slot.scheduler  # type: ignore[union-attr]
            return len(scheduler) + len(engine.downloader.active)  # type: ignore[arg-type]
        except (AttributeError, TypeError):  # a scheduler that does not count (Redis)
            return None


def progress_line(
    name: str, stats: Mapping[str, Any], *, pending: int | None, elapsed: float
) -> str:
    """``maghress: 120 pages done, 34 pending, 8.2/s, 0:14.6 elapsed, 96 records, 1 failed``."""
    done = stats.get("response_received_count", 0)
    rate = done / elapsed if elapsed > 0 else 0.0
    minutes, seconds = divmod(elapsed, 60)
    waiting = "" if pending is None else f", {pending} pending"
    return (
        f"{name}: {done} pages done{waiting}, {rate:.1f}/s, "
        f"{int(minutes)}:{seconds:04.1f} elapsed, "
        f"{stats.get('item_scraped_count', 0)} records, "
        f"{stats.get('newsspider/failed_requests', 0)} failed"
    )
