"""The offline Maghress mirror: served over real HTTP, it must show exactly its content.

Every end-to-end and golden test trusts this site, so these tests read its pages the way a
crawler does (HTTP on a port-0 server, lxml) and compare what they find with the
:class:`FixtureArticle` objects, and the French strip and seed article with the real seed page.
"""

from __future__ import annotations

import json
import re
import signal
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from email.message import Message
from email.utils import parsedate_to_datetime
from importlib import resources
from xml.etree import ElementTree

import pytest
from lxml import html as lxml_html
from parsel import Selector

from newsspider.demo_site import (
    SECTIONS,
    SPECIAL,
    DemoSite,
    FixtureArticle,
    Source,
    load_site,
    teaser_text,
)

SITE = load_site()
NBSP4 = "\xa0" * 4
PER_PAGE = 5  # listings show five teasers a page


@pytest.fixture(scope="module")
def server() -> Iterator[DemoSite]:
    with DemoSite() as running:
        yield running


@dataclass
class Fetched:
    status: int
    headers: Message
    body: bytes

    @property
    def charset(self) -> str:
        return self.headers.get_content_charset() or "utf-8"

    @property
    def text(self) -> str:
        return self.body.decode(self.charset)

    @property
    def sel(self) -> Selector:
        # type="html" as Scrapy's HtmlResponse does: parsel alone takes the <?xml prolog for XML.
        return Selector(text=self.text, type="html")


def fetch(server: DemoSite, path: str, method: str = "GET") -> Fetched:
    request = urllib.request.Request(server.base_url + path, method=method)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return Fetched(response.status, response.headers, response.read())
    except urllib.error.HTTPError as error:
        return Fetched(error.code, error.headers, error.read())


def norm(text: str) -> str:
    """Whitespace-normalise (no-break spaces included), as the crawler's extractor does."""
    return " ".join(text.split())


def text_blocks(element: lxml_html.HtmlElement) -> list[str]:
    """Paragraphs of a body container: split at <br><br> and block tags, without scripts,
    ads or share widgets. A deliberately independent re-implementation of the extractor."""
    parts: list[str] = []

    def walk(node: lxml_html.HtmlElement) -> None:
        tag = node.tag if isinstance(node.tag, str) else ""
        classes = (node.get("class") or "").split()
        if tag in {"script", "style", "ins"} or "sharebuttons" in classes:
            return
        if tag == "br":
            parts.append("\x00")
            return
        block = tag in {"p", "div"}
        parts.append("\x01" if block else "")
        parts.append(node.text or "")
        for child in node:
            walk(child)
            parts.append(child.tail or "")
        parts.append("\x01" if block else "")

    walk(element)
    text = re.sub(r"\x00\s*\x00", "\x01", "".join(parts)).replace("\x00", " ")
    return [norm(block) for block in text.split("\x01") if norm(block)]


def page_fields(page: Fetched, article: FixtureArticle) -> dict[str, object]:
    """What the article page shows, read by selectors of the layout the article declares."""
    sel = page.sel
    if article.layout == "span":
        title = sel.css("span.articletitle ::text").getall()
        line = sel.css("span.articlenewspaper ::text").getall()
        body = [b for span in sel.css("span.articlecontent") for b in text_blocks(span.root)]
        origin = sel.css("p.articlesource a::attr(href)").getall()
    else:
        title = sel.css("h1.post-title ::text").getall()
        line = sel.css("div.post-meta ::text").getall()
        body = [b for div in sel.css("div.post-body") for b in text_blocks(div.root)]
        origin = sel.css("p.post-origin a::attr(href)").getall()
    return {
        "title": norm(" ".join(title)),
        "line": norm(" ".join(line)),
        "paragraphs": body,
        "origin": origin,
    }


def source_of(article: FixtureArticle) -> Source:
    source = SITE.source(article.source)
    assert source is not None
    return source


def numeric_date(article: FixtureArticle) -> str:
    year, month, day = (article.published or "").split("-")
    return f"{day} - {month} - {year}"


def expected_line(article: FixtureArticle) -> str:
    locale = SITE.locale[article.lang]
    line = f"{locale['published']} {source_of(article).name}"
    if article.published is None:
        return line
    date_format = SITE.markup[article.path].date_format
    if date_format == "numeric":
        return f"{line} {locale['date_word']} {numeric_date(article)}"
    year, month, day = article.published.split("-")
    name = locale["months"][date_format][int(month) - 1]
    return f"{line} {locale['date_word']} {day} {name} {year}"


