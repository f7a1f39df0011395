"""The article's region of a page, cut from its bytes and parsed alone.

A family page is ~100 KB: scripts, a JSF ViewState, the menus, the strip, the
sidebar and the footer around an article of a few KB.  Reading the article
needs its container only (the boilerplate rules look at the whole container:
the published line, the links after the body), so this finds the container on
the raw bytes and parses that slice, about a tenth of the whole-page parse.

The slice is used only when it gives the tree the whole page would: every rule
below that does not hold sends the caller back to the whole page.

- Tags count in any case; comments and the elements lxml reads as text
  (script, style, textarea, title, xmp, iframe, noembed, noframes) are stepped
  over with lxml's own ends (``</script`` then a space, ``/`` or ``>``;
  ``-->`` or ``--!>``), so a marker inside them is no marker.  ``<template>``
  and ``<noscript>`` are markup to lxml, so they are scanned.
- Span layout: every ``articletitle``/``articlenewspaper``/``articlecontent``
  outside those, in any case, anywhere (a class, a word of text), must lie in
  the container, the first one must be the title, and the slice's spans must
  carry exactly as many of those classes: a stray word or a span outside the
  container means the whole page.
- Article layout: no span-layout marker anywhere; the first ``<article>``'s
  element holds every other ``<article``; the head (up to ``</head>``) is kept
  for its ``<meta>`` and JSON-LD, and no ``<meta>`` or JSON-LD script may lie
  between the head and the article or after it.
- The container's end is found by matching tags from its start: an end tag that
  does not close the innermost open element (past elements whose end tag is
  optional), a tag left unclosed, or an element count lxml does not confirm means
  markup the parser may read differently in context: the whole page.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field

import lxml.html
from lxml.etree import ParserError
from lxml.html import HtmlElement

# Elements lxml (libxml2 2.14) reads as text up to their own end tag.
_RAW_TEXT = (b"script", b"style", b"textarea", b"title", b"xmp", b"iframe", b"noembed", b"noframes")
_RAW_END = {name: re.compile(rb"</" + name + rb"(?=[\s/>])", re.IGNORECASE) for name in _RAW_TEXT}
_COMMENT_END = re.compile(rb"--!?>")
# One pass over the page: what must be stepped over, and the tags the rules count.
# Everything after <plaintext> is text: no region is cut from such a page.
_MARKERS = rb"articletitle|articlenewspaper|articlecontent"
# A span tag is a token only when it names a marker before its first ">", or when a
# quoted value runs past that ">" (where a marker could hide): the other spans of
# the page (menus, buttons) cost nothing.
_PAGE_TOKEN = re.compile(
    rb"<(?:(?P<comment>!--)|(?P<close>/)head(?=[\s/>])|(?P<span>span(?=[\s/>])(?=[^>]*(?:"
    + _MARKERS
    + rb")|[^>]*=\s*[\"'][^\"'>]*>))|(?P<name>"
    + b"|".join((*_RAW_TEXT, b"plaintext", b"article", b"meta"))
    + rb")(?=[\s/>]))",
    re.IGNORECASE,
)
_TAG = re.compile(rb"<(?:(?P<comment>!--)|(?P<close>/?)(?P<name>[a-z][a-z0-9:-]*)(?=[\s/>]))", re.I)
_LD_JSON = re.compile(rb"ld\+json", re.IGNORECASE)
_LD_SCRIPTS = "count(.//script[contains(translate(@type, 'LDJSON', 'ldjson'), 'ld+json')])"

# The span layout's classes (as ``maghress._SPAN_CLASSES``), found in span tags.
_SPAN_CLASSES = frozenset({"articletitle", "articlenewspaper", "articlecontent"})
_MARKER = re.compile(_MARKERS, re.IGNORECASE)
_VOID = frozenset(
    {b"area", b"base", b"br", b"col", b"embed", b"hr", b"img", b"input", b"keygen", b"link"}
    | {b"meta", b"param", b"source", b"track", b"wbr"}
)
# End tags the parser supplies itself when the parent closes.
_OPTIONAL_END = frozenset({b"p", b"li", b"dt", b"dd", b"option", b"optgroup", b"tr", b"td", b"th"})
# How far before the title the span layout's container may open: first the near
# window (the template's container opens just before the title), then the far one.
SPAN_WINDOWS = (256, 4096)

_PARSER = lxml.html.HTMLParser(
    remove_comments=True, remove_pis=True, collect_ids=False, encoding="utf-8"
)


@dataclass
class _Scan:
    """What one pass over the page found, outside comments and text elements."""

    skipped: list[tuple[int, int]] = field(default_factory=list)  # [start, end) ranges
    articles: list[int] = field(default_factory=list)  # "<article" positions
    metas: list[int] = field(default_factory=list)
    ld_scripts: list[int] = field(default_factory=list)
    markers: list[tuple[int, bytes]] = field(default_factory=list)  # (span tag, class)
    head_end: int = -1  # just after the first "</head…>"


def _scan(utf8: bytes) -> _Scan | None:
    """The tokens that matter, or None for a page this cannot read as lxml does: a
    comment or text element that never ends, <plaintext>, a quote left open in a span tag."""
    found = _Scan()
    pos = 0
    while (token := _PAGE_TOKEN.search(utf8, pos)) is not None:
        start = token.start()
        if token["comment"]:
            end = _COMMENT_END.search(utf8, start + 2)
            if end is None:
                return None
            found.skipped.append((start, end.end()))
            pos = end.end()
            continue
        if token["close"]:
            if found.head_end < 0:
                found.head_end = utf8.find(b">", token.end()) + 1 or -1
            pos = token.end()
            continue
        if token["span"]:
            end = utf8.find(b">", token.end())
            tag = utf8[start:end]
            if end < 0 or tag.count(b'"') % 2 or tag.count(b"'") % 2:
                return None
            found.markers.extend((start, m[0].lower()) for m in _MARKER.finditer(tag))
            pos = end
            continue
        name = token["name"].lower()
        if name in _RAW_END:
            end = _RAW_END[name].search(utf8, token.end())
            if end is None:
                return None
            if name == b"script" and _LD_JSON.search(utf8, start, utf8.find(b">", start)):
                found.ld_scripts.append(start)
            found.skipped.append((start, end.end()))
            pos = end.end()
        elif name == b"plaintext":
            return None
        else:
            if name == b"article":
                found.articles.append(start)
            elif name == b"meta":
                found.metas.append(start)
            pos = token.end()
    return found


@dataclass
class _Element:
    name: bytes
    start: int


def _skip(utf8: bytes, token: re.Match[bytes]) -> int | None:
    """The end of a comment or text element opening at ``token`` (past the page's end
    when it never ends); None for any other tag."""
    if token["comment"]:
        end = _COMMENT_END.search(utf8, token.start() + 2)
        return end.end() if end else len(utf8) + 1
    if not token["close"]:
        name = token["name"].lower()
        if name in _RAW_END:
            end = _RAW_END[name].search(utf8, token.end())
            return end.end() if end else len(utf8) + 1
    return None


def _container_end(utf8: bytes, start: int, name: bytes) -> tuple[int, int] | None:
    """``(end, elements)``: the end of the element whose tag opens at ``start`` and how
    many elements it holds (itself included), or None for markup the parser may read
    otherwise in context (a stray or crossed end tag, an element left open)."""
    stack = [name]
    elements = 1
    pos = utf8.find(b">", start) + 1
    if pos <= 0:
        return None
    while (token := _TAG.search(utf8, pos)) is not None:
        skipped = _skip(utf8, token)
        if skipped is not None:
            if skipped > len(utf8):
                return None
            elements += not token["comment"]
            pos = skipped
            continue
        end = utf8.find(b">", token.end()) + 1
        if end <= 0:
            return None
        pos = end
        tag = token["name"].lower()
        if not token["close"]:
            elements += 1
            if tag not in _VOID:
                stack.append(tag)
            continue
        while stack[-1] != tag and stack[-1] in _OPTIONAL_END and len(stack) > 1:
            stack.pop()
        if stack[-1] != tag:
            return None
        stack.pop()
        if not stack:
            return end, elements
    return None


def _ancestors(utf8: bytes, window: int, position: int) -> list[_Element] | None:
    """The elements open at ``position`` that opened after ``window``, outermost first."""
    stack: list[_Element] = []
    pos = window
    while (token := _TAG.search(utf8, pos, position)) is not None:
        skipped = _skip(utf8, token)
        if skipped is not None:
            pos = skipped
            continue
        end = utf8.find(b">", token.end()) + 1
        if end <= 0 or end > position:
            break  # the tag that holds the marker: not one of its ancestors
        pos = end
        tag = token["name"].lower()
        if not token["close"]:
            if tag not in _VOID:
                stack.append(_Element(tag, token.start()))
            continue
        while stack and stack[-1].name != tag and stack[-1].name in _OPTIONAL_END:
            stack.pop()
        if stack and stack[-1].name == tag:
            stack.pop()
        # An end tag of an element opened before the window: nothing of ours to close.
    return stack


def _window_start(scan: _Scan, position: int) -> int:
    """``position``, or the end of the comment or text element it falls in."""
    index = bisect_right(scan.skipped, (position, 1 << 62)) - 1
    if index >= 0 and position < scan.skipped[index][1]:
        return scan.skipped[index][1]
    return position


def _parse(data: bytes) -> HtmlElement | None:
    try:
        return lxml.html.document_fromstring(data, parser=_PARSER)
    except (ParserError, ValueError):
        return None


def _only_child(root: HtmlElement, name: str) -> HtmlElement | None:
    """The body's one element, ``name``, with no text around it; else None."""
    body = root.find("body")
    if body is None or len(body) != 1 or (body.text or "").strip():
        return None
    child = body[0]
    if child.tag != name or (child.tail or "").strip():
        return None
    return child


