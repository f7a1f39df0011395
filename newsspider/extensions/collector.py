"""Tune Python's garbage collector for a crawl: it costs 4-5 % of the crawl's CPU otherwise.

A crawl allocates fast (a tree proxy, a dict, a request per link) and its heap only
grows (modules, settings, the run's state): with Python's default thresholds the
collector runs ~300 times a thousand pages, and each full collection walks the
whole heap again.  At the engine's start everything allocated so far is frozen
(``gc.freeze``: start-up objects live for the whole run and need no more looking
at), and the youngest generation is collected every ``NEWSSPIDER_GC_THRESHOLD``
allocations instead of 700.  Measured on 2,000 fixture pages: 0.45-0.7 s of
collection down to ~0.15 s.  Little cyclic garbage waits longer: a crawl's
pages are freed by reference counting.
"""

from __future__ import annotations

import gc

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured


class CollectorTuning:
    def __init__(self, threshold: int) -> None:
        self.threshold = threshold

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CollectorTuning:
        threshold = crawler.settings.getint("NEWSSPIDER_GC_THRESHOLD")
        if threshold <= 0:
            raise NotConfigured
        extension = cls(threshold)
        crawler.signals.connect(extension.engine_started, signal=signals.engine_started)
        return extension

    def engine_started(self) -> None:
        gc.collect()
        gc.freeze()
        _, middle, oldest = gc.get_threshold()
        gc.set_threshold(self.threshold, middle, oldest)