def seed_page() -> dict[str, str]:
    content = resources.files("newsspider.demo_site").joinpath("content", "seed_page.json")
    return json.loads(content.read_text("utf-8"))


def strip(page: Fetched) -> list[tuple[str, str]]:
    """(text, href) of every anchor of the headline strip, empty ones included."""
    anchors = page.sel.css("div#belowheader marquee#marquee span.marquee > a")
    return [("".join(a.css("::text").getall()), a.attrib["href"]) for a in anchors]


def teaser_links(page: Fetched) -> list[str]:
    return page.sel.css("div.teasercontainer a.teasertitle::attr(href)").getall()


# --- content model ---------------------------------------------------------------------------


def test_content_has_both_languages_layouts_and_enough_articles() -> None:
    assert len(SITE.articles) >= 30
    assert len(SITE.sources) >= 6
    for lang in ("fr", "ar"):
        articles = [a for a in SITE.articles if a.lang == lang]
        assert len(SITE.sources_for(lang)) >= 4
        assert {a.layout for a in articles} == {"span", "article"}
        span_share = sum(a.layout == "span" for a in articles) / len(articles)
        assert 0.5 <= span_share <= 0.7
        assert {a.section for a in articles} == set(SECTIONS)
    assert len([a for a in SITE.articles if a.lang == "ar"]) >= 16
    assert [a.encoding for a in SITE.articles if a.encoding != "utf-8"] == ["windows-1256"]
    for article in SITE.articles:
        assert article.path == (
            f"/fr/{article.source}/{article.id}"
            if article.lang == "fr"
            else f"/{article.source}/{article.id}"
        )
        assert isinstance(article.paragraphs, list)
        assert all(p == norm(p) for p in article.paragraphs)


def test_special_cases_exist_and_hold() -> None:
    special = {name: SITE.article(*ids) for name, ids in SPECIAL.items()}
    assert special["fr_no_date"].lang == "fr" and special["fr_no_date"].published is None
    assert special["ar_no_date"].lang == "ar" and special["ar_no_date"].published is None
    assert special["fr_no_source_link"].source_url is None
    assert special["ar_windows1256"].encoding == "windows-1256"
    assert special["ar_windows1256"].lang == "ar"
    # Everything else is dated and linked to its source.
    others = [a for a in SITE.articles if a not in special.values()]
    assert all(a.published and a.source_url for a in others)


def test_seed_article_is_the_seed_page() -> None:
    seed = seed_page()
    lines = seed["text"].split("\n")
    article = SITE.get(seed["path"])
    assert article is not None
    assert (article.source, article.id, article.lang, article.layout) == (
        "libe",
        "32145",
        "fr",
        "span",
    )
    title_at = lines.index(article.title)
    assert lines[title_at + 1] == "Publié dans Libération le 19 - 10 - 2019"
    assert article.published == "2019-10-19"
    click_here = lines.index("Cliquez ici pour lire l'article depuis sa source.")
    body_lines = [line for line in lines[title_at + 2 : click_here] if line.strip()]
    assert len(article.paragraphs) == 6
    assert norm(" ".join(article.paragraphs)) == norm(" ".join(body_lines))
    assert article.paragraphs[2].count("réside dans le fait") == 1
    markup = SITE.render(article.path).text
    assert "réside\ndans le fait" in markup
    assert article.source_url and article.source_url.startswith("https://www.libe.ma/")


# --- headline strip and menu -----------------------------------------------------------------


def test_french_strip_is_the_seed_strip(server: DemoSite) -> None:
    anchors = strip(fetch(server, "/fr"))
    seed_headlines = [h for h in seed_page()["text"].split("\n")[0].split(NBSP4) if h]
    assert len(seed_headlines) == 48
    assert [text for text, _ in anchors if text] == seed_headlines
    assert len([href for text, href in anchors if not text]) == 2
    assert ("", "/fr/lopinion/9001") in anchors
    for text, href in anchors:
        if text:
            article = SITE.get(href)
            assert article is not None and article.lang == "fr" and article.title == text
    assert "/fr/libe/32145" not in {href for _, href in anchors}
    # In text form the entries are separated by four no-break spaces, as in the seed.
    strip_text = "".join(fetch(server, "/fr").sel.css("span.marquee ::text").getall())
    assert strip_text.replace(NBSP4 * 2, NBSP4) == seed_page()["text"].split("\n")[0]


