"""Parsing and small lxml helpers shared by the templates."""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterator
from typing import Any, TypeVar, cast

import lxml.html
from lxml import etree
from lxml.etree import ParserError, _Element
from lxml.html import HtmlElement

from newsspider.extract.text import without_invalid

_OPTIONS: dict[str, Any] = {"remove_comments": True, "remove_pis": True, "collect_ids": False}
# (text parser, UTF-8 bytes parser).  For UTF-8 bytes lxml parses them directly,
# skipping a copy of the page into a Python str and back (a third of the parse time
# on 110 KB pages).
_PARSER = lxml.html.HTMLParser(**_OPTIONS)
_UTF8_PARSER = lxml.html.HTMLParser(**_OPTIONS, encoding="utf-8")
_HTML = (_PARSER, _UTF8_PARSER)
# The same parse without lxml.html's element classes: lxml.html looks up a Python
# class (for ``text_content()`` and the like) each time it hands out an element, five
# times the cost of handing out a plain one.  The family template reads its pages
# with plain lxml calls only.
_PLAIN = (etree.HTMLParser(**_OPTIONS), etree.HTMLParser(**_OPTIONS, encoding="utf-8"))


class EmptyPage(ValueError):
    """The bytes held no HTML document at all."""


def parse_html(html: str, utf8: bytes | None = None) -> HtmlElement:
    """Parse a whole page once, into lxml.html's elements (see ``_parse``)."""
    return cast(HtmlElement, _parse(html, utf8, _HTML))


def parse_plain(html: str, utf8: bytes | None = None) -> _Element:
    """Parse a whole page once, into plain lxml elements (see ``_PLAIN``, ``_parse``)."""
    return _parse(html, utf8, _PLAIN)


def _fromstring(text: str | bytes, parser: etree.HTMLParser) -> _Element:
    """The root of a whole document (``lxml.html.document_fromstring``'s rule)."""
    root = etree.fromstring(text, parser)
    if root is None:
        raise ParserError("Document is empty")
    return root


def _parse(
    html: str, utf8: bytes | None, parsers: tuple[etree.HTMLParser, etree.HTMLParser]
) -> _Element:
    """Parse a whole page once; every field is then read from this tree.

    ``utf8``: the page's own bytes when they are valid UTF-8 (the common case),
    parsed as they are.  Maghress pages open with an XML prolog
    (``<?xml … encoding='UTF-8' ?>``) that lxml refuses on already-decoded
    text, and broken pages may hold NUL bytes: those go the ``str`` way.
    """
    if utf8 and not utf8.isspace() and b"\x00" not in utf8:
        try:
            return _parse_utf8(utf8, parsers[1])
        except (ParserError, ValueError):
            pass  # the text path below says why, if it fails too
    if html.startswith("<?xml"):
        html = html[html.find("?>") + 2 :]
    if "\x00" in html:
        html = html.replace("\x00", "")
    if not html or html.isspace():
        raise EmptyPage("the page is empty")
    try:
        return _fromstring(html, parsers[0])
    except (ParserError, ValueError) as error:
        raise EmptyPage(f"the page could not be parsed: {error}") from error


# JSF pages keep their state in hidden inputs of several KB of base64
# (``<input name="javax.faces.ViewState" … value="…">``); libxml2 reads an attribute
# value at a fraction of its speed on markup: a quarter of the parse of a 110 KB page.
# No field is read from it, so the parser gets a short stand-in and the tree an empty
# value.
_STATE_INPUT = b"javax.faces.ViewState"
_VALUE = b'value="'
_STATE_MIN = 1024
# libxml2 gives up at 10,000,000 bytes read in one go (counted from before the token
# it is in) and drops the rest of the page: shorter by its state values, a longer page
# would be read further.  The crawl fetches none (DOWNLOAD_MAXSIZE); a library call may.
_LIBXML2_LIMIT = 10_000_000


