"""The spider's stats under ``newsspider/…``: counts, and lists of names."""

from __future__ import annotations

from collections.abc import Callable

from scrapy.crawler import Crawler


class StatsCounting:
    """``_count``, ``_set`` and ``_add`` on the crawler's stats collector; nothing
    without one."""

    crawler: Crawler
    # ``stats.inc_value``, bound at the first count: Scrapy 2.19's stats collector runs
    # a compatibility shim on every attribute read, and a crawl makes its collector
    # after its spider (so not in from_crawler).
    _inc_value: Callable[[str, int], None] | None = None

    def _count(self, key: str, value: int = 1) -> None:
        if self._inc_value is None:
            if self.crawler.stats is None:
                return
            self._inc_value = self.crawler.stats.inc_value
        self._inc_value(f"newsspider/{key}", value)

    def _set(self, key: str, value: list[str]) -> None:
        if self.crawler.stats is not None:
            self.crawler.stats.set_value(f"newsspider/{key}", value)

    def _add(self, key: str, values: list[str]) -> None:
        """Add to a stat that is a sorted list of names (a stats file keeps it as JSON)."""
        if self.crawler.stats is not None:
            known = self.crawler.stats.get_value(f"newsspider/{key}", [])
            self.crawler.stats.set_value(f"newsspider/{key}", sorted({*known, *values}))