def test_arabic_strip_lists_articles_and_escapes_titles(server: DemoSite) -> None:
    page = fetch(server, "/")
    anchors = strip(page)
    assert len([text for text, _ in anchors if not text]) == 3
    titled = [(text, href) for text, href in anchors if text]
    assert len(titled) >= 16
    assert titled == [(t, p) for t, p in SITE.ticker("ar") if t]
    for text, href in titled:
        article = SITE.get(href)
        assert article is not None and article.lang == "ar" and article.title == text
    marquee = page.text[page.text.index('<div id="belowheader">') :]
    assert "&quot;" in marquee.split("</marquee>")[0]
    assert "&amp;" in marquee.split("</marquee>")[0]
    assert any("«" in text for text, _ in titled)


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_same_strip_on_every_page_of_a_section(server: DemoSite, lang: str) -> None:
    prefix = "/fr" if lang == "fr" else ""
    article = next(a for a in SITE.articles if a.lang == lang and a.encoding == "utf-8")
    paths = [prefix or "/", f"{prefix}/politics", article.path, f"{prefix}/nothing-here"]
    strips = {tuple(strip(fetch(server, path))) for path in paths}
    assert strips == {tuple((t, p) for t, p in SITE.ticker(lang))}


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_menu_lists_every_source_of_the_section(server: DemoSite, lang: str) -> None:
    sel = fetch(server, "/fr" if lang == "fr" else "/").sel
    label = SITE.locale[lang]["menu_sources"]
    submenu = sel.xpath(
        "//div[@id='menu']//li[a/span[@class='ui-menuitem-text']/text()=$label]/ul", label=label
    )
    assert len(submenu) == 1
    listed = {
        a.attrib["href"]: a.css("span.ui-menuitem-text::text").get()
        for a in submenu.css("a.ui-menuitem-link")
    }
    assert listed == {s.path: s.name for s in SITE.sources_for(lang)}
    hrefs = set(sel.css("div#menu.ui-menubar a.ui-menuitem-link::attr(href)").getall())
    prefix = "/fr" if lang == "fr" else ""
    assert {prefix or "/"} | {f"{prefix}/{s}" for s in SECTIONS} <= hrefs


# --- listings --------------------------------------------------------------------------------


def walk_listing(server: DemoSite, path: str) -> list[str]:
    """Follow the pager's next links from page 1; check each page on the way."""
    seen: list[str] = []
    url, page_number = path, 1
    while True:
        page = fetch(server, url)
        assert page.status == 200, url
        links = teaser_links(page)
        assert 1 <= len(links) <= PER_PAGE or (page_number == 1 and not links)
        seen += links
        previous = page.sel.css("div.pager a.previous::attr(href)").get()
        if page_number == 1:
            assert previous is None
        else:
            assert previous == f"{path}?page={page_number - 1}"
        following = page.sel.css("div.pager a.next[rel=next]::attr(href)").get()
        if following is None:
            break
        page_number += 1
        assert following == f"{path}?page={page_number}"
        url = following
    assert fetch(server, f"{path}?page={page_number + 1}").status == 404
    return seen


@pytest.mark.parametrize("slug", [s.slug for s in SITE.sources])
def test_source_pages_walk_every_article_once(server: DemoSite, slug: str) -> None:
    source = SITE.source(slug)
    assert source is not None
    seen = walk_listing(server, source.path)
    expected = [a.path for a in SITE.articles if a.source == slug]
    assert len(seen) == len(set(seen)) == len(expected)
    assert set(seen) == set(expected)
    assert seen == [a.path for a in SITE.newest(source.lang, source=slug)]


def test_some_source_has_three_pages(server: DemoSite) -> None:
    page = fetch(server, "/fr/libe?page=2")
    assert page.sel.css("div.pager a.previous::attr(href)").get() == "/fr/libe?page=1"
    assert page.sel.css("div.pager a.next::attr(href)").get() == "/fr/libe?page=3"


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_section_pages_cover_every_article(server: DemoSite, lang: str) -> None:
    prefix = "/fr" if lang == "fr" else ""
    seen: list[str] = []
    for section in SECTIONS:
        found = walk_listing(server, f"{prefix}/{section}")
        articles = [SITE.get(p) for p in found]
        assert all(a is not None and a.section == section for a in articles)
        seen += found
    assert sorted(seen) == sorted(a.path for a in SITE.articles if a.lang == lang)


