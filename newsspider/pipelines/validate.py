"""Drop records that break the contract, with a reason, and count missing fields.

The check is cheap on purpose (it runs on every item); the full JSON Schema is
for the tests and ``newsspider validate``.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from itemadapter import ItemAdapter
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem
from scrapy.statscollectors import StatsCollector

from newsspider.extract.mojibake import is_mojibake
from newsspider.items import ARTICLE_SCHEMA, HEADLINES_SCHEMA
from newsspider.pipelines import record_of

REQUIRED = ("title", "body")
OPTIONAL = ("source_name", "source_url", "published")
_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}:\d{2}(?:\.\d+)?[+-]\d{2}:\d{2})?$")


def article_problem(article: ItemAdapter) -> str | None:
    """The reason to drop ``article``, or None when it honours the contract."""
    for name in REQUIRED:
        if not article.get(name):
            return f"missing_{name}"
    published, source_url = article.get("published"), article.get("source_url")
    if published is not None and not _ISO.match(published):
        return "bad_published"
    if source_url is not None and not source_url.startswith(("http://", "https://")):
        return "bad_source_url"
    # Text decoded twice (``LibÃ©ration``) passes every check above: it must not
    # be written as good (the mojibake check then fails the run).
    if is_mojibake(article.get("title"), article.get("body")):
        return "mojibake"
    return None


def headlines_problem(headlines: ItemAdapter) -> str | None:
    entries = headlines.get("headlines")
    if not entries:
        return "empty_headlines"
    titles = "\n".join(str(entry.get("title") or "") for entry in entries)
    return "mojibake" if is_mojibake(titles, None) else None


class ValidatePipeline:
    def __init__(self, stats: StatsCollector) -> None:
        self.stats = stats
        # Bound once: Scrapy 2.19's stats collector runs a shim on every attribute read.
        self.inc_value = stats.inc_value
        self.logged: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ValidatePipeline:
        assert crawler.stats is not None
        return cls(crawler.stats)

    def process_item(self, item: Any) -> Any:
        if (article := record_of(item, ARTICLE_SCHEMA)) is not None:
            self.inc_value("newsspider/validated/articles")
            for name in OPTIONAL:
                if article.get(name) is None:
                    self.inc_value(f"newsspider/missing/{name}")
            problem = article_problem(article)
            where = article.get("url")
        elif (strip := record_of(item, HEADLINES_SCHEMA)) is not None:
            problem = headlines_problem(strip)
            where = strip.get("page_url")
        else:
            return item
        if problem is None:
            return item
        self.inc_value(f"newsspider/dropped/{problem}")
        # Once per reason at WARNING; the rest at DEBUG so a broken layout does
        # not bury the log under thousands of identical lines.
        first = problem not in self.logged
        self.logged.add(problem)
        raise DropItem(
            f"{problem}: {where or ''}",
            log_level=logging.getLevelName(logging.WARNING if first else logging.DEBUG),
        )
