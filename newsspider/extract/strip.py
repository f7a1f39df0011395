"""The headline strip: the ticker of latest headlines at the top of every page.

Found by a text search in the page's markup and parsed once per distinct strip:
the strip is the same on every page of a section, so its markup is the cache key
and each page costs one search, not one more parse.

A hostile page decides the strip's size, so everything about it is bounded: its
entries (``MAX_STRIP_ENTRIES``, titles cut as article titles are, hrefs of at
most ``MAX_HREF_CHARS``), what is cached (``STRIP_CACHE_BYTES`` in all, by the
bytes held rather than by the number of strips, and no fragment larger than
``MAX_CACHED_FRAGMENT_CHARS``).  Unbounded, a distinct 1 MB strip per page held
~12 MB in the cache: 840 MB after 80 such pages.
"""

from __future__ import annotations

import hashlib
import re
import sys
from dataclasses import dataclass, fields, is_dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit

import lxml.html
from cachetools import LRUCache

from newsspider.extract.text import MAX_TITLE_CHARS, clean_text, shorten

# The family's strips hold 20 to 48 entries of under 100 characters, in 2.5 to 6 KB
# of markup (fixture pages, as on the live site).
MAX_STRIP_ENTRIES = 200
MAX_HREF_CHARS = 2048  # longer is no headline's link
MAX_CACHED_FRAGMENT_CHARS = 256 * 1024  # larger: parsed on each page, never kept
# A fixture strip costs 26 KB (20 Arabic entries) to 55 KB (48 French), parsed and placed.
STRIP_CACHE_BYTES = 8 * 1024 * 1024


@dataclass(frozen=True)
class Headline:
    title: str
    url: str


# Where a "<marquee" is not a tag: comments, elements whose content is text
# (``<script>document.write('<marquee>…')</script>``, style, textarea, title,
# xmp, iframe, noembed) and ``<template>``, which no browser shows until a script
# clones it.  ``<noscript>`` is markup: a client without scripts, like this
# crawler, shows what it holds.
_TEXT_ONLY = ("script", "style", "textarea", "title", "template", "xmp", "iframe", "noembed")
_NAMES = ("marquee", *_TEXT_ONLY)
# The lookaheads on the names' first letters only say early what the names say
# (under the same flag, so with the same case folding): most of a page's tags
# (``<div``, ``</li``) are turned away at one character test, not one per name,
# which halves the search on a fixture page.
_FIRST = "".join(sorted({name[0] for name in _NAMES}))
_STRIP_TOKEN = re.compile(
    rf"<(?=[!/{_FIRST}])"
    rf"(?:(?P<comment>!--)|(?P<close>/?)(?=[{_FIRST}])(?P<name>{'|'.join(_NAMES)})(?=[\s/>]))",
    re.IGNORECASE,
)
_TEXT_END = {name: re.compile(rf"</{name}(?=[\s/>])", re.IGNORECASE) for name in _TEXT_ONLY}


# The template's own strip: ``<marquee direction="right" id="marquee" …>``.
_STRIP_ID = re.compile(r"""\bid\s*=\s*["']?marquee\b""", re.IGNORECASE)
_ANCHOR = re.compile(r"<a[\s>]", re.IGNORECASE)


def strip_fragment(html: str) -> str | None:
    """The raw ``<marquee>…</marquee>`` markup of the headline strip, found by a text search.

    Tags count in any case (``<MARQUEE ID=marquee>``); comments and text-only
    elements are stepped over, as an HTML tokenizer would.  The template's strip
    (``id="marquee"``) wins over any other marquee (a promotion scrolling above
    it); without one, the first marquee that holds a link.  One regex over the few
    tags that matter costs ~0.07 ms on a fixture page (its parse: ~0.4 ms) and
    needs no tree.  The strip is the same on every page of a section, so callers
    can compare or cache this substring instead of parsing it on every page.
    """
    start, pos, fallback = -1, 0, None
    while (token := _STRIP_TOKEN.search(html, pos)) is not None:
        name, closing = (token["name"] or "").lower(), bool(token["close"])
        if name == "marquee":
            if start >= 0 and closing:
                end = html.find(">", token.end())
                if end < 0:
                    break
                fragment = html[start : end + 1]
                opening = fragment[: fragment.find(">") + 1]
                if _STRIP_ID.search(opening):
                    return fragment
                if fallback is None and _ANCHOR.search(fragment):
                    fallback = fragment
                start = -1
            elif start < 0 and not closing:
                start = token.start()
            pos = token.end()
        elif token["comment"]:
            # From "<!" on: "<!-->" is a whole (empty) comment.
            end = html.find("-->", token.start() + 2)
            if end < 0:
                break  # an unclosed comment runs to the end of the page
            pos = end + 3
        elif closing:
            pos = token.end()  # a stray end tag
        else:
            text_end = _TEXT_END[name].search(html, token.end())
            if text_end is None:
                break  # an unclosed script runs to the end of the page
            pos = text_end.end()
    return fallback


