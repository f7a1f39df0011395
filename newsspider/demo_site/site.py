"""One family site of the fixture as a pure function: path -> :class:`Response`.

:class:`FixtureSite` ties the rooms together: the content (``content.py``, read by
``loading.py``), the test controls (``controls.py``), the router (``routes.py``), the
renderers (``chrome.py``, ``article.py``, ``listing.py``, ``feed.py``, the fault responses of
``faults.py``) and the render cache (``cache.py``). Nothing touches the network, the wall
clock or randomness, so a page's bytes depend only on the content files and the controls
applied since loading: golden-file tests render pages without a server, and the HTTP server
in ``server.py`` is a thin shell around :meth:`FixtureSite.render`.

Hostile-web controls change nothing until called, so the default site renders byte for
byte as before.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from . import chrome
from .article import article_page
from .cache import PageCache
from .content import (
    AddedArticle,
    Content,
    FixtureArticle,
    Markup,
    Source,
    check_new_article,
    new_article,
)
from .controls import Controls, Faults, Snapshot
from .faults import NetworkFaults, PathFault, error_response, replacement, transform
from .feed import conditional, feed, robots
from .listing import listing_page
from .loading import DEFAULT_SITE, SPECIAL, load_content
from .response import Response
from .routes import Route, route


class FixtureSite:
    """A family site's content, test controls and rendering; build it with :func:`load_site`.

    Test controls (thread-safe, each one applies to every page served after it):
    :meth:`add_article`, :meth:`set_clock` / :meth:`advance_clock`, :meth:`set_faults` /
    :meth:`clear_faults`, and the hostile web: :meth:`add_path_fault`, :meth:`set_robots`,
    :meth:`set_hostile_links`, :meth:`set_duplicate_links`, :meth:`serve_rss` (all undone by
    :meth:`clear_faults`).
    """

    def __init__(self, content: Content) -> None:
        self._base = content
        dated = [a.published for a in content.articles if a.published]
        self.controls = Controls(date.fromisoformat(max(dated)) if dated else date(2019, 1, 1))
        self._cache = PageCache()
        # The content with the latest published articles: (how many, content).
        self._latest: tuple[int, Content] = (0, content)

    def _content_for(self, snapshot: Snapshot) -> Content:
        """The content as of ``snapshot``: the loaded one plus the articles tests added."""
        count, latest = self._latest
        wanted = len(snapshot.added)
        if count == wanted:
            return latest
        if count < wanted:  # articles were published since: extend, and remember it
            latest = latest.with_added(snapshot.added[count:])
            self._latest = (wanted, latest)
            return latest
        return self._base.with_added(snapshot.added)  # an older snapshot, still rendering

    @property
    def content(self) -> Content:
        """The content served now."""
        return self._content_for(self.controls.snapshot())

    # -- queries

    @property
    def name(self) -> str:
        """The family site's name in the registry: ``maghress``, ``djazairess``…"""
        return self._base.site.name

    @property
    def articles(self) -> tuple[FixtureArticle, ...]:
        return self.content.articles

    @property
    def sources(self) -> tuple[Source, ...]:
        return self._base.sources

    @property
    def markup(self) -> Mapping[str, Markup]:
        return self.content.markup

    @property
    def locale(self) -> Mapping[str, dict[str, Any]]:
        return self._base.locale

    @property
    def page_kb(self) -> int:
        return self._base.page_kb

    def ticker(self, lang: str) -> list[tuple[str, str]]:
        """The headline strip of a section: (title, path), empty anchors included as ("", path)."""
        return list(self.content.tickers.get(lang, ()))

    def source(self, slug: str) -> Source | None:
        return self._base.source(slug)

    def sources_for(self, lang: str) -> list[Source]:
        return self._base.sources_for(lang)

    def get(self, path: str) -> FixtureArticle | None:
        """The article served at ``path`` (``/fr/libe/32145``), if any."""
        return self.content.get(path)

    def article(self, source: str, id: str) -> FixtureArticle:
        """The article with this source slug and id (the form ``SPECIAL`` uses)."""
        return self.content.article(source, id)

    def special(self, name: str) -> FixtureArticle:
        return self.article(*SPECIAL[name])

    def published_datetime(self, article: FixtureArticle) -> datetime | None:
        """Date and time of publication (the newer layout and the feeds show the time)."""
        return self.content.published_datetime(article)

    def newest(
        self, lang: str, source: str | None = None, section: str | None = None
    ) -> list[FixtureArticle]:
        """Articles newest first; undated ones last (as if they were the oldest)."""
        return list(self.content.newest(lang, source, section))

    # -- test controls

    @property
    def clock(self) -> date:
        """Today for the site: the date add_article() gives by default (initially the date of
        the newest article). Only tests move it; nothing rendered depends on it."""
        return self.controls.clock

    def set_clock(self, day: date) -> None:
        self.controls.set_clock(day)

    def advance_clock(self, days: int = 1) -> date:
        return self.controls.advance_clock(days)

    @property
    def faults(self) -> Faults:
        return self.controls.faults

    def set_faults(
        self,
        error_share: float = 0.0,
        error_status: int = 500,
        unknown_layout: bool = False,
        hide_dates: bool = False,
        unknown_strip: bool = False,
    ) -> Faults:
        """Replace every fault setting at once (unnamed ones go back to normal)."""
        return self.controls.set_faults(
            error_share, error_status, unknown_layout, hide_dates, unknown_strip
        )

    def clear_faults(self) -> None:
        """Back to a well-behaved site: no error share, path fault, custom robots.txt, hostile
        or duplicate link, nor replaced feed (added articles stay)."""
        self.controls.clear_faults()

    def add_path_fault(self, path: str, kind: str, **params: Any) -> None:
        """Make requests of ``path`` misbehave (query string ignored; ``/fr/libe/*`` matches a
        prefix). Kinds and their parameters (every kind also takes ``times``: only the first
        ``times`` requests of each matching path, None = all of them):

        - ``status``: ``status`` (4xx/5xx), an Apache error page; ``Retry-After: 1`` on 503/429
        - ``slow``: ``seconds`` to wait before answering normally (done by the HTTP server)
        - ``reset``: close the connection with a TCP RST, no response (HTTP server)
        - ``truncate``: the full Content-Length, half the body, then close (HTTP server)
        - ``charset``: ``encoding`` of the bytes, ``declared`` charset (default: ``encoding``;
          None removes the declarations from the header, the ``<meta>`` and the XML prolog)
        - ``malformed``: broken HTML around intact text (see :func:`faults.mangle_html`)
        - ``oversize``: ``size``, the exact body length (a trailing comment pads the page)
        - ``redirect``: ``to`` (the Location, as given), ``status`` (301/302/303/307/308)
        - ``content``: ``content_type`` and ``body`` (bytes) served instead of the page
        - ``gzip``: the page sent with ``Content-Encoding: gzip``, padded first to ``size``
          bytes if given (a decompression bomb); ``corrupt=True``: bytes that are not gzip

        One fault per path and kind (a new one replaces the old one and its count); faults of
        different kinds on one path combine: reset, slow, then status, redirect or content
        (the first that applies ends there), then malformed, charset, oversize, gzip, truncate.
        When several patterns match a path, the exact path wins over the longest prefix.
        """
        self.controls.add_path_fault(path, kind, **params)

    def remove_path_fault(self, path: str, kind: str | None = None) -> None:
        """Remove the faults set on ``path`` (the pattern as given), of one kind or all."""
        self.controls.remove_path_fault(path, kind)

    @property
    def path_faults(self) -> list[PathFault]:
        """The faults set with :meth:`add_path_fault`, oldest first."""
        return self.controls.path_faults

    def take_network_faults(self, path: str) -> NetworkFaults:
        """What the HTTP server must do to this request of ``path`` (query string allowed):
        each ``slow`` / ``reset`` / ``truncate`` fault that applies counts as used."""
        return self.controls.take_network_faults(path)

    def set_robots(self, disallow: list[str] | None) -> None:
        """Serve a robots.txt for every user agent with these ``Disallow:`` lines (an empty
        list allows everything); None restores the default one."""
        self.controls.set_robots(disallow)

    def set_hostile_links(self, urls: list[str]) -> None:
        """Add these hrefs to every HTML page (an empty list: none): empty anchors at the end
        of the article body, labelled ones right after the «click here» link (articles with a
        source link), one teaser box each after a listing's teasers, and labelled anchors at
        the end of the headline strip."""
        self.controls.set_hostile_links(urls)

    def set_duplicate_links(self, on: bool) -> None:
        """Also link every article of the listings and the headline strip under four variant
        URLs (see :meth:`duplicate_variants`); they all serve the article's page."""
        self.controls.set_duplicate_links(on)

    duplicate_variants = staticmethod(chrome.duplicate_variants)

    def serve_rss(self, lang: str, body: bytes | None) -> None:
        """Serve ``body`` (raw bytes, Content-Type ``application/rss+xml`` without a charset)
        at the section's feed, ``/rss`` (ar) or ``/fr/rss``; None restores the real feed."""
        self.controls.serve_rss(lang, body)

    def add_article(
        self,
        lang: str,
        source: str | None = None,
        published: str | date | None = None,
        layout: str = "span",
        title: str | None = None,
        paragraphs: list[str] | None = None,
    ) -> FixtureArticle:
        """Publish a new invented article («Dépêche n°N : …») and return it.

        Its id is greater than every id of its source; it is dated ``published`` (ISO date)
        or else :attr:`clock`, timed after every article of that day, so when that day is the
        newest it tops its source's listing, its section home, the sections and the feeds; it
        is prepended to the section's headline strip. ``source`` defaults to the next source
        of the section in turn.

        ``title`` / ``paragraphs`` replace the invented text. The article page writes them
        with named entities (``é`` as ``&eacute;``, ``«`` as ``&laquo;``, no-break space as
        ``&nbsp;``, ``'`` as ``&#039;``) and ``{{raw:...}}`` puts ``...`` in the HTML verbatim
        (``{{raw:&#xE9;}}``, ``{{raw:&foo;}}``). The returned article holds the text a browser
        shows: raw parts decoded by ``html.unescape``. Listings, the strip, feeds and
        ``<title>`` show that decoded text, escaped the usual way.
        """
        day = check_new_article(lang, layout, published, title, paragraphs)

        def build(snapshot: Snapshot) -> AddedArticle:
            content = self._content_for(snapshot)
            return new_article(
                content, snapshot.clock, lang, source, day, layout, title, paragraphs
            )

        return self.controls.add_article(build).article

    # -- rendering

    @property
    def cache_stats(self) -> tuple[int, int]:
        """(pages, bytes) held by the render cache (bounded by ``cache.CACHE_PAGES``/``_BYTES``)."""
        return self._cache.stats

    def render(
        self,
        path: str,
        host: str | None = None,
        request_headers: Mapping[str, str] | None = None,
    ) -> Response:
        """The response for a request path (query string allowed). ``host`` only shapes the
        absolute links of the RSS feeds (and the ``localhost`` variants of
        :meth:`set_duplicate_links`); without it they point at the real site.
        ``request_headers`` (names in title case) may make a feed's answer a 304.

        Content-level path faults apply here, and each one that applies counts against its
        ``times``: a direct call of render() is a request like any other.
        """
        faults = self.controls.take_content_faults(path)
        if faults.replacement is not None:
            return replacement(faults.replacement, self._base.server_name)
        response = self._page(faults.snapshot, path, host)
        for fault in faults.transforms:
            response = transform(response, fault)
        return conditional(response, request_headers) if request_headers else response

    def _page(self, snapshot: Snapshot, path: str, host: str | None) -> Response:
        """The page itself, from the cache when it can."""
        content = self._content_for(snapshot)
        where = route(content, path)
        base = f"http://{host}" if host else content.canonical
        key = (*where, base) if where[0] == "rss" or snapshot.duplicates else where
        cached = self._cache.get(snapshot.version, key)
        if cached is not None:
            return cached
        response = _build(content, snapshot, where, host, base)
        self._cache.put(snapshot.version, key, response)
        return response


