"""Spiders for the Maghress family: home → strip → articles; menu → source pages.
With ``-a mode=feeds``, the section and newspaper feeds instead (``feedpolling``).

Every sister site runs the same template, so each spider is the shared class
plus a registry entry name (see ``newsspider.sites``).
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator, Mapping
from datetime import date, datetime, timedelta, timezone
from typing import Any
from urllib.parse import urljoin

import scrapy
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.http import HtmlResponse, Response
from twisted.python.failure import Failure

from newsspider.addon import final_settings
from newsspider.distributed import run_suffix
from newsspider.exceptions import failure_reason
from newsspider.extract import page_from_response
from newsspider.extract.feed import BadFeed, feed_items, refined_published
from newsspider.extract.html import EmptyPage
from newsspider.extract.maghress import MaghressPage, Teaser
from newsspider.extract.text import printable
from newsspider.feeds import run_stamp, stream_feeds, unused_run_id
from newsspider.items import Headlines
from newsspider.params import FEEDS, CrawlArgs, parse_args
from newsspider.policy import (
    COUNTED_LINK_SKIPS,
    COUNTED_LISTING_STOPS,
    ArticleLink,
    Origin,
    fetchable,
    lost_page_counts,
    of_the_site,
    origin,
    why_skip_link,
    why_stop_listing,
)
from newsspider.records import headlines_record, page_records, utc_now_iso
from newsspider.sites import SITES, Site
from newsspider.spiders.counting import StatsCounting
from newsspider.spiders.feedpolling import NOT_MODIFIED, FeedPolling
from newsspider.spiders.sources import SOURCE_CALLBACKS, FollowSource
from newsspider.state import State, state_for
from newsspider.state.base import Validators

ARTICLE_PRIORITY = 10
CALLBACKS = ("parse_home", "parse_menu", "parse_feed", "parse_listing", "parse_article")


class MaghressFamilySpider(FeedPolling, FollowSource, StatsCounting, scrapy.Spider):
    """Crawl one Maghress-family aggregator, section by section: its listings, or
    (``mode=feeds``) its RSS feeds."""

    site_name = "maghress"

    def __init__(self, name: str | None = None, **kwargs: Any) -> None:
        self.site: Site = SITES[self.site_name]
        self.raw_arguments = {key: str(value) for key, value in kwargs.items()}
        self.args: CrawlArgs = parse_args(self.site, kwargs)
        self.state: State | None = None
        # Articles an earlier run wrote are neither fetched nor written (full=true: they are).
        self.skip_known = not self.args.full
        self.stream_feeds: list[str] = []  # the feeds the state follows (from_crawler)
        self.listing_since: date | None = None  # set by since=auto
        self._requested: set[ArticleLink] = set()  # articles already requested this run
        self._last_strip: dict[str, str] = {}  # section → id of the last strip yielded
        self._logged_reasons: set[str] = set()
        # mode=feeds: the feeds the state knows (with their validators), whether to send
        # those, the feeds requested this run (see ``feedpolling``).
        self.rss_known: dict[str, Validators] = {}
        self.rss_conditional = False
        self.rss_requested: set[str] = set()
        self.rss_menus: set[str] = set()  # sections whose menu this run reads
        # Names this run's files (FEEDS use %(run_id)s): UTC start, sortable, no ':'.
        self.run_id = run_stamp(datetime.now(timezone.utc))
        super().__init__(name)
        # Every Request gets the same bound method: Scrapy caches, per callback
        # object (weakly), whether a generator callback returns a value, which it
        # tells by parsing the callback's source.  A fresh bound method per request
        # missed that cache on most responses, at ~1 ms each.
        for callback in (*CALLBACKS, *SOURCE_CALLBACKS):
            setattr(self, callback, getattr(self, callback))
        # The server this crawl reads (scheme, host, port): the offsite middleware
        # sends no request elsewhere (``policy.fetchable``).
        crawl = origin(self.args.base_url)
        assert crawl is not None, "params.py accepts http(s)://host[:port] only"
        self.crawl_origin: Origin = crawl

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> MaghressFamilySpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        settings = final_settings(crawler)
        # A distributed worker's run (and files) carry its worker id; no two runs share one.
        spider.run_id = unused_run_id(settings, spider.name, run_suffix(settings))
        # The state follows the cron stream only: a one-off export (-o/-O) skips nothing.
        spider.stream_feeds = stream_feeds(settings, spider.args.incremental)
        spider.skip_known = spider.skip_known and bool(spider.stream_feeds)
        crawler.signals.connect(spider.request_scheduled, signal=signals.request_scheduled)
        return spider

    def request_scheduled(self, request: scrapy.Request) -> None:
        """The offsite middleware drops a request (say, a redirect to another port) at
        scheduling, before any errback: count it here so it is not lost silently."""
        if not request.dont_filter and not fetchable(request.url, self.crawl_origin, self.site):
            self._drop("offsite", request.url, "not on the crawled server")

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
        if self.args.sources:
            # What the unknown_source check judges once every section's menu is read.
            self._set("sources/requested", sorted(self.args.sources))
            self._set("sources/sections", list(self.args.langs))
        if self.args.mode == FEEDS:
            for request in self.feed_start():
                yield request
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
        teasers, sources = page.teasers(), page.source_pages()
        if self._empty(page, teasers, sources):
            return
        self._count("listing_pages")
        yield from self._strip(page)
        yield from self._article_requests(teasers, newest=True)
        self._read_menu(page, sources)
        for slug, url in sources.items():
            if self.args.sources is None or slug in self.args.sources:
                yield scrapy.Request(
                    url,
                    callback=self.parse_listing,
                    errback=self.on_error,
                    cb_kwargs={"number": 1},
                )

    def _read_menu(self, page: MaghressPage, sources: Mapping[str, str]) -> None:
        """What the unknown_source check needs of a section's newspapers menu."""
        self._count("listing/sources_in_menu", len(sources))
        # Only a menu that lists newspapers was read: a broken home page judges nothing.
        if self.args.sources and page.lang is not None and sources:
            self._add("sources/menus_read", [page.lang])
            self._add("sources/listed", list(self.args.sources & set(sources)))
        if self.args.sources:
            for slug in sorted(self.args.sources - set(sources)):
                self.logger.warning(
                    "source %r is not in the %s menu of %s", slug, page.lang, page.url
                )

    def parse_feed(self, response: Response) -> Iterator[Any]:
        """An RSS feed (a section's; in ``mode=feeds`` a newspaper's too): the newest
        articles, with their dates."""
        feeds_mode = self.args.mode == FEEDS
        items = []
        if response.status != NOT_MODIFIED:
            try:
                # A time printed without an offset is on the site's clock; in mode=feeds,
                # where a time refines the page's day, only a stated offset gives one.
                items = feed_items(response.body, tz=None if feeds_mode else self.site.zone)
            except BadFeed as error:
                # A feed lists the newest articles: lost, it hides them like a listing page.
                if feeds_mode:
                    self._count("rss/lost")
                self._lost("bad_feed", response.url, str(error), listing=True)
                return
        teasers = [Teaser(urljoin(response.url, i.url), i.published, listed=True) for i in items]
        # Feed links may name the live host while we crawl a mirror: on-site links
        # are fetched from the crawl's own host; links elsewhere are never followed.
        on_site = [t for t in teasers if of_the_site(t.url, self.crawl_origin, self.site)]
        # A feed whose items all point elsewhere lists nothing of the site.
        articles = sum(self.site.parse_article_url(t.url) is not None for t in on_site)
        if feeds_mode and not self.feed_answered(response, articles):
            return
        yield from self._article_requests(on_site, newest=True, from_feed=feeds_mode)
        if feeds_mode and not self.site.parse_source_feed_url(response.url):
            yield from self.newspaper_feeds_of([teaser.url for teaser in on_site])

    def parse_listing(self, response: Response, number: int) -> Iterator[Any]:
        """A newspaper's listing page: its teasers, then the next page within limits."""
        page = self._page(response)
        if page is None:
            return
        teasers = page.teasers()
        if self._empty(page, teasers):
            return
        self._count("listing_pages")
        yield from self._strip(page)
        yield from self._article_requests(teasers)
        next_url = page.next_page()
        trusted = self.skip_known and self.state is not None and self.state.previous_clean
        stop = why_stop_listing(
            teasers,
            number,
            next_url,
            since=self.args.since or self.listing_since,
            max_pages=self.args.max_pages,
            is_known=self._is_known if trusted else None,
            since_auto_known=self._is_known if self.listing_since else None,
        )
        if stop in COUNTED_LISTING_STOPS:
            self._count(f"listing/{stop}")
        elif stop is None and next_url is not None:  # None: no_next_page, above
            yield scrapy.Request(
                next_url,
                callback=self.parse_listing,
                errback=self.on_error,
                cb_kwargs={"number": number + 1},
            )

    def parse_article(self, response: Response) -> Iterator[Any]:
        """An article page: its strip (when it changed) and its record."""
        if not isinstance(response, HtmlResponse):
            self._lost("not_html", response.url, _content_type(response))
            return
        self._count("article_pages")
        page = self._page_of(response)
        if not self._parsed(page, listing=False):
            return
        records = page_records(page, crawled_at=utc_now_iso())
        yield from self._changed_strip(records.headlines, page.lang)
        article = records.article
        if article is None:
            self._drop("no_article", response.url, records.reason)
            return
        self._count(f"layout/{records.layout}")
        # mode=feeds: the feed's time refines a page that shows only the day.
        meta = response.request.meta if response.request is not None else {}
        if feed_time := meta.get("feed_published"):
            refined = refined_published(article.published, feed_time, self.site.zone)
            if refined != article.published:
                article.published = refined
                self._count("rss/published_refined")
        if not self.args.in_window(article.published):
            self._count("skipped/out_of_window")
            return
        if self.args.follow_source:
            yield from self.follow_source(article)
        else:
            yield article

    # helpers

    def on_error(self, failure: Failure) -> None:
        """A request that failed for good (after its retries): count why, never silently."""
        request = failure.request  # type: ignore[attr-defined]
        # A lost feed hides its articles like a lost listing page.
        listing = request.callback in (
            self.parse_home,
            self.parse_menu,
            self.parse_feed,
            self.parse_listing,
        )
        reason = failure_reason(failure.value)
        feed = self.args.mode == FEEDS and request.callback == self.parse_feed
        if feed and self.feed_lost(request, reason):
            self._drop(reason, request.url, "the newspaper's feed is gone")
            return
        self._lost(reason, request.url, str(failure.value), listing=listing)

    def _lost(self, reason: str, url: str, detail: str | None, *, listing: bool = False) -> None:
        """A page that gave nothing where something was expected, whether it failed on
        the wire or answered 200 with nothing usable: a failed request (what the
        error-rate check divides) unless ``policy`` says otherwise, and for a listing
        a failed listing page, so the next run walks the articles it hid."""
        for stat in lost_page_counts(reason, listing=listing):
            self._count(stat)
        self._drop(reason, url, detail)

    def _page_of(self, response: Response) -> MaghressPage:
        """The page object, decoded by itself even when its charset is declared wrong."""
        page = page_from_response(response.url, response.body, _content_type(response), self.site)
        if page.charset_repaired:
            self._count("charset/repaired")
        if page.decoded is not None and page.decoded.repaired_bytes:
            self._count("charset/repaired_bytes", page.decoded.repaired_bytes)
        return page

    def _page(self, response: Response) -> MaghressPage | None:
        """A home or listing page's object, or None (counted lost) when it has nothing."""
        if not isinstance(response, HtmlResponse):
            self._lost("not_html", response.url, _content_type(response), listing=True)
            return None
        page = self._page_of(response)
        return page if self._parsed(page, listing=True) else None

    def _parsed(self, page: MaghressPage, *, listing: bool) -> bool:
        """Whether the page parses; an empty or unparsable one is lost (a site answering
        200 with empty bodies must not pass for one with nothing new)."""
        try:
            page.tree  # noqa: B018 - parse now, to report an unparsable page here
        except EmptyPage as error:
            self._lost("unparsable", page.url, str(error), listing=listing)
            return False
        return True

    def _empty(
        self, page: MaghressPage, teasers: list[Teaser], sources: Mapping[str, str] | None = None
    ) -> bool:
        """A home or listing page that parses but shows nothing of the site — no
        teaser, no newspapers menu, no headline strip (a maintenance page, an error
        page served with 200) — is a lost listing page, not a listing at its end."""
        if teasers or sources or page.headlines() is not None:
            return False
        self._lost("empty_listing", page.url, "no teaser, menu or headline strip", listing=True)
        return True

    def _strip(self, page: MaghressPage) -> Iterator[Headlines]:
        yield from self._changed_strip(headlines_record(page, utc_now_iso()), page.lang)

    def _changed_strip(self, record: Headlines | None, lang: str | None) -> Iterator[Headlines]:
        """The section's strip, only when it differs from the last one yielded: every
        page carries it, and a run writes each strip once per change.  A page
        without one is counted: if the strip's markup changed, the no_headlines
        check says so instead of one record kind vanishing silently."""
        # Per section: one section's strip gone is a record kind gone for it.
        self._count(f"strip/pages/{lang}")
        if record is None:
            self._count(f"strip/missing/{lang}")
        if record is not None and self._last_strip.get(record.lang) != record.id:
            self._last_strip[record.lang] = record.id
            yield record

    def _is_known(self, url: str) -> bool:
        return self.state is not None and self.state.is_known(self.site.article_id(url) or "")

    def _article_requests(
        self, teasers: list[Teaser], *, newest: bool = False, from_feed: bool = False
    ) -> Iterator[scrapy.Request]:
        """Requests for the wanted articles that no earlier run wrote.

        With ``NEWSSPIDER_EMIT_REVISIONS`` on, the newest articles (home page and
        feed) are fetched even when known, so that an edit at the source is seen.
        ``from_feed`` (``mode=feeds``): the feed item's datetime goes with the request,
        to refine a page that shows only the day.
        """
        refetch = newest and self.settings.getbool("NEWSSPIDER_EMIT_REVISIONS")
        links = [(teaser, self.site.parse_article_url(teaser.url)) for teaser in teasers]
        # Counted before the lang/sources filters: a typo in sources= is not a
        # "layout changed" alarm (exit 4), and the menu warning says what happened.
        # One stats call per page: ~50 links per listing page.
        if found := sum(link is not None for _teaser, link in links):
            self._count("article_links", found)
        skip_known = self.skip_known and not refetch and self.state is not None
        is_known = self._is_known if skip_known else None
        for teaser, link in links:
            # The strip's ~50 links are on every page: building a Request for each,
            # only for the duplicate filter to drop it, cost more than the parsing.
            skipped = why_skip_link(teaser, link, self.args, is_known, self._requested)
            if skipped is not None:
                if skipped in COUNTED_LINK_SKIPS:
                    self._count(skipped)
                continue
            # Not skipped: ``link`` is an article's, so it has a canonical URL.
            self._requested.add(link)  # type: ignore[arg-type]
            url = self.site.canonical_article_url(teaser.url, self.args.base_url)
            # Articles before further listing pages: the queue stays one page deep,
            # so memory does not grow with the archive.
            timed = from_feed and teaser.published is not None and len(teaser.published) > 10
            yield scrapy.Request(
                url,  # type: ignore[arg-type]
                callback=self.parse_article,
                errback=self.on_error,
                priority=ARTICLE_PRIORITY,
                meta={"feed_published": teaser.published} if timed else None,
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

    def _drop(self, reason: str, url: str, detail: str | None = None) -> None:
        """Count a page that gave no record; log the first of each reason loudly."""
        self._count(f"dropped/{reason}")
        level = logging.DEBUG if reason in self._logged_reasons else logging.WARNING
        self._logged_reasons.add(reason)
        self.logger.log(level, "dropped %s (%s): %s", url, reason, printable(detail or reason))


def _content_type(response: Response) -> str | None:
    value = response.headers.get("Content-Type")
    return value.decode("latin-1") if value else None


def _spider_for(site: Site) -> type[MaghressFamilySpider]:
    sections = ", ".join(f"{lang} at {site.section_home(lang)}" for lang in site.langs)
    return type(
        f"{site.name.capitalize()}Spider",
        (MaghressFamilySpider,),
        {
            "name": site.name,
            "site_name": site.name,
            "__module__": __name__,
            "__doc__": f"{site.name} ({site.domain}): {sections}.",
        },
    )


# One spider per site of the registry that runs this template: a sister site is a
# line of ``newsspider/sites.py``, not a class here.  Scrapy's spider loader finds
# them among this module's names.
SPIDERS = {name: _spider_for(site) for name, site in SITES.items() if site.template == "maghress"}
globals().update({spider.__name__: spider for spider in SPIDERS.values()})
MaghressSpider = SPIDERS["maghress"]