def parse_strip(fragment: str) -> tuple[tuple[str, str], ...]:
    """``(title, href)`` of each non-empty ticker entry, in page order, at most
    ``MAX_STRIP_ENTRIES``.

    Some anchors are empty (``<a href="/tanja24/30134"></a>``): dropped, as are
    hrefs too long to be a headline's link.  Entities (``&quot;``) are decoded by
    the parser.
    """
    root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    entries = []
    for anchor in root.iter("a"):
        href = (anchor.get("href") or "").strip()
        if not href or len(href) > MAX_HREF_CHARS:
            continue
        title = shorten(clean_text(anchor.text_content()), MAX_TITLE_CHARS)
        if title:
            entries.append((title, href))
            if len(entries) == MAX_STRIP_ENTRIES:
                break
    return tuple(entries)


@dataclass(frozen=True)
class Strip:
    entries: tuple[Headline, ...]
    digest: str  # of titles and paths: the same strip on a mirror and the live site


def held_bytes(*values: Any) -> int:
    """Memory a cache entry holds: its strings, tuples and dataclasses, followed down."""
    total, pending = 0, list(values)
    while pending:
        value = pending.pop()
        total += sys.getsizeof(value)
        if isinstance(value, tuple):
            pending.extend(value)
        elif is_dataclass(value) and not isinstance(value, type):
            total += sys.getsizeof(vars(value))
            pending.extend(getattr(value, field.name) for field in fields(value))
    return total


@dataclass(frozen=True)
class _Cached:
    value: Any
    size: int  # bytes held by the key and the value


def _size_of(cached: _Cached) -> int:
    return cached.size


# Parsed strips and strips per base folder, in one budget: ("parsed", fragment)
# and ("strip", fragment, base) keys.  Scrapy calls callbacks from one thread.
STRIP_CACHE: LRUCache[tuple[str, ...], _Cached] = LRUCache(STRIP_CACHE_BYTES, getsizeof=_size_of)


def _cached(key: tuple[str, ...], compute: Any) -> Any:
    """``compute()``, kept in ``STRIP_CACHE`` under ``key`` unless the fragment is too large."""
    if (found := STRIP_CACHE.get(key)) is not None:
        return found.value
    value = compute()
    if len(key[1]) <= MAX_CACHED_FRAGMENT_CHARS:
        STRIP_CACHE[key] = _Cached(value, held_bytes(key, value))
    return value


def strip_on(fragment: str, base: str) -> Strip | None:
    """The strip's entries with absolute URLs, parsed once per strip and base folder."""
    return _cached(("strip", fragment, base), lambda: _strip_on(fragment, base))


def _strip_on(fragment: str, base: str) -> Strip | None:
    parsed = _cached(("parsed", fragment), lambda: parse_strip(fragment))
    entries = tuple(
        Headline(title, url)
        for title, href in parsed
        # A strip entry is a web page: javascript:, data:, file: links are not headlines.
        if urlsplit(url := urljoin(base, href)).scheme in ("http", "https")
    )
    if not entries:
        return None
    text = "\n".join(f"{entry.title}\t{urlsplit(entry.url).path}" for entry in entries)
    return Strip(entries, hashlib.sha1(text.encode()).hexdigest()[:16])
