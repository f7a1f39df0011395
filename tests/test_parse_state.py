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
from newsspider.extract.html import _UTF8_PARSER, EmptyPage, _state_values, parse_html
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


# Markup around state inputs: libxml2's tokenizer states (comments and their odd ends,
# raw text, RCDATA, plaintext, CDATA, bogus comments, doctype quotes), misplaced
# html/body tags, inputs in select/table/template/svg, references, CR/LF, charsets.
MARKUP = [b"<!--", b"-->", b"--!>", b"<!-->", b"<!--->", b"<!", b"<!x>", b"<?pi x?>"]
MARKUP += [b"<?xml version='1.0' encoding='UTF-8'>", b"<?xml version='1.0'?>", b"<![CDATA[", b"]]>"]
MARKUP += [b"<!DOCTYPE html>", b'<!DOCTYPE html PUBLIC "', b'"', b"'", b"=", b"<", b">", b"/>"]
MARKUP += [b"</", b"</ x>", b"<p>", b"</p>", b"<div ", b"<div title='x>", b'<a href="', b"<br/>"]
MARKUP += [b"<b><i></b></i>", b"&amp;", b"&", b"&#", b"&#x80;", b"&notin", b"\r", b"\r\n", b"\x0c"]
MARKUP += [b"<html lang=x>", b"<head>", b"</head>", b"<body class=b>", b"</body>", b"</html>"]
MARKUP += [b"<frameset>", b"<select>", b"</select>", b"<option>", b"<table>", b"<tr>", b"<td>"]
MARKUP += [b"</table>", b"<template>", b"</template>", b"<svg>", b"</svg>", b"<math>", b"<form>"]
MARKUP += [b"</form>", b'<meta charset="windows-1256">', b'<input value="x">', b"<input "]
MARKUP += [b"value=", b'value="', b"javax.faces.ViewState", "é".encode(), b"\x01", b"</br>"]
RAW_TEXT = [b"script", b"style", b"textarea", b"title", b"xmp", b"iframe", b"noembed"]
RAW_TEXT += [b"noframes", b"noscript", b"plaintext"]
MARKUP += [b"<" + name + b">" for name in RAW_TEXT] + [b"</" + name + b">" for name in RAW_TEXT]
# What a state value may hold besides base64: anything but "&", "<" and '"'.
VALUE_BITS = [b" ", b">", b"'", b"=", b"\n", b"\r\n", b"\r", b"\t", b"\x0c", b"\x01", b"-->"]
VALUE_BITS += [
    b"--!>",
    b"]]>",
    b"/>",
    b"</",
    b"value=",
    b"javax.faces.ViewState",
    "é\ufffe".encode(),
]


@st.composite
def state_input(draw: st.DrawFn) -> bytes:
    """A state input, mostly as JSF writes it, now and then in another tag or torn."""

    def mostly(usual: bytes, *others: bytes) -> bytes:
        return draw(st.sampled_from([usual] * 3 * len(others) + list(others)))

    value = [bytes([byte]) for byte in STATE[: draw(st.sampled_from([1023, 1024, 1025, 2400]))]]
    for _ in range(draw(st.integers(0, 3))):  # whole characters: the page stays UTF-8
        value.insert(draw(st.integers(0, len(value))), draw(st.sampled_from(VALUE_BITS)))
    tag = mostly(b"<input", b"<INPUT", b"<input\n", b"<select", b"<body", b"<html", b"<img")
    before = mostly(b' type="hidden"', b"", b' value="first"', b" value=x", b" x=", b" value")
    name = mostly(b'name="javax.faces.ViewState"', b"name=javax.faces.ViewState")
    attribute = mostly(b'value="', b'VALUE="', b'data-value="')
    end = mostly(b'" />', b'">', b'" value="second">', b'"', b'"x', b"", b'"></input>')
    return tag + before + b" " + name + b" " + attribute + b"".join(value) + end


@st.composite
def page_around_state(draw: st.DrawFn) -> bytes:
    """One to three state inputs with a few pieces of markup before, between and after."""
    markup = st.lists(st.sampled_from(MARKUP), max_size=draw(st.sampled_from([0, 0, 2, 5])))
    prolog = [b"", b"<?xml version='1.0' encoding='UTF-8' ?>\n", b"<?xml version='1.0'><!--"]
    parts = [draw(st.sampled_from(prolog))]
    parts.append(draw(st.sampled_from([b"", b"<html><head><title>t</title></head><body>"])))
    for _ in range(draw(st.integers(1, 3))):
        parts += [*draw(markup), draw(state_input())]
    parts += draw(markup)
    parts.append(b'<div class="article"><p>Texte</p></div></body></html>')
    return b"".join(parts)


def _whole_page(page: bytes) -> lxml.html.HtmlElement:
    """What ``parse_html`` read before state values were set aside: the bytes, else
    (no document in them) the text."""
    try:
        return _plain(page)
    except lxml.etree.ParserError:
        return parse_html(page.decode())


def _emptied_states(tree: lxml.html.HtmlElement, whole: lxml.html.HtmlElement) -> int:
    """How many long input values ``tree`` holds empty; it is ``whole`` in all else."""
    ours, theirs = list(tree.iter()), list(whole.iter())
    assert [e.tag for e in ours] == [e.tag for e in theirs]
    emptied = 0
    for element, same in zip(ours, theirs, strict=True):
        assert (element.text, element.tail) == (same.text, same.tail)
        attributes, expected = dict(element.items()), dict(same.items())
        if element.tag == "input" and attributes.get("value") == "" != expected.get("value"):
            assert len(expected["value"]) >= 1000
            expected["value"] = ""
            emptied += 1
        assert attributes == expected
    return emptied


@settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(page_around_state())
def test_pages_around_state_inputs_parse_as_a_whole_page_but_the_state(page: bytes) -> None:
    try:
        whole = _whole_page(page)
    except EmptyPage:
        with pytest.raises(EmptyPage):
            parse_html(page.decode(), page)
        return
    emptied = _emptied_states(parse_html(page.decode(), page), whole)
    assert emptied in (0, len(_state_values(page)))