def _common_container(
    utf8: bytes, scan: _Scan, first: int, last: int
) -> tuple[int, int, int, bytes] | None:
    """``(start, end, elements, name)`` of the innermost element around both ``first``
    and ``last`` that opens within a window before ``first``."""
    for size in SPAN_WINDOWS:
        ancestors = _ancestors(utf8, _window_start(scan, max(0, first - size)), first)
        for element in reversed(ancestors or []):
            bounds = _container_end(utf8, element.start, element.name)
            if bounds is None:
                return None
            if bounds[0] > last:
                return element.start, bounds[0], bounds[1], element.name
    return None


def _span_region(utf8: bytes, scan: _Scan) -> HtmlElement | None:
    markers = scan.markers
    if not markers or markers[0][1] != b"articletitle":
        return None
    first = markers[0][0]
    last = max(pos for pos, marker in markers if marker != b"articlenewspaper")
    found = _common_container(utf8, scan, first, last)
    if found is None:
        return None
    start, end, elements, name = found
    if not all(start <= pos < end for pos, _marker in markers):
        return None
    root = _parse(utf8[start:end])
    if root is None or _only_child(root, name.decode()) is None:
        return None
    classes = 0
    for span in root.iter("span"):
        names = span.get("class")
        if names:
            classes += len(_SPAN_CLASSES.intersection(names.split()))
    if classes != len(markers) or sum(1 for _ in root.iter()) != elements + 2:
        return None
    return root


