"""The generic extractor against pages written for it, with expectations typed by hand.

``tests/pages/generic/*.html`` are small pages of sites outside the family, one per
kind the extractor must tell apart (a WordPress article, a JSON-LD ``@graph`` page, a
page saying nothing of itself, Arabic and French pages, a paywall stub, a live blog,
a section page); ``*.expected.json`` beside each says what a reader sees on it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest

from newsspider.extract.generic import (
    DROP_REASONS,
    EMPTY_PAGE,
    NOT_ARTICLE,
    PAYWALLED,
    GenericPage,
)
from newsspider.extract.generic.metadata import language_tag, split_byline, strip_site_suffix

PAGES = Path(__file__).parent / "pages" / "generic"
CASES = sorted(path.stem for path in PAGES.glob("*.html"))
# The fixture pages are dated up to 2026-11-30; the crawl reads them the next day.
NOW = datetime(2026, 12, 1, 12, 0, tzinfo=timezone.utc)
# Three paragraphs of a hand-written article, for pages built in a test.
FERRY_PARAGRAPHS = (
    "The winter timetable of the island ferry drops two of the daily crossings from"
    " December, the operator told the harbour board on Monday evening.",
    "Islanders who work on the mainland asked for the early crossing to be kept, and"
    " the board promised to put their letter to the operator before the vote.",
    "The operator said the cuts follow a fall in passengers since the bridge opened,"
    " and that the summer timetable will be decided in March as every year.",
)


def expected_of(case: str) -> dict[str, Any]:
    return json.loads((PAGES / f"{case}.expected.json").read_text(encoding="utf-8"))


def page_of(case: str, url: str | None = None, now: datetime = NOW) -> GenericPage:
    url = url or expected_of(case)["url"]
    return GenericPage.from_bytes(url, (PAGES / f"{case}.html").read_bytes(), None, now=now)


def test_the_pages_cover_every_kind() -> None:
    assert set(CASES) == {
        "wordpress_en",
        "jsonld_graph_en",
        "no_metadata_en",
        "arabic_ar",
        "french_fr",
        "paywall_en",
        "liveblog_en",
        "section_en",
    }


@pytest.mark.parametrize("case", CASES)
def test_page_gives_the_hand_written_article(case: str) -> None:
    expected = expected_of(case)
    article = page_of(case).article()
    assert article.reason == expected["reason"]
    if expected["reason"] is not None:
        assert (article.title, article.body) == (None, None)
        return
    got = {key: getattr(article, key) for key in expected if key not in ("url", "reason")}
    got["paragraphs"] = article.paragraphs
    assert got == {key: value for key, value in expected.items() if key not in ("url", "reason")}


@pytest.mark.parametrize(
    ("case", "on_page", "not_in_body"),
    [
        # Furniture inside the article's text container, as the Maghress bodies lose it.
        ("french_fr", ["Lire aussi", "Publicité"], ["Lire aussi", "Publicité"]),
        ("arabic_ar", ["اقرأ أيضا", "\u200f", "\u200b"], ["اقرأ أيضا", "\u200f", "\u200b"]),
        # Share bar, comments and related box of a WordPress theme.
        ("wordpress_en", ["Share this:", "About time too", "Related"], ["Share this", "About"]),
        # The byline line and the headline, which trafilatura keeps in the text.
        ("jsonld_graph_en", ["· 1 December 2026"], ["1 December 2026", "Most read"]),
    ],
)
def test_furniture_on_the_page_stays_out_of_the_body(
    case: str, on_page: list[str], not_in_body: list[str]
) -> None:
    html = (PAGES / f"{case}.html").read_text(encoding="utf-8")
    body = page_of(case).article().body or ""
    assert all(text in html for text in on_page)
    assert not [text for text in not_in_body if text in body]
    assert not body.startswith(page_of(case).article().title or "\x00")


def test_graph_authors_are_resolved_by_id_and_the_webpage_date_is_not_the_article_date() -> None:
    """The @graph names its authors by ``@id`` only, and its WebPage carries a 2020 date."""
    article = page_of("jsonld_graph_en").article()
    assert article.authors == ["Ravi Patel", "Ann O'Neill"]
    assert article.published == "2026-11-30T23:05:00+00:00"


def test_a_future_date_is_refused_and_the_next_statement_taken() -> None:
    """Read a day before the article's datePublished, the JSON-LD date is in the future:
    the date rules of the main pipeline refuse it (a wrong date is worse than none)."""
    before = datetime(2026, 11, 27, 12, 0, tzinfo=timezone.utc)
    assert page_of("jsonld_graph_en", now=before).article().published is None
    # The French page's only date is its <time>: valid the day after.
    assert page_of("french_fr").article().published == "2026-11-29"


def test_a_date_in_the_url_is_the_last_resort() -> None:
    url = "http://westbrook-news.example/2025/03/07/orchard/"
    article = page_of("no_metadata_en", url=url).article()
    assert article.published == "2025-03-07"


def test_the_paywall_stub_is_dropped_but_a_full_paid_article_is_kept() -> None:
    assert page_of("paywall_en").article().reason == PAYWALLED
    html = (PAGES / "paywall_en.html").read_text(encoding="utf-8")
    paragraphs = "".join(
        f"<p>In chapter {n} of the sale, the brewery's new owners met the staff of the"
        f" bottling hall number {n} and promised that the recipe, the name and every one"
        f" of the {n * 7} jobs would stay on Canal Street for at least ten more years.</p>"
        for n in range(1, 9)
    )
    full = html.replace(
        '<div class="paywalled"></div>', f'<div class="paywalled">{paragraphs}</div>'
    )
    article = GenericPage(full, "https://metro-ledger.example/b", now=NOW).article()
    assert article.reason is None
    assert article.title == "Inside the quiet sale of the city's oldest brewery"
    assert article.authors == ["Dana Reyes"]


def test_an_empty_page_has_its_own_reason() -> None:
    page = GenericPage.from_bytes("https://x.example/a", b"   ", None, now=NOW)
    assert page.article().reason == EMPTY_PAGE
    assert set(DROP_REASONS) >= {NOT_ARTICLE, PAYWALLED, EMPTY_PAGE}


@pytest.mark.parametrize(
    ("byline", "names"),
    [
        ("By Jane Doe and John Roe", ["Jane Doe", "John Roe"]),
        ("Par Claire Martin et Paul Durand", ["Claire Martin", "Paul Durand"]),
        ("Von Anna Berg, Jonas Klein", ["Anna Berg", "Jonas Klein"]),
        ("Le Figaro avec AFP", ["Le Figaro avec AFP"]),
        ("سلمى الحسيني", ["سلمى الحسيني"]),
    ],
)
def test_bylines_split_into_names(byline: str, names: list[str]) -> None:
    assert split_byline(byline) == names


@pytest.mark.parametrize(
    ("title", "names", "headline"),
    [
        (
            "Council approves footbridge | Riverside Gazette",
            ["Riverside Gazette"],
            "Council approves footbridge",
        ),
        (
            "Swedish police to investigate leaks - Euronews",
            [],
            "Swedish police to investigate leaks",
        ),
        ("Trump - Harris: the debate", [], "Trump - Harris: the debate"),
    ],
)
def test_site_suffix_is_stripped_from_the_html_title(
    title: str, names: list[str], headline: str
) -> None:
    assert strip_site_suffix(title, names) == headline


@pytest.mark.parametrize(
    ("value", "tag"),
    [("fr-FR", "fr"), ("fr_FR", "fr"), ("AR", "ar"), ("", None), ("x-klingon", None)],
)
def test_language_tags(value: str, tag: str | None) -> None:
    assert language_tag(value) == tag


def test_title_vote_prefers_what_most_statements_say() -> None:
    """og:title and h1 agree against a JSON-LD headline with a kicker: they win."""
    html = """<html><head>
    <meta property="og:title" content="Judy Lybke, not strange at all">
    <script type="application/ld+json">{"@type": "NewsArticle",
      "headline": "Leipzig school: Judy Lybke, not strange at all"}</script></head>
    <body><h1>Judy Lybke, not strange at all</h1><p>%s</p></body></html>""" % ("Text. " * 100)
    assert GenericPage(html, "https://x.example/a", now=NOW).title() == (
        "Judy Lybke, not strange at all"
    )


def test_the_maghress_path_does_not_import_trafilatura() -> None:
    """Not even through Scrapy's spider loader, which imports every spider module."""
    code = (
        "import sys\n"
        "from scrapy.spiderloader import SpiderLoader\n"
        "from scrapy.utils.project import get_project_settings\n"
        "import newsspider.spiders.maghress, newsspider.extract, newsspider.records\n"
        "loader = SpiderLoader.from_settings(get_project_settings())\n"
        "assert 'news' in loader.list(), loader.list()\n"
        "print('trafilatura' in sys.modules)\n"
    )
    env = {**os.environ, "SCRAPY_SETTINGS_MODULE": "newsspider.settings"}
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env
    )
    assert result.stdout.strip() == "False"


