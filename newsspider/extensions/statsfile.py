"""Write the run's final stats as JSON, for scripts and tests to read.

Scrapy only prints its stats into the log; ``make demo`` and the end-to-end
tests need them as data.  Enabled by ``NEWSSPIDER_STATS_FILE=path``; the path may
hold ``%(name)s`` (the spider) and ``%(run_id)s`` (one file per run, pruned with the
run's report: ``newsspider/extensions/prune.py``).
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

from newsspider.atomic import write_atomically


class StatsFile:
    def __init__(self, crawler: Crawler, path: str) -> None:
        self.crawler = crawler
        self.path = path

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StatsFile:
        path = crawler.settings.get("NEWSSPIDER_STATS_FILE")
        if not path:
            raise NotConfigured
        extension = cls(crawler, str(path))
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    def spider_closed(self, spider: Spider, reason: str) -> None:
        assert self.crawler.stats is not None
        stats: dict[str, Any] = dict(self.crawler.stats.get_stats())
        stats["finish_reason"] = reason
        names = {"name": spider.name, "run_id": getattr(spider, "run_id", "run")}
        path = Path(self.path % names)
        path.parent.mkdir(parents=True, exist_ok=True)
        text = json.dumps(stats, default=_jsonable, indent=1, sort_keys=True)
        write_atomically(path, text.encode("utf-8"))


def _jsonable(value: Any) -> str:
    return value.isoformat() if isinstance(value, datetime) else str(value)
