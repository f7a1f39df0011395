"""The JSF state values set aside while parsing (``extract/html.py``): the tree is the
page's tree but for those values, on every page; anywhere a value is not plainly an
``<input>``'s attribute, the page is parsed as it is.

`make test` runs a short random profile; `make fuzz` a long one.
"""

from __future__ import annotations

from pathlib import Path

import lxml.etree
import lxml.html
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsspider.demo_site import load_site
from newsspider.extract import page_from_response
from newsspider.extract.html import _UTF8_PARSER, _state_values, parse_html
from newsspider.extract.maghress import MaghressPage
from newsspider.records import page_records
from newsspider.sites import SITES

GOLDEN = sorted((Path(__file__).parent / "golden").glob("*.html"))
BASE = "http://127.0.0.1:8000"
STATE = b"A0b+/=" * 400  # 2,400 characters of base64, as JSF writes its state
STATE_INPUT = b'<input type="hidden" name="javax.faces.ViewState" value="' + STATE + b'" />'


def _fixture_pages() -> list[bytes]:
    """Article, listing and home pages of two fixture sites, at their own size and
    padded to 110 KB (the benchmark's pages: a 33 KB state value)."""
    pages = []
    for site in (load_site(), load_site(synthetic=6, page_kb=110), load_site(site="turess")):
        paths = [article.path for article in site.articles[-8:]]
        paths += ["/", *(f"/{source.slug}" for source in site.sources[:2])]
        pages += [site.render(path, BASE).body for path in paths]
    return pages


PAGES = _fixture_pages()


def _plain(utf8: bytes) -> lxml.html.HtmlElement:
    return lxml.html.document_fromstring(utf8, parser=_UTF8_PARSER)


def _without_state(utf8: bytes) -> bytes:
    """The page's own tree with the values of its state inputs emptied, serialized."""
    tree = _plain(utf8)
    values = {utf8[start:end].decode() for start, end in _state_values(utf8)}
    for field in tree.iter("input"):
        if field.get("value") in values:
            field.set("value", "")
    return lxml.etree.tostring(tree)


def _state_of(tree: lxml.html.HtmlElement) -> list[str | None]:
    return [
        field.get("value") for field in tree.iter("input") if "ViewState" in field.get("name", "")
    ]


@pytest.mark.parametrize("number", range(len(PAGES)))
def test_fixture_pages_parse_to_their_own_tree_but_the_state(number: int) -> None:
    page = PAGES[number]
    assert _state_values(page), "every fixture page carries a JSF state of several KB"
    tree = parse_html("", page)
    assert _state_of(tree) == [""]
    assert lxml.etree.tostring(tree) == _without_state(page)
    assert _state_of(_plain(page)) not in ([""], [])


@pytest.mark.parametrize("path", GOLDEN, ids=lambda path: path.name)
def test_golden_pages_give_the_same_records_either_way(path: Path) -> None:
    body = path.read_bytes()
    url = f"https://www.maghress.com/{path.stem.replace('_', '/')}"
    records = []
    for set_aside in (True, False):
        page = page_from_response(url, body, "text/html; charset=utf-8", SITES["maghress"])
        page.tree = parse_html(page.html, page.utf8) if set_aside else _plain_or_text(page)
        records.append(page_records(page, crawled_at="2026-12-01T00:00:00Z"))
    assert records[0] == records[1]


def _plain_or_text(page: MaghressPage) -> lxml.html.HtmlElement:
    return _plain(page.utf8) if page.utf8 else parse_html(page.html)


def _page(before: bytes = b"", state_input: bytes = STATE_INPUT) -> bytes:
    return (
        b"<html><head><title>t</title></head><body>"
        + before
        + b'<form id="f">'
        + state_input
        + b'</form><div class="article"><span class="articletitle">Titre</span></div>'
        + b"</body></html>"
    )