@pytest.mark.parametrize("case", ["french_fr", "no_metadata_en"])
def test_the_page_tree_is_left_as_it_was(case: str) -> None:
    """Furniture is pruned from a copy (french_fr has some, no_metadata_en none):
    the page object's own tree still holds every paragraph afterwards."""
    page = page_of(case)
    before = [p.text_content() for p in page.tree.iter("p")]
    page.article()
    assert [p.text_content() for p in page.tree.iter("p")] == before


def test_titles_with_the_site_name_vote_for_the_headline_without_it() -> None:
    """JSON-LD and og:title carry «｜Paper», twitter:title and h1 do not: without the
    merge, the suffixed form would win two votes to one each."""
    html = """<html><head>
    <meta property="og:title" content="Ferry strike off｜Harbour Daily">
    <meta name="twitter:title" content="Ferry strike off">
    <script type="application/ld+json">{"@type": "NewsArticle",
      "headline": "Ferry strike off - Harbour Daily"}</script></head>
    <body><h1>Ferry  strike off</h1><p>%s</p></body></html>""" % ("Text. " * 100)
    assert GenericPage(html, "https://x.example/a", now=NOW).title() == "Ferry strike off"


def test_a_page_without_metadata_that_is_mostly_links_is_a_listing() -> None:
    """The same text as no_metadata_en, each paragraph a teaser link: a listing."""
    html = (PAGES / "no_metadata_en.html").read_text(encoding="utf-8")
    teasers = html.replace("<p>", '<p><a href="/news/x">').replace("</p>", "</a></p>")
    assert page_of("no_metadata_en").article().reason is None
    page = GenericPage(teasers, "http://westbrook-news.example/news/", now=NOW)
    assert page.article().reason == NOT_ARTICLE