@pytest.mark.parametrize("home", ["/fr", "/fr/", "/"])
def test_home_shows_the_ten_newest_teasers(server: DemoSite, home: str) -> None:
    lang = "fr" if home.startswith("/fr") else "ar"
    page = fetch(server, home)
    newest = SITE.newest(lang)[:10]
    assert teaser_links(page) == [a.path for a in newest]
    for teaser, article in zip(page.sel.css("div.teasercontainer"), newest, strict=True):
        assert teaser.css("a.teasertitle::text").get() == article.title
        assert teaser.css("a.teasernewspaper::attr(href)").get() == source_of(article).path
        assert teaser.css("p.teasertext::text").get() == teaser_text(article)
        assert teaser_text(article).endswith(" (...)")
        date = teaser.css("span.teaserdate::text").get()
        assert date == numeric_date(article)
        image = f"//images2.maghress.com/{article.source}/{article.id}/thumb"
        assert teaser.css("img.teaserimage::attr(src)").get() == image


def test_undated_teaser_has_no_date(server: DemoSite) -> None:
    article = SITE.article(*SPECIAL["fr_no_date"])
    for page_number in (1, 2, 3):
        page = fetch(server, f"{source_of(article).path}?page={page_number}")
        teaser = page.sel.xpath(
            "//div[@class='teasercontainer'][a[@class='teasertitle']/@href=$p]", p=article.path
        )
        if teaser:
            assert teaser.css("span.teaserdate") == []
            return
    pytest.fail("undated article not listed")


# --- article pages ---------------------------------------------------------------------------


@pytest.mark.parametrize("article", SITE.articles, ids=lambda a: a.path)
def test_article_page_shows_exactly_the_article(server: DemoSite, article: FixtureArticle) -> None:
    page = fetch(server, article.path)
    assert page.status == 200
    charset = "UTF-8" if article.encoding == "utf-8" else article.encoding
    assert page.headers["Content-Type"] == f"text/html; charset={charset}"
    assert page.text.startswith(f"<?xml version='1.0' encoding='{charset}' ?>")
    assert f'content="text/html; charset={charset}"' in page.text
    direction = "ltr" if article.lang == "fr" else "rtl"
    html_tag = (
        f'<html xmlns="http://www.w3.org/1999/xhtml" lang="{article.lang}" dir="{direction}">'
    )
    assert html_tag in page.text
    fields = page_fields(page, article)
    assert fields["title"] == article.title
    assert fields["paragraphs"] == article.paragraphs
    assert fields["line"] == expected_line(article)
    assert fields["origin"] == ([article.source_url] if article.source_url else [])
    click_here = SITE.locale[article.lang]["click_here"]
    assert (click_here in page.text) == (article.source_url is not None)
    modal = page.sel.css("div.modal#reportimagemodal p::text").getall()
    assert modal == SITE.locale[article.lang]["modal"]


@pytest.mark.parametrize("layout", ["span", "article"])
def test_layouts_are_distinguishable(server: DemoSite, layout: str) -> None:
    for article in (a for a in SITE.articles if a.layout == layout):
        sel = fetch(server, article.path).sel
        assert bool(sel.css("span.articletitle")) == (layout == "span")
        assert bool(sel.css("article.post h1.post-title")) == (layout == "article")
        assert bool(sel.css('meta[property="og:title"]')) == (layout == "article")


def test_newer_layout_metadata(server: DemoSite) -> None:
    for article in (a for a in SITE.articles if a.layout == "article"):
        sel = fetch(server, article.path).sel
        assert sel.css('meta[property="og:title"]::attr(content)').get() == article.title
        published = sel.css('meta[property="article:published_time"]::attr(content)').get()
        time = sel.css("div.post-meta time::attr(datetime)").get()
        data = json.loads(sel.css('script[type="application/ld+json"]::text').get() or "")
        assert data["@type"] == "NewsArticle" and data["headline"] == article.title
        assert data["inLanguage"] == article.lang
        assert data["sourceOrganization"]["name"] == source_of(article).name
        assert data.get("isBasedOn") == article.source_url
        if article.published is None:
            assert published is None and time is None and "datePublished" not in data
        else:
            assert published == time == data["datePublished"]
            assert published.startswith(article.published + "T")
            assert published.endswith("+01:00")


