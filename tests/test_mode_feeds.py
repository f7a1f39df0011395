"""``-a mode=feeds``: the family spider polls the RSS feeds, conditionally.

In-process where the case is the spider's or a store's; one real crawl sequence for
what only a process shows (requests on the wire, 304s, exit statuses).
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from dataclasses import asdict
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from scrapy import Request
from scrapy.http import HtmlResponse, Response, XmlResponse
from scrapy.spidermiddlewares.httperror import HttpError

from newsspider import exitcodes
from newsspider.checks import evaluate, thresholds
from newsspider.demo_site import DemoSite
from newsspider.extract.feed import refined_published
from newsspider.items import Article
from newsspider.state import StateStore
from newsspider.state.base import Validators
from tests.conftest import run_crawl
from tests.inprocess import BASE, SITE, crawl, failure_of, response_to, spider_for, start_requests
from tests.inprocess import stats as spider_stats

CASABLANCA = ZoneInfo("Africa/Casablanca")  # +01:00 all through the fixture's 2019
FR_NEWSPAPERS = {"libe", "aujourdhui", "albayane", "lopinion", "lagazette", "infomagazine"}


def state_settings(tmp_path: Path) -> dict[str, object]:
    return {"NEWSSPIDER_STATE_ENABLED": True, "NEWSSPIDER_STATE_DIR": str(tmp_path)}


def found(requests: list[Request]) -> list[tuple[str, str]]:
    return sorted((r.url.removeprefix(BASE), r.callback.__name__) for r in requests)  # type: ignore[union-attr]


def conditions(request: Request) -> dict[str, str]:
    return {
        name: request.headers[name].decode()
        for name in ("If-None-Match", "If-Modified-Since")
        if name in request.headers
    }


def answer(request: Request) -> Response:
    """The fixture's answer to ``request``, its conditional headers included."""
    asked = {key.decode().title(): values[0].decode() for key, values in request.headers.items()}
    page = SITE.render(request.url.removeprefix(BASE), request_headers=asked)
    cls = XmlResponse if page.status == 200 else Response
    return cls(
        request.url, status=page.status, headers=page.headers, body=page.body, request=request
    )


# the pure rule


@pytest.mark.parametrize(
    ("page", "feed", "published"),
    [
        # The page shows the day only, the feed's time falls on it: the feed's time.
        ("2019-11-10", "2019-11-10T21:15:00+01:00", "2019-11-10T21:15:00+01:00"),
        # Said in GMT, it is given on the site's clock.
        ("2019-10-19", "2019-10-19T08:30:00+00:00", "2019-10-19T09:30:00+01:00"),
        # 23:30 GMT is the next day in Casablanca: another day, the page stands.
        ("2019-10-19", "2019-10-19T23:30:00+00:00", "2019-10-19"),
        # A feed that says another day (a republication) does not overrule the page.
        ("2019-11-10", "2019-11-12T08:00:00+01:00", "2019-11-10"),
        # The page already shows a time: it stands.
        ("2019-11-13T08:30:00+01:00", "2019-11-13T08:35:00+01:00", "2019-11-13T08:30:00+01:00"),
        # The feed gives no time, or no offset, or nothing: the page stands.
        ("2019-11-10", "2019-11-10", "2019-11-10"),
        ("2019-11-10", "2019-11-10T21:15:00", "2019-11-10"),
        ("2019-11-10", None, "2019-11-10"),
        (None, "2019-11-10T21:15:00+01:00", None),
    ],
)
def test_the_feeds_time_refines_only_a_page_that_shows_the_same_day(
    page: str | None, feed: str | None, published: str | None
) -> None:
    assert refined_published(page, feed, CASABLANCA) == published


# the fixture