def _build(
    content: Content, snapshot: Snapshot, where: Route, host: str | None, base: str
) -> Response:
    kind = where[0]
    if kind == "robots":
        return robots(snapshot)
    if kind == "rss":
        slug = where[2]
        return feed(content, snapshot, str(where[1]), slug if isinstance(slug, str) else None, base)
    if kind == "article":
        article = content.by_path[str(where[1])]
        if snapshot.faults.fails(article.path):
            return error_response(snapshot.faults.error_status, content.server_name)
        return article_page(content, snapshot, host, article)
    if kind == "home":
        return listing_page(content, snapshot, host, str(where[1]), None, None, 1)
    if kind == "listing":
        lang, what, name, number = where[1:]
        return listing_page(
            content, snapshot, host, str(lang), str(what), str(name), int(str(number))
        )
    return chrome.not_found_page(content, snapshot, host, str(where[1]))


def load_site(synthetic: int = 0, page_kb: int = 0, *, site: str = DEFAULT_SITE) -> FixtureSite:
    """The fixture site ``site`` (a family site with a content folder, see
    ``loading.fixture_sites``) as its content files describe it; ``synthetic`` and
    ``page_kb`` grow it for benchmarks (see :func:`loading.load_content`)."""
    return FixtureSite(load_content(site, synthetic=synthetic, page_kb=page_kb))
