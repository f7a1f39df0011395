"""Feeds → (link, date): RSS 2.0, RSS 1.0/RDF and Atom, on small hand-written feeds.

The expected dates are written from each feed's own text: an RFC 822 or ISO 8601 time
keeps its offset, written as ``±HH:MM``.
"""

from __future__ import annotations

from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsspider.extract.feed import BadFeed, FeedItem, feed_items
from newsspider.params import parse_args
from newsspider.sites import SITES

CRAWL = datetime(2019, 10, 21, 12, 0, tzinfo=timezone.utc)
CASABLANCA = ZoneInfo("Africa/Casablanca")  # +01:00 in October 2019

RSS2 = b"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"
     xmlns:atom="http://www.w3.org/2005/Atom">
<channel>
  <title>Maghress</title>
  <link>https://www.maghress.com/fr</link>
  <atom:link rel="self" href="https://www.maghress.com/fr/rss"/>
  <item><title>Un</title><link>https://www.maghress.com/fr/libe/1</link>
    <pubDate>Sat, 19 Oct 2019 09:30:00 +0100</pubDate></item>
  <item><title>Deux</title><link> https://www.maghress.com/fr/libe/2 </link>
    <pubDate>Sat, 19 Oct 2019 23:45:10 GMT</pubDate></item>
  <item><title>Trois</title><link>https://www.maghress.com/fr/libe/3</link>
    <pubDate>Fri, 18 Oct 2019 22:15:00 -0500</pubDate></item>
  <item><title>Quatre</title><link>https://www.maghress.com/fr/libe/4</link>
    <pubDate>Fri, 18 Oct 2019 07:00:00 EST</pubDate></item>
  <item><title>Cinq</title><link>https://www.maghress.com/fr/libe/5</link>
    <dc:date>2019-10-17T18:20:00+01:00</dc:date></item>
  <item><title>Six</title><link>https://www.maghress.com/fr/libe/6</link>
    <pubDate>Thu, 17 Oct 2019 08:00:00 +0100</pubDate>
    <dc:date>2019-10-16T08:00:00+01:00</dc:date></item>
  <item><title>Sept</title><link>/fr/libe/7</link></item>
  <item><title>Huit</title><link>https://www.maghress.com/fr/libe/8</link>
    <pubDate>Sat, 19 Oct 2099 09:30:00 +0100</pubDate></item>
  <item><title>Sans lien</title><link>  </link>
    <atom:link rel="self" href="https://www.maghress.com/fr/rss"/></item>
</channel>
</rss>
"""


def test_rss2_keeps_times_and_offsets() -> None:
    assert feed_items(RSS2, now=CRAWL) == [
        FeedItem("https://www.maghress.com/fr/libe/1", "2019-10-19T09:30:00+01:00"),
        FeedItem("https://www.maghress.com/fr/libe/2", "2019-10-19T23:45:10+00:00"),
        FeedItem("https://www.maghress.com/fr/libe/3", "2019-10-18T22:15:00-05:00"),
        FeedItem("https://www.maghress.com/fr/libe/4", "2019-10-18T07:00:00-05:00"),
        FeedItem("https://www.maghress.com/fr/libe/5", "2019-10-17T18:20:00+01:00"),
        # pubDate first: dc:date is read only when an item has no pubDate
        FeedItem("https://www.maghress.com/fr/libe/6", "2019-10-17T08:00:00+01:00"),
        FeedItem("/fr/libe/7", None),  # relative links are the spider's to join
        FeedItem("https://www.maghress.com/fr/libe/8", None),  # in the future: no date
        # an item whose only link is the feed's own (rel="self") is no article
    ]


RDF = """<?xml version="1.0" encoding="UTF-8"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
         xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">
  <channel rdf:about="https://www.djazairess.com/fr/rss">
    <title>Djazairess</title>
    <link>https://www.djazairess.com/fr</link>
    <items><rdf:Seq>
      <rdf:li rdf:resource="https://www.djazairess.com/fr/elwatan/101"/>
      <rdf:li rdf:resource="https://www.djazairess.com/fr/lnr/102"/>
    </rdf:Seq></items>
  </channel>
  <item rdf:about="https://www.djazairess.com/fr/elwatan/101">
    <title>Premier</title>
    <link>https://www.djazairess.com/fr/elwatan/101</link>
    <dc:date>2019-10-19T09:30:00+01:00</dc:date>
  </item>
  <item rdf:about="https://www.djazairess.com/fr/lnr/102">
    <title>Second</title>
    <dc:date>2019-10-18T21:05Z</dc:date>
  </item>
  <item rdf:about="https://www.djazairess.com/fr/lnr/103">
    <title>Troisième</title>
    <link>https://www.djazairess.com/fr/lnr/103</link>
    <dc:date>2019-10-18</dc:date>
  </item>
