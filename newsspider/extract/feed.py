"""RSS and Atom feeds → article links with their dates.  Imports no Scrapy.

Feeds are parsed with entity expansion, DTD loading and network access off:
a "billion laughs" feed stays a few bytes, and an external entity
(``<!ENTITY x SYSTEM "file:///etc/passwd">``) is never read.

Three dialects are read: RSS 2.0 (``item``, ``pubDate`` or ``dc:date``), RSS 1.0
(RDF ``item`` elements in their own namespace, ``dc:date``) and Atom (``entry``,
``published`` or ``updated``).  A date keeps the time and offset the feed gives.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from email.utils import parsedate_to_datetime

from lxml import etree

from newsspider.extract.dates import parse_date

_PARSER = etree.XMLParser(
    resolve_entities=False,
    no_network=True,
    load_dtd=False,
    huge_tree=False,
    recover=True,
)

_ATOM = "{http://www.w3.org/2005/Atom}"
_RSS1 = "{http://purl.org/rss/1.0/}"
_RDF = "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}"
_DC_DATE = "{http://purl.org/dc/elements/1.1/}date"
_ITEMS = ("item", f"{_RSS1}item", f"{_ATOM}entry")
# The first of these an item has is its date: the publication date before the last edit.
_DATES = ("pubDate", _DC_DATE, f"{_ATOM}published", f"{_ATOM}updated")
# An Atom link without ``rel`` means ``alternate``: the article.  ``self``, ``edit``,
# ``enclosure``, ``replies``… point to the feed, its API, a picture or the comments.
# The registry spells it in full too (RFC 4287 §4.2.7.2).
_ARTICLE_RELS = ("alternate", "", "http://www.iana.org/assignments/relation/alternate")


@dataclass(frozen=True)
class FeedItem:
    url: str
    published: str | None  # ISO 8601: a datetime with offset when the feed gives a time


class BadFeed(ValueError):
    """The body is not an RSS or Atom document."""


def feed_items(
    body: bytes, *, now: datetime | None = None, tz: tzinfo | None = None
) -> list[FeedItem]:
    """Links and dates of an RSS 2.0, RSS 1.0 or Atom feed, in feed order.

    ``now`` bounds dates in the future (see ``parse_date``); ``tz``, the site's zone, is
    given to a time written without an offset, which otherwise leaves only the date.
    """
    try:
        root = etree.fromstring(body, parser=_PARSER)
    except etree.XMLSyntaxError as error:
        raise BadFeed(str(error)) from None
    if root is None:
        raise BadFeed("empty document")
    items = []
    for entry in root.iter(*_ITEMS):
        link = _item_link(entry)
        if not link:
            continue
        date = next((text for tag in _DATES if (text := entry.findtext(tag))), None)
        items.append(FeedItem(link, _feed_date(date, now, tz)))
    return items


def _item_link(entry: etree._Element) -> str | None:
    """RSS ``<link>`` text (RSS 2.0: the permalink ``<guid>`` when it has none; RSS 1.0:
    ``rdf:about``), or the Atom ``<link>`` whose ``rel`` says it is the article."""
    text = (entry.findtext("link") or entry.findtext(f"{_RSS1}link") or "").strip()
    if text:
        return text
    # RSS 2.0 without <link>: a <guid> is the article's URL unless it says it is not.
    guid = entry.find("guid")
    permalink = guid is not None and (guid.get("isPermaLink") or "true").strip().lower() == "true"
    if permalink and (href := (guid.text or "").strip()).startswith(("http://", "https://")):
        return href
    for link in entry.iterfind(f"{_ATOM}link"):
        href = (link.get("href") or "").strip()
        if href and (link.get("rel") or "").strip().lower() in _ARTICLE_RELS:
            return href
    return (entry.get(f"{_RDF}about") or "").strip() or None


def _feed_date(text: str | None, now: datetime | None, tz: tzinfo | None) -> str | None:
    """RSS 2.0 dates are RFC 822 («Sat, 19 Oct 2019 09:30:00 +0100», "GMT", "EST"), which
    the standard library reads with their offsets; ``dc:date`` and Atom dates are ISO 8601.
    Either way ``parse_date`` has the last word (plausible year, not in the future)."""
    if not text:
        return None
    try:
        moment = parsedate_to_datetime(text.strip())
    except (TypeError, ValueError, IndexError):  # not RFC 822: ISO 8601, or odd text
        return parse_date(text, now=now, tz=tz)
    # A naive result is RFC 822's "-0000", a time in an unknown zone: ``tz`` or no time.
    return parse_date(moment.isoformat(), now=now, tz=tz)


def refined_published(page: str | None, feed: str | None, zone: tzinfo) -> str | None:
    """The article's ``published``: the page's, or the feed item's datetime when the page
    shows only the day (the older layout prints «13 - 11 - 2019», no time) and the feed's
    time falls on that day on the site's clock (``zone``).  A feed that says another day
    (an edit, a republication) does not overrule the page.  The result is on the site's
    clock, as the pages that print a time give it."""
    if page is None or feed is None or len(page) != 10 or len(feed) <= 10:
        return page
    try:
        day = date.fromisoformat(page)
        moment = datetime.fromisoformat(feed)
    except ValueError:
        return page
    if moment.tzinfo is None:  # a time without an offset says nothing certain
        return page
    local = moment.astimezone(zone)
    return local.isoformat(timespec="seconds") if local.date() == day else page
