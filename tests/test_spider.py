"""The spider's callbacks in-process: fixture pages in, requests, records and stats out.

Pages come from the fixture site rendered without HTTP (``tests/inprocess.py``);
the expectations come from the fixture's content, written by hand.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest
from scrapy import Request
from scrapy.exceptions import DownloadTimeoutError, IgnoreRequest
from scrapy.http import HtmlResponse, Response, XmlResponse
from scrapy.spidermiddlewares.httperror import HttpError

from newsspider.checks import unknown_source
from newsspider.demo_site import SPECIAL
from newsspider.exceptions import (
    BodyTooLarge,
    Offsite,
    RedirectLoop,
    RobotsDisallowed,
    TooManyRedirects,
    UndecodableBody,
)
from newsspider.items import Article, Headlines
from newsspider.library import extract_records
from newsspider.sites import SITES
from newsspider.spiders.maghress import ARTICLE_PRIORITY
from tests.inprocess import (
    BASE,
    SITE,
    Crawl,
    crawl,
    failure_of,
    response_to,
    spider_for,
    start_requests,
    stats,
)

SEED = f"{BASE}/fr/libe/32145"
# The five newest Libération articles: the teasers of its listing's first page.
LIBE_FIRST_PAGE = ["32509", "32475", "32462", "32410", "32388"]


def requests(results: list[Any], callback: str = "parse_article") -> list[Request]:
    return [r for r in results if isinstance(r, Request) and r.callback.__name__ == callback]


def paths(results: list[Any], callback: str = "parse_article") -> list[str]:
    return [r.url.removeprefix(BASE) for r in requests(results, callback)]


def items(results: list[Any]) -> list[Any]:
    return [r for r in results if not isinstance(r, Request)]


# start


def test_start_asks_for_each_sections_home_and_feed() -> None:
    spider = spider_for()
    found = [(r.url.removeprefix(BASE), r.callback.__name__) for r in start_requests(spider)]
    assert sorted(found) == [
        ("/", "parse_home"),
        ("/fr", "parse_home"),
        ("/fr/rss", "parse_feed"),
        ("/rss", "parse_feed"),
    ]
    assert all(r.errback == spider.on_error for r in start_requests(spider))


def test_start_with_urls_asks_for_those_articles_only_on_the_crawls_host() -> None:
    spider = spider_for(
        urls="https://www.maghress.com/fr/libe/32145,https://www.maghress.com/hespress/1"
    )
    found = [(r.url, r.callback.__name__) for r in start_requests(spider)]
    assert found == [(SEED, "parse_article"), (f"{BASE}/hespress/1", "parse_article")]


# parse_home


def test_home_gives_the_strip_its_articles_and_every_newspaper_of_the_section() -> None:
    spider = spider_for()
    results = list(spider.parse_home(response_to(f"{BASE}/fr")))
    strip = items(results)
    assert [type(item) for item in strip] == [Headlines]
    assert strip[0].lang == "fr" and strip[0].page_url == f"{BASE}/fr"
    assert [(h["title"], h["url"]) for h in strip[0].headlines] == [
        (title, f"{BASE}{path}") for title, path in SITE.ticker("fr") if title
    ]
    listings = requests(results, "parse_listing")
    french = [s.slug for s in SITE.sources if s.lang == "fr"]
    assert [r.url for r in listings] == [f"{BASE}/fr/{slug}" for slug in french]
    assert {r.cb_kwargs["number"] for r in listings} == {1}
    articles = paths(results)
    assert len(articles) == len(set(articles)), "each article requested once"
    assert {path for title, path in SITE.ticker("fr") if title} <= set(articles)
    french_paths = {a.path for a in SITE.articles if a.lang == "fr"}
    assert set(articles) <= french_paths
    assert {r.priority for r in requests(results)} == {ARTICLE_PRIORITY}
    assert stats(spider) == {
        "strip/pages/fr": 1,
        "listing_pages": 1,
        "listing/sources_in_menu": len(french),
        "article_links": len(articles),
    }


def test_home_follows_only_the_wanted_newspapers(caplog: pytest.LogCaptureFixture) -> None:
    spider = spider_for(lang="fr", sources="libe,nowhere")
    with caplog.at_level(logging.WARNING):
        results = list(spider.parse_home(response_to(f"{BASE}/fr")))
    assert paths(results, "parse_listing") == ["/fr/libe"]
    assert paths(results) and all(path.startswith("/fr/libe/") for path in paths(results))
    assert "source 'nowhere' is not in the fr menu" in caplog.text


def raw_stats(spider: Any) -> dict[str, Any]:
    return dict(spider.crawler.stats.get_stats())


def test_the_menus_read_tell_which_requested_sources_exist() -> None:
    """What the unknown_source check reads: hespress is in the Arabic menu only."""
    spider = spider_for(sources="libe,hespress,nosuchpaper")
    start_requests(spider)
    list(spider.parse_home(response_to(f"{BASE}/fr")))
    assert unknown_source(raw_stats(spider)) is None, "the Arabic menu is not read yet"
    list(spider.parse_home(response_to(f"{BASE}/")))
    assert stats(spider)["sources/requested"] == ["hespress", "libe", "nosuchpaper"]
    assert stats(spider)["sources/sections"] == ["ar", "fr"]
    assert stats(spider)["sources/menus_read"] == ["ar", "fr"]
    assert stats(spider)["sources/listed"] == ["hespress", "libe"]
    assert unknown_source(raw_stats(spider)) == (
        "sources=nosuchpaper: not in the newspapers menus of sections ar, fr"
    )


def test_an_arabic_source_in_the_french_section_is_unknown() -> None:
    spider = spider_for(lang="fr", sources="hespress")
    start_requests(spider)
    list(spider.parse_home(response_to(f"{BASE}/fr")))
    assert unknown_source(raw_stats(spider)) == (
        "sources=hespress: not in the newspapers menu of section fr"
    )


def test_a_run_of_urls_reads_no_menu_and_is_not_judged() -> None:
    spider = spider_for(sources="nosuchpaper", urls=SEED)
    start_requests(spider)
    list(spider.parse_article(response_to(SEED)))
    assert not [key for key in stats(spider) if key.startswith("sources/")]
    assert unknown_source(raw_stats(spider)) is None


# parse_feed


def test_feed_asks_for_its_articles_on_the_crawls_host() -> None:
    spider = spider_for()
    response = response_to(f"{BASE}/fr/rss")
    assert isinstance(response, XmlResponse)
    results = list(spider.parse_feed(response))
    # The fixture's feed names the live host; the crawl fetches its own mirror.
    assert b"https://www.maghress.com/fr/libe/32509" in response.body
    assert "/fr/libe/32509" in paths(results)
    assert set(paths(results)) <= {a.path for a in SITE.articles if a.lang == "fr"}
    # The home page links the same newest articles: none is asked for twice.
    again = paths(list(spider.parse_home(response_to(f"{BASE}/fr"))))
    assert not set(again) & set(paths(results))


def test_feed_links_to_other_hosts_are_never_followed() -> None:
    feed = (
        b'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
        b"<item><link>http://127.0.0.1:9999/fr/libe/32145</link></item>"
        b"<item><link>http://10.1.2.3/fr/libe/32146</link></item>"
        b"<item><link>https://maghress.com/fr/libe/32147</link></item>"
        b"<item><link>/fr/libe/32148</link></item>"
        b"</channel></rss>"
    )
    spider = spider_for()
    results = list(spider.parse_feed(XmlResponse(f"{BASE}/fr/rss", body=feed)))
    assert paths(results) == ["/fr/libe/32147", "/fr/libe/32148"]


def test_a_broken_feed_is_dropped_with_its_reason() -> None:
    spider = spider_for()
    assert list(spider.parse_feed(XmlResponse(f"{BASE}/fr/rss", body=b"not xml"))) == []
    # A feed that gives nothing where articles were expected is a page lost.
    # A feed lists the newest articles: lost, it makes the run unclean like a listing.
    assert stats(spider) == {
        "dropped/bad_feed": 1,
        "failed_requests": 1,
        "failed_listing_pages": 1,
    }


# parse_listing


def test_listing_asks_for_its_articles_then_its_next_page() -> None:
    spider = spider_for(lang="fr")
    results = list(spider.parse_listing(response_to(f"{BASE}/fr/libe"), 1))
    assert {f"/fr/libe/{n}" for n in LIBE_FIRST_PAGE} <= set(paths(results))
    [next_page] = requests(results, "parse_listing")
    assert next_page.url == f"{BASE}/fr/libe?page=2"
    assert next_page.cb_kwargs == {"number": 2}
    assert not [key for key in stats(spider) if key.startswith("listing/")]


def test_the_last_page_of_a_listing_ends_it_without_a_stat() -> None:
    spider = spider_for(lang="fr")
    results = list(spider.parse_listing(response_to(f"{BASE}/fr/libe?page=3"), 3))
    assert requests(results, "parse_listing") == []
    assert not [key for key in stats(spider) if key.startswith("listing/")]


def test_max_pages_stops_a_listing() -> None:
    spider = spider_for(lang="fr", max_pages="1")
    results = list(spider.parse_listing(response_to(f"{BASE}/fr/libe"), 1))
    assert requests(results, "parse_listing") == []
    assert stats(spider)["listing/stopped_at_max_pages"] == 1


def test_since_stops_a_listing_whose_newest_teaser_is_older() -> None:
    spider = spider_for(lang="fr", since="2019-11-14")  # after every article of the site
    results = list(spider.parse_listing(response_to(f"{BASE}/fr/libe"), 1))
    assert requests(results, "parse_listing") == []
    assert not {f"/fr/libe/{n}" for n in LIBE_FIRST_PAGE} & set(paths(results))
    assert stats(spider)["listing/stopped_at_since"] == 1
    assert stats(spider)["skipped/out_of_window"] == len(LIBE_FIRST_PAGE)


def test_a_page_of_articles_earlier_runs_wrote_stops_a_listing(tmp_path: Path) -> None:
    spider = spider_for(
        {"NEWSSPIDER_STATE_ENABLED": True, "NEWSSPIDER_STATE_DIR": str(tmp_path)}, lang="fr"
    )
    start_requests(spider)  # opens the state
    assert spider.state is not None
    spider.state.mark_written([(f"maghress:fr:libe:{n}", None) for n in LIBE_FIRST_PAGE])
    results = list(spider.parse_listing(response_to(f"{BASE}/fr/libe"), 1))
    assert requests(results, "parse_listing") == []
    assert not {f"/fr/libe/{n}" for n in LIBE_FIRST_PAGE} & set(paths(results))
    assert stats(spider)["listing/stopped_at_known"] == 1
    assert stats(spider)["state/skipped_known"] == len(LIBE_FIRST_PAGE)
    # full=true: the same state, but every article is fetched and the walk goes on.
    full = spider_for(
        {"NEWSSPIDER_STATE_ENABLED": True, "NEWSSPIDER_STATE_DIR": str(tmp_path)},
        lang="fr",
        full="true",
    )
    start_requests(full)
    results = list(full.parse_listing(response_to(f"{BASE}/fr/libe"), 1))
    assert {f"/fr/libe/{n}" for n in LIBE_FIRST_PAGE} <= set(paths(results))
    assert len(requests(results, "parse_listing")) == 1
    for store in (spider.state, full.state):
        assert store is not None
        store.close()


# parse_article


def test_article_page_gives_its_strip_and_its_record() -> None:
    spider = spider_for()
    strip, article = list(spider.parse_article(response_to(SEED)))
    assert isinstance(strip, Headlines) and strip.lang == "fr"
    assert isinstance(article, Article)
    assert (article.id, article.url, article.lang) == ("maghress:fr:libe:32145", SEED, "fr")
    assert article.title == "La Twittoma, ou comment les réseaux sociaux servent la bonne cause"
    assert (article.source_id, article.source_name) == ("libe", "Libération")
    assert article.published == "2019-10-19"
    assert article.source_url == (
        "https://www.libe.ma/"
        "La-Twittoma-ou-comment-les-reseaux-sociaux-servent-la-bonne-cause_a112233.html"
    )
    assert article.body.startswith("Des fois, il suffit d'un geste pour en inspirer d'autres.")
    assert stats(spider) == {"article_pages": 1, "layout/span": 1, "strip/pages/fr": 1}


def test_the_strip_is_yielded_once_per_change() -> None:
    """Every page carries its section's strip: a run writes it once per change."""
    spider = spider_for()
    seed = response_to(SEED)
    first_title = next(title for title, _path in SITE.ticker("fr") if title)
    changed = seed.replace(body=seed.body.replace(first_title.encode(), b"Un autre titre", 1))
    kinds = []
    for response in (seed, response_to(f"{BASE}/fr/libe/32190"), changed, seed, seed):
        kinds.append([type(item).__name__ for item in spider.parse_article(response)])
    assert kinds == [
        ["Headlines", "Article"],
        ["Article"],  # the same strip on another page of the section
        ["Headlines", "Article"],  # it changed
        ["Headlines", "Article"],  # it changed back: a change again
        ["Article"],
    ]
    # Another section's strip is its own.
    arabic = items(list(spider.parse_home(response_to(f"{BASE}/"))))
    assert [(type(item), item.lang) for item in arabic] == [(Headlines, "ar")]