def test_the_fixtures_feeds_answer_conditional_requests(tmp_path: Path) -> None:
    def get(server: DemoSite, path: str, **headers: str) -> tuple[int, dict[str, str], bytes]:
        request = urllib.request.Request(server.url(path), headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=10) as reply:
                return reply.status, dict(reply.headers), reply.read()
        except urllib.error.HTTPError as error:  # urllib raises on a 304
            return error.code, dict(error.headers), error.read()

    with DemoSite() as server:
        status, headers, body = get(server, "/fr/libe/rss")
        assert status == 200 and body.startswith(b"<?xml")
        etag = headers["ETag"]
        # libe's newest item: «Wed, 13 Nov 2019 09:15:00 +0100» in the feed.
        assert headers["Last-Modified"] == "Wed, 13 Nov 2019 08:15:00 GMT"
        assert get(server, "/fr/libe/rss", **{"If-None-Match": etag})[::2] == (304, b"")
        since = {"If-Modified-Since": "Wed, 13 Nov 2019 08:15:00 GMT"}
        assert get(server, "/fr/libe/rss", **since)[0] == 304
        # If-None-Match decides when sent: another tag is another version.
        assert get(server, "/fr/libe/rss", **{"If-None-Match": '"other"'}, **since)[0] == 200
        assert (
            get(server, "/fr/libe/rss", **{"If-Modified-Since": "Tue, 12 Nov 2019 08:00:00 GMT"})[0]
            == 200
        )
        assert "ETag" not in get(server, "/fr/libe/32509")[1], "only feeds carry validators"
        server.site.add_article("fr", source="libe")
        status, headers, _ = get(server, "/fr/libe/rss", **{"If-None-Match": etag})
        assert status == 200 and headers["ETag"] != etag, "a new article is a new version"
        assert ("GET", "/fr/libe/rss", 304) in server.requests


# the spider


def test_without_known_newspaper_feeds_each_sections_feed_and_menu_are_read() -> None:
    spider = spider_for(mode="feeds")
    requests = start_requests(spider)
    assert found(requests) == [
        ("/", "parse_menu"),
        ("/fr", "parse_menu"),
        ("/fr/rss", "parse_feed"),
        ("/rss", "parse_feed"),
    ]
    feeds = [r for r in requests if r.callback == spider.parse_feed]
    assert all(r.meta["handle_httpstatus_list"] == [304] and not conditions(r) for r in feeds)
    assert all(r.errback == spider.on_error for r in requests)


def test_the_menu_gives_each_newspapers_feed() -> None:
    spider = spider_for(mode="feeds", lang="fr")
    start_requests(spider)
    results = list(spider.parse_menu(response_to(f"{BASE}/fr")))
    feeds = [r for r in results if isinstance(r, Request)]
    assert found(feeds) == sorted((f"/fr/{slug}/rss", "parse_feed") for slug in FR_NEWSPAPERS)
    assert [r for r in results if not isinstance(r, Request)], "the section's strip is written"
    only = spider_for(mode="feeds", lang="fr", sources="libe")
    start_requests(only)
    assert found(
        [r for r in only.parse_menu(response_to(f"{BASE}/fr")) if isinstance(r, Request)]
    ) == [("/fr/libe/rss", "parse_feed")]


