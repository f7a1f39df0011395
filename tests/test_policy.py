"""The spider's decisions, from tables: which link is skipped and why, where a listing stops."""

from __future__ import annotations

from datetime import date

import pytest

from newsspider.extract.maghress import Teaser
from newsspider.params import parse_args
from newsspider.policy import (
    ALREADY_REQUESTED,
    KNOWN,
    NO_NEXT_PAGE,
    NOT_ARTICLE,
    OTHER_LANG,
    OTHER_SOURCE,
    OUT_OF_WINDOW,
    STOPPED_AT_KNOWN,
    STOPPED_AT_MAX_PAGES,
    STOPPED_AT_SINCE,
    fetchable,
    lost_page_counts,
    of_the_site,
    origin,
    why_skip_link,
    why_stop_listing,
)
from newsspider.sites import SITES

MAGHRESS = SITES["maghress"]
LIBE = "https://www.maghress.com/fr/libe/32145"
LIBE_NEW = "https://www.maghress.com/fr/libe/32509"
HESPRESS = "https://www.maghress.com/hespress/385242"
KNOWN_URLS = {LIBE}

# (arguments, teaser URL, teaser date, known articles are skipped, already requested, reason)
LINKS = [
    ({}, LIBE_NEW, "2019-11-13", True, False, None),
    ({}, HESPRESS, None, True, False, None),
    ({}, "https://www.maghress.com/fr/libe", None, True, False, NOT_ARTICLE),
    ({}, "https://www.maghress.com/fr/rss/12", None, True, False, NOT_ARTICLE),
    ({"lang": "ar"}, LIBE, None, True, False, OTHER_LANG),
    ({"lang": "fr"}, HESPRESS, None, True, False, OTHER_LANG),
    ({"sources": "hespress"}, LIBE, None, True, False, OTHER_SOURCE),
    ({"sources": "libe,hespress"}, LIBE, None, False, False, None),
    ({"since": "2019-10-20"}, LIBE, "2019-10-19", True, False, OUT_OF_WINDOW),
    ({"until": "2019-10-18"}, LIBE, "2019-10-19T10:00:00+01:00", True, False, OUT_OF_WINDOW),
    # An undated teaser is inside any window: its page says more.
    ({"since": "2019-10-20"}, LIBE, None, True, False, KNOWN),
    ({"since": "2019-10-19", "until": "2019-10-19"}, LIBE, "2019-10-19", False, False, None),
    ({}, LIBE, None, True, True, KNOWN),
    # full=true, or revisions of the newest articles: known articles are fetched again.
    ({}, LIBE, None, False, False, None),
    ({}, LIBE, None, False, True, ALREADY_REQUESTED),
    ({}, HESPRESS, None, True, True, ALREADY_REQUESTED),
    # The checks run in order: the first reason wins.
    ({"lang": "ar", "sources": "hespress"}, LIBE, "2000-01-01", True, True, OTHER_LANG),
    ({"sources": "hespress", "since": "2020-01-01"}, LIBE, "2000-01-01", True, True, OTHER_SOURCE),
    ({"since": "2020-01-01"}, LIBE, "2000-01-01", True, True, OUT_OF_WINDOW),
]


@pytest.mark.parametrize(
    ("arguments", "url", "published", "skip_known", "requested", "reason"), LINKS
)
def test_why_skip_link(
    arguments: dict[str, str],
    url: str,
    published: str | None,
    skip_known: bool,
    requested: bool,
    reason: str | None,
) -> None:
    args = parse_args(MAGHRESS, arguments)
    link = MAGHRESS.parse_article_url(url)
    already = {link} if requested else set()
    is_known = KNOWN_URLS.__contains__ if skip_known else None
    teaser = Teaser(url, published, listed=True)
    assert why_skip_link(teaser, link, args, is_known, already) == reason


def test_the_state_is_asked_only_about_wanted_links() -> None:
    asked: list[str] = []

    def is_known(url: str) -> bool:
        asked.append(url)
        return False

    args = parse_args(MAGHRESS, {"lang": "fr", "since": "2019-10-20"})
    for url, published in ((HESPRESS, None), (LIBE, "2019-10-19"), (LIBE, None)):
        why_skip_link(
            Teaser(url, published, True), MAGHRESS.parse_article_url(url), args, is_known, set()
        )
    assert asked == [LIBE]