def test_undated_pages_show_no_date_anywhere(server: DemoSite) -> None:
    for name in ("fr_no_date", "ar_no_date"):
        article = SITE.article(*SPECIAL[name])
        page = fetch(server, article.path)
        content = page.sel.css("div#content").get() or ""
        assert not re.search(r"\b\d{1,2} - \d{1,2} - \d{4}\b", content)
        assert not re.search(r"\b20\d\d-\d\d-\d\d", content)
        assert "article:published_time" not in page.text and "<time" not in content


def test_body_quirks_are_present() -> None:
    def body_html(name: str) -> str:
        article = SITE.article(*SPECIAL[name])
        text = SITE.render(article.path).text
        return text[text.index('<div id="articlecontainer">') : text.index("</div>\n\n")]

    with_ad = body_html("fr_inline_script_ad")
    spans = re.findall(r'<span class="articlecontent">.*?</span>', with_ad, re.S)
    assert any("<script>" in s and '<ins class="adsbygoogle"' in s for s in spans)
    shared = body_html("fr_share_between_spans")
    assert re.search(r'</span>\n<div class="sharebuttons">[^<]+</div>\n<span', shared)
    everything = "".join(SITE.render(a.path).text for a in SITE.articles)
    for quirk in ("&eacute;", "&#039;", "&laquo;", "</a>&nbsp;", "<b>", "<i>", "<p>\n\t\t"):
        assert quirk in everything, quirk
    month = SITE.article(*SPECIAL["ar_month_name_date"])
    assert re.search(r"يوم \d\d [^\d\s]+ \d{4}</span>", SITE.render(month.path).text)


def test_windows_1256_page_is_declared_and_encoded_so(server: DemoSite) -> None:
    article = SITE.article(*SPECIAL["ar_windows1256"])
    page = fetch(server, article.path)
    assert page.headers["Content-Type"] == "text/html; charset=windows-1256"
    assert page.body.startswith(b"<?xml version='1.0' encoding='windows-1256' ?>")
    assert b'content="text/html; charset=windows-1256"' in page.body
    with pytest.raises(UnicodeDecodeError):
        page.body.decode("utf-8")
    assert article.title.encode("windows-1256") in page.body
    assert page_fields(page, article)["paragraphs"] == article.paragraphs


def test_pages_carry_the_real_sites_noise(server: DemoSite) -> None:
    for path in ("/fr/libe/32145", "/fr", "/", "/hespress", "/fr/nothing"):
        page = fetch(server, path)
        assert 25_000 <= len(page.body) <= 80_000, (path, len(page.body))
        assert page.text.count("<script") >= 5
        assert '<div id="div-gpt-ad-1571234567890-0"><script>googletag.cmd.push' in page.text
        assert '<iframe src="https://www.facebook.com/plugins/page.php?' in page.text
        assert "<!DOCTYPE html PUBLIC" in page.text
        state = page.sel.css('input[name="javax.faces.ViewState"]::attr(value)').get() or ""
        assert 4000 <= len(state) <= 8000 and re.fullmatch(r"[A-Za-z0-9+/=]+", state)


# --- other resources and errors --------------------------------------------------------------


def test_not_found_pages(server: DemoSite) -> None:
    empty_targets = [p for lang in ("fr", "ar") for t, p in SITE.ticker(lang) if not t]
    assert len(empty_targets) == 5
    unknown = [
        "/fr/libe/99999999",
        "/libe",
        "/libe/32145",
        "/fr/hespress",
        "/fr/unknown",
        "/unknown/1",
        "/fr/libe/32145/extra",
        "/fr/libe?page=0",
        "/fr/libe?page=two",
        "/fr/politics?page=99",
        "/search",
        "/favicon.ico",
    ]
    for path in empty_targets + unknown:
        page = fetch(server, path)
        assert page.status == 404, path
        assert page.headers["Content-Type"].startswith("text/html")
        assert page.sel.css("div#menu.ui-menubar"), path  # an error page in the site chrome


def test_trailing_slash_and_query_serve_the_same_page(server: DemoSite) -> None:
    for path in ("/fr/libe/32145", "/fr/libe", "/hespress", "/fr/politics", "/robots.txt"):
        plain = fetch(server, path)
        assert fetch(server, path + "/").body == plain.body
        assert fetch(server, path + "?utm_source=x").body == plain.body
    assert fetch(server, "/fr/libe?page=1").body == fetch(server, "/fr/libe").body