def test_known_feeds_are_asked_conditionally_after_a_clean_run(tmp_path: Path) -> None:
    store = StateStore(tmp_path / "maghress.sqlite")
    store.remember_rss(f"{BASE}/fr/rss", Validators('"fr-1"', None))
    store.remember_rss(
        f"{BASE}/fr/libe/rss", Validators('"libe-1"', "Wed, 13 Nov 2019 08:15:00 GMT")
    )
    store.remember_rss(f"{BASE}/fr/lematin/rss", Validators(None, None))
    store.remember_rss(f"{BASE}/fr/lopinion/rss", Validators(None, "Tue, 12 Nov 2019 08:00:00 GMT"))
    store.remember_rss(f"{BASE}/hespress/rss", Validators('"ar"', None))  # lang=fr: not polled
    store.remember_rss(
        "http://127.0.0.1:9000/fr/albayane/rss", Validators('"x"', None)
    )  # another mirror
    store.close()

    spider = spider_for(state_settings(tmp_path), mode="feeds", lang="fr")
    requests = start_requests(spider)
    assert found(requests) == [
        ("/fr/lematin/rss", "parse_feed"),
        ("/fr/libe/rss", "parse_feed"),
        ("/fr/lopinion/rss", "parse_feed"),
        ("/fr/rss", "parse_feed"),
    ], "newspaper feeds known: no menu to read"
    by_path = {r.url.removeprefix(BASE): conditions(r) for r in requests}
    assert by_path == {
        "/fr/rss": {"If-None-Match": '"fr-1"'},
        # The tag alone: a server that checked only the date (against the feed's
        # newest item) would answer 304 to an item added late with an older date.
        "/fr/libe/rss": {"If-None-Match": '"libe-1"'},
        "/fr/lopinion/rss": {"If-Modified-Since": "Tue, 12 Nov 2019 08:00:00 GMT"},
        "/fr/lematin/rss": {},
    }
    spider.state.close()  # type: ignore[union-attr]

    full = spider_for(state_settings(tmp_path), mode="feeds", lang="fr", full="true")
    assert not any(conditions(r) for r in start_requests(full)), "full=true: every feed whole"
    full.state.close()  # type: ignore[union-attr]

    unclean = StateStore(tmp_path / "maghress.sqlite")
    unclean.set_clean(False)  # a run lost a feed or an article: its items are met again
    unclean.close()
    after = spider_for(state_settings(tmp_path), mode="feeds", lang="fr")
    requests = start_requests(after)
    assert len(requests) == 4 and not any(conditions(r) for r in requests)
    after.state.close()  # type: ignore[union-attr]


def test_a_feed_remembers_its_validators_and_a_304_costs_nothing(tmp_path: Path) -> None:
    spider = spider_for(state_settings(tmp_path), mode="feeds", lang="fr")
    start_requests(spider)
    first = spider.feed_request(f"{BASE}/fr/libe/rss")
    assert not conditions(first)
    articles = [r for r in spider.parse_feed(answer(first)) if isinstance(r, Request)]
    assert articles and all(r.callback == spider.parse_article for r in articles)
    remembered = spider.state.rss_validators()[f"{BASE}/fr/libe/rss"]  # type: ignore[union-attr]
    assert remembered.last_modified == "Wed, 13 Nov 2019 08:15:00 GMT"
    assert remembered.etag and remembered.etag.startswith('"')
    spider.state.close()  # type: ignore[union-attr]

    again = spider_for(state_settings(tmp_path), mode="feeds", lang="fr")
    start_requests(again)
    second = again.feed_request(f"{BASE}/fr/libe/rss")
    assert conditions(second)["If-None-Match"] == remembered.etag
    reply = answer(second)
    assert reply.status == 304
    assert list(again.parse_feed(reply)) == []
    assert spider_stats(again) == {"rss/not_modified": 1}
    again.state.close()  # type: ignore[union-attr]
    run = {
        "finish_reason": "finished",
        "downloader/response_count": 3,
        "robotstxt/response_count": 1,
        "scheduler/dequeued": 2,
        "newsspider/rss/not_modified": 2,
    }
    status, reason, _ = evaluate(run, thresholds(again.crawler.settings))
    assert (status, reason) == (exitcodes.OK, "ok"), "nothing new is no failure"