def page(*teasers: tuple[str, str | None, bool]) -> list[Teaser]:
    """Teasers of a listing page: (article number, date, in the listing's own boxes)."""
    return [Teaser(f"https://www.maghress.com/fr/libe/{n}", d, listed) for n, d, listed in teasers]


NEXT = "https://www.maghress.com/fr/libe?page=2"
FULL_PAGE = page(("5", "2019-10-22", True), ("4", "2019-10-21", True), ("9", None, False))
OLD_PAGE = page(("3", "2019-10-19", True), ("2", "2019-10-18", True), ("9", "2030-01-01", False))
KNOWN_PAGE = page(("3", None, True), ("2", None, True), ("9", None, False))
KNOWN_ARTICLES = {f"https://www.maghress.com/fr/libe/{n}" for n in ("2", "3")}

# (teasers, page number, next page, since, max_pages, the state vouches, reason)
LISTINGS = [
    (FULL_PAGE, 1, NEXT, None, 10, True, None),
    (FULL_PAGE, 1, NEXT, date(2019, 10, 20), 10, True, None),
    # The newest listed teaser is older than since; the strip's newer link does not count.
    (OLD_PAGE, 1, NEXT, date(2019, 10, 20), 10, True, STOPPED_AT_SINCE),
    (OLD_PAGE, 1, NEXT, date(2019, 10, 19), 10, False, None),
    # Undated teasers never stop a listing at since.
    (KNOWN_PAGE, 1, NEXT, date(2019, 10, 20), 10, False, None),
    (KNOWN_PAGE, 1, NEXT, None, 10, True, STOPPED_AT_KNOWN),
    # No state, full=true or an unclean previous run: known pages do not stop the walk.
    (KNOWN_PAGE, 1, NEXT, None, 10, False, None),
    (FULL_PAGE, 1, NEXT, None, 10, True, None),
    (FULL_PAGE, 10, NEXT, None, 10, True, STOPPED_AT_MAX_PAGES),
    (FULL_PAGE, 3, NEXT, None, 2, True, STOPPED_AT_MAX_PAGES),
    (FULL_PAGE, 1, None, None, 1, True, STOPPED_AT_MAX_PAGES),
    (FULL_PAGE, 2, None, None, 10, True, NO_NEXT_PAGE),
    # Without listing boxes (a bare page of links), every article link is the listing.
    (page(("3", None, False), ("2", None, False)), 1, NEXT, None, 10, True, STOPPED_AT_KNOWN),
    (page(("3", "2019-10-01", False)), 1, NEXT, date(2019, 10, 20), 10, True, STOPPED_AT_SINCE),
    # An empty page is not "all known".
    ([], 1, None, None, 10, True, NO_NEXT_PAGE),
    # The rules in order: since before known before max_pages before the end.
    (page(("3", "2019-10-19", True)), 5, None, date(2019, 10, 20), 5, True, STOPPED_AT_SINCE),
    (KNOWN_PAGE, 5, None, None, 5, True, STOPPED_AT_KNOWN),
]


@pytest.mark.parametrize(
    ("teasers", "number", "next_url", "since", "max_pages", "vouches", "reason"), LISTINGS
)
def test_why_stop_listing(
    teasers: list[Teaser],
    number: int,
    next_url: str | None,
    since: date | None,
    max_pages: int,
    vouches: bool,
    reason: str | None,
) -> None:
    is_known = KNOWN_ARTICLES.__contains__ if vouches else None
    stop = why_stop_listing(
        teasers, number, next_url, since=since, max_pages=max_pages, is_known=is_known
    )
    assert stop == reason


# (reason of a page that gave nothing, a listing page?, the stats it counts)
LOST = [
    # An article page lost: a failed request, and the run is unclean so the next one
    # walks the listings to their end and fetches it.
    ("http_500", False, ("failed_requests", "lost_article_pages")),
    ("http_500", True, ("failed_requests", "failed_listing_pages")),
    ("download_error/DownloadTimeoutError", False, ("failed_requests", "lost_article_pages")),
    # An article the site removed is gone: not a failure, not in the error rate…
    ("http_404", False, ("gone",)),
    ("http_410", False, ("gone",)),
    # …but a listing page that vanished hides articles.
    ("http_404", True, ("failed_requests", "failed_listing_pages")),
    ("http_403", False, ("failed_requests", "lost_article_pages")),
    # Pages answered 200 with nothing usable are lost like failed requests.
    ("unparsable", True, ("failed_requests", "failed_listing_pages")),
    ("empty_listing", True, ("failed_requests", "failed_listing_pages")),
    ("not_html", False, ("failed_requests", "lost_article_pages")),
    ("bad_feed", False, ("failed_requests", "lost_article_pages")),
    ("body_too_large", False, ("failed_requests", "lost_article_pages")),
    ("undecodable_body", True, ("failed_requests", "failed_listing_pages")),
    ("ignored", True, ("failed_requests", "failed_listing_pages")),
    # Our own choices are no failure of the site; a page robots.txt forbids stays
    # forbidden, but one redirected to another server hid what it held: look again.
    ("robots_disallowed", True, ()),
    ("robots_disallowed", False, ()),
    ("offsite", False, ("lost_article_pages",)),
    ("offsite", True, ("failed_listing_pages",)),
]