def _article_region(utf8: bytes, scan: _Scan) -> HtmlElement | None:
    if not scan.articles or scan.markers or not 0 <= scan.head_end <= scan.articles[0]:
        return None
    start = scan.articles[0]
    bounds = _container_end(utf8, start, b"article")
    if bounds is None:
        return None
    end, elements = bounds
    inside = range(start, end)
    if not all(pos in inside for pos in scan.articles):
        return None
    # The head's metas and JSON-LD come along; any elsewhere but in the article: whole page.
    kept = [pos for pos in scan.metas if pos < scan.head_end or pos in inside]
    ld = [pos for pos in scan.ld_scripts if pos < scan.head_end or pos in inside]
    if len(kept) != len(scan.metas) or len(ld) != len(scan.ld_scripts):
        return None
    root = _parse(utf8[: scan.head_end] + utf8[start:end])
    if root is None or _only_child(root, "article") is None:
        return None
    body = root.find("body")
    if (
        len(root.findall(".//meta")) != len(kept)
        or int(root.xpath(_LD_SCRIPTS)) != len(ld)
        or sum(1 for _ in body.iter()) != elements + 1
    ):
        return None
    return root


def article_region(utf8: bytes) -> HtmlElement | None:
    """The tree of the page's article region (see the module's rules), or None when the
    whole page must be parsed.  ``utf8``: the page's bytes, valid UTF-8."""
    if b"\x00" in utf8:
        return None
    scan = _scan(utf8)
    if scan is None:
        return None
    if scan.markers:
        return _span_region(utf8, scan)
    return _article_region(utf8, scan)