@pytest.mark.parametrize("subset", [{"sources": "libe"}, {"since": "2019-11-12"}])
def test_a_run_that_skips_feed_items_leaves_them_to_the_next_full_run(
    tmp_path: Path, subset: dict[str, str]
) -> None:
    """A clean run with ``sources=`` or ``since`` reads the section feed for some of its
    items: its validators would hand the next full run a 304 for the rest, and its
    newspaper feeds would stand for the whole menu."""
    part = spider_for(state_settings(tmp_path), mode="feeds", lang="fr", **subset)
    requests = start_requests(part)
    menu = [r for r in part.parse_menu(response_to(f"{BASE}/fr")) if isinstance(r, Request)]
    for feed in [r for r in requests if r.callback == part.parse_feed] + menu:
        list(part.parse_feed(answer(feed)))
    part.state.close()  # type: ignore[union-attr]

    full = spider_for(state_settings(tmp_path), mode="feeds", lang="fr")
    requests = start_requests(full)
    if "sources" in subset:
        assert ("/fr", "parse_menu") in found(requests), "the newspapers come from the menu"
    section = next(r for r in requests if r.url == f"{BASE}/fr/rss")
    reply = answer(section)
    assert reply.status == 200
    # lagazette 5309 («Mon, 11 Nov 2019 21:15:00 +0100» in /fr/rss): skipped by either subset.
    wanted = [r.url for r in full.parse_feed(reply) if isinstance(r, Request)]
    assert f"{BASE}/fr/lagazette/5309" in wanted
    full.state.close()  # type: ignore[union-attr]


def test_a_run_after_an_unclean_one_leaves_no_validator_for_a_feed_it_did_not_read(
    tmp_path: Path,
) -> None:
    """An unclean run may have lost an item of any feed; the next, with ``lang=fr``,
    reads the French feeds whole but never the Arabic one: the Arabic validators
    must not give the full run after it a 304 that hides the lost item."""
    first = spider_for(state_settings(tmp_path), mode="feeds")
    ar = next(r for r in start_requests(first) if r.url == f"{BASE}/rss")
    list(first.parse_feed(answer(ar)))
    first.state.set_clean(False)  # type: ignore[union-attr]  # it lost an article page
    first.state.close()  # type: ignore[union-attr]

    french = spider_for(state_settings(tmp_path), mode="feeds", lang="fr")
    start_requests(french)
    french.state.end_run(True)  # type: ignore[union-attr]  # it ends clean
    french.state.close()  # type: ignore[union-attr]

    full = spider_for(state_settings(tmp_path), mode="feeds")
    ar = next(r for r in start_requests(full) if r.url == f"{BASE}/rss")
    assert not conditions(ar) and answer(ar).status == 200
    full.state.close()  # type: ignore[union-attr]


def test_a_feed_that_fails_or_lists_nothing_fails_the_run(tmp_path: Path) -> None:
    spider = spider_for(state_settings(tmp_path), mode="feeds", lang="fr")
    start_requests(spider)
    empty = b'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title></channel></rss>'
    assert list(spider.parse_feed(XmlResponse(f"{BASE}/fr/rss", body=empty))) == []
    failed = spider.feed_request(f"{BASE}/fr/libe/rss")
    spider.on_error(failure_of(failed, HttpError(Response(failed.url, status=500, request=failed))))
    # A newspaper's feed the site removed is forgotten, not a failure.
    gone_url = f"{BASE}/fr/oldpaper/rss"
    spider.state.remember_rss(gone_url, Validators(None, None))  # type: ignore[union-attr]
    gone = spider.feed_request(gone_url, remembered=True)  # as the run's start asks it
    spider.on_error(failure_of(gone, HttpError(Response(gone_url, status=404, request=gone))))
    assert gone_url not in spider.state.rss_validators()  # type: ignore[union-attr]
    assert spider_stats(spider) == {
        "rss/lost": 2,
        "dropped/empty_feed": 1,
        "dropped/http_500": 1,
        "failed_requests": 2,
        "failed_listing_pages": 2,
        "rss/gone": 1,
        "dropped/http_404": 1,
    }
    spider.state.close()  # type: ignore[union-attr]
    run = {"finish_reason": "finished", "downloader/response_count": 9, "scheduler/dequeued": 9}
    run |= {f"newsspider/{key}": value for key, value in spider_stats(spider).items()}
    run |= {"newsspider/listing_pages": 6, "newsspider/article_links": 40}
    status, reason, _ = evaluate(run, thresholds(spider.crawler.settings))
    assert status == exitcodes.NO_ARTICLES
    assert reason == "2 feed(s) lost: failed, not a feed, or listing no item"


