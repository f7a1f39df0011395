"""The spider's decisions, as pure functions: which article links it follows, where a
listing's walk ends, which URLs are the crawl's, how a page that gave nothing counts.

Nothing here imports Scrapy or touches the network: each rule is tested from a table
(``tests/test_policy.py``), and the spider only gathers the facts and counts the
reason it is given.  Reasons are the stats names: ``newsspider/<reason>`` for a
counted link skip, ``newsspider/listing/<reason>`` for a counted listing stop, so a
new rule is one line here and one row in the tests.
"""

from __future__ import annotations

from collections.abc import Callable, Container, Sequence
from datetime import date
from urllib.parse import urlsplit

from newsspider.extract.maghress import Teaser
from newsspider.params import CrawlArgs
from newsspider.sites import Site

# Why an article link is not followed.  The first four are silent (a listing page
# holds ~50 links, most of them the strip's, seen on every page); the counted ones
# are stats keys.
NOT_ARTICLE = "not_article"
OTHER_LANG = "other_lang"
OTHER_SOURCE = "other_source"
OUT_OF_WINDOW = "skipped/out_of_window"
KNOWN = "state/skipped_known"
ALREADY_REQUESTED = "already_requested"
COUNTED_LINK_SKIPS = frozenset({OUT_OF_WINDOW, KNOWN})

# Why a listing's walk ends at a page; the end of the listing itself is not counted.
STOPPED_AT_SINCE = "stopped_at_since"
STOPPED_AT_KNOWN = "stopped_at_known"
STOPPED_AT_MAX_PAGES = "stopped_at_max_pages"
NO_NEXT_PAGE = "no_next_page"
COUNTED_LISTING_STOPS = frozenset({STOPPED_AT_SINCE, STOPPED_AT_KNOWN, STOPPED_AT_MAX_PAGES})

# How a page that gave nothing counts, besides ``dropped/<reason>``.  Requests we chose
# not to send (robots.txt, off the site) are no failure.  An article the site removed
# (404, 410) is ``gone``: listings show its teaser for a while, so it says nothing of
# the site's health.  Anything else (an HTTP error, a network failure, a body refused,
# not HTML or empty, a request some other component ignored) is a page lost: a failed
# request, and a failed listing page when older articles hid behind it.
NOT_THE_SITES_FAULT = frozenset({"robots_disallowed", "offsite"})
GONE_REASONS = frozenset({"http_404", "http_410"})
GONE = "gone"
FAILED = "failed_requests"
FAILED_LISTING = "failed_listing_pages"
# An article page the run wanted and did not get (for any reason but a removal): the
# run is unclean, so the next one walks the listings to their end and fetches it.
LOST_ARTICLE = "lost_article_pages"

DEFAULT_PORTS = {"http": 80, "https": 443}
Origin = tuple[str, str, int]  # (scheme, host, port): another port is another server

ArticleLink = tuple[str, str, str]  # (lang, source slug, number): Site.parse_article_url


def why_skip_link(
    teaser: Teaser,
    link: ArticleLink | None,
    args: CrawlArgs,
    is_known: Callable[[str], bool] | None,
    requested: Container[ArticleLink],
) -> str | None:
    """Why the article behind ``teaser`` is not requested, or None to request it.

    ``link`` is the teaser URL parsed by the site; ``is_known`` answers whether an
    earlier run wrote the article (None: known articles are fetched anyway, with
    ``full=true`` or when revisions are wanted); ``requested`` holds the links this
    run already requested.  The cheap checks come first: the state is asked only
    about links the run wants.
    """
    if link is None:
        return NOT_ARTICLE
    if link[0] not in args.langs:
        return OTHER_LANG
    if args.sources is not None and link[1] not in args.sources:
        return OTHER_SOURCE
    if not args.in_window(teaser.published):
        return OUT_OF_WINDOW
    if is_known is not None and is_known(teaser.url):
        return KNOWN
    if link in requested:
        return ALREADY_REQUESTED
    return None


def why_stop_listing(
    teasers: Sequence[Teaser],
    number: int,
    next_url: str | None,
    *,
    since: date | None,
    max_pages: int,
    is_known: Callable[[str], bool] | None,
    since_auto_known: Callable[[str], bool] | None = None,
) -> str | None:
    """Why a newspaper's listing is not followed past its page ``number``, or None
    to follow ``next_url``.

    Listings run newest first, so a page whose newest teaser is older than
    ``since``, or whose teasers an earlier run all wrote, has only older pages
    behind it.  ``is_known`` is None when the state cannot vouch for that (no
    state, ``full=true``, or the previous run did not finish cleanly).
    ``since_auto_known`` is the state's lookup when ``since`` came from
    ``since=auto``: that date rests on a clock, so a page still showing an
    article the state does not know is walked past it.
    """
    # The listing's own teaser boxes decide, not the strip's or sidebar's links.
    listed = [teaser for teaser in teasers if teaser.listed] or teasers
    if since is not None:
        dates = [teaser.published for teaser in listed if teaser.published]
        unknown = since_auto_known is not None and not all(
            since_auto_known(teaser.url) for teaser in listed
        )
        if dates and max(dates) < since.isoformat() and not unknown:
            return STOPPED_AT_SINCE
    if is_known is not None and listed and all(is_known(teaser.url) for teaser in listed):
        return STOPPED_AT_KNOWN
    if number >= max_pages:
        return STOPPED_AT_MAX_PAGES
    if next_url is None:
        return NO_NEXT_PAGE
    return None


def lost_page_counts(reason: str, *, listing: bool) -> tuple[str, ...]:
    """The stats (``newsspider/<name>``) a request that gave nothing counts under, besides
    ``dropped/<reason>``; ``listing``: a home or listing page, whose loss hides articles."""
    if reason in NOT_THE_SITES_FAULT:
        # Not the site's failure, but a page sent to another server (a redirect off
        # the site) still hides what it held: the next run must look again.  A page
        # robots.txt forbids is forbidden on every run: looking again would not help.
        if reason != "offsite":
            return ()
        return (FAILED_LISTING,) if listing else (LOST_ARTICLE,)
    if reason in GONE_REASONS and not listing:
        return (GONE,)
    return (FAILED, FAILED_LISTING) if listing else (FAILED, LOST_ARTICLE)


def origin(url: str) -> Origin | None:
    """``(scheme, host, port)`` of an http(s) URL, its port made explicit; None otherwise."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:  # a port out of range, a broken IPv6 literal
        return None
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS or not parts.hostname:
        return None
    return scheme, parts.hostname, port or DEFAULT_PORTS[scheme]


def _live(where: Origin, site: Site) -> bool:
    """On the live site: one of its hosts, over http or https, on the standard port."""
    scheme, host, port = where
    return site.owns_host(host) and port == DEFAULT_PORTS[scheme]


def fetchable(url: str, crawl: Origin, site: Site) -> bool:
    """Whether a request may be sent: to the server the crawl reads, never another.

    Crawling the live site, any of its hosts (it redirects between ``http``/``https``
    and ``www``/bare); crawling a mirror, the mirror's scheme, host and port only: a
    redirect to another port of the same host (``127.0.0.1:8001`` from ``:8000``)
    is another server, and a mirror must not send us to the live site.
    """
    where = origin(url)
    if where is None:
        return False
    return where == crawl or (_live(crawl, site) and _live(where, site))


def of_the_site(url: str, crawl: Origin, site: Site) -> bool:
    """Whether a link names the crawled site: the crawl's server or the live site's
    hosts (a mirror's feeds name the live host; such links are fetched from the mirror)."""
    where = origin(url)
    return where is not None and (where == crawl or _live(where, site))
