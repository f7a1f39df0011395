"""Spiders for the Maghress family: home → strip → articles; menu → source pages.

Every sister site runs the same template, so each spider is the shared class
plus a registry entry name (see ``newsspider.sites``).
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator
from datetime import date, datetime, timedelta, timezone
from typing import Any
from urllib.parse import urljoin, urlsplit

import scrapy
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.http import HtmlResponse, Response
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from newsspider.distributed import run_suffix
from newsspider.extract import page_for
from newsspider.extract.charset import Decoded, decode_page
from newsspider.extract.feed import BadFeed, feed_items
from newsspider.extract.html import EmptyPage
from newsspider.extract.maghress import MaghressPage, Teaser
from newsspider.extract.text import printable
from newsspider.items import Headlines
from newsspider.params import CrawlArgs, parse_args
from newsspider.records import headlines_record, page_records, utc_now_iso
from newsspider.sites import SITES, Site
from newsspider.state import State, state_for

ARTICLE_PRIORITY = 10
# Why Scrapy ignored a request, from its IgnoreRequest messages.
_IGNORED_BECAUSE = (
    ("robots.txt", "robots_disallowed"),
    ("offsite", "offsite"),
    ("max redirections", "too_many_redirects"),
)


class MaghressFamilySpider(scrapy.Spider):
    """Crawl one Maghress-family aggregator, section by section."""

    site_name = "maghress"

    def __init__(self, name: str | None = None, **kwargs: Any) -> None:
        self.site: Site = SITES[self.site_name]
        self.raw_arguments = {key: str(value) for key, value in kwargs.items()}
        self.args: CrawlArgs = parse_args(self.site, kwargs)
        self.state: State | None = None
        # Articles an earlier run wrote are neither fetched nor written (full=true: they are).
        self.skip_known = not self.args.full
        self.listing_since: date | None = None  # set by since=auto
        self._requested: set[str] = set()  # article URLs already requested this run
        self._last_strip: dict[str, str] = {}  # section → id of the last strip yielded
        self._logged_reasons: set[str] = set()
        # Names this run's files (FEEDS use %(run_id)s): UTC start, sortable, no ':'.
        self.run_id = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
        super().__init__(name)
        # Every Request gets the same bound method: Scrapy caches, per callback
        # object (weakly), whether a generator callback returns a value, which it
        # tells by parsing the callback's source.  A fresh bound method per request
        # missed that cache on most responses, at ~1 ms each.
        for callback in ("parse_home", "parse_feed", "parse_listing", "parse_article"):
            setattr(self, callback, getattr(self, callback))
        host = urlsplit(self.args.base_url).hostname or ""
        # OffsiteMiddleware keeps the crawl on the live site's hosts or the mirror's.
        self.allowed_domains = [self.site.domain] if self.site.owns_host(host) else [host]

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> MaghressFamilySpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        # A distributed worker's run (and files) carry its worker id.
        spider.run_id += run_suffix(crawler.settings)
        crawler.signals.connect(spider.request_scheduled, signal=signals.request_scheduled)
        return spider

    def request_scheduled(self, request: scrapy.Request) -> None:
        """Scrapy's offsite filter drops a request (say, a redirect off the site) at
        scheduling, before any errback: count it here so it is not lost silently."""
        if not self._on_site(request.url):
            self._drop("offsite", request.url, "not on the site's hosts")

    async def start(self) -> AsyncIterator[scrapy.Request]:
        self.state = state_for(self.crawler)
        if self.state is not None and not self.state.previous_clean:
            self.logger.warning(
                "the previous run did not finish cleanly: listings are walked to their end "
                "(max_pages), not stopped at known pages"
            )
        if self.args.since_auto:
            self._resolve_since_auto()
        if self.args.urls:
            for url in self.args.urls:
                yield scrapy.Request(url, callback=self.parse_article, errback=self.on_error)
            return
        for lang in self.args.langs:
            home = self.args.base_url + self.site.section_home(lang)
            yield scrapy.Request(home, callback=self.parse_home, errback=self.on_error)
            feed = self.args.base_url + self.site.feed_path(lang)
            yield scrapy.Request(feed, callback=self.parse_feed, errback=self.on_error)

    # callbacks

    def parse_home(self, response: Response) -> Iterator[Any]:
        """A section's home page: its strip, its article links, its newspapers."""
        page = self._page(response)
        if page is None:
            return
        self._count("listing_pages")
        yield from self._strip(page)
        yield from self._article_requests(page.teasers(), newest=True)
        sources = page.source_pages()
        self._count("listing/sources_in_menu", len(sources))
        for slug, url in sources.items():
            if self.args.sources is None or slug in self.args.sources:
                yield scrapy.Request(
                    url,
                    callback=self.parse_listing,
                    errback=self.on_error,
                    cb_kwargs={"number": 1},
                )
        if self.args.sources:
            for slug in sorted(self.args.sources - set(sources)):
                self.logger.warning(
                    "source %r is not in the %s menu of %s", slug, page.lang, page.url
                )

    def parse_feed(self, response: Response) -> Iterator[Any]:
        """A section's RSS feed: the newest articles, with their dates."""
        try:
            items = feed_items(response.body)
        except BadFeed as error:
            self._drop("bad_feed", response.url, str(error))
            return
        teasers = [Teaser(urljoin(response.url, i.url), i.published, listed=True) for i in items]
        # Feed links may name the live host while we crawl a mirror: on-site links
        # are fetched from the crawl's own host; links elsewhere are never followed.
        on_site = [teaser for teaser in teasers if self._on_site(teaser.url)]
        yield from self._article_requests(on_site, newest=True)

    def _on_site(self, url: str) -> bool:
        parts = urlsplit(url)
        crawl_netloc = urlsplit(self.args.base_url).netloc
        return parts.scheme in ("http", "https") and (
            parts.netloc.lower() == crawl_netloc or self.site.owns_host(parts.netloc)
        )

    def parse_listing(self, response: Response, number: int) -> Iterator[Any]:
        """A newspaper's listing page: its teasers, then the next page within limits."""
        page = self._page(response)
        if page is None:
            return
        self._count("listing_pages")
        yield from self._strip(page)
        teasers = page.teasers()
        yield from self._article_requests(teasers)
        # Paging decisions look at the listing's own teasers, not at the strip's links.
        listed = [teaser for teaser in teasers if teaser.listed] or teasers
        dates = [teaser.published for teaser in listed if teaser.published]
        since = self.args.since or self.listing_since
        if since and dates and max(dates) < since.isoformat():
            self._count("listing/stopped_at_since")
        elif (
            listed
            and self.skip_known
            and self.state is not None
            and self.state.previous_clean
            and all(self._is_known(t.url) for t in listed)
        ):
            # A whole page of articles earlier runs wrote: the rest is older still.
            self._count("listing/stopped_at_known")
        elif number >= self.args.max_pages:
            self._count("listing/stopped_at_max_pages")
        elif next_url := page.next_page():
            yield scrapy.Request(
                next_url,
                callback=self.parse_listing,
                errback=self.on_error,
                cb_kwargs={"number": number + 1},
            )

    def parse_article(self, response: Response) -> Iterator[Any]:
        """An article page: its strip (repeats are dropped downstream) and its record."""
        if not isinstance(response, HtmlResponse):
            self._drop("not_html", response.url, response.headers.get("Content-Type"))
            return
        self._count("article_pages")
        decoded = self._decode(response)
        records = page_records(
            decoded.text, response.url, self.site, crawled_at=utc_now_iso(), utf8=decoded.utf8
        )
        yield from self._changed_strip(records.headlines)
        article = records.article
        if article is None:
            self._drop("no_article", response.url, records.reason)
            return
        self._count(f"layout/{records.layout}")
        if not self.args.in_window(article.published):
            self._count("skipped/out_of_window")
            return
        yield article

    # helpers

    def on_error(self, failure: Failure) -> None:
        """A request that failed for good (after its retries): count why, never silently."""
        request = failure.request  # type: ignore[attr-defined]
        error = failure.value
        if failure.check(HttpError):
            reason = f"http_{error.response.status}"
        elif failure.check(IgnoreRequest):
            reason = next(
                (name for words, name in _IGNORED_BECAUSE if words in str(error)), "ignored"
            )
        else:
            reason = f"download_error/{type(error).__name__}"
        if reason not in ("robots_disallowed", "offsite", "ignored"):
            self._count("failed_requests")  # what the error-rate check divides
            if request.callback in (self.parse_home, self.parse_listing):
                # Older articles behind this page went unseen: the next run catches up.
                self._count("failed_listing_pages")
        self._drop(reason, request.url, str(error))

    def _decode(self, response: Response) -> Decoded:
        """The page's text, even when its charset is declared wrong or not at all."""
        content_type = response.headers.get("Content-Type")
        decoded = decode_page(
            response.body,
            content_type.decode("latin-1") if content_type else None,
            self.site.lang_of_url(response.url),
        )
        if decoded.repaired:
            self._count("charset/repaired")
        return decoded

    def _page(self, response: Response) -> MaghressPage | None:
        if not isinstance(response, HtmlResponse):
            self._drop("not_html", response.url, response.headers.get("Content-Type"))
            return None
        decoded = self._decode(response)
        page = page_for(decoded.text, response.url, self.site, utf8=decoded.utf8)
        try:
            page.tree  # noqa: B018 - parse now, to report an unparsable page here
        except EmptyPage as error:
            self._drop("unparsable", response.url, str(error))
            return None
        return page

    def _strip(self, page: MaghressPage) -> Iterator[Headlines]:
        yield from self._changed_strip(headlines_record(page, utc_now_iso()))

    def _changed_strip(self, record: Headlines | None) -> Iterator[Headlines]:
        """The section's strip, only when it differs from the last one yielded
        (the dedupe pipeline enforces the same rule for any spider)."""
        if record is not None and self._last_strip.get(record.lang) != record.id:
            self._last_strip[record.lang] = record.id
            yield record

    def _is_known(self, url: str) -> bool:
        return self.state is not None and self.state.is_known(self.site.article_id(url) or "")

    def _article_requests(
        self, teasers: list[Teaser], *, newest: bool = False
    ) -> Iterator[scrapy.Request]:
        """Requests for the wanted articles that no earlier run wrote.

        With ``NEWSSPIDER_EMIT_REVISIONS`` on, the newest articles (home page and
        feed) are fetched even when known, so that an edit at the source is seen.
        """
        refetch = newest and self.settings.getbool("NEWSSPIDER_EMIT_REVISIONS")
        links = [(teaser, self.site.parse_article_url(teaser.url)) for teaser in teasers]
        # Counted before the lang/sources filters: a typo in sources= is not a
        # "layout changed" alarm (exit 4), and the menu warning says what happened.
        # One stats call per page: ~50 links per listing page.
        if found := sum(parsed is not None for _teaser, parsed in links):
            self._count("article_links", found)
        for teaser, parsed in links:
            if parsed is None:
                continue
            if parsed[0] not in self.args.langs:
                continue
            if self.args.sources is not None and parsed[1] not in self.args.sources:
                continue
            if not self.args.in_window(teaser.published):
                self._count("skipped/out_of_window")
                continue
            if self.skip_known and not refetch and self._is_known(teaser.url):
                self._count("state/skipped_known")
                continue
            url = self.site.canonical_article_url(teaser.url, self.args.base_url)
            # The strip's ~50 links are on every page: building a Request for each,
            # only for the duplicate filter to drop it, cost more than the parsing.
            if url is None or url in self._requested:
                continue
            self._requested.add(url)
            # Articles before further listing pages: the queue stays one page deep,
            # so memory does not grow with the archive.
            yield scrapy.Request(
                url, callback=self.parse_article, errback=self.on_error, priority=ARTICLE_PRIORITY
            )

    def _resolve_since_auto(self) -> None:
        """``since=auto``: stop paginating listings at teasers older than the last
        successful run (less a margin).  It only bounds the walk: an article the
        state does not know is written whatever its date, since the aggregator
        often republishes a story days after the newspaper did."""
        last = self.state.last_success() if self.state else None
        if last:
            margin = self.settings.getint("NEWSSPIDER_SINCE_AUTO_MARGIN_DAYS")
            self.listing_since = date.fromisoformat(last[:10]) - timedelta(days=margin)
        self.logger.info("since=auto: listings stop at %s", self.listing_since or "no limit")

    def _count(self, key: str, value: int = 1) -> None:
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value(f"newsspider/{key}", value)

    def _drop(self, reason: str, url: str, detail: str | None = None) -> None:
        """Count a page that gave no record; log the first of each reason loudly."""
        self._count(f"dropped/{reason}")
        level = logging.DEBUG if reason in self._logged_reasons else logging.WARNING
        self._logged_reasons.add(reason)
        self.logger.log(level, "dropped %s (%s): %s", url, reason, printable(detail or reason))


class MaghressSpider(MaghressFamilySpider):
    """Maghress (Morocco): Arabic at ``/``, French at ``/fr``."""

    name = "maghress"
    site_name = "maghress"
