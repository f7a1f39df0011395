"""A live progress line on a terminal: pages, articles, failures, every second.

Off by default (cron has no terminal to show it on); ``newsspider run`` turns
it on when stderr is a TTY, with the log going to a file.
"""

from __future__ import annotations

import sys

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
        self.loop.start(1.0, now=False)

    def spider_closed(self, spider: Spider) -> None:
        if self.loop.running:
            self.loop.stop()
        sys.stderr.write("\r\x1b[K")

    def show(self) -> None:
        stats = self.crawler.stats.get_stats() if self.crawler.stats else {}
        sys.stderr.write(
            f"\r\x1b[K{self.crawler.spidercls.name}: "
            f"{stats.get('response_received_count', 0)} pages, "
            f"{stats.get('item_scraped_count', 0)} records, "
            f"{stats.get('newsspider/failed_requests', 0)} failed"
        )
        sys.stderr.flush()