def _parse_utf8(utf8: bytes, parser: etree.HTMLParser) -> _Element:
    """The page's tree, the values of its long state inputs left out (see above).

    A state value holds no ``&``, ``<`` or ``"``: in a quoted attribute value libxml2
    reads each of its characters as itself, and the stand-in (letters and digits) the
    same way.  So when every stand-in comes out as the whole ``value`` of an
    ``<input>``, the state values were those attributes' values in the page too, and
    the tree is the page's tree but for them.  Anywhere else (inside a comment, a
    script, a tag left open by a stray quote) a stand-in is not found that way and
    the page is parsed again as it is.  Stand-ins are random: a page cannot hold one.
    """
    values = _state_values(utf8) if _STATE_INPUT in utf8 and len(utf8) < _LIBXML2_LIMIT else []
    if not values:
        return _fromstring(utf8, parser)
    nonce = secrets.token_hex(8)
    stand_ins = {f"state{nonce}n{number}" for number in range(len(values))}
    parts, position = [], 0
    for number, (start, end) in enumerate(values):
        parts += [utf8[position:start], f"state{nonce}n{number}".encode()]
        position = end
    parts.append(utf8[position:])
    try:
        tree = _fromstring(b"".join(parts), parser)
    except (ParserError, ValueError):  # a stand-in in a comment that its value closed
        return _fromstring(utf8, parser)
    inputs = [field for field in tree.iter("input") if field.get("value") in stand_ins]
    if len(inputs) != len(stand_ins):
        return _fromstring(utf8, parser)
    for field in inputs:
        field.set("value", "")
    return tree


def _state_values(utf8: bytes) -> list[tuple[int, int]]:
    """``[start, end)`` of each long state value (see above), in page order."""
    found = []
    at = utf8.find(_STATE_INPUT)
    while at >= 0:
        value = utf8.find(_VALUE, at, at + 256)
        if value >= 0:
            start = value + len(_VALUE)
            end = utf8.find(b'"', start)
            plain = utf8.find(b"&", start, end) < 0 and utf8.find(b"<", start, end) < 0
            if end - start >= _STATE_MIN and plain:
                found.append((start, end))
                at = end
        at = utf8.find(_STATE_INPUT, at + 1)
    return found


E = TypeVar("E", bound=_Element)


def first(elements: list[E]) -> E | None:
    return elements[0] if elements else None


def meta_content(tree: _Element, key: str) -> str | None:
    """``<meta property|name="key" content="…">`` (OpenGraph and article:*)."""
    for element in tree.iterfind(".//meta"):
        if key in (element.get("property"), element.get("name"), element.get("itemprop")):
            return element.get("content")
    return None


def walk_jsonld(data: Any, nested: tuple[str, ...] = ("@graph",)) -> Iterator[dict[str, Any]]:
    """Every object of a JSON-LD block, depth first: in lists, and under the keys
    ``nested`` (the generic extractor also follows a WebPage's ``mainEntity``)."""
    if isinstance(data, list):
        for entry in data:
            yield from walk_jsonld(entry, nested)
    elif isinstance(data, dict):
        yield data
        for key in nested:
            yield from walk_jsonld(data.get(key), nested)


_ARTICLE_TYPES = {"NewsArticle", "Article", "ReportageNewsArticle", "AnalysisNewsArticle"}


def jsonld_article(tree: _Element) -> dict[str, Any] | None:
    """The first JSON-LD object typed as an article, if the page has one."""
    for script in tree.iterfind(".//script[@type='application/ld+json']"):
        try:
            data = json.loads(script.text or "")
        except ValueError:
            continue
        for entry in walk_jsonld(data):
            kind = entry.get("@type")
            kinds = set(kind) if isinstance(kind, list) else {kind}
            if kinds & _ARTICLE_TYPES:
                return entry
    return None


def jsonld_text(value: Any) -> str | None:
    """A JSON-LD value that may be a string, an object with ``name``/``url``, or a list.

    JSON is the one source of lone surrogates (``"\\ud800"`` decodes to one; lxml
    never makes them): they go here, for the values no ``clean_text`` sees (URLs, dates).
    """
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        value = value.get("name") or value.get("url") or value.get("@id")
    return without_invalid(value) if isinstance(value, str) else None
