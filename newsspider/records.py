"""Page object → records: the one path both the crawl and ``newsspider extract`` take."""

from __future__ import annotations

import time
from dataclasses import dataclass

from newsspider.extract.html import EmptyPage
from newsspider.extract.maghress import MaghressPage
from newsspider.items import Article, Headlines

# The last second formatted, and its text: hundreds of pages a second share one.
_formatted: tuple[int, str] = (-1, "")


def utc_now_iso() -> str:
    """``crawled_at``: ISO 8601 UTC with a ``Z``, to the second.

    Formatted once per second: the system clock read as whole seconds (floored,
    as ``datetime.now`` does), its text kept until the next second.
    """
    global _formatted
    second = time.time_ns() // 1_000_000_000
    if second != _formatted[0]:
        _formatted = (second, time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(second)))
    return _formatted[1]


@dataclass
class PageRecords:
    """What one page yields; ``reason`` says why there is no article."""

    headlines: Headlines | None
    article: Article | None
    layout: str | None
    reason: str | None


def headlines_record(page: MaghressPage, crawled_at: str) -> Headlines | None:
    strip = page.headlines()
    if strip is None or page.lang is None:
        return None
    return Headlines(
        id=f"{page.site.name}:{page.lang}:headlines:{strip.digest}",
        site=page.site.name,
        lang=page.lang,
        page_url=page.url,
        crawled_at=crawled_at,
        headlines=[{"title": entry.title, "url": entry.url} for entry in strip.entries],
    )


def article_record(page: MaghressPage, crawled_at: str) -> tuple[Article | None, str | None, str]:
    """``(article, layout, reason)``; the article is None when the page holds none."""
    record_id = page.site.article_id(page.url)
    # An article URL always names a section, so its page has a language.
    if record_id is None or page.lang is None:
        return None, None, "not an article URL"
    fields = page.article()
    if fields is None:
        return None, None, "no known article layout on the page"
    # The URL's slug is the newspaper's slug on the aggregator: /fr/libe/32145.
    slug = record_id.split(":")[2]
    article = Article(
        id=record_id,
        url=page.url,
        site=page.site.name,
        lang=page.lang,
        title=fields.title,
        source_name=fields.source_name,
        source_id=slug,
        source_url=fields.source_url,
        published=fields.published,
        body=fields.body,
        crawled_at=crawled_at,
    )
    return article, fields.layout, ""


def page_records(page: MaghressPage, *, crawled_at: str | None = None) -> PageRecords:
    """The headline strip and the article of one page, as records."""
    crawled_at = crawled_at or utc_now_iso()
    try:
        headlines = headlines_record(page, crawled_at)
        article, layout, reason = article_record(page, crawled_at)
    except EmptyPage as error:
        return PageRecords(None, None, None, str(error))
    return PageRecords(headlines, article, layout, reason or None)