def test_robots_txt(server: DemoSite) -> None:
    page = fetch(server, "/robots.txt")
    assert page.status == 200 and page.headers["Content-Type"].startswith("text/plain")
    lines = page.text.splitlines()
    assert "User-agent: *" in lines
    assert {"Disallow: /search", "Disallow: /fr/search"} <= set(lines)


@pytest.mark.parametrize(("path", "lang"), [("/rss", "ar"), ("/fr/rss", "fr")])
def test_rss_feeds_point_at_the_serving_host(server: DemoSite, path: str, lang: str) -> None:
    page = fetch(server, path)
    assert page.headers["Content-Type"] == "application/rss+xml; charset=UTF-8"
    channel = ElementTree.fromstring(page.body).find("channel")
    assert channel is not None
    items = channel.findall("item")
    newest = SITE.newest(lang)[:20]
    assert len(items) == 20
    for item, article in zip(items, newest, strict=True):
        link = item.findtext("link") or ""
        assert link == server.base_url + article.path
        assert item.findtext("title") == article.title
        if article.published is None:
            assert item.find("pubDate") is None
        else:
            when = parsedate_to_datetime(item.findtext("pubDate") or "")
            assert when.date().isoformat() == article.published
    assert fetch(server, path).body == page.body


def test_source_feed(server: DemoSite) -> None:
    page = fetch(server, "/fr/libe/rss")
    channel = ElementTree.fromstring(page.body).find("channel")
    assert channel is not None
    links = [item.findtext("link") for item in channel.findall("item")]
    assert links == [server.base_url + a.path for a in SITE.newest("fr", source="libe")]


def test_head_requests(server: DemoSite) -> None:
    get = fetch(server, "/fr/libe/32145")
    head = fetch(server, "/fr/libe/32145", method="HEAD")
    assert head.status == 200 and head.body == b""
    assert head.headers["Content-Length"] == str(len(get.body))
    assert fetch(server, "/fr/nothing", method="HEAD").status == 404


def test_requests_are_recorded() -> None:
    with DemoSite() as demo:
        assert demo.requests == []
        fetch(demo, "/fr")
        fetch(demo, "/fr/libe?page=2")
        fetch(demo, "/fr/lopinion/9001")
        fetch(demo, "/robots.txt", method="HEAD")
        assert demo.requests == [
            ("GET", "/fr", 200),
            ("GET", "/fr/libe?page=2", 200),
            ("GET", "/fr/lopinion/9001", 404),
            ("HEAD", "/robots.txt", 200),
        ]


def test_start_and_stop_without_with() -> None:
    demo = DemoSite(port=0)
    demo.start()
    base = demo.base_url
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+", base)
    assert fetch(demo, "/").status == 200
    demo.stop()
    with pytest.raises(urllib.error.URLError):
        urllib.request.urlopen(base + "/", timeout=5)
    with pytest.raises(RuntimeError):
        demo.base_url  # noqa: B018


def test_rendering_is_pure_and_deterministic(server: DemoSite) -> None:
    other = load_site()
    for path in ("/fr/libe/32145", "/fr", "/", "/fr/libe?page=2", "/robots.txt", "/nope"):
        first = SITE.render(path)
        assert SITE.render(path) is first  # cached
        assert other.render(path).body == first.body
        assert fetch(server, path).body == first.body
        assert first.headers["Content-Length"] == str(len(first.body))
    assert SITE.render("/fr/rss", host="example.test:81").text.count("http://example.test:81/") > 20


def test_serve_runs_in_the_foreground_until_ctrl_c() -> None:
    code = "from newsspider.demo_site import serve; serve(port=0)"
    process = subprocess.Popen(
        [sys.executable, "-c", code], stdout=subprocess.PIPE, text=True, bufsize=1
    )
    try:
        assert process.stdout is not None
        banner = process.stdout.readline()
        match = re.fullmatch(
            r"Demo site at (http://127\.0\.0\.1:\d+)/ \(Ctrl-C to stop\)\n", banner
        )
        assert match, banner
        with urllib.request.urlopen(match.group(1) + "/fr", timeout=10) as response:
            assert response.status == 200
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=10) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
