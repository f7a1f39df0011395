"""The ``news`` spider: arguments and ids from tables, crawls of the fixture news site.

The crawls are real ``scrapy crawl news`` subprocesses against ``NewsSiteServer`` on
loopback: the cron contract (state, files, report, exit status) is the family's.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from scrapy import Request
from scrapy.http import Headers, Response, XmlResponse
from scrapy.responsetypes import responsetypes
from scrapy.utils.test import get_crawler

from newsspider import exitcodes
from newsspider.demo_site.news_site import ARTICLES, NewsSite, NewsSiteServer
from newsspider.params import ArgumentError
from newsspider.schema import file_errors
from newsspider.spiders.news import NewsSpider, news_id, parse_news_args, site_of
from tests.conftest import CrawlRun, run_crawl
from tests.inprocess import PROJECT

# What a reader sees on the fixture's three article pages (``news_site.ARTICLES``).
EXPECTED = {
    "/news/dredging-plan/": (
        "Harbour board backs dredging plan",
        "2026-11-28T10:00:00+00:00",
        ["Mary Quill"],
    ),
    "/news/ferry-timetable/": (
        "Winter ferry timetable cuts two crossings",
        "2026-11-29T08:30:00+00:00",
        ["Tom Reed"],
    ),
    "/news/lighthouse-lamp/": (
        "Old lighthouse gets an LED lamp",
        "2026-11-30T16:45:00+00:00",
        ["Mary Quill"],
    ),
}


@pytest.mark.parametrize(
    ("raw", "error"),
    [
        ({}, "exactly one of"),
        ({"sitemap": "http://a.example/s.xml", "feed": "http://a.example/f.xml"}, "exactly one"),
        ({"sitemap": "ftp://a.example/s.xml"}, "sitemap: expected an http(s) URL"),
        ({"urls": "http://a.example/a,notaurl"}, "urls: expected an http(s) URL"),
        ({"feed": "http://a.example/f.xml", "lang": "french"}, "lang: expected a language code"),
        ({"feed": "http://a.example/f.xml", "full": "maybe"}, "full: expected true or false"),
        ({"feed": "http://a.example/f.xml", "sources": "x"}, "unknown argument(s) sources"),
    ],
)
def test_bad_arguments_are_refused_with_a_message(raw: dict[str, str], error: str) -> None:
    with pytest.raises(ArgumentError, match=error.replace("(", r"\(").replace(")", r"\)")):
        parse_news_args(raw)


def test_good_arguments() -> None:
    args = parse_news_args({"urls": "http://a.example/1, https://a.example/2", "lang": "FR"})
    assert args.urls == ("http://a.example/1", "https://a.example/2")
    assert (args.lang, args.full, args.incremental) == ("fr", False, None)
    assert parse_news_args({"feed": "http://a.example/f"}).lang == "und"


def test_ids_are_the_same_whichever_scheme_host_form_or_port_served_the_page() -> None:
    ids = {
        news_id(url)
        for url in (
            "https://www.harbour.example/news/a/?p=1",
            "http://harbour.example/news/a/?p=1",
            "http://harbour.example:8080/news/a/?p=1",
        )
    }
    assert len(ids) == 1
    assert ids.pop().startswith("news:harbour.example:")
    assert news_id("https://harbour.example/news/b/") != news_id("https://harbour.example/news/a/")
    assert site_of("https://WWW.Harbour.example:443/x") == "harbour.example"


def _articles(run: CrawlRun) -> list[dict]:
    return run.records("news/articles-*.jsonl")


def _check_files(run: CrawlRun) -> None:
    for path in run.files("news/articles-*.jsonl"):
        assert list(file_errors(path)) == [], path


def test_crawl_from_sitemap_index_then_cron_reruns(tmp_path: Path) -> None:
    """Sitemap index → news sitemap + pages sitemap → articles; the page that is no
    article is counted, not written; a rerun writes only what was published since."""
    with NewsSiteServer() as server:
        start = f"sitemap={server.base_url}/sitemap_index.xml"
        first = run_crawl(tmp_path, "-a", start, spider="news")
        assert first.returncode == exitcodes.OK, first.stderr[-2000:]
        _check_files(first)
        records = _articles(first)
        got = {
            r["url"].removeprefix(server.base_url): (r["title"], r["published"], r["authors"])
            for r in records
        }
        assert got == EXPECTED
        assert {(r["site"], r["lang"], r["source_name"]) for r in records} == {
            ("127.0.0.1", "en", "The Harbour Herald")
        }
        assert all(r["body"].startswith("The harbour board met on Monday") for r in records)
        assert first.stats["newsspider/dropped/not_article"] == 1
        assert "/about/" in server.requests

        added = server.site.add_article("quay-repairs", "Quay repairs start next week")
        server.requests.clear()
        second = run_crawl(tmp_path, "-a", start, spider="news")
        assert second.returncode == exitcodes.OK, second.stderr[-2000:]
        new = [r for r in _articles(second) if r not in records]
        assert [r["title"] for r in new] == [added.title]
        # Known articles are not fetched again; only the sitemaps, robots.txt and the news.
        assert [p for p in server.requests if p.startswith("/news/")] == [added.path]

        third = run_crawl(tmp_path, "-a", start, spider="news")
        assert third.returncode == exitcodes.OK, third.stderr[-2000:]
        assert len(_articles(third)) == len(records) + 1
        report = json.loads(sorted(tmp_path.glob("data/news/runs/*.json"))[-1].read_text())
        assert report["exit_code"] == exitcodes.OK
        assert report["state"]["known_before"] == len(records) + 1


def test_crawl_from_feed_and_the_cron_status_of_a_lost_feed(tmp_path: Path) -> None:
    with NewsSiteServer() as server:
        run = run_crawl(tmp_path / "ok", "-a", f"feed={server.base_url}/feed.xml", spider="news")
        assert run.returncode == exitcodes.OK, run.stderr[-2000:]
        _check_files(run)
        assert {r["title"] for r in _articles(run)} == {title for title, _, _ in EXPECTED.values()}

        # A feed that is gone hides every article: the run says so in its exit status.
        lost = run_crawl(tmp_path / "lost", "-a", f"feed={server.base_url}/gone.xml", spider="news")
        assert lost.returncode == exitcodes.NO_ARTICLES, lost.stderr[-2000:]
        assert _articles(lost) == []


def test_a_bad_argument_is_a_usage_error_before_any_request(tmp_path: Path) -> None:
    with NewsSiteServer() as server:
        run = run_crawl(tmp_path, "-a", "sitemap=not-a-url", spider="news")
        assert run.returncode == exitcodes.USAGE
        assert "sitemap: expected an http(s) URL" in run.stderr
        assert server.requests == []


# --- callbacks, in-process -------------------------------------------------------------

BASE = "http://127.0.0.1:8000"  # never contacted: pages are rendered in-process


def news_spider(**args: str) -> NewsSpider:
    crawler = get_crawler(NewsSpider, {**PROJECT, "NEWSSPIDER_STATE_ENABLED": False})
    assert crawler.stats is not None
    crawler.stats.open_spider()
    spider = NewsSpider.from_crawler(crawler, **args)
    crawler.spider = spider
    return spider


def response_of(path: str, request: Request | None = None) -> Response:
    status, content_type, body = NewsSite().render(path, BASE) or (404, "text/plain", "")
    headers = Headers({"Content-Type": content_type})
    data = body.encode("utf-8")
    cls = responsetypes.from_args(headers=headers, url=BASE + path, body=data)
    return cls(url=BASE + path, status=status, headers=headers, body=data, request=request)


def test_robots_txt_leads_to_the_sitemap_index_and_the_index_to_its_sitemaps() -> None:
    spider = news_spider(sitemap=f"{BASE}/robots.txt")
    [index] = list(spider.parse_sitemap(response_of("/robots.txt")))
    assert index.url == f"{BASE}/sitemap_index.xml"
    sitemaps = [r.url for r in spider.parse_sitemap(response_of("/sitemap_index.xml"))]
    assert sitemaps == [f"{BASE}/sitemap-news.xml", f"{BASE}/sitemap-pages.xml"]


def test_news_sitemap_entries_are_articles_and_plain_sitemap_entries_may_not_be() -> None:
    spider = news_spider(sitemap=f"{BASE}/sitemap_index.xml")
    news = list(spider.parse_sitemap(response_of("/sitemap-news.xml")))
    pages = list(spider.parse_sitemap(response_of("/sitemap-pages.xml")))
    assert [r.url.removeprefix(BASE) for r in news] == [item.path for item in ARTICLES]
    assert {r.cb_kwargs["listed_as_article"] for r in news} == {True}
    assert [(r.url, r.cb_kwargs["listed_as_article"]) for r in pages] == [(f"{BASE}/about/", False)]
    # The about page is dropped either way; it counts as an article page only when a
    # feed or news sitemap claimed it was one.
    for listed, article_pages in ((False, None), (True, 1)):
        spider = news_spider(sitemap=f"{BASE}/sitemap_index.xml")
        assert list(spider.parse_article(response_of("/about/"), listed)) == []
        got = spider.crawler.stats.get_stats()
        assert got.get("newsspider/article_pages") == article_pages
        assert got["newsspider/dropped/not_article"] == 1


def test_a_broken_sitemap_is_a_lost_listing() -> None:
    spider = news_spider(sitemap=f"{BASE}/sitemap.xml")
    broken = XmlResponse(url=f"{BASE}/sitemap.xml", body=b"<html><body>oops</body></html>")
    assert list(spider.parse_sitemap(broken)) == []
    got = spider.crawler.stats.get_stats()
    assert got["newsspider/dropped/bad_sitemap"] == 1
    assert got["newsspider/failed_listing_pages"] == 1


def test_links_to_other_hosts_are_not_followed() -> None:
    spider = news_spider(urls=f"{BASE}/news/a/")
    requests = list(spider._article_requests([f"{BASE}/news/b/", "https://elsewhere.example/x"]))
    assert [r.url for r in requests] == [f"{BASE}/news/b/"]
