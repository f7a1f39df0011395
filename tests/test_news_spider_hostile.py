"""The ``news`` spider against sites that would make a cron run say OK over a loss:
sitemap indexes that lead nowhere, tracking parameters on links.  Real crawls of a
loopback server (``originals``, from the follow_source tests)."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsspider import exitcodes
from newsspider.params import ArgumentError
from newsspider.spiders.news import news_id, parse_news_args
from tests.conftest import run_crawl
from tests.test_follow_source_hostile import originals

XML = {"Content-Type": "application/xml"}


def index_of(*locs: str) -> str:
    entries = "".join(f"<sitemap><loc>{loc}</loc></sitemap>" for loc in locs)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{entries}'
        "</sitemapindex>"
    )


def test_a_sitemap_index_that_leads_back_to_itself_is_no_ok_run(tmp_path: Path) -> None:
    """An index listing itself, and one listing a second that lists the first: no
    sitemap of articles is ever reached.  The duplicate filter ended the loop without
    a word and the run exited 0 with no record, every night; so did a robots.txt
    with no ``Sitemap:`` line."""
    pages = {
        "/sitemap_index.xml": (200, XML, index_of("http://127.0.0.1:{port}/sitemap_index.xml")),
        "/a.xml": (200, XML, index_of("/b.xml")),
        "/b.xml": (200, XML, index_of("/a.xml")),
        "/robots.txt": (200, {"Content-Type": "text/plain"}, "User-agent: *\nDisallow:\n"),
    }
    with originals(pages) as (base, asked):
        alone = run_crawl(
            tmp_path / "self", "-a", f"sitemap={base}/sitemap_index.xml", spider="news"
        )
        pair = run_crawl(tmp_path / "pair", "-a", f"sitemap={base}/a.xml", spider="news")
        robots = run_crawl(tmp_path / "robots", "-a", f"sitemap={base}/robots.txt", spider="news")
    for run in (alone, pair, robots):
        assert run.returncode == exitcodes.NO_ARTICLES, run.stderr[-2000:]
        assert run.records("news/articles-*.jsonl") == []
    assert asked.count("/a.xml") == asked.count("/b.xml") == 1


def test_tracking_parameters_do_not_change_the_id() -> None:
    """Feeds tag their links for the publisher's analytics (``?utm_source=rss``), the
    sitemap does not: a feed run and a sitemap run gave the same article two ids, so it
    was written twice.  The page's own parameters still tell pages apart."""
    plain = "https://harbour.example/news/a/"
    tagged = (
        f"{plain}?utm_source=rss&utm_medium=feed&utm_campaign=daily",
        f"{plain}?fbclid=IwAR0abc",
        f"{plain}?UTM_Source=newsletter&gclid=xyz",
    )
    assert {news_id(url) for url in tagged} == {news_id(plain)}
    assert news_id("https://harbour.example/read?id=5&utm_source=rss") == news_id(
        "https://harbour.example/read?id=5"
    )
    assert news_id("https://harbour.example/read?id=5") != news_id(
        "https://harbour.example/read?id=6"
    )


def test_urls_on_another_site_than_the_first_are_refused_before_the_run() -> None:
    """``site`` is the first URL's host and the run reads that site only: the other
    site's URLs the user asked for were dropped without a count, and the run exited 0
    without them.  They are a usage error, said before any request."""
    with pytest.raises(ArgumentError, match="urls: every URL must be on one site"):
        parse_news_args({"urls": "https://harbour.example/news/a/,https://other.example/b/"})
    # The same site under another scheme or with www. is one site.
    args = parse_news_args(
        {"urls": "https://harbour.example/news/a/,http://www.harbour.example/news/b/"}
    )
    assert len(args.urls) == 2


def urlset_of(*locs: str) -> str:
    entries = "".join(f"<url><loc>{loc}</loc></url>" for loc in locs)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{entries}</urlset>'
    )


def test_a_plain_sitemap_whose_pages_all_hold_no_article_is_no_ok_run(tmp_path: Path) -> None:
    """A site whose pages the extractor cannot read as articles looks, page by page,
    like a site of about pages: with no article found and none known before, the run
    exited 0 with no record.  It is a site read wrong: exit 4."""
    html = {"Content-Type": "text/html; charset=utf-8"}
    short = "<html><head><title>{0}</title></head><body><p>{0}.</p></body></html>"
    pages = {
        "/sitemap.xml": (200, XML, urlset_of("/about/", "/contact/")),
        "/about/": (200, html, short.format("About the Harbour Herald")),
        "/contact/": (200, html, short.format("Write to us")),
        "/robots.txt": (200, {"Content-Type": "text/plain"}, "User-agent: *\nDisallow:\n"),
    }
    with originals(pages) as (base, asked):
        run = run_crawl(tmp_path, "-a", f"sitemap={base}/sitemap.xml", spider="news")
    assert run.returncode == exitcodes.NO_ARTICLES, run.stderr[-2000:]
    assert run.records("news/articles-*.jsonl") == []
    assert asked.count("/about/") == asked.count("/contact/") == 1
