"""The family template reads plain lxml elements (``html.parse_plain``): the same parse as
lxml.html's, without its Python class looked up for each element handed out."""

from __future__ import annotations

from pathlib import Path

import lxml.etree
import pytest
from lxml.html import HtmlElement

from newsspider.demo_site import load_site
from newsspider.extract import page_from_response
from newsspider.extract.html import parse_html, parse_plain
from newsspider.extract.text import string_of
from newsspider.sites import SITES

GOLDEN = sorted((Path(__file__).parent / "golden").glob("*.html"))
SITE = load_site()
PATHS = [article.path for article in SITE.articles[:6]] + ["/", "/fr", "/hespress", "/fr/libe"]
PAGES = [SITE.render(path).body for path in PATHS] + [path.read_bytes() for path in GOLDEN]


def _texts(html: str, utf8: bytes | None) -> tuple[bytes, bytes]:
    return (
        lxml.etree.tostring(parse_plain(html, utf8)),
        lxml.etree.tostring(parse_html(html, utf8)),
    )


@pytest.mark.parametrize("number", range(len(PAGES)))
def test_both_parses_give_the_same_tree(number: int) -> None:
    page = page_from_response(
        "https://www.maghress.com/fr/libe/1", PAGES[number], None, SITES["maghress"]
    )
    plain, html = _texts(page.html, page.utf8)
    assert plain == html
    assert _texts(page.html, None)[0] == _texts(page.html, None)[1]  # the text path too


@pytest.mark.parametrize("number", range(len(PAGES)))
def test_string_of_is_text_content(number: int) -> None:
    """Element by element, in both trees of the same page."""
    page = page_from_response(
        "https://www.maghress.com/fr/libe/1", PAGES[number], None, SITES["maghress"]
    )
    plain = list(parse_plain(page.html, page.utf8).iter())
    html = list(parse_html(page.html, page.utf8).iter())
    assert len(plain) == len(html) > 10
    assert [string_of(element) for element in plain] == [element.text_content() for element in html]


def test_the_family_page_hands_out_plain_elements() -> None:
    path = SITE.articles[0].path
    page = page_from_response(
        f"https://www.maghress.com{path}", SITE.render(path).body, None, SITES["maghress"]
    )
    assert page.article() is not None
    assert not any(isinstance(element, HtmlElement) for element in page.tree.iter())