def test_a_newspaper_feed_the_site_still_names_is_lost_not_gone(tmp_path: Path) -> None:
    """Only a feed the state remembered may have gone with its newspaper.  One the menu
    lists, or one the section feed named an article of, answering 404 is a newspaper
    still on the site whose feed failed: forgotten as gone, it would never be polled
    again (the menu is read only while a section knows no newspaper feed)."""
    spider = spider_for(state_settings(tmp_path), mode="feeds", lang="fr")
    start_requests(spider)
    [menu_feed, *_] = [
        r for r in spider.parse_menu(response_to(f"{BASE}/fr")) if isinstance(r, Request)
    ]
    spider.on_error(
        failure_of(menu_feed, HttpError(Response(menu_feed.url, status=404, request=menu_feed)))
    )
    assert spider_stats(spider)["rss/lost"] == 1
    assert "rss/gone" not in spider_stats(spider)
    spider.state.close()  # type: ignore[union-attr]

    named = spider_for(mode="feeds", lang="fr")
    named.rss_menus.add("ar")  # a section whose menu is read: /fr's is not
    [found_feed, *_] = list(named.newspaper_feeds_of([f"{BASE}/fr/libe/32509"]))
    named.on_error(
        failure_of(found_feed, HttpError(Response(found_feed.url, status=410, request=found_feed)))
    )
    assert spider_stats(named)["rss/lost"] == 1
    assert "rss/gone" not in spider_stats(named)


def test_a_feed_that_lists_no_article_of_the_site_fails_the_run(tmp_path: Path) -> None:
    """A newspaper's feed whose items all point elsewhere (the newspaper's own site, a
    page of the aggregator that is no article) hides its articles like an empty feed:
    read as a feed, it wrote nothing and the run passed."""
    spider = spider_for(state_settings(tmp_path), mode="feeds", lang="fr")
    start_requests(spider)
    elsewhere = (
        b'<?xml version="1.0"?><rss version="2.0"><channel><title>Libe</title>'
        b"<item><title>a</title><link>https://www.libe.ma/politique/article-1</link>"
        b"<pubDate>Wed, 13 Nov 2019 09:15:00 +0100</pubDate></item>"
        b"<item><title>b</title><link>https://www.maghress.com/fr/libe</link></item>"
        b"</channel></rss>"
    )
    url = f"{BASE}/fr/libe/rss"
    reply = XmlResponse(url, body=elsewhere, request=spider.feed_request(url))
    assert list(spider.parse_feed(reply)) == []
    assert spider_stats(spider) == {
        "rss/lost": 1,
        "dropped/empty_feed": 1,
        "failed_requests": 1,
        "failed_listing_pages": 1,
    }
    assert url not in spider.state.rss_validators(), "the next run reads it whole"  # type: ignore[union-attr]
    spider.state.close()  # type: ignore[union-attr]


def test_a_304_to_a_request_that_named_no_version_is_a_lost_feed() -> None:
    """Only a request sent with validators can be answered «not modified»: a 304 to one
    sent without (a first run, after an unclean one, ``full=true``) is a server or a
    proxy in the way, and the feed's items were never seen."""
    spider = spider_for(mode="feeds", lang="fr")
    start_requests(spider)
    request = spider.feed_request(f"{BASE}/fr/libe/rss")
    assert not conditions(request)
    assert list(spider.parse_feed(Response(request.url, status=304, request=request))) == []
    assert spider_stats(spider) == {
        "rss/lost": 1,
        "dropped/empty_feed": 1,
        "failed_requests": 1,
        "failed_listing_pages": 1,
    }


def test_a_failed_feed_makes_a_listing_run_unclean_too() -> None:
    spider = spider_for()
    request = next(r for r in start_requests(spider) if r.url.endswith("/fr/rss"))
    spider.on_error(
        failure_of(request, HttpError(Response(request.url, status=503, request=request)))
    )
    assert spider_stats(spider) == {
        "dropped/http_503": 1,
        "failed_requests": 1,
        "failed_listing_pages": 1,
    }, (
        "the section's feed hides its newest articles like a listing page; no rss/lost outside mode=feeds"
    )