def test_an_article_outside_the_window_is_counted_not_written() -> None:
    spider = spider_for(until="2019-10-18")  # the seed article is of 2019-10-19
    assert [type(item) for item in spider.parse_article(response_to(SEED))] == [Headlines]
    assert stats(spider)["skipped/out_of_window"] == 1


def test_a_page_that_is_not_html_is_dropped_unparsed() -> None:
    spider = spider_for()
    pdf = Response(SEED, headers={"Content-Type": "application/pdf"}, body=b"%PDF-1.4")
    assert list(spider.parse_article(pdf)) == []
    assert stats(spider) == {
        "dropped/not_html": 1,
        "failed_requests": 1,
        "lost_article_pages": 1,
    }


EMPTY = b""
JSON = b'{"ok": true}'


# (callback, Content-Type, body, the stats it leaves): a page answered 200 that gives
# nothing is lost like a failed request; a lost home or listing page hides articles.
LOST_PAGES = [
    (
        "parse_home",
        "text/html; charset=utf-8",
        EMPTY,
        {"dropped/unparsable": 1, "failed_requests": 1, "failed_listing_pages": 1},
    ),
    (
        "parse_listing",
        "text/html; charset=utf-8",
        b"   \n\t ",
        {"dropped/unparsable": 1, "failed_requests": 1, "failed_listing_pages": 1},
    ),
    (
        "parse_listing",
        "application/json",
        JSON,
        {"dropped/not_html": 1, "failed_requests": 1, "failed_listing_pages": 1},
    ),
    (
        "parse_article",
        "text/html; charset=utf-8",
        EMPTY,
        {
            "dropped/unparsable": 1,
            "failed_requests": 1,
            "lost_article_pages": 1,
            "article_pages": 1,
        },
    ),
    (
        "parse_article",
        "image/png",
        b"\x89PNG",
        {"dropped/not_html": 1, "failed_requests": 1, "lost_article_pages": 1},
    ),
]