</rdf:RDF>
""".encode()


def test_rss1_rdf_items_with_dc_date() -> None:
    assert feed_items(RDF, now=CRAWL) == [
        FeedItem("https://www.djazairess.com/fr/elwatan/101", "2019-10-19T09:30:00+01:00"),
        # no <link>: RSS 1.0 names the item by its rdf:about
        FeedItem("https://www.djazairess.com/fr/lnr/102", "2019-10-18T21:05:00+00:00"),
        FeedItem("https://www.djazairess.com/fr/lnr/103", "2019-10-18"),
    ]


ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>Masress</title>
  <link rel="self" href="https://www.masress.com/en/atom"/>
  <entry>
    <title>First</title>
    <link rel="self" href="https://www.masress.com/en/atom/entry/201"/>
    <link rel="alternate" type="text/html" href="https://www.masress.com/en/ahram/201"/>
    <published>2019-10-19T09:30:00+02:00</published>
    <updated>2019-10-20T10:00:00+02:00</updated>
  </entry>
  <entry>
    <title>Second</title>
    <link rel="edit" href="https://www.masress.com/api/entries/202"/>
    <link rel="enclosure" type="image/jpeg" href="https://images.masress.com/202.jpg"/>
    <link href="https://www.masress.com/en/dailynews/202"/>
    <updated>2019-10-18T23:10:00Z</updated>
  </entry>
  <entry>
    <title>Only links that are not the article</title>
    <link rel="self" href="https://www.masress.com/en/atom/entry/203"/>
    <link rel="replies" href="https://www.masress.com/en/ahram/203#comments"/>
    <updated>2019-10-18T08:00:00+02:00</updated>
  </entry>
  <entry>
    <title>Upper-case rel</title>
    <link rel="ALTERNATE" href="https://www.masress.com/en/ahram/204"/>
    <updated>2019-10-17T08:00:00</updated>
  </entry>
</feed>
"""


def test_atom_takes_the_alternate_link_and_the_publication_date() -> None:
    assert feed_items(ATOM, now=CRAWL) == [
        FeedItem("https://www.masress.com/en/ahram/201", "2019-10-19T09:30:00+02:00"),
        FeedItem("https://www.masress.com/en/dailynews/202", "2019-10-18T23:10:00+00:00"),
        # a time without an offset, and no site zone given: the day only
        FeedItem("https://www.masress.com/en/ahram/204", "2019-10-17"),
    ]


def test_a_time_without_offset_takes_the_site_zone() -> None:
    feed = b"""<rss><channel>
      <item><link>https://www.maghress.com/fr/libe/1</link>
        <pubDate>Sat, 19 Oct 2019 09:30:00 -0000</pubDate></item>
      <item><link>https://www.maghress.com/fr/libe/2</link>
        <dc:date xmlns:dc="http://purl.org/dc/elements/1.1/">2019-10-19T10:00:00</dc:date></item>
    </channel></rss>"""
    # RFC 822's "-0000" is a time whose zone the sender does not know
    assert [item.published for item in feed_items(feed, now=CRAWL)] == [
        "2019-10-19",
        "2019-10-19",
    ]
    assert [item.published for item in feed_items(feed, now=CRAWL, tz=CASABLANCA)] == [
        "2019-10-19T09:30:00+01:00",
        "2019-10-19T10:00:00+01:00",
    ]


