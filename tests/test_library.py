"""``from newsspider import extract_page``: the records a crawl writes, from one page."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest
from itemadapter import ItemAdapter

from newsspider import PageExtract, extract_page
from newsspider.items import Article, Headlines
from tests.inprocess import BASE, SITE, crawl

GOLDEN = Path(__file__).parent / "golden"
LIVE = "https://www.maghress.com"


def written(item: Any, crawled_at: str) -> dict[str, Any]:
    """A record as the crawl's feed writes it, with the call's ``crawled_at``."""
    return {**ItemAdapter(item).asdict(), "crawled_at": crawled_at}


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_the_call_gives_the_records_an_in_process_crawl_writes(lang: str) -> None:
    """Every article and strip the crawl of a section wrote comes out of the call on
    the page it came from, served with its headers (the windows-1256 article among them)."""
    run = crawl(lang=lang)
    articles = [item for item in run.items if isinstance(item, Article)]
    strips = [item for item in run.items if isinstance(item, Headlines)]
    assert len(articles) == len([a for a in SITE.articles if a.lang == lang]) and strips
    for article in articles:
        page = SITE.render(article.url.removeprefix(BASE))
        got = extract_page(page.body, article.url, page.headers)
        assert got.article is not None
        assert got.article == written(article, got.article["crawled_at"])
        assert (got.dropped, got.no_article) == ({}, None)
    for strip in strips:
        page = SITE.render(strip.page_url.removeprefix(BASE))
        got = extract_page(page.body, strip.page_url, page.headers)
        assert got.headlines is not None
        assert got.headlines == written(strip, got.headlines["crawled_at"])


def test_the_content_type_header_names_the_charset_of_bytes() -> None:
    """The saved Arabic page in ISO-8859-6 (the charset whose letters windows-1256, the
    section's fallback, reads wrong), without a declaration of its own: the header
    names the charset; the same text passed decoded gives the same records."""
    expected = json.loads((GOLDEN / "ar_windows1256.expected.json").read_text("utf-8"))
    html = (GOLDEN / "ar_windows1256.html").read_bytes().decode("cp1256")
    body = html.replace("charset=windows-1256", "").encode("iso-8859-6", "xmlcharrefreplace")
    now = datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
    header = {"content-type": b"text/html; charset=ISO-8859-6"}
    as_bytes = extract_page(body, expected["url"], header, now=now)
    assert as_bytes == extract_page(html, expected["url"], now=now)
    assert as_bytes.article is not None
    assert as_bytes.article["title"] == "حملة «تحرير الملك العمومي» تصل أحياء الدار البيضاء"
    assert as_bytes.article["source_name"] == "الصباح"
    assert as_bytes.article["crawled_at"] == "2026-01-02T03:04:05Z"
    unlabelled = extract_page(body, expected["url"]).article
    assert unlabelled is not None and unlabelled["title"] != as_bytes.article["title"]


def test_a_listing_page_gives_its_strip_and_says_why_no_article() -> None:
    got = extract_page((GOLDEN / "fr_home_listing.html").read_bytes(), f"{LIVE}/fr")
    assert [record["schema"] for record in got.records] == ["newsspider.headlines/1"]
    assert got.headlines is not None and got.headlines["page_url"] == f"{LIVE}/fr"
    assert got.headlines["headlines"][0] == {
        "title": "La BCIJ arrête l'un des extrémistes allié à Daesh",
        "url": f"{LIVE}/fr/aujourdhui/100740",
    }
    assert (got.article, got.dropped, got.no_article) == (None, {}, "not an article URL")


def test_records_validation_refuses_are_dropped_with_the_crawls_reason() -> None:
    """A French page decoded twice (UTF-8 read as windows-1252): the crawl's validation
    drops both records as mojibake, and so does the call, saying so."""
    url = f"{LIVE}/fr/albayane/211467"
    garbled = (GOLDEN / "fr_article.html").read_bytes().decode("utf-8").encode().decode("cp1252")
    got = extract_page(garbled, url)
    assert got == PageExtract(
        records=[],
        dropped={"headlines": "mojibake", "article": "mojibake"},
        no_article="the article was dropped: mojibake",
    )


def test_the_site_comes_from_the_host_or_is_named() -> None:
    """A Djazairess URL reads as Djazairess; a saved copy under another host reads as
    Maghress unless ``site=`` names it."""
    body = (GOLDEN / "fr_article.html").read_bytes()
    assert extract_page(body, f"{LIVE}/fr/albayane/211467").records[1]["site"] == "maghress"
    named = extract_page(body, "http://127.0.0.1:1/fr/albayane/211467", site="djazairess")
    assert [record["site"] for record in named.records] == ["djazairess", "djazairess"]
    assert named.records[1]["id"] == "djazairess:fr:albayane:211467"
    with pytest.raises(ValueError, match="no site named 'maghres'"):
        extract_page(body, f"{LIVE}/fr/albayane/211467", site="maghres")