@pytest.mark.parametrize(("callback", "content_type", "body", "expected"), LOST_PAGES)
def test_a_page_that_gives_nothing_is_lost(
    callback: str, content_type: str, body: bytes, expected: dict[str, int]
) -> None:
    spider = spider_for(lang="fr")
    url = f"{BASE}/fr/libe" if callback != "parse_article" else SEED
    # The class Scrapy's downloader picks from the Content-Type.
    kind = HtmlResponse if "html" in content_type else Response
    lost = kind(url, headers={"Content-Type": content_type}, body=body, request=Request(url))
    kwargs = {"number": 1} if callback == "parse_listing" else {}
    assert list(getattr(spider, callback)(lost, **kwargs)) == []
    assert stats(spider) == expected


def test_an_article_url_without_an_article_is_dropped_with_its_reason() -> None:
    spider = spider_for()
    home = response_to(SEED, "/fr")  # the home page served at an article URL
    assert [type(item) for item in spider.parse_article(home)] == [Headlines]
    assert stats(spider)["dropped/no_article"] == 1


def test_a_page_whose_charset_lies_is_repaired_and_counted() -> None:
    source, number = SPECIAL["ar_windows1256"]
    article = next(a for a in SITE.articles if (a.source, a.id) == (source, number))
    page = response_to(f"{BASE}{article.path}")
    assert b"windows-1256" in page.body
    # windows-1256 bytes that claim to be UTF-8, in the header and in the page.
    lying = HtmlResponse(
        page.url,
        headers={"Content-Type": "text/html; charset=utf-8"},
        body=page.body.replace(b"windows-1256", b"utf-8"),
    )
    records = [item for item in spider_for().parse_article(lying) if isinstance(item, Article)]
    assert records[0].title == " ".join(article.title.split())
    spider = spider_for()
    list(spider.parse_article(lying))
    assert stats(spider)["charset/repaired"] == 1


