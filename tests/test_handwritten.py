"""Records checked against expectations typed by hand from each page.

``tests/pages/{layout,body,source}_*.html`` are small pages written for these tests
on the model of the fixture's templates, each with ``*.expected.json`` beside it:
what a reader sees on the page (title, newspaper, link to the original, date, the
body's paragraphs).  ``tests/golden/*.expected.json`` do the same for the fixture
site's golden pages (first and last paragraph, paragraph count).  Unlike the golden
snapshots, nothing here was produced by the code under test, so these catch errors,
not only changes.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from newsspider.cli import extract_records
from newsspider.extract import page_from_response
from newsspider.items import Article, Headlines
from newsspider.records import PageRecords, page_records
from newsspider.sites import SITES, site_for_url

PAGES = Path(__file__).parent / "pages"
GOLDEN = Path(__file__).parent / "golden"
CASES = sorted(
    path.name.removesuffix(".html")
    for prefix in ("layout_", "body_", "source_")
    for path in PAGES.glob(f"{prefix}*.html")
)
GOLDEN_CASES = sorted(path.stem for path in GOLDEN.glob("*.html"))

# What each body page carries inside its article container that is not article text.
CHROME_IN_BODY = {
    "body_chrome_fr_span": ["Photo : DR", "Lire aussi", "Publicité", "Partager", "Réagir"],
    "body_chrome_fr_post": [
        "Photo : MAP",
        "PUBLICITÉ",
        "À lire aussi",
        "Crédit photo",
        "LinkedIn",
        "Commentaires",
        "Imprimer",
    ],
    "body_chrome_ar_span": ["صورة: أرشيف", "اقرأ أيضا", "إعلان", "شارك", "واتساب"],
    "body_chrome_ar_post": ["مصدر الصورة", "إعلان", "إقرأ أيضاً", "تصوير", "مواضيع ذات صلة"],
    "body_chrome_en_span": ["Advertisement", "Read also", "Photo: Reuters", "Share", "Sponsored"],
    "source_none_chrome_fr": ["Publicité", "Crédit immobilier"],
    "source_none_chrome_ar": ["إعلان", "عرض خاص"],
}


def expected_of(directory: Path, case: str) -> dict[str, Any]:
    return json.loads((directory / f"{case}.expected.json").read_text(encoding="utf-8"))


def records_of(page: Path, expected: dict[str, Any]) -> PageRecords:
    """The page's records, from its bytes, as the crawl reads a fetched page."""
    site = SITES[expected["site"]]
    return page_records(page_from_response(expected["url"], page.read_bytes(), None, site))


def test_the_pages_cover_every_layout_language_and_case() -> None:
    assert set(CASES) >= {
        *(
            f"layout_{layout}_{lang}"
            for layout in ("span", "post", "relaunch")
            for lang in ("fr", "ar")
        ),
        "layout_span_en",
        *(f"body_chrome_{lang}_span" for lang in ("fr", "ar", "en")),
        *(f"body_chrome_{lang}_post" for lang in ("fr", "ar")),
        "source_none_chrome_fr",
        "source_none_chrome_ar",
        "source_single_after_body_fr",
        "source_two_after_body_fr",
    }
    for case in CASES:
        assert (PAGES / f"{case}.expected.json").is_file(), case


@pytest.mark.parametrize("case", CASES)
def test_page_gives_the_hand_written_record(case: str) -> None:
    expected = expected_of(PAGES, case)
    result = records_of(PAGES / f"{case}.html", expected)
    want = expected["article"]
    if want is None:
        assert (result.article, result.reason) == (None, expected["no_article_reason"])
        return
    assert result.article is not None, result.reason
    got: dict[str, Any] = {key: getattr(result.article, key) for key in want if key != "paragraphs"}
    got["paragraphs"] = (result.article.body or "").split("\n\n")
    assert got == want


@pytest.mark.parametrize("case", sorted(CHROME_IN_BODY))
def test_the_chrome_is_on_the_page_and_not_in_the_body(case: str) -> None:
    """The pages really carry what the body must leave out (so the test above proves it)."""
    expected = expected_of(PAGES, case)
    html = (PAGES / f"{case}.html").read_text(encoding="utf-8")
    body = records_of(PAGES / f"{case}.html", expected).article.body
    for text in CHROME_IN_BODY[case]:
        assert text in html and text not in body, text


def test_every_golden_page_has_a_hand_written_expectation() -> None:
    assert (
        sorted(path.name.removesuffix(".expected.json") for path in GOLDEN.glob("*.expected.json"))
        == GOLDEN_CASES
    )


# What a golden expectation states: Maghress's cases the body's ends and size, the sister
# sites' cases every paragraph, the id and the section.
GOLDEN_KEYS = {"title", "source_name", "source_id", "source_url", "published"}
GOLDEN_BODY_KEYS = ({"paragraph_count", "first_paragraph", "last_paragraph"}, {"paragraphs"})


@pytest.mark.parametrize("case", GOLDEN_CASES)
def test_golden_page_against_its_hand_written_expectation(case: str) -> None:
    expected = expected_of(GOLDEN, case)
    site = site_for_url(expected["url"])
    assert site is not None, expected["url"]
    records, reason = extract_records((GOLDEN / f"{case}.html").read_bytes(), expected["url"], site)
    articles = [record for record in records if isinstance(record, Article)]
    want = expected["article"]
    if want is None:
        assert (articles, reason) == ([], expected["no_article_reason"])
        return
    assert set(want) - GOLDEN_KEYS in (
        *GOLDEN_BODY_KEYS,
        *({"id", "lang"} | body for body in GOLDEN_BODY_KEYS),
    ), case
    if site.name != "maghress":
        assert set(want) == GOLDEN_KEYS | {"id", "lang", "paragraphs"}, case
    assert len(articles) == 1, reason
    article = articles[0]
    paragraphs = (article.body or "").split("\n\n")
    got = {
        "id": article.id,
        "lang": article.lang,
        "title": article.title,
        "source_name": article.source_name,
        "source_id": article.source_id,
        "source_url": article.source_url,
        "published": article.published,
        "paragraphs": paragraphs,
        "paragraph_count": len(paragraphs),
        "first_paragraph": paragraphs[0],
        "last_paragraph": paragraphs[-1],
    }
    assert {key: got[key] for key in want} == want
    if "headlines" in expected:
        (strip,) = [record for record in records if isinstance(record, Headlines)]
        assert (strip.site, strip.lang) == (site.name, article.lang)
        assert [[h["title"], h["url"]] for h in strip.headlines] == expected["headlines"]