def test_a_home_page_is_no_article() -> None:
    html = (PAGES / "no_metadata_en.html").read_text(encoding="utf-8")
    assert GenericPage(html, "http://westbrook-news.example/", now=NOW).article().reason == (
        NOT_ARTICLE
    )


def test_json_ld_nested_past_the_stack_says_nothing_and_the_page_is_read() -> None:
    """Nested thousands deep, a block makes ``json.loads`` raise RecursionError: it is
    skipped like a broken block, and the page's other statements still count."""
    nested = "[" * 5000 + "]" * 5000
    page = (
        '<html lang="en"><head><meta property="og:type" content="article">'
        f'<script type="application/ld+json">{nested}</script>'
        '<script type="application/ld+json">{"@type": "NewsArticle",'
        ' "headline": "Ferry timetable cut", "author": {"name": "Tom Reed"}}</script>'
        "</head><body><h1>Ferry timetable cut</h1>"
        + "".join(f"<p>{p}</p>" for p in FERRY_PARAGRAPHS)
        + "</body></html>"
    )
    found = GenericPage(page, "https://herald.example/news/ferry/").article()
    assert (found.reason, found.title, found.authors) == (None, "Ferry timetable cut", ["Tom Reed"])


def test_the_date_in_the_page_header_is_no_publication_date() -> None:
    """A masthead showing today's date in a ``<time>`` comes before the article's own
    ``<time>``: it was taken as the publication date (every article «published today»).
    The date of the site's header, navigation, sidebar or footer is the site's, not the
    article's; the ``<header>`` inside the ``<article>`` is the article's."""
    page = (
        '<html lang="en"><head><title>Ferry timetable cut</title></head><body>'
        '<header class="masthead"><a href="/">The Island Post</a>'
        '<time datetime="2026-12-01">Tuesday 1 December 2026</time></header>'
        '<nav><a href="/news/">News</a> <span class="date">1 December 2026</span></nav>'
        "<article><header><h1>Ferry timetable cut</h1>"
        '<time datetime="2026-11-27">27 November 2026</time></header>'
        + "".join(f"<p>{p}</p>" for p in FERRY_PARAGRAPHS)
        + "</article>"
        '<footer><time datetime="2026-12-01">Updated 1 December 2026</time></footer>'
        "</body></html>"
    )
    found = GenericPage(page, "https://islandpost.example/news/ferry/", now=NOW).article()
    assert (found.reason, found.title, found.published) == (
        None,
        "Ferry timetable cut",
        "2026-11-27",
    )
    # Without the article's own <time>, the site's dates give none at all.
    undated = page.replace('<time datetime="2026-11-27">27 November 2026</time>', "")
    found = GenericPage(undated, "https://islandpost.example/news/ferry/", now=NOW).article()
    assert (found.reason, found.published) == (None, None)


def test_the_sites_name_in_a_masthead_h1_is_not_the_title() -> None:
    """Older themes set the site's name in an ``<h1>`` in the page header, before the
    article's own: the first ``<h1>`` won the vote against ``og:title`` (a tie goes to
    the first statement), and every record was titled «The Island Post»."""
    text = "".join(f"<p>{p}</p>" for p in FERRY_PARAGRAPHS)
    page = (
        '<html lang="en"><head><meta property="og:type" content="article">'
        '<meta property="og:title" content="Ferry timetable cut">'
        "<title>Ferry timetable cut | The Island Post</title></head><body>"
        '<header class="site-header"><h1 class="site-title"><a href="/">The Island Post</a>'
        "</h1></header>"
        f'<article><h1 class="entry-title">Ferry timetable cut</h1>{text}</article>'
        "</body></html>"
    )
    for html in (
        page,
        page.replace('<meta property="og:title" content="Ferry timetable cut">', ""),
    ):
        found = GenericPage(html, "https://islandpost.example/news/ferry/", now=NOW).article()
        assert (found.reason, found.title) == (None, "Ferry timetable cut")