@pytest.mark.parametrize(
    ("name", "page"),
    [
        # The input in a comment, a script's string, a textarea: no attribute at all.
        ("comment", _page(b"<!-- ")),
        ("script string", _page(b"<script>var s = '", STATE_INPUT + b"';</script>")),
        ("textarea", _page(b"<textarea>")),
        # A stray quote before it: the input is in the value of the div's title.
        ("stray quote", _page(b"<div title='x>")),
        # The state is the second value attribute, which the parser drops.
        ("second value", _page(b"", STATE_INPUT.replace(b"<input ", b'<input value="first" '))),
        # A comment closed inside the state value, behind an XML prolog without its "?"
        # (libxml2 reads up to its ">"): with the stand-in the page is one open comment,
        # no document at all, which the text path would read another way (from "?xml").
        (
            "comment closed in the value",
            b'<?xml version="1.0" encoding="UTF-8"><!DOCTYPE html><!-- '
            + STATE_INPUT.replace(b'" />', b'-->" />')
            + b'<div class="article"><span class="articletitle">Titre</span></div>',
        ),
    ],
)
def test_a_state_value_that_is_no_input_value_parses_the_page_as_it_is(
    name: str, page: bytes
) -> None:
    assert _state_values(page), "the state is found in the bytes"
    tree = parse_html("", page)
    assert lxml.etree.tostring(tree) == lxml.etree.tostring(_plain(page))
    assert STATE.decode() not in _state_of(tree)


def test_a_state_value_with_a_reference_or_a_tag_is_left_alone() -> None:
    for odd in (b"&amp;", b"<b>", b"&#65;"):
        page = _page(b"", STATE_INPUT.replace(b"A0b", b"A0" + odd, 1))
        assert _state_values(page) == []
        assert lxml.etree.tostring(parse_html("", page)) == lxml.etree.tostring(_plain(page))


@pytest.mark.parametrize(
    "before",
    [
        b"",
        # Quotes that pair up again before the input: it is an input all the same.
        b'<div title="x>',
        b"<!-- a comment --><script>var s = '<input value=\"';</script>",
    ],
)
def test_the_state_of_an_input_is_set_aside(before: bytes) -> None:
    page = _page(before)
    tree = parse_html("", page)
    assert _state_of(tree) == [""]
    assert lxml.etree.tostring(tree) == _without_state(page)
    assert tree.findtext(".//span") == "Titre"


def test_a_page_past_libxml2s_10_mb_limit_is_parsed_as_it_is() -> None:
    # libxml2 stops reading at 10,000,000 bytes of input in one go (counted from an
    # earlier point of the page than the token it is in) and drops the rest: the same
    # page with its state values set aside would be read to the end.
    state = b"A0b+/=" * 1_700_000  # 10.2 MB, as a hostile page could hold
    page = _page(b"", STATE_INPUT.replace(STATE, state))
    assert _state_values(page), "the state is found in the bytes"
    tree = parse_html("", page)
    assert lxml.etree.tostring(tree) == lxml.etree.tostring(_plain(page))
    assert tree.findtext(".//span") is None, "libxml2 cut the page at the state value"


TANGLES = [b"<!--", b"-->", b'"', b"'", b"<script>", b"</script>", b"<textarea>", b"<", b">"]
TANGLES += [b"<div ", b"=", b"&", b"<input ", b"value=", b"</form>", b"<![CDATA[", b"]]>"]


@st.composite
def tangled_page(draw: st.DrawFn) -> bytes:
    """A fixture page with a few tangles inserted or bytes cut near its state input."""
    page = bytearray(draw(st.sampled_from(PAGES)))
    start, end = _state_values(bytes(page))[0]
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(max(0, start - 600), min(len(page), end + 200)))
        if draw(st.booleans()):
            page[at:at] = draw(st.sampled_from(TANGLES))
        else:
            del page[at : at + draw(st.integers(1, 40))]
    return bytes(page)


@settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(tangled_page())
def test_tangled_pages_parse_to_their_own_tree_but_the_state(page: bytes) -> None:
    tree = lxml.etree.tostring(parse_html("", page))
    assert tree in (lxml.etree.tostring(_plain(page)), _without_state(page))