def test_the_feeds_time_goes_with_the_article_request_and_refines_the_day() -> None:
    spider = spider_for(mode="feeds", lang="fr")
    start_requests(spider)
    requests = [
        r for r in spider.parse_feed(response_to(f"{BASE}/fr/rss")) if isinstance(r, Request)
    ]
    # lagazette 5300: the older layout, «10 - 11 - 2019» on the page; 21:15 in the feed.
    request = next(r for r in requests if r.url == f"{BASE}/fr/lagazette/5300")
    assert request.meta["feed_published"] == "2019-11-10T21:15:00+01:00"
    page = response_to(request)
    assert isinstance(page, HtmlResponse)
    [article] = [item for item in spider.parse_article(page) if isinstance(item, Article)]
    assert article.published == "2019-11-10T21:15:00+01:00"
    assert spider_stats(spider)["rss/published_refined"] == 1
    # The same page reached by a listing keeps the day it shows.
    [listed] = [
        i
        for i in spider_for().parse_article(response_to(f"{BASE}/fr/lagazette/5300"))
        if isinstance(i, Article)
    ]
    assert listed.published == "2019-11-10"


@pytest.mark.parametrize(
    "stamp", ["Sun, 10 Nov 2019 21:15:00 -0000", "Sun, 10 Nov 2019 21:15:00 CET"]
)
def test_a_feed_time_in_no_stated_zone_refines_no_page(stamp: str) -> None:
    """RFC 822's «-0000» (and a zone name it does not define) says the sender's zone is
    unknown: the time may be UTC or any clock.  The page shows the day only; written
    as «21:15+01:00» the record would claim a time nobody stated."""
    spider = spider_for(mode="feeds", lang="fr")
    start_requests(spider)
    body = (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>fr</title>'
        f"<item><link>https://www.maghress.com/fr/lagazette/5300</link><pubDate>{stamp}</pubDate>"
        "</item></channel></rss>"
    ).encode()
    [request] = [
        r
        for r in spider.parse_feed(XmlResponse(f"{BASE}/fr/rss", body=body))
        if isinstance(r, Request)
    ]
    page = response_to(request)
    assert isinstance(page, HtmlResponse)
    [article] = [item for item in spider.parse_article(page) if isinstance(item, Article)]
    assert article.published == "2019-11-10", "«10 - 11 - 2019» on the page"
    assert "rss/published_refined" not in spider_stats(spider)


def test_feeds_work_with_the_redis_state(redis_url: str) -> None:
    settings = {
        "NEWSSPIDER_STATE_ENABLED": True,
        "NEWSSPIDER_REDIS_URL": redis_url,
        "NEWSSPIDER_WORKER_ID": "one",
    }
    spider = spider_for(settings, mode="feeds", lang="fr")
    start_requests(spider)
    list(spider.parse_feed(answer(spider.feed_request(f"{BASE}/fr/libe/rss"))))
    spider.state.close()  # type: ignore[union-attr]
    worker = spider_for({**settings, "NEWSSPIDER_WORKER_ID": "two"}, mode="feeds", lang="fr")
    requests = start_requests(worker)  # another worker knows the feed and its validators
    assert found(requests) == [("/fr/libe/rss", "parse_feed"), ("/fr/rss", "parse_feed")]
    libe = next(r for r in requests if r.url.endswith("/libe/rss"))
    assert answer(libe).status == 304
    store = worker.state
    store.forget_rss(f"{BASE}/fr/libe/rss")  # type: ignore[union-attr]
    assert store.rss_validators() == {}  # type: ignore[union-attr]
    store.remember_rss(f"{BASE}/fr/rss", Validators('"a"', None))  # type: ignore[union-attr]
    store.reset()  # type: ignore[union-attr]
    assert store.rss_validators() == {}, "a reset state polls every feed whole"  # type: ignore[union-attr]
    store.close()  # type: ignore[union-attr]


