"""Test controls of the fixture site: a test mutates the live server between two crawls.

Incremental-crawl, exit-code and benchmark tests drive a real :class:`DemoSite` (HTTP on a
port-0 server, read with urllib as a crawler would) through ``server.site``: new articles,
a clock, switchable faults, and a synthetic archive of realistic weight.
"""

from __future__ import annotations

import re
import signal
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from xml.etree import ElementTree

import pytest
from parsel import Selector

from newsspider.demo_site import SECTIONS, DemoSite, FixtureArticle, FixtureSite, load_site
from newsspider.demo_site.cache import CACHE_BYTES, CACHE_PAGES
from newsspider.demo_site.content import TICKER_MAX
from newsspider.sites import SITES

GOLDEN = Path(__file__).parent / "golden"
NUMERIC_DATE = re.compile(r"\b\d{1,2} - \d{1,2} - \d{4}\b")
ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}")
MARKERS_OF_KNOWN_LAYOUTS = ("articletitle", "articlecontent", "<article", "ld+json", "og:title")


@pytest.fixture
def server() -> Iterator[DemoSite]:
    """A fresh site per test: these tests mutate it."""
    with DemoSite(load_site()) as running:
        yield running


def fetch(server: DemoSite, path: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(server.base_url + path, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def page(server: DemoSite, path: str) -> Selector:
    status, body = fetch(server, path)
    assert status == 200, (path, status)
    return Selector(text=body.decode(_charset(body)), type="html")


def _charset(body: bytes) -> str:
    return (
        "windows-1256"
        if body.startswith(b"<?xml version='1.0' encoding='windows-1256'")
        else "utf-8"
    )


def teaser_links(sel: Selector) -> list[str]:
    return sel.css("div.teasercontainer a.teasertitle::attr(href)").getall()


def strip(sel: Selector) -> list[tuple[str, str]]:
    anchors = sel.css("div#belowheader marquee#marquee span.marquee > a")
    return [("".join(a.css("::text").getall()), a.attrib["href"]) for a in anchors]


def article_paths(site: FixtureSite) -> list[str]:
    return [a.path for a in site.articles]


def prefix(lang: str) -> str:
    return "/fr" if lang == "fr" else ""


# --- new articles ------------------------------------------------------------------------------


@pytest.mark.parametrize(("lang", "layout"), [("fr", "span"), ("ar", "article")])
def test_add_article_is_served_and_listed_first(server: DemoSite, lang: str, layout: str) -> None:
    site = server.site
    source = site.sources_for(lang)[1].slug
    # Render (and cache) the pages first: the change must reach what was already served.
    before = {p: fetch(server, p) for p in (prefix(lang) or "/", f"{prefix(lang)}/{source}")}
    old_ids = [int(a.id) for a in site.articles if a.source == source]

    article = site.add_article(lang, source=source, layout=layout)

    assert isinstance(article, FixtureArticle)
    assert (article.lang, article.source, article.layout) == (lang, source, layout)
    assert int(article.id) > max(old_ids)
    assert article.published == site.clock.isoformat()
    newspaper = site.source(source)
    assert newspaper is not None and article.source_url
    assert article.source_url.startswith(newspaper.url + "/")
    assert len(article.paragraphs) in (2, 3) and article.section in SECTIONS
    assert re.match(r"(Dépêche n°|قصاصة رقم )\d+", article.title)
    # What a crawl computes for it.
    url = server.base_url + article.path
    assert SITES["maghress"].article_id(url) == f"maghress:{lang}:{source}:{article.id}"

    sel = page(server, article.path)
    title = sel.css("span.articletitle ::text" if layout == "span" else "h1.post-title ::text")
    assert " ".join(title.getall()).strip() == article.title
    for path in (
        f"{prefix(lang)}/{source}",
        prefix(lang) or "/",
        f"{prefix(lang)}/{article.section}",
    ):
        assert teaser_links(page(server, path))[0] == article.path, path
    assert fetch(server, f"{prefix(lang)}/{source}") != before[f"{prefix(lang)}/{source}"]
    other_page = next(a for a in site.articles if a.lang == lang and a.encoding == "utf-8")
    assert strip(page(server, other_page.path))[0] == (article.title, article.path)
    assert site.ticker(lang)[0] == (article.title, article.path)
    for feed in (f"{prefix(lang)}/rss", f"{prefix(lang)}/{source}/rss"):
        channel = ElementTree.fromstring(fetch(server, feed)[1]).find("channel")
        assert channel is not None
        assert channel.findall("item")[0].findtext("link") == url
    assert site.newest(lang)[0] == article
    assert site.get(article.path) == article == site.article(source, article.id)


def test_added_articles_are_numbered_spread_and_bounded_in_the_ticker(server: DemoSite) -> None:
    site = server.site
    strip_before = site.ticker("fr")
    added = [site.add_article("fr") for _ in range(14)]
    assert len({a.path for a in added}) == 14
    assert [int(re.findall(r"\d+", a.title)[0]) for a in added] == list(range(1, 15))
    # Without a source, the section's sources take turns; ids keep growing per source.
    assert {a.source for a in added} == {s.slug for s in site.sources_for("fr")}
    assert teaser_links(page(server, "/fr"))[:10] == [a.path for a in reversed(added)][:10]
    expected = [(a.title, a.path) for a in reversed(added)] + strip_before
    assert site.ticker("fr") == expected[:TICKER_MAX]
    assert len(site.ticker("fr")) == TICKER_MAX
    assert strip(page(server, "/fr/politics")) == expected[:TICKER_MAX]
    # Deterministic: another site gets the same articles from the same calls.
    other = load_site()
    assert [other.add_article("fr") for _ in range(14)] == added


def test_listing_pages_hold_every_article_once_after_additions(server: DemoSite) -> None:
    site = server.site
    for _ in range(7):
        site.add_article("fr", source="libe")
    seen, path = [], "/fr/libe"
    while path:
        sel = page(server, path)
        seen += teaser_links(sel)
        path = sel.css("div.pager a.next::attr(href)").get()
    assert seen == [a.path for a in site.newest("fr", source="libe")]
    assert len(seen) == len(set(seen)) == 12 + 7


def test_mutating_while_serving_is_safe(server: DemoSite) -> None:
    site = server.site
    failures: list[object] = []
    done = threading.Event()

    def crawl() -> None:
        paths = ["/fr", "/fr/libe", "/fr/libe?page=2", "/fr/rss", "/", "/fr/politics"]
        while not done.is_set():
            for path in paths:
                status, body = fetch(server, path)
                if status != 200 or not body.rstrip().endswith(
                    b"</html>" if "rss" not in path else b"</rss>"
                ):
                    failures.append((path, status))

    readers = [threading.Thread(target=crawl) for _ in range(3)]
    for reader in readers:
        reader.start()
    try:
        added = []
        for n in range(30):
            added.append(site.add_article("fr", layout="span" if n % 2 else "article"))
            site.set_faults(hide_dates=bool(n % 3 == 0))
        site.clear_faults()
    finally:
        done.set()
        for reader in readers:
            reader.join(timeout=30)
    assert failures == []
    assert teaser_links(page(server, "/fr"))[0] == added[-1].path


# --- clock -------------------------------------------------------------------------------------


def test_clock_defaults_to_the_newest_date_and_moves() -> None:
    site = load_site()
    newest = max(a.published for a in site.articles if a.published)
    assert site.clock == date.fromisoformat(newest) == date(2019, 11, 13)
    assert site.advance_clock() == date(2019, 11, 14) == site.clock
    first = site.add_article("fr")
    assert first.published == "2019-11-14"
    site.advance_clock(days=3)
    assert site.add_article("ar").published == "2019-11-17"
    site.set_clock(date(2020, 1, 5))
    assert site.add_article("fr").published == "2020-01-05"
    explicit = site.add_article("fr", published="2019-08-01")
    assert explicit.published == "2019-08-01" and site.clock == date(2020, 1, 5)
    # Dated in the past, it sits among its contemporaries, not on top.
    assert site.newest("fr")[0].published == "2020-01-05"
    assert explicit in site.newest("fr", source=explicit.source)
    # Same day twice: the later one comes first.
    site.set_clock(date(2020, 1, 6))
    a, b = site.add_article("fr", source="libe"), site.add_article("fr", source="lagazette")
    assert site.newest("fr")[:2] == [b, a]
    assert b.published == a.published and (site.markup[b.path].time or "") > (
        site.markup[a.path].time or ""
    )


def test_add_article_refuses_what_does_not_exist() -> None:
    site = load_site()
    with pytest.raises(ValueError):
        site.add_article("en")
    with pytest.raises(ValueError):
        site.add_article("fr", source="hespress")  # an Arabic source
    with pytest.raises(ValueError):
        site.add_article("fr", layout="video")
    with pytest.raises(ValueError):
        site.add_article("fr", published="13/11/2019")


# --- faults ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("share", "status"), [(0.3, 500), (0.5, 503), (0.1, 404)])
def test_error_share_fails_the_same_pages_on_every_attempt(
    server: DemoSite, share: float, status: int
) -> None:
    site = server.site
    fetch(server, site.articles[0].path)  # cached before the switch: must fail all the same
    site.set_faults(error_share=share, error_status=status)
    paths = article_paths(site)
    first = {path: fetch(server, path)[0] for path in paths}
    again = {path: fetch(server, path)[0] for path in paths}
    assert first == again
    assert set(first.values()) == {200, status}
    failing = [path for path, code in first.items() if code == status]
    assert abs(len(failing) / len(paths) - share) <= 0.10, len(failing)
    assert fetch(server, failing[0] + "/")[0] == status  # the same page by another URL
    # Only article pages fail: the crawl still finds them.
    for path in ("/fr", "/", "/fr/libe", "/fr/rss", "/robots.txt"):
        assert fetch(server, path)[0] == 200
    assert server.requests[-1] == ("GET", "/robots.txt", 200)
    assert sum(1 for _, _, code in server.requests if code == status) == 2 * len(failing) + 1


def test_error_share_extremes(server: DemoSite) -> None:
    site = server.site
    site.set_faults(error_share=1.0)
    assert {fetch(server, path)[0] for path in article_paths(site)} == {500}
    assert b"<title>500 Internal Server Error</title>" in fetch(server, site.articles[0].path)[1]
    site.set_faults(error_share=0.0)
    assert {fetch(server, path)[0] for path in article_paths(site)} == {200}
    with pytest.raises(ValueError):
        site.set_faults(error_share=1.5)
    with pytest.raises(ValueError):
        site.set_faults(error_status=200)


def test_unknown_strip_moves_the_headlines_out_of_the_marquee(server: DemoSite) -> None:
    site = server.site
    article = site.articles[0]
    before = fetch(server, article.path)[1].decode(_charset(fetch(server, article.path)[1]))
    site.set_faults(unknown_strip=True)
    for path in ("/", "/fr", article.path):
        status, body = fetch(server, path)
        text = body.decode(_charset(body))
        assert status == 200 and "<marquee" not in text.lower(), path
        assert '<div class="news-ticker"' in text, path
    after = fetch(server, article.path)[1].decode(_charset(fetch(server, article.path)[1]))
    title, _path = next(entry for entry in site.ticker(article.lang) if entry[0])
    assert title.split()[0] in before and title.split()[0] in after, "the headlines stay"
    site.clear_faults()
    assert "<marquee" in fetch(server, "/fr")[1].decode("utf-8")


def test_unknown_layout_leaves_nothing_an_extractor_knows(server: DemoSite) -> None:
    site = server.site
    site.set_faults(unknown_layout=True)
    for article in site.articles:
        status, body = fetch(server, article.path)
        assert status == 200
        text = body.decode(_charset(body))
        for marker in MARKERS_OF_KNOWN_LAYOUTS:
            assert marker not in text, (article.path, marker)
        # The article is still there, for a human: in markup nobody has written selectors for.
        sel = Selector(text=text, type="html")
        assert sel.css("div.headline-x::text").get() == article.title
        assert sel.css("div.txt p::text").getall() == article.paragraphs
    # Listings are untouched, so a crawl still reaches the article pages.
    assert teaser_links(page(server, "/fr/libe"))


def test_hide_dates_shows_no_date_anywhere(server: DemoSite) -> None:
    site = server.site
    new = site.add_article("fr", layout="article")
    site.set_faults(hide_dates=True)
    listings = ["/fr", "/", "/fr/libe", "/fr/libe?page=2", "/hespress", "/fr/politics", "/health"]
    for path in article_paths(site) + listings:
        status, body = fetch(server, path)
        assert status == 200
        text = body.decode(_charset(body))
        assert not NUMERIC_DATE.search(text), path
        assert not ISO_DATE.search(text), path
        for marker in ("<time", 'class="teaserdate"', "published_time", "datePublished"):
            assert marker not in text, (path, marker)
        article = site.get(path)
        if article is not None:
            sel = Selector(text=text, type="html")
            line = sel.css("span.articlenewspaper ::text, div.post-meta ::text").getall()
            newspaper = site.source(article.source)
            assert newspaper is not None
            published_in = site.locale[article.lang]["published"]
            assert " ".join("".join(line).split()) == f"{published_in} {newspaper.name}", path
    for feed in ("/fr/rss", "/rss", "/fr/libe/rss"):
        body = fetch(server, feed)[1]
        assert b"<pubDate>" not in body and b"<lastBuildDate>" not in body
    assert site.get(new.path) == new and new.published  # the article keeps its date


def test_clear_faults_restores_every_page(server: DemoSite) -> None:
    site = server.site
    paths = [*article_paths(site), "/fr", "/", "/fr/libe", "/fr/rss"]
    before = {path: fetch(server, path) for path in paths}
    site.set_faults(error_share=0.4, error_status=502, unknown_layout=True, hide_dates=True)
    assert site.faults.unknown_layout and site.faults.error_status == 502
    during = {path: fetch(server, path) for path in paths}
    assert all(during[p] != before[p] for p in article_paths(site))
    site.clear_faults()
    assert {path: fetch(server, path) for path in paths} == before
    assert site.faults == type(site.faults)()


def test_clear_requests(server: DemoSite) -> None:
    fetch(server, "/fr")
    assert server.requests == [("GET", "/fr", 200)]
    server.clear_requests()
    assert server.requests == []
    fetch(server, "/fr/libe")
    assert server.requests == [("GET", "/fr/libe", 200)]


# --- synthetic size ----------------------------------------------------------------------------


def test_synthetic_site_is_heavy_and_paginates_every_article_once() -> None:
    site = load_site(synthetic=2000, page_kb=110)
    seed = load_site()
    assert len(site.articles) == len(seed.articles) + 2000
    synthetic = [a for a in site.articles if seed.get(a.path) is None]
    for lang in ("fr", "ar"):
        mine = [a for a in synthetic if a.lang == lang]
        assert len(mine) == 1000
        assert {a.source for a in mine} == {s.slug for s in site.sources_for(lang)}
        assert {a.layout for a in mine} == {"span", "article"}
        assert {a.section for a in mine} == set(SECTIONS)
    assert max(a.published or "" for a in synthetic) <= "2019-11-13"
    assert site.clock == date(2019, 11, 13)

    with DemoSite(site) as server:
        source = site.source("libe")
        assert source is not None
        seen: list[str] = []
        path: str | None = source.path
        pages = 0
        while path:
            status, body = fetch(server, path)
            assert status == 200 and 100 * 1024 <= len(body) <= 150 * 1024, (path, len(body))
            sel = Selector(text=body.decode("utf-8"), type="html")
            links = teaser_links(sel)
            assert 1 <= len(links) <= 5
            seen += links
            pages += 1
            path = sel.css("div.pager a.next[rel=next]::attr(href)").get()
        expected = [a.path for a in site.newest("fr", source="libe")]
        assert seen == expected and len(seen) == len(set(seen))
        assert {a.path for a in synthetic if a.source == "libe"} <= set(seen)
        assert pages == -(-len(expected) // 5) >= 30
        # Every kind of HTML page is heavy; the padding changes nothing a crawler reads.
        samples = [synthetic[0], synthetic[1], *(a for a in site.articles if a.encoding != "utf-8")]
        samples += [next(a for a in synthetic if a.layout == "article")]
        for path in [a.path for a in samples] + ["/", "/fr/nothing-here", "/hespress?page=30"]:
            status, body = fetch(server, path)
            assert 100 * 1024 <= len(body) <= 150 * 1024, (path, len(body))
            assert body.count(b"<script") >= 6 and b"javax.faces.ViewState" in body
    article = synthetic[0]
    sel = Selector(text=site.render(article.path).text, type="html")
    body_css = "span.articlecontent" if article.layout == "span" else "div.post-body"
    text = " ".join(" ".join(sel.css(f"{body_css} ::text").getall()).split())
    assert text == " ".join(" ".join(article.paragraphs).split())


def test_synthetic_sites_are_deterministic_and_lazy() -> None:
    big = load_site(synthetic=10_000, page_kb=120)
    assert big.cache_stats == (0, 0)  # nothing rendered up front
    small = load_site(synthetic=300)
    assert small.articles == big.articles[: len(small.articles)]
    assert len(big.newest("fr", source="lagazette")) > 800
    paths = [a.path for a in big.articles[::20]]
    for path in paths:
        assert big.render(path).status == 200
    pages, held = big.cache_stats
    assert pages <= CACHE_PAGES and held <= CACHE_BYTES
    assert held > 100 * 1024 * pages * 0.9


def test_default_site_still_renders_the_golden_seed_page() -> None:
    golden = (GOLDEN / "fr_span_seed.html").read_bytes()
    assert load_site().render("/fr/libe/32145").body == golden
    with DemoSite() as server:
        assert fetch(server, "/fr/libe/32145") == (200, golden)


def test_serve_takes_the_synthetic_options() -> None:
    code = "from newsspider.demo_site import serve; serve(port=0, synthetic=200, page_kb=100)"
    process = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        banner = process.stdout.readline()
        match = re.fullmatch(
            r"Demo site at (http://127\.0\.0\.1:\d+)/ \(Ctrl-C to stop\)\n", banner
        )
        assert match, banner
        with urllib.request.urlopen(match.group(1) + "/fr/libe?page=5", timeout=10) as response:
            body = response.read()
        assert response.status == 200 and 95 * 1024 <= len(body) <= 110 * 1024
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=10) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