def test_a_stray_byte_is_repaired_where_it_stands_and_counted() -> None:
    """A windows-1252 quote pasted into a UTF-8 page costs its own byte, not the page."""
    seed = response_to(SEED)
    dirty = seed.replace(body=seed.body.replace(b"<title>", b"<title>\x93", 1))
    spider = spider_for()
    article = next(item for item in spider.parse_article(dirty) if isinstance(item, Article))
    assert article.source_name == "Libération"
    assert stats(spider)["charset/repaired_bytes"] == 1
    assert "charset/repaired" not in stats(spider)  # one byte of a page: the charset was right


def test_pages_without_a_headline_strip_are_counted() -> None:
    """A strip whose markup changed must show in the stats the no_headlines check reads."""
    spider = spider_for()
    seed = response_to(SEED)
    no_strip = seed.replace(body=seed.body.replace(b"<marquee", b"<div", 1))
    list(spider.parse_article(seed))
    assert [type(item) for item in spider.parse_article(no_strip)] == [Article]
    home = response_to(f"{BASE}/fr")
    list(spider.parse_home(home.replace(body=home.body.replace(b"<marquee", b"<div", 1))))
    assert (stats(spider)["strip/pages/fr"], stats(spider)["strip/missing/fr"]) == (3, 2)


def test_the_crawl_writes_what_newsspider_extract_prints() -> None:
    """One path: the records a crawl writes are those ``newsspider extract`` prints."""
    run = crawl(lang="ar")
    strips = {item.id: item for item in run.items if isinstance(item, Headlines)}
    articles = [item for item in run.items if isinstance(item, Article)]
    assert len(articles) == len([a for a in SITE.articles if a.lang == "ar"])
    for article in articles:
        page = SITE.render(article.url.removeprefix(BASE))
        printed, reason = extract_records(page.body, article.url, SITES["maghress"])
        assert reason is None
        strip, written = printed
        written.crawled_at = strip.crawled_at = article.crawled_at
        assert written == article
        strip.crawled_at, strip.page_url = strips[strip.id].crawled_at, strips[strip.id].page_url
        assert strip == strips[strip.id]