def test_mode_feeds_writes_the_records_a_listing_crawl_writes() -> None:
    """Every article of the fixture is in some feed (20 items a feed); each record is the
    listing crawl's but for ``published``, which the feed refines where the page shows
    only the day: there it is the feed's time, on the site's clock."""
    by_feeds = {a.id: a for a in crawl(mode="feeds").items if isinstance(a, Article)}
    by_listings = {a.id: a for a in crawl().items if isinstance(a, Article)}
    assert (
        set(by_feeds)
        == set(by_listings)
        == {f"maghress:{a.lang}:{a.source}:{a.id}" for a in SITE.articles}
    )
    refined = 0
    for article in SITE.articles:
        record_id = f"maghress:{article.lang}:{article.source}:{article.id}"
        feeds, listings = asdict(by_feeds[record_id]), asdict(by_listings[record_id])
        for record in (feeds, listings):
            del record["crawled_at"]
        shown = SITE.published_datetime(article)
        if listings["published"] is not None and len(listings["published"]) == 10:
            assert shown is not None
            assert feeds.pop("published") == shown.isoformat()
            listings.pop("published")
            refined += 1
        assert feeds == listings
    assert refined > 10, "the older layout shows the day only"


# one real crawl sequence


def test_a_rerun_polls_each_feed_once_fetches_the_new_articles_and_a_lost_feed_fails(
    tmp_path: Path,
) -> None:
    with DemoSite() as server:
        base = ("-a", f"base_url={server.base_url}", "-a", "mode=feeds")
        first = run_crawl(tmp_path, *base)
        assert first.returncode == exitcodes.OK, first.stderr[-2000:]
        written = {r["id"] for r in first.records("maghress/articles-*.jsonl")}
        assert len(written) == len(server.site.articles)
        sources = {s.slug for s in server.site.sources}
        feeds = {"/rss", "/fr/rss"} | {p for _m, p, _s in server.requests if p.endswith("/rss")}
        assert len(feeds) == 2 + len(sources), "each section's feed and each newspaper's"

        added = [
            server.site.add_article("fr", source="libe"),
            server.site.add_article("fr", source="lopinion"),
            server.site.add_article("ar", source="hespress"),
        ]
        server.clear_requests()
        second = run_crawl(tmp_path, *base)
        assert second.returncode == exitcodes.OK, second.stderr[-2000:]
        asked = [(path, status) for _m, path, status in server.requests]
        articles = sorted(path for path, _s in asked if not path.endswith(("/rss", "/robots.txt")))
        assert articles == sorted(a.path for a in added)
        assert sorted(path for path, _s in asked if path.endswith("/rss")) == sorted(feeds)
        assert len(asked) == len(added) + len(feeds) + 1, "and robots.txt"
        changed = {"/rss", "/fr/rss", "/fr/libe/rss", "/fr/lopinion/rss", "/hespress/rss"}
        assert {path for path, status in asked if status == 304} == feeds - changed
        assert second.stats["newsspider/rss/not_modified"] == len(feeds - changed)
        new = [r for r in second.records("maghress/articles-*.jsonl") if r["id"] not in written]
        assert sorted(r["url"] for r in new) == sorted(server.url(a.path) for a in added)

        server.site.add_path_fault("/fr/libe/rss", "status", status=500)
        third = run_crawl(tmp_path, *base, "-s", "RETRY_TIMES=0")
    assert third.returncode == exitcodes.NO_ARTICLES, third.stderr[-2000:]
    assert third.stats["newsspider/rss/lost"] == 1
    report = json.loads(sorted((tmp_path / "data/maghress/runs").glob("*.json"))[-1].read_text())
    assert report["exit_reason"] == "1 feed(s) lost: failed, not a feed, or listing no item"
    assert report["pages"]["by_status"]["304"] == third.stats["newsspider/rss/not_modified"] > 0