@pytest.mark.parametrize(("reason", "listing", "counts"), LOST)
def test_how_a_lost_page_counts(reason: str, listing: bool, counts: tuple[str, ...]) -> None:
    assert lost_page_counts(reason, listing=listing) == counts


MIRROR = origin("http://127.0.0.1:8000")
LIVE = origin("https://www.maghress.com")

# (the crawl's server, a URL, a request may go there, a link names the site)
ORIGINS = [
    (MIRROR, "http://127.0.0.1:8000/fr/libe/32145", True, True),
    # Another port, scheme or host name of the mirror's host is another server.
    (MIRROR, "http://127.0.0.1:8001/fr/libe/32145", False, False),
    (MIRROR, "https://127.0.0.1:8000/fr/libe/32145", False, False),
    (MIRROR, "http://localhost:8000/fr/libe/32145", False, False),
    # A mirror's feeds name the live site: such links are the site's (fetched from the
    # mirror), but a redirect there is never followed.
    (MIRROR, "https://www.maghress.com/fr/libe/32145", False, True),
    (MIRROR, "https://www.maghress.com:8443/fr/libe/32145", False, False),
    (LIVE, "http://maghress.com/fr/libe/32145", True, True),
    (LIVE, "https://WWW.Maghress.com:443/fr/libe/32145", True, True),
    (LIVE, "https://www.maghress.com:8443/fr/libe/32145", False, False),
    (LIVE, "https://www.djazairess.com/fr/elwatan/1", False, False),
    (LIVE, "http://169.254.169.254/latest/meta-data/", False, False),
    (LIVE, "javascript:alert(1)", False, False),
    (LIVE, "file:///etc/passwd", False, False),
    (LIVE, "http://[::1/x", False, False),
    (LIVE, "http://www.maghress.com:99999/x", False, False),
]


@pytest.mark.parametrize(("crawl", "url", "sent", "named"), ORIGINS)
def test_which_server_a_url_is_on(crawl, url: str, sent: bool, named: bool) -> None:
    assert fetchable(url, crawl, MAGHRESS) is sent
    assert of_the_site(url, crawl, MAGHRESS) is named


def test_an_origin_makes_the_default_port_explicit() -> None:
    assert MIRROR == ("http", "127.0.0.1", 8000)
    assert LIVE == ("https", "www.maghress.com", 443)
    assert origin("HTTP://Example.ORG") == ("http", "example.org", 80)
    assert origin("ftp://example.org") is None


# since=auto: its date rests on a clock (a run under one a year ahead moved it), so a
# page that still shows an article the state does not know is walked past it.
# (teasers, articles the state knows, reason); the state does not vouch for known pages.
SINCE_AUTO = [
    (OLD_PAGE, KNOWN_ARTICLES, STOPPED_AT_SINCE),
    (OLD_PAGE, {"https://www.maghress.com/fr/libe/3"}, None),
    (OLD_PAGE, set(), None),
    # The strip's or sidebar's links are not the listing: an unknown one there does not count.
    (page(("3", "2019-10-19", True), ("7", None, False)), KNOWN_ARTICLES, STOPPED_AT_SINCE),
]


@pytest.mark.parametrize(("teasers", "known", "reason"), SINCE_AUTO)
def test_since_auto_never_stops_a_page_with_an_unknown_article(
    teasers: list[Teaser], known: set[str], reason: str | None
) -> None:
    stop = why_stop_listing(
        teasers,
        1,
        NEXT,
        since=date(2019, 10, 20),
        max_pages=10,
        is_known=None,
        since_auto_known=known.__contains__,
    )
    assert stop == reason