def test_permalink_guids_and_the_full_alternate_rel_are_article_links() -> None:
    feed = b"""<rss><channel>
      <item><guid isPermaLink="true">https://www.maghress.com/fr/libe/1</guid></item>
      <item><guid>https://www.maghress.com/fr/libe/2</guid></item>
      <item><guid isPermaLink="false">https://www.maghress.com/fr/libe/3</guid></item>
      <item><guid isPermaLink="true">tag:maghress.com,2019:4</guid></item>
    </channel></rss>"""
    assert [item.url for item in feed_items(feed)] == [
        "https://www.maghress.com/fr/libe/1",
        "https://www.maghress.com/fr/libe/2",
    ]
    atom = b"""<feed xmlns="http://www.w3.org/2005/Atom"><entry>
      <link rel="self" href="https://www.masress.com/en/rss"/>
      <link rel="http://www.iana.org/assignments/relation/alternate"
            href="https://www.masress.com/en/ahram/201"/>
    </entry></feed>"""
    assert [item.url for item in feed_items(atom)] == ["https://www.masress.com/en/ahram/201"]


def test_feed_dates_are_in_the_window_by_the_site_day() -> None:
    """23:30 GMT on the 19th is 00:30 on the 20th in Casablanca: the article is the 20th's."""
    (item,) = feed_items(
        b"<rss><channel><item><link>https://www.maghress.com/fr/libe/9</link>"
        b"<pubDate>Sat, 19 Oct 2019 23:30:00 GMT</pubDate></item></channel></rss>",
        now=CRAWL,
    )
    assert item.published == "2019-10-19T23:30:00+00:00"
    args = parse_args(SITES["maghress"], {"since": "2019-10-20", "until": "2019-10-20"})
    assert args.in_window(item.published)
    assert not parse_args(SITES["maghress"], {"until": "2019-10-19"}).in_window(item.published)
    assert not args.in_window("2019-10-20T23:30:00-01:00")  # 01:30 on the 21st in Casablanca
    assert args.in_window("2019-10-20") and not args.in_window("2019-10-19")


def test_not_a_feed() -> None:
    with pytest.raises(BadFeed):
        feed_items(b"")
    assert feed_items(b"<html><body><p>not a feed</p></body></html>") == []


@settings(deadline=None)
@given(text=st.text(max_size=80))
def test_any_date_text_gives_an_iso_date_or_none(text: str) -> None:
    escaped = text.replace("&", "&amp;").replace("<", "&lt;")
    for tag in ("pubDate", "updated"):
        feed = f"<rss><channel><item><link>/fr/libe/1</link><{tag}>{escaped}</{tag}></item></channel></rss>"
        try:
            items = feed_items(feed.encode("utf-8", "surrogatepass"), now=CRAWL)
        except BadFeed:
            continue
        for item in items:
            if item.published is not None:
                assert date.fromisoformat(item.published[:10]) >= date(1990, 1, 1)
                datetime.fromisoformat(item.published)


# Nine levels of ten: a billion "lol"s if expanded; and a file the parser must never read.
_HOSTILE_DTD = (
    '<!ENTITY xxe SYSTEM "file:///etc/passwd"><!ENTITY lol "lol">'
    + '<!ENTITY lol2 "'
    + "&lol;" * 10
    + '">'
    + "".join(f'<!ENTITY lol{n} "' + f"&lol{n - 1};" * 10 + '">' for n in range(3, 10))
)


@pytest.mark.parametrize(
    ("feed", "expected"),
    [
        (
            f'<?xml version="1.0"?><!DOCTYPE feed [{_HOSTILE_DTD}]>'
            '<feed xmlns="http://www.w3.org/2005/Atom">'
            '<entry><link href="&xxe;"/><updated>&lol9;</updated></entry>'
            '<entry><link rel="alternate" href="https://www.masress.com/en/ahram/1&xxe;"/>'
            "<published>&xxe;</published></entry></feed>",
            [FeedItem("https://www.masress.com/en/ahram/1", None)],
        ),
        (
            f'<?xml version="1.0"?><!DOCTYPE r [{_HOSTILE_DTD}]>'
            '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"'
            ' xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">'
            '<item rdf:about="&xxe;"><dc:date>&lol9;</dc:date></item>'
            "<item><link>https://www.djazairess.com/fr/lnr/1</link><dc:date>&xxe;</dc:date></item>"
            "</rdf:RDF>",
            [FeedItem("https://www.djazairess.com/fr/lnr/1", None)],
        ),
    ],
    ids=["atom", "rdf"],
)
def test_hostile_atom_and_rdf_are_not_expanded(feed: str, expected: list[FeedItem]) -> None:
    assert feed_items(feed.encode()) == expected
