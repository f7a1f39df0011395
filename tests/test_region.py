"""Reading the article from its region's bytes (``extract/region.py``) gives exactly the
records of the whole page: on every fixture page, and on pages built to defeat the cut."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from newsspider.demo_site import fixture_sites, load_site
from newsspider.demo_site.faults import mangle_html
from newsspider.extract import page_from_response
from newsspider.extract.region import article_region
from newsspider.records import page_records
from newsspider.sites import SITES, Site

TESTS = Path(__file__).parent
UTF8 = "text/html; charset=utf-8"
# A URL for the hand-written pages that carry none: an article of their section.
SECTION_URLS = {
    "fr": "https://www.maghress.com/fr/libe/40001",
    "ar": "https://www.maghress.com/hespress/400001",
}


def _fixture_pages() -> Iterator[tuple[str, Site, str, bytes, str | None]]:
    """(name, site, url, body, content type) of every page the fixture sites render:
    each article, each section's home page, each newspaper's first listing page."""
    for name in fixture_sites():
        site, fixture = SITES[name], load_site(site=name)
        paths = [article.path for article in fixture.articles]
        paths += [site.section_home(lang) for lang in site.langs]
        paths += [source.path for source in fixture.sources]
        for path in paths:
            page = fixture.render(path)
            url = site.default_base_url + path
            yield f"{name}{path}", site, url, page.body, page.headers.get("Content-Type")


def _saved_pages() -> Iterator[tuple[str, Site, str, bytes, str | None]]:
    """Every page under tests/pages and tests/golden, at its own URL when it names one."""
    for folder in ("pages", "golden"):
        for html in sorted((TESTS / folder).glob("*.html")):
            site, url = SITES["maghress"], SECTION_URLS.get(html.stem[:2], SECTION_URLS["fr"])
            for meta in (html.with_suffix(".json"), html.with_name(f"{html.stem}.expected.json")):
                if meta.is_file():
                    known = json.loads(meta.read_text(encoding="utf-8"))
                    url = known.get("url", url)
                    site = SITES[known.get("site", "maghress")]
            yield f"{folder}/{html.name}", site, url, html.read_bytes(), None


PAGES = {name: page for name, *page in [*_fixture_pages(), *_saved_pages()]}


def _both(site: Site, url: str, body: bytes, content_type: str | None = UTF8):
    """(records, article fields) read from the region, then from the whole page."""
    results = []
    for regions in (True, False):
        page = page_from_response(url, body, content_type, site)
        page.regions = regions
        records = page_records(page, crawled_at="2026-12-01T00:00:00Z")
        page = page_from_response(url, body, content_type, site)
        page.regions = regions
        results.append((records, page.article()))
    return results


@pytest.mark.parametrize("name", sorted(PAGES))
def test_region_gives_the_whole_pages_records(name: str) -> None:
    site, url, body, content_type = PAGES[name]
    from_region, from_page = _both(site, url, body, content_type)
    assert from_region == from_page


def test_every_fixture_article_is_read_from_its_region() -> None:
    """The cut is made where it can be: every article page of the fixture's span and
    article layouts, and no page without an article container."""
    for name in fixture_sites():
        fixture = load_site(site=name)
        for article in fixture.articles:
            region = article_region(fixture.render(article.path).body)
            assert (region is not None) == (article.layout in ("span", "article")), article.path
        for lang in SITES[name].langs:
            assert article_region(fixture.render(SITES[name].section_home(lang)).body) is None


def _fixture(layout: str) -> tuple[str, bytes]:
    fixture = load_site()
    article = next(a for a in fixture.articles if a.layout == layout and a.lang == "fr")
    return SITES["maghress"].default_base_url + article.path, fixture.render(article.path).body


def _edit(body: bytes, before: str, insert: str, *, last: bool = False) -> bytes:
    text = body.decode("utf-8")
    at = text.rfind(before) if last else text.find(before)
    assert at >= 0, before
    return (text[:at] + insert + text[at:]).encode("utf-8")


# (layout, insert before this markup, what, whether the region is still cut)
EDITS = {
    # The layout's container is then the common ancestor of title and last content:
    # the cut grows to it.
    "content span before the sidebar": (
        "span",
        '<div id="sidebar">',
        '<span class="articlecontent">Texte hors du conteneur.</span>',
        True,
    ),
    # ... unless that ancestor opens far before the title (the page's wrapper).
    "content span in the footer": (
        "span",
        '<div id="footer">',
        '<span class="articlecontent">Texte du pied de page.</span>',
        False,
    ),
    "title span in a template in the footer": (
        "span",
        '<div id="footer">',
        '<template><span class="articletitle">Autre titre</span></template>',
        False,
    ),
    "markers in a comment and a script": (
        "span",
        '<div id="articlecontainer">',
        '<!-- <span class="articletitle">x</span> --><script>var s = '
        '"<span class=articlecontent>";</script>',
        True,
    ),
    # lxml ends a comment at "--!>": the span after it is markup (read as in a comment,
    # up to the next "-->", it would be left out of the cut).
    "a comment closed the HTML5 way": (
        "span",
        '<div id="sidebar">',
        '<!-- fin --!><span class="articlecontent">Texte après le commentaire.</span><!-- -->',
        True,
    ),
    "stray end tags in the container": (
        "span",
        '<span class="articlenewspaper">',
        "</td></tr></table></p>",
        False,
    ),
    "unclosed comment": ("span", '<div id="footer">', "<!-- jamais fermé", False),
    "a quoted > in a span tag": (
        "span",
        '<div id="sidebar">',
        '<span title="a>b" class="articlecontent">Texte caché.</span>',
        False,
    ),
    "meta after the article": (
        "article",
        '<div id="footer">',
        '<meta property="og:title" content="Un autre titre" />',
        False,
    ),
    "JSON-LD after the article": (
        "article",
        '<div id="footer">',
        '<script type="application/ld+json">{"@type": "NewsArticle", '
        '"headline": "Autre", "isBasedOn": "https://www.libe.ma/autre_a1.html"}</script>',
        False,
    ),
    "a second article in the sidebar": (
        "article",
        '<div id="sidebar">',
        "<article><h1>Autre</h1><p>Autre texte.</p></article>",
        False,
    ),
    # The span layout wins over <article>: its title alone is cut.
    "span layout title on an article page": (
        "article",
        '<div id="sidebar">',
        '<span class="articletitle">Titre ailleurs</span>',
        True,
    ),
    "span layout title in an article page's footer": (
        "article",
        '<div id="footer">',
        '<span class="articletitle">Titre ailleurs</span>',
        False,
    ),
}


@pytest.mark.parametrize("edit", sorted(EDITS))
def test_a_page_that_defeats_the_cut_falls_back_to_the_whole_page(edit: str) -> None:
    layout, before, insert, cut = EDITS[edit]
    url, body = _fixture(layout)
    assert article_region(body) is not None
    edited = _edit(body, before, insert)
    assert (article_region(edited) is not None) is cut
    from_region, from_page = _both(SITES["maghress"], url, edited)
    assert from_region == from_page


def test_upper_case_tags_are_cut_like_lower_case_ones() -> None:
    url, body = _fixture("span")
    text = body.decode("utf-8")
    text = text.replace('<div id="articlecontainer">', '<DIV ID="articlecontainer">')
    text = text.replace('<span class="articletitle">', '<SPAN CLASS="articletitle">')
    edited = text.encode("utf-8")
    assert article_region(edited) is not None
    from_region, from_page = _both(SITES["maghress"], url, edited)
    assert from_region == from_page
    assert from_region[0].article is not None and from_region[0].article.title


@pytest.mark.parametrize("layout", ["span", "article"])
def test_broken_markup_without_nul_bytes(layout: str) -> None:
    """The fixture's malformed page (stray end tags in the article, unclosed runs, a
    comment never closed), without its NUL bytes so the cut is tried at all."""
    url, body = _fixture(layout)
    broken = mangle_html(body.decode("utf-8")).replace("\x00", "").encode("utf-8")
    from_region, from_page = _both(SITES["maghress"], url, broken)
    assert from_region == from_page