# whole crawls


def written_ids(run: Crawl) -> set[str]:
    return {item.id for item in run.items if isinstance(item, Article)}


def expected_ids(lang: str | None = None, sources: set[str] | None = None) -> set[str]:
    return {
        f"maghress:{a.lang}:{a.source}:{a.id}"
        for a in SITE.articles
        if (lang is None or a.lang == lang) and (sources is None or a.source in sources)
    }


def test_filters_by_lang_and_sources() -> None:
    assert written_ids(crawl(lang="fr", sources="libe")) == expected_ids("fr", {"libe"})


def test_since_until_window() -> None:
    dated = sorted(a.published for a in SITE.articles if a.published)
    since, until = dated[len(dated) // 3], dated[2 * len(dated) // 3]
    run = crawl(since=since, until=until)
    published = [item.published for item in run.items if isinstance(item, Article)]
    assert published, "the window holds articles"
    assert all(p is None or since <= p[:10] <= until for p in published)
    in_window = {
        f"maghress:{a.lang}:{a.source}:{a.id}"
        for a in SITE.articles
        if a.published is None or since <= a.published <= until
    }
    assert written_ids(run) == in_window


def test_max_pages_bounds_each_listing() -> None:
    run = crawl(lang="fr", max_pages="1")
    assert run.stats["listing/stopped_at_max_pages"] >= 1
    assert not [path for path in run.paths if "page=" in path], "no listing went past page 1"


# on_error

# A lost article page also makes the run unclean: the next run walks to it again.
FAILED = ("failed_requests", "lost_article_pages")
LISTING_FAILED = ("failed_requests", "failed_listing_pages")
BOMB = "Ignored response because its body exceeded DOWNLOAD_MAXSIZE during decompression"
# (callback, error, reason, the stats it counts besides dropped/<reason>)
ERRORS = [
    ("parse_article", HttpError(Response(SEED, status=500)), "http_500", FAILED),
    # An article the site removed is gone, not a failure; a listing that vanished is one.
    ("parse_article", HttpError(Response(SEED, status=404)), "http_404", ("gone",)),
    ("parse_article", HttpError(Response(SEED, status=410)), "http_410", ("gone",)),
    ("parse_listing", HttpError(Response(SEED, status=404)), "http_404", LISTING_FAILED),
    ("parse_article", HttpError(Response(SEED, status=403)), "http_403", FAILED),
    ("parse_listing", HttpError(Response(SEED, status=503)), "http_503", LISTING_FAILED),
    (
        "parse_home",
        DownloadTimeoutError("2 s"),
        "download_error/DownloadTimeoutError",
        LISTING_FAILED,
    ),
    ("parse_article", TooManyRedirects("max redirections reached"), "too_many_redirects", FAILED),
    ("parse_article", RedirectLoop("loop"), "too_many_redirects", FAILED),
    ("parse_article", RobotsDisallowed("Forbidden by robots.txt"), "robots_disallowed", ()),
    # Sent to another server: no failure of the site, but what it held went unseen.
    ("parse_listing", Offsite("Filtered offsite request"), "offsite", ("failed_listing_pages",)),
    ("parse_article", Offsite("Filtered offsite request"), "offsite", ("lost_article_pages",)),
    # A body refused or undecodable: the page is lost, not a choice of ours.
    ("parse_listing", BodyTooLarge(BOMB), "body_too_large", LISTING_FAILED),
    ("parse_article", UndecodableBody("not gzip as announced"), "undecodable_body", FAILED),
    # Some other component's ignore: not known to be a choice, so a page lost.
    ("parse_listing", IgnoreRequest(BOMB), "ignored", LISTING_FAILED),
]


@pytest.mark.parametrize(("callback", "error", "reason", "counts"), ERRORS)
def test_on_error_counts_why(
    callback: str, error: Exception, reason: str, counts: tuple[str, ...]
) -> None:
    spider = spider_for()
    request = Request(SEED, callback=getattr(spider, callback), errback=spider.on_error)
    spider.on_error(failure_of(request, error))
    assert stats(spider) == {f"dropped/{reason}": 1, **dict.fromkeys(counts, 1)}


def test_a_listing_that_shows_nothing_of_the_site_is_a_lost_listing() -> None:
    """A maintenance page served with 200: no teaser, no menu, no strip."""
    spider = spider_for(sources="libe")
    maintenance = HtmlResponse(
        f"{BASE}/fr/libe",
        body=b"<html><head><title>Maintenance</title></head><body><p>Back soon</p></body></html>",
        headers={"Content-Type": "text/html; charset=utf-8"},
    )
    assert list(spider.parse_listing(maintenance, number=1)) == []
    home = maintenance.replace(url=f"{BASE}/fr")
    assert list(spider.parse_home(home)) == []
    assert stats(spider) == {
        "dropped/empty_listing": 2,
        "failed_requests": 2,
        "failed_listing_pages": 2,
    }
    # A broken home page read no menu: the unknown_source check does not judge it.
    assert "newsspider/sources/menus_read" not in spider.crawler.stats.get_stats()
