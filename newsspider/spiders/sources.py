"""``-a follow_source=true``: each new record's original article, read by the generic
extractor and written into the record as ``source_article``.

The original is on another host, so its request is marked (``SOURCE_REQUEST``):
the offsite filter lets it pass, ``SourceGuardMiddleware`` checks the addresses its
host resolves to, robots.txt is obeyed per host, and AutoThrottle paces each host
as its own.  Whatever happens to it, the record is written, with ``null`` and a
counted reason (``newsspider/source/<reason>``) when the original could not be read;
its failures are not the aggregator's and count in no check.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import fields
from typing import Any
from urllib.parse import urlsplit

import scrapy
from scrapy.http import HtmlResponse, Response
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from newsspider.exceptions import RobotsDisallowed, UnsafeAddress
from newsspider.extract.mojibake import is_mojibake
from newsspider.items import Article, ArticleWithSource
from newsspider.middlewares.sourceguard import SOURCE_REQUEST
from newsspider.records import utc_now_iso

SOURCE_GONE = "source_gone"  # 404 or 410: the newspaper removed it
SOURCE_BLOCKED = "source_blocked"  # robots.txt forbids it, or its address is refused
SOURCE_NOT_ARTICLE = "source_not_article"  # the page holds no article (or is no HTML)
SOURCE_FAILED = "source_failed"  # anything else: server errors, timeouts, resets, garbled text
# Read before the aggregator's next pages: the record waits in memory until then.
SOURCE_PRIORITY = 20


def with_source(article: Article, source: dict[str, Any] | None) -> ArticleWithSource:
    values = {f.name: getattr(article, f.name) for f in fields(Article) if f.init}
    return ArticleWithSource(**values, source_article=source)


def why_source_failed(error: BaseException) -> str:
    """The counted reason of an original that could not be fetched."""
    if isinstance(error, HttpError) and error.response.status in (404, 410):
        return SOURCE_GONE
    if isinstance(error, (RobotsDisallowed, UnsafeAddress)):
        return SOURCE_BLOCKED
    return SOURCE_FAILED


def _page_of(url: str) -> tuple[str, str, str]:
    """What names a page: ``http://paper.ma/a`` and ``https://www.paper.ma/a`` are one."""
    parts = urlsplit(url)
    return (parts.hostname or "").lower().removeprefix("www."), parts.path, parts.query


# The mixin's callbacks, bound once per spider like the family's own.
SOURCE_CALLBACKS = ("parse_source", "source_failed")


class FollowSource:
    """The source-following half of a family spider, whose counter it uses."""

    _count: Callable[..., None]

    def follow_source(self, article: Article) -> Iterator[Any]:
        """The request for ``article``'s original, or the record at once when it has none."""
        if article.source_url is None:
            self._count("source/no_link")
            yield with_source(article, None)
            return
        try:
            request = scrapy.Request(
                article.source_url,
                callback=self.parse_source,
                errback=self.source_failed,
                cb_kwargs={"article": article},
                # Two records may share an original: each needs its own fetch.
                dont_filter=True,
                meta={SOURCE_REQUEST: True, "allow_offsite": True},
                priority=SOURCE_PRIORITY,
            )
        except ValueError:  # a link Scrapy cannot request (a port out of range)
            yield self._without_source(article, SOURCE_FAILED)
            return
        yield request

    def parse_source(self, response: Response, article: Article) -> Iterator[ArticleWithSource]:
        # Imported here: a crawl without follow_source never loads trafilatura.
        from newsspider.extract.generic import GenericPage

        if not isinstance(response, HtmlResponse):
            yield self._without_source(article, SOURCE_NOT_ARTICLE)
            return
        page = GenericPage.fetched(
            response.url, response.body, response.headers.get("Content-Type")
        )
        found = page.article()
        # Redirected to another page, a page that does not say it is an article is not
        # the original, however long its text: a removed article sent to its section
        # front (a «soft 404»), a consent wall or a paywall's login on another host.
        # A moved article says so (og:type, JSON-LD).
        requested = response.meta.get("redirect_urls", [response.url])[0]
        moved = _page_of(requested) != _page_of(response.url)
        if found.reason is not None or (moved and not page.metadata.says_article):
            yield self._without_source(article, SOURCE_NOT_ARTICLE)
            return
        # Garbled text (a CMS that encoded its UTF-8 twice) fails the record it is in
        # on the aggregator's side; here it is no read of the original either.
        if is_mojibake(found.title, found.body):
            self._count("source/mojibake")
            yield self._without_source(article, SOURCE_FAILED)
            return
        self._count("source/read")
        yield with_source(
            article,
            {
                # The URL as fetched (percent-encoded, like the record's source_url).
                "url": requested,
                "final_url": response.url,
                "title": found.title,
                "body": found.body,
                "published": found.published,
                "authors": found.authors,
                "lang": found.lang,
                "fetched_at": utc_now_iso(),
            },
        )

    def source_failed(self, failure: Failure) -> Iterator[ArticleWithSource]:
        request = failure.request  # type: ignore[attr-defined]
        if isinstance(failure.value, UnsafeAddress):
            self._count("source/unsafe_address")
        yield self._without_source(request.cb_kwargs["article"], why_source_failed(failure.value))

    def _without_source(self, article: Article, reason: str) -> ArticleWithSource:
        self._count(f"source/{reason}")
        return with_source(article, None)
