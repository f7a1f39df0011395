"""RSS feeds → article links with their dates.  Imports no Scrapy.

Feeds are parsed with entity expansion, DTD loading and network access off:
a "billion laughs" feed stays a few bytes, and an external entity
(``<!ENTITY x SYSTEM "file:///etc/passwd">``) is never read.
"""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from newsspider.extract.dates import parse_date

_PARSER = etree.XMLParser(
    resolve_entities=False,
    no_network=True,
    load_dtd=False,
    huge_tree=False,
    recover=True,
)


@dataclass(frozen=True)
class FeedItem:
    url: str
    published: str | None


class BadFeed(ValueError):
    """The body is not an RSS or Atom document."""


def feed_items(body: bytes) -> list[FeedItem]:
    """Links and dates of an RSS 2.0 (or Atom) feed, in feed order."""
    try:
        root = etree.fromstring(body, parser=_PARSER)
    except etree.XMLSyntaxError as error:
        raise BadFeed(str(error)) from None
    if root is None:
        raise BadFeed("empty document")
    items = []
    for entry in root.iter("item", "{http://www.w3.org/2005/Atom}entry"):
        link = entry.findtext("link") or _atom_link(entry)
        if not link or not link.strip():
            continue
        date = entry.findtext("pubDate") or entry.findtext("{http://www.w3.org/2005/Atom}updated")
        items.append(FeedItem(link.strip(), parse_date(date)))
    return items


def _atom_link(entry: etree._Element) -> str | None:
    link = entry.find("{http://www.w3.org/2005/Atom}link")
    return link.get("href") if link is not None else None
