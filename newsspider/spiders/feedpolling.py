"""``-a mode=feeds``: a family spider that polls the site's RSS feeds instead of
walking its listings — the cheap way to run every few minutes.

Each section's feed (``/rss``, ``/fr/rss``) and each newspaper's (``/fr/libe/rss``)
is requested with the validators its last answer gave (``If-None-Match`` /
``If-Modified-Since``), so an unchanged feed answers 304, headers only, and costs
no article request.  Which newspaper feeds exist is learned once from the section's
home page menu (and from the section feed's items) and then remembered in the
incremental state with the validators: a re-run after N new articles makes one
request per feed, N article requests and robots.txt's.

Validators are sent only when the state can vouch for what the earlier runs saw:
the run follows the state, not ``full=true``, and the previous run ended clean.  A
run that lost a feed or an article page is unclean, so the next one asks for every
feed whole and meets the articles again (known ones are still skipped), and voids
the validators of every feed, read this time or not (``lang=``, ``sources=``).  A
run that skips items (``sources=``, ``since``, ``until``) remembers no feed: its
validators would hide the skipped items from the next full run.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any

import scrapy
from scrapy.http import Response

from newsspider.extract.maghress import MaghressPage
from newsspider.params import CrawlArgs
from newsspider.policy import GONE_REASONS
from newsspider.sites import Site
from newsspider.state import State
from newsspider.state.base import Validators

# A feed request sent with validators handles the 304 in its callback (by default
# Scrapy drops a response outside 2xx before the callback).
NOT_MODIFIED = 304


class FeedPolling:
    """The ``mode=feeds`` part of the family spider (``MaghressFamilySpider``), whose
    attributes and helpers it uses are these."""

    site: Site
    args: CrawlArgs
    state: State | None
    stream_feeds: list[str]
    skip_known: bool
    rss_known: dict[str, Validators]
    rss_conditional: bool
    rss_requested: set[str]
    rss_menus: set[str]
    parse_feed: Callable[[Response], Iterator[Any]]
    on_error: Callable[[Any], None]
    _page: Callable[[Response], MaghressPage | None]
    _empty: Callable[..., bool]
    _strip: Callable[[MaghressPage], Iterator[Any]]
    _read_menu: Callable[[MaghressPage, Mapping[str, str]], None]
    _count: Callable[..., None]
    _lost: Callable[..., None]

    def feed_start(self) -> Iterator[scrapy.Request]:
        """Each section's feed, and the newspaper feeds the state knows; a section
        whose newspaper feeds are unknown has its home page read for its menu."""
        state = self.state if self.stream_feeds else None  # the run follows the state
        self.rss_known = state.rss_validators() if state is not None else {}
        # Validators are trusted only when the earlier runs saw every item they covered.
        self.rss_conditional = state is not None and self.skip_known and state.previous_clean
        if state is not None and not state.previous_clean:
            # The unclean run may have lost an item of any feed, and this one may not
            # read them all (lang=, sources=): the next clean run must not take a 304.
            for url in self.rss_known:
                state.remember_rss(url, Validators(None, None))
        newspapers: dict[str, list[str]] = {lang: [] for lang in self.args.langs}
        for url in sorted(self.rss_known):
            parsed = self.site.parse_source_feed_url(url)
            # A feed of another mirror (or of the live site), or of another section: not ours.
            if not url.startswith(self.args.base_url + "/") or not parsed:
                continue
            lang, slug = parsed
            if lang in newspapers and (self.args.sources is None or slug in self.args.sources):
                newspapers[lang].append(url)
        for lang in self.args.langs:
            yield self.feed_request(self.args.base_url + self.site.feed_path(lang))
            yield from (self.feed_request(url, remembered=True) for url in newspapers[lang])
            if not newspapers[lang]:
                self.rss_menus.add(lang)
                home = self.args.base_url + self.site.section_home(lang)
                yield scrapy.Request(home, callback=self.parse_menu, errback=self.on_error)

    def feed_request(self, url: str, *, remembered: bool = False) -> scrapy.Request:
        """A feed's request, conditional when the state holds its last answer's validators;
        ``remembered``: asked because the state knows it, not because the site names it now."""
        headers = {}
        known = self.rss_known.get(url) if self.rss_conditional else None
        # The tag when there is one, the date only without: a server that ignores
        # the tag and compares the date with its newest item's would hide an item
        # added late with an older date.
        if known is not None and known.etag:
            headers["If-None-Match"] = known.etag
        elif known is not None and known.last_modified:
            headers["If-Modified-Since"] = known.last_modified
        self.rss_requested.add(url)
        return scrapy.Request(
            url,
            callback=self.parse_feed,
            errback=self.on_error,
            headers=headers,
            meta={"handle_httpstatus_list": [NOT_MODIFIED], "rss_remembered": remembered},
        )

    def parse_menu(self, response: Response) -> Iterator[Any]:
        """A section's home page, read in ``mode=feeds`` for its newspapers menu only:
        each listed newspaper's feed (its articles come from the feeds)."""
        page = self._page(response)
        if page is None:
            return
        teasers, sources = page.teasers(), page.source_pages()
        if self._empty(page, teasers, sources):
            return
        self._count("listing_pages")
        yield from self._strip(page)
        self._read_menu(page, sources)
        lang = page.lang or self.site.lang_of_url(response.url)
        if lang not in self.site.sections:
            return
        for slug in sources:
            if self.args.sources is None or slug in self.args.sources:
                url = self.args.base_url + self.site.source_feed_path(lang, slug)
                if url not in self.rss_requested:
                    yield self.feed_request(url)

    def feed_answered(self, response: Response, articles: int) -> bool:
        """Count a feed's answer in ``mode=feeds`` and remember its validators; whether
        its items are to be read (not a 304, not a feed that lists no article of the site)."""
        if response.status == NOT_MODIFIED and _named_a_version(response):
            self._count("rss/not_modified")
            return False
        if not articles:
            # A feed listing nothing hides its articles like an empty listing page; so
            # does a 304 to a request that named no version (a proxy in the way).
            self._count("rss/lost")
            self._lost(
                "empty_feed",
                response.url,
                f"{response.status}: no article of the site",
                listing=True,
            )
            return False
        self._count("rss/read")
        self._count("listing_pages")
        # A run that skips items (sources=, since, until) vouches for no feed: a 304
        # would hide the rest from the next run, and its newspaper feeds are not the menu.
        whole = self.args.sources is None and self.args.since is None and self.args.until is None
        if self.state is not None and self.stream_feeds and whole:
            self.state.remember_rss(response.url, _validators(response))
        return True

    def newspaper_feeds_of(self, urls: list[str]) -> Iterator[scrapy.Request]:
        """The feeds of the newspapers a section feed names that this run has not asked
        for: a newspaper added to the menu since it was read is met there first."""
        for url in urls:
            parsed = self.site.parse_article_url(url)
            # A section whose menu is read this run: its newspapers come from there.
            if parsed is None or parsed[0] not in self.args.langs or parsed[0] in self.rss_menus:
                continue
            if self.args.sources is not None and parsed[1] not in self.args.sources:
                continue
            feed = self.args.base_url + self.site.source_feed_path(parsed[0], parsed[1])
            if feed not in self.rss_requested:
                self._count("rss/newspapers_found")
                yield self.feed_request(feed)

    def feed_lost(self, request: scrapy.Request, reason: str) -> bool:
        """A feed that failed for good in ``mode=feeds``: counted lost (the run fails), or,
        a newspaper's feed the site removed (404, 410), forgotten; whether it was gone.
        Only a feed the state remembered may be gone: one the menu or the section feed
        names now belongs to a newspaper still on the site."""
        url = request.url
        remembered = request.meta.get("rss_remembered", False)
        if reason in GONE_REASONS and remembered and self.site.parse_source_feed_url(url):
            self._count("rss/gone")
            if self.state is not None and self.stream_feeds:
                self.state.forget_rss(url)
            return True
        self._count("rss/lost")
        return False


def _validators(response: Response) -> Validators:
    def header(name: str) -> str | None:
        value = response.headers.get(name)
        return value.decode("latin-1") if value else None

    return Validators(header("ETag"), header("Last-Modified"))


def _named_a_version(response: Response) -> bool:
    request = response.request
    return request is not None and any(
        name in request.headers for name in ("If-None-Match", "If-Modified-Since")
    )
