"""Parsing and small lxml helpers shared by the templates."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import lxml.html
from lxml.etree import ParserError
from lxml.html import HtmlElement

from newsspider.extract.text import without_invalid

_PARSER = lxml.html.HTMLParser(remove_comments=True, remove_pis=True, collect_ids=False)
# For UTF-8 bytes: lxml parses them directly, skipping a copy of the page
# into a Python str and back (a third of the parse time on 110 KB pages).
_UTF8_PARSER = lxml.html.HTMLParser(
    remove_comments=True, remove_pis=True, collect_ids=False, encoding="utf-8"
)


class EmptyPage(ValueError):
    """The bytes held no HTML document at all."""


def parse_html(html: str, utf8: bytes | None = None) -> HtmlElement:
    """Parse a whole page once; every field is then read from this tree.

    ``utf8``: the page's own bytes when they are valid UTF-8 (the common case),
    parsed as they are.  Maghress pages open with an XML prolog
    (``<?xml … encoding='UTF-8' ?>``) that lxml refuses on already-decoded
    text, and broken pages may hold NUL bytes: those go the ``str`` way.
    """
    if utf8 and not utf8.isspace() and b"\x00" not in utf8:
        try:
            return lxml.html.document_fromstring(utf8, parser=_UTF8_PARSER)
        except (ParserError, ValueError):
            pass  # the text path below says why, if it fails too
    if html.startswith("<?xml"):
        html = html[html.find("?>") + 2 :]
    if "\x00" in html:
        html = html.replace("\x00", "")
    if not html or html.isspace():
        raise EmptyPage("the page is empty")
    try:
        return lxml.html.document_fromstring(html, parser=_PARSER)
    except (ParserError, ValueError) as error:
        raise EmptyPage(f"the page could not be parsed: {error}") from error


def first(elements: list[HtmlElement]) -> HtmlElement | None:
    return elements[0] if elements else None


def meta_content(tree: HtmlElement, key: str) -> str | None:
    """``<meta property|name="key" content="…">`` (OpenGraph and article:*)."""
    for element in tree.iterfind(".//meta"):
        if key in (element.get("property"), element.get("name"), element.get("itemprop")):
            return element.get("content")
    return None


def _walk_jsonld(data: Any) -> Iterator[dict[str, Any]]:
    if isinstance(data, list):
        for entry in data:
            yield from _walk_jsonld(entry)
    elif isinstance(data, dict):
        yield data
        yield from _walk_jsonld(data.get("@graph"))


_ARTICLE_TYPES = {"NewsArticle", "Article", "ReportageNewsArticle", "AnalysisNewsArticle"}


def jsonld_article(tree: HtmlElement) -> dict[str, Any] | None:
    """The first JSON-LD object typed as an article, if the page has one."""
    for script in tree.iterfind(".//script[@type='application/ld+json']"):
        try:
            data = json.loads(script.text or "")
        except ValueError:
            continue
        for entry in _walk_jsonld(data):
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
