"""The ``news`` spider: any news site outside the family, read by the generic extractor.

    scrapy crawl news -a sitemap=https://example.org/sitemap.xml
    scrapy crawl news -a feed=https://example.org/rss.xml
    scrapy crawl news -a urls=https://example.org/a,https://example.org/b

Sitemaps come through Scrapy's ``SitemapSpider`` machinery (gzip, sitemap indexes,
news sitemaps); the feed through the parser the family's feeds use.  Everything
after the fetch is the family's: state, pipelines, run report, checks, files.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import AsyncIterator, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any
from urllib.parse import urljoin, urlsplit

import scrapy
from scrapy.crawler import Crawler
from scrapy.http import HtmlResponse, Response
from scrapy.spiders import SitemapSpider
from scrapy.utils.sitemap import Sitemap, sitemap_urls_from_robots
from twisted.python.failure import Failure

from newsspider.distributed import run_suffix
from newsspider.exceptions import failure_reason
from newsspider.extract.feed import BadFeed, feed_items
from newsspider.extract.text import printable
from newsspider.feeds import run_stamp, stream_feeds, unused_run_id
from newsspider.items import NewsArticle
from newsspider.params import ArgumentError
from newsspider.policy import KNOWN, lost_page_counts
from newsspider.records import utc_now_iso
from newsspider.state import State, state_for

ARTICLE_PRIORITY = 10
UNKNOWN_LANG = "und"  # BCP 47 "undetermined": a page that names no language


@dataclass(frozen=True)
class NewsArgs:
    """The validated arguments of one ``news`` run: exactly one of the three starts."""

    sitemap: str | None
    feed: str | None
    urls: tuple[str, ...]
    lang: str
    full: bool
    incremental: bool | None

    @property
    def start(self) -> str:
        return self.sitemap or self.feed or self.urls[0]


def _http_url(name: str, value: str) -> str:
    parts = urlsplit(value.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ArgumentError(f"{name}: expected an http(s) URL, got {value!r}")
    return value.strip()


def _flag(name: str, value: Any) -> bool:
    lowered = str(value).strip().lower()
    if lowered in ("1", "true", "yes", "on"):
        return True
    if lowered in ("0", "false", "no", "off", ""):
        return False
    raise ArgumentError(f"{name}: expected true or false, got {value!r}")


def parse_news_args(raw: Mapping[str, Any]) -> NewsArgs:
    """Validate ``-a`` arguments before any request; the message says what is expected."""
    known = {"sitemap", "feed", "urls", "lang", "full", "incremental"}
    unknown = sorted(set(raw) - known)
    if unknown:
        raise ArgumentError(f"unknown argument(s) {', '.join(unknown)} (known: {sorted(known)})")
    starts = [name for name in ("sitemap", "feed", "urls") if raw.get(name)]
    if len(starts) != 1:
        raise ArgumentError("give exactly one of -a sitemap=URL, -a feed=URL, -a urls=URL,URL")
    urls = tuple(_http_url("urls", u) for u in str(raw.get("urls") or "").split(",") if u.strip())
    # The run reads one site (the first URL's): another site's URL would be left out.
    if len({site_of(url) for url in urls}) > 1:
        raise ArgumentError(
            f"urls: every URL must be on one site, got {sorted({site_of(u) for u in urls})}"
        )
    lang = str(raw.get("lang") or UNKNOWN_LANG).strip().lower()
    if not (lang.isascii() and lang.isalpha() and 2 <= len(lang) <= 3):
        raise ArgumentError(f"lang: expected a language code such as fr, got {lang!r}")
    incremental = raw.get("incremental")
    return NewsArgs(
        sitemap=_http_url("sitemap", raw["sitemap"]) if raw.get("sitemap") else None,
        feed=_http_url("feed", raw["feed"]) if raw.get("feed") else None,
        urls=urls,
        lang=lang,
        full=_flag("full", raw.get("full", "false")),
        incremental=None if incremental is None else _flag("incremental", incremental),
    )


def site_of(url: str) -> str:
    """The record's ``site``: the host without ``www.`` and without a port (a mirror on
    another port or scheme is the same site)."""
    host = (urlsplit(url).hostname or "").lower()
    return host.removeprefix("www.")


# Query parameters that tag a link for the publisher's analytics (a feed's
# ``?utm_source=rss``, a social network's click id), not the page.
_TRACKING = re.compile(r"utm_.*|fbclid|gclid|dclid|msclkid|mc_cid|mc_eid", re.IGNORECASE)


def news_id(url: str) -> str:
    """``news:<host>:<16 hex>``: a digest of the path and query, so ``http://``,
    ``https://``, ``www.`` and a mirror's port give the same id; tracking parameters
    aside, so the feed's link and the sitemap's give the same id too."""
    parts = urlsplit(url)
    query = [pair for pair in parts.query.split("&") if not _TRACKING.fullmatch(pair.split("=")[0])]
    key = parts.path + (f"?{'&'.join(query)}" if any(query) else "")
    return f"news:{site_of(url)}:{hashlib.sha1(key.encode('utf-8')).hexdigest()[:16]}"


class NewsSpider(SitemapSpider):
    """Any news site, from its sitemap, its feed or a list of article URLs."""

    name = "news"
    # The record's url is the original page: there is no link to another original.
    # Scrapy declares custom_settings on the instance, so no ClassVar here.
    custom_settings = {"NEWSSPIDER_MAX_MISSING_SOURCE_URL": 1.0}  # noqa: RUF012

    def __init__(self, name: str | None = None, **kwargs: Any) -> None:
        self.raw_arguments = {key: str(value) for key, value in kwargs.items()}
        self.args = parse_news_args(kwargs)
        self.site = site_of(self.args.start)
        # Scrapy's offsite rule: the start's host and its subdomains, nothing else.
        self.allowed_domains = [self.site]
        self.state: State | None = None
        self.skip_known = not self.args.full
        self.stream_feeds: list[str] = []
        self.run_id = run_stamp(datetime.now(timezone.utc))
        self._requested: set[str] = set()
        self._logged_reasons: set[str] = set()
        self._written = 0
        self._unlisted_pages = 0  # pages of a plain sitemap that held no article
        super().__init__(name)

    @classmethod
    def check_arguments(cls, raw: Mapping[str, Any]) -> None:
        """What ``scrapy crawl`` calls before the run starts (a bad argument: exit 2)."""
        parse_news_args(raw)

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> NewsSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.run_id = unused_run_id(crawler.settings, spider.name, run_suffix(crawler.settings))
        spider.stream_feeds = stream_feeds(crawler.settings, spider.args.incremental)
        spider.skip_known = spider.skip_known and bool(spider.stream_feeds)
        return spider

    async def start(self) -> AsyncIterator[scrapy.Request]:
        self.state = state_for(self.crawler)
        if self.args.sitemap:
            yield scrapy.Request(
                self.args.sitemap, callback=self.parse_sitemap, errback=self.on_error
            )
        elif self.args.feed:
            yield scrapy.Request(self.args.feed, callback=self.parse_feed, errback=self.on_error)
        else:
            for request in self._article_requests(list(self.args.urls)):
                yield request

    # callbacks

    def parse_sitemap(self, response: Response) -> Iterator[scrapy.Request]:
        """A sitemap index (its sitemaps), a sitemap or news sitemap (its pages), or a
        robots.txt (its ``Sitemap:`` lines)."""
        # A robots.txt or an index is a listing page too, whose links are sitemaps: one
        # that leads to no sitemap of pages (no Sitemap: line, an index listing itself,
        # the duplicate filter ending the loop without a word) is then a listing
        # without article links, which fails the run.
        if response.url.endswith("/robots.txt"):
            self._count("listing_pages")
            for url in sitemap_urls_from_robots(response.body, base_url=response.url):
                yield scrapy.Request(url, callback=self.parse_sitemap, errback=self.on_error)
            return
        body = self._get_sitemap_body(response)
        if body is None:
            self._lost("bad_sitemap", response.url, "not a sitemap", listing=True)
            return
        try:
            sitemap = Sitemap(body)
        except Exception as error:  # lxml's XMLSyntaxError and friends: a broken file
            self._lost("bad_sitemap", response.url, str(error), listing=True)
            return
        entries = [entry for entry in sitemap if entry.get("loc")]
        if sitemap.type in ("sitemapindex", "urlset"):
            self._count("listing_pages")
        if sitemap.type == "sitemapindex":
            for entry in entries:
                url = urljoin(response.url, entry["loc"])
                yield scrapy.Request(url, callback=self.parse_sitemap, errback=self.on_error)
        elif sitemap.type == "urlset":
            # A news sitemap's entries (<news:news>) are articles; a plain sitemap's
            # may be any page of the site (about, tags, authors).
            news = [urljoin(response.url, e["loc"]) for e in entries if "news" in e]
            other = [urljoin(response.url, e["loc"]) for e in entries if "news" not in e]
            yield from self._article_requests(news)
            yield from self._article_requests(other, listed_as_article=False)
        else:
            self._lost("bad_sitemap", response.url, f"a <{sitemap.type}>", listing=True)

    def parse_feed(self, response: Response) -> Iterator[scrapy.Request]:
        """An RSS or Atom feed: its newest articles."""
        try:
            items = feed_items(response.body, tz=None)
        except BadFeed as error:
            self._lost("bad_feed", response.url, str(error), listing=True)
            return
        self._count("listing_pages")
        yield from self._article_requests([urljoin(response.url, i.url) for i in items])

    def parse_article(self, response: Response, listed_as_article: bool) -> Iterator[NewsArticle]:
        """A page the sitemap, feed or ``urls=`` named; ``listed_as_article``: by a feed,
        a news sitemap or the user, so a page that holds none is a broken article page.

        A plain sitemap lists every page of the site: one that is no article is
        counted (``dropped/not_article``) but is no article page, or the no_articles
        check would fail a rerun that fetched only the about page again.
        """
        if not isinstance(response, HtmlResponse):
            self._lost(
                "not_html", response.url, (response.headers.get("Content-Type") or b"").decode()
            )
            return
        # Imported here, not at the top: Scrapy's spider loader imports every spider
        # module, and a Maghress crawl must not load trafilatura (~40 MB, ~0.5 s).
        from newsspider.extract.generic import NOT_ARTICLE, GenericPage

        page = GenericPage.fetched(
            response.url, response.body, response.headers.get("Content-Type")
        )
        found = page.article()
        if listed_as_article or found.reason != NOT_ARTICLE:
            self._count("article_pages")
        else:
            self._unlisted_pages += 1
        if found.reason is not None:
            self._drop(found.reason, response.url)
            return
        self._count("layout/generic")
        self._written += 1
        yield NewsArticle(
            id=news_id(response.url),
            url=response.url,
            site=self.site,
            lang=found.lang or self.args.lang,
            title=found.title,
            source_name=found.publisher,
            source_id=None,
            source_url=None,
            published=found.published,
            body=found.body,
            crawled_at=utc_now_iso(),
            authors=found.authors or None,
        )

    def closed(self, reason: str) -> None:
        """A run that read pages of a plain sitemap, found no article in any and knew
        none before read the site wrong (a layout it cannot read): those pages were
        article pages after all, so the no_articles check judges the run (exit 4).
        A re-run that fetched only the about page again knew the articles: still ok."""
        stats = self.crawler.stats
        if stats is None or self._written or not self._unlisted_pages:
            return
        if not stats.get_value(f"newsspider/{KNOWN}"):
            self._count("article_pages", self._unlisted_pages)

    def on_error(self, failure: Failure) -> None:
        request = failure.request  # type: ignore[attr-defined]
        listing = request.callback in (self.parse_sitemap, self.parse_feed)
        self._lost(failure_reason(failure.value), request.url, str(failure.value), listing=listing)

    # helpers

    def _article_requests(
        self, urls: list[str], *, listed_as_article: bool = True
    ) -> Iterator[scrapy.Request]:
        """Requests for the pages of this site that no earlier run wrote."""
        own = [url for url in urls if site_of(url) == self.site or url.startswith("/")]
        if own:
            self._count("article_links", len(own))
        for url in own:
            record_id = news_id(url)
            if record_id in self._requested:
                continue
            if self.skip_known and self.state is not None and self.state.is_known(record_id):
                self._count(KNOWN)
                continue
            self._requested.add(record_id)
            yield scrapy.Request(
                url,
                callback=self.parse_article,
                errback=self.on_error,
                priority=ARTICLE_PRIORITY,
                cb_kwargs={"listed_as_article": listed_as_article},
            )

    def _lost(self, reason: str, url: str, detail: str | None, *, listing: bool = False) -> None:
        for stat in lost_page_counts(reason, listing=listing):
            self._count(stat)
        self._drop(reason, url, detail)

    def _count(self, key: str, value: int = 1) -> None:
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value(f"newsspider/{key}", value)

    def _drop(self, reason: str, url: str, detail: str | None = None) -> None:
        """Count a page that gave no record; log the first of each reason loudly."""
        self._count(f"dropped/{reason}")
        level = logging.DEBUG if reason in self._logged_reasons else logging.WARNING
        self._logged_reasons.add(reason)
        self.logger.log(level, "dropped %s (%s): %s", url, reason, printable(detail or reason))
