"""The spider's decisions, as pure functions: which article links it follows, where a
listing's walk ends, which failed requests are the site's fault.

Nothing here imports Scrapy or touches the network: each rule is tested from a table
(``tests/test_policy.py``), and the spider only gathers the facts and counts the
reason it is given.  Reasons are the stats names: ``newsspider/<reason>`` for a
counted link skip, ``newsspider/listing/<reason>`` for a counted listing stop, so a
new rule is one line here and one row in the tests.
"""

from __future__ import annotations

from collections.abc import Callable, Container, Sequence
from datetime import date

from newsspider.extract.maghress import Teaser
from newsspider.params import CrawlArgs

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

# Requests we chose not to send (robots.txt, off the site, another Scrapy filter):
# not the site's failures, so they do not count towards the error rate.
NOT_THE_SITES_FAULT = frozenset({"robots_disallowed", "offsite", "ignored"})

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
