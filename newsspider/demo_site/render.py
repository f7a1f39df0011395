"""The Maghress mirror as a pure function: content model, loading, and path -> Response.

Nothing here touches the network, the wall clock or randomness, so a page's bytes depend only
on the content files and on the test controls applied since loading (:meth:`Site.add_article`,
:meth:`Site.set_faults`): golden-file tests can render a page without starting a server, and
the HTTP server in ``server.py`` is a thin shell around :meth:`Site.render`.

Test controls are safe to call while a server thread renders: every read and write of the
mutable state happens under one lock, and each change empties the page cache.

Hostile-web controls (:meth:`Site.add_path_fault`, :meth:`Site.set_robots`,
:meth:`Site.set_hostile_links`, :meth:`Site.set_duplicate_links`, :meth:`Site.serve_rss`) change
nothing until called, so the default site renders byte for byte as before.
"""

from __future__ import annotations

import base64
import hashlib
import heapq
import json
import math
import re
import threading
from collections import OrderedDict
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta, timezone
from email.utils import format_datetime
from functools import cache
from html import unescape
from html.entities import codepoint2name
from http import HTTPStatus
from importlib import resources
from string import Template
from typing import Any
from urllib.parse import parse_qs, urlsplit

from . import synthetic
from .faults import (
    NETWORK_KINDS,
    REPLACING_KINDS,
    TRANSFORMING_KINDS,
    NetworkFaults,
    PathFault,
    make_fault,
    mangle_html,
    pad,
    recharset,
)

SECTIONS = (
    "politics",
    "economics",
    "international",
    "sports",
    "society",
    "culture",
    "religion",
    "health",
)
LANGS = ("fr", "ar")
LAYOUTS = ("span", "article")
ENCODINGS = ("utf-8", "windows-1256")
PER_PAGE = 5
HOME_COUNT = 10
RSS_COUNT = 20
SIDEBAR_COUNT = 8
RELATED_COUNT = 4
TEASER_CHARS = 150
# Morocco has kept GMT+1 all year since October 2018 (outside Ramadan; no article falls in it).
MOROCCO = timezone(timedelta(hours=1))
IMAGE_HOST = "//images2.maghress.com"
# Where the real site lives: used for og:url / JSON-LD and for feeds rendered without a Host.
CANONICAL = "https://www.maghress.com"
AD_PREFIX = "div-gpt-ad-1571234567890-"
TICKER_SEPARATOR = "&nbsp;" * 4
# Real headline strips are bounded: add_article() prepends, the oldest entries fall off.
TICKER_MAX = 60
# The page cache is an LRU bounded in pages and in bytes, so a 10,000-article site crawled
# end to end keeps a flat memory footprint.
CACHE_PAGES = 4096
CACHE_BYTES = 64 * 1024 * 1024

# Pages that tests look for by id: each one is checked against its claim when the site loads.
SPECIAL: dict[str, tuple[str, str]] = {
    "fr_seed": ("libe", "32145"),
    "fr_no_date": ("lagazette", "5107"),
    "fr_no_source_link": ("albayane", "211348"),
    "fr_english": ("lagazette", "5309"),
    "fr_inline_script_ad": ("aujourdhui", "100740"),
    "fr_share_between_spans": ("libe", "32410"),
    "ar_no_date": ("alyaoum24", "904528"),
    "ar_windows1256": ("assabah", "148090"),
    "ar_month_name_date": ("febrayer", "553010"),
}


@dataclass(frozen=True)
class Source:
    """A newspaper whose articles the aggregator republishes."""

    slug: str
    lang: str
    name: str
    url: str

    @property
    def path(self) -> str:
        return f"/fr/{self.slug}" if self.lang == "fr" else f"/{self.slug}"


@dataclass(frozen=True)
class Article:
    """What an article page shows; tests compare crawler output with these fields."""

    source: str
    id: str
    lang: str
    title: str
    published: str | None
    paragraphs: list[str]
    source_url: str | None
    layout: str
    section: str
    encoding: str = "utf-8"

    @property
    def path(self) -> str:
        if self.lang == "fr":
            return f"/fr/{self.source}/{self.id}"
        return f"/{self.source}/{self.id}"


@dataclass(frozen=True)
class Markup:
    """How one article's body is marked up: the quirks a real extractor has to survive.

    None of this changes the article's text; it only varies the HTML around it.
    """

    time: str | None = None  # "HH:MM", shown by the newer layout and the feeds
    groups: tuple[int, ...] = ()  # paragraphs per content span (span) or per block (article)
    between: tuple[str, ...] = ()  # "ad" or "share" between consecutive groups
    paragraph_tag: str = "br"  # span layout: "<br /><br />" between paragraphs, or "<p>"
    bold: tuple[str, ...] = ()
    italic: tuple[str, ...] = ()
    links: tuple[tuple[str, str], ...] = ()  # (phrase, href): inline links in the body
    breaks: tuple[str, ...] = ()  # a raw newline replaces the space after these phrases
    entities: bool = False  # write é as &eacute;, ' as &#039;, « as &laquo;
    stray_whitespace: bool = False  # indentation and newlines around paragraphs
    inline_ad: bool = False  # an AdSense <ins> + <script> inside the first content span
    date_format: str = "numeric"  # "numeric" (19 - 10 - 2019), "month_ma", "month_dz"
    caption: str | None = None  # figcaption of the newer layout


@dataclass(frozen=True)
class Faults:
    """Switchable misbehaviour of the site, for tests of how a crawl reports bad runs."""

    error_share: float = 0.0  # this share of article pages answers error_status
    error_status: int = 500
    unknown_layout: bool = False  # article pages in a markup no extractor knows
    hide_dates: bool = False  # no date on article pages, teasers or feeds

    def fails(self, path: str) -> bool:
        """Whether the article at ``path`` answers ``error_status``: a stable hash of the path,
        so the same pages fail on every attempt and retries cannot help."""
        if self.error_share <= 0:
            return False
        digest = hashlib.sha256(f"fault:{path}".encode()).digest()
        return int.from_bytes(digest[:8], "big") / 2**64 < self.error_share


@dataclass(frozen=True)
class Response:
    """An HTTP response as bytes, so tests can check exactly what a crawler would receive."""

    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def charset(self) -> str:
        _, found, charset = self.headers.get("Content-Type", "").rpartition("charset=")
        return (charset.strip() or "utf-8") if found else "utf-8"

    @property
    def text(self) -> str:
        return self.body.decode(self.charset)


# The relaunched article template (``unknown_layout`` fault) renames the old layout's classes.
RELAUNCH_CSS = (
    ("#articlecontainer h1", ".headline-x"),
    (".articlenewspaper", ".byline"),
    (".articleimage", ".story-img"),
    (".articlecontent", ".txt"),
    (".articlesource", ".story-source"),
)

# --- text helpers ---------------------------------------------------------------------------


def esc(text: str) -> str:
    """Escape text for HTML/XML content and double-quoted attributes (not ', as JSF does)."""
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    )


def esc_entities(text: str) -> str:
    """Escape like an old CMS: named entities for every accented letter, &#039; for '."""
    out = []
    for char in text:
        if char == "'":
            out.append("&#039;")
        elif ord(char) > 127 and ord(char) in codepoint2name:
            out.append(f"&{codepoint2name[ord(char)]};")
        else:
            out.append(esc(char))
    return "".join(out)


# ``{{raw:...}}`` in an explicit title or paragraph of add_article(): ``...`` goes into the HTML
# verbatim (entity markup such as ``&#233;`` or ``&foo;``); the article's text holds what a
# browser shows for it (``html.unescape``).
RAW_MARK = re.compile(r"\{\{raw:(.*?)\}\}", re.DOTALL)


def shown_text(text: str) -> str:
    """What a browser shows for an explicit title or paragraph: raw parts decoded."""
    return RAW_MARK.sub(lambda match: unescape(match[1]), text)


def raw_html(text: str) -> str:
    """An explicit title or paragraph as HTML: named entities (``esc_entities``) outside the
    ``{{raw:...}}`` parts, the raw parts verbatim."""
    out, position = [], 0
    for match in RAW_MARK.finditer(text):
        out.append(esc_entities(text[position : match.start()]))
        out.append(match[1])
        position = match.end()
    out.append(esc_entities(text[position:]))
    return "".join(out)


# Labels of the links set_hostile_links() adds where a label shows.
HOSTILE_LABEL = {"fr": "Lire aussi", "ar": "اقرأ أيضا"}


def teaser_text(article: Article) -> str:
    """The first 150 characters of the body, cut as the real teasers are: mid-word, «(...)»."""
    body = " ".join(article.paragraphs)
    if len(body) <= TEASER_CHARS:
        return body
    return body[:TEASER_CHARS].rstrip() + " (...)"


def _viewstate(key: str) -> str:
    """A JSF ViewState look-alike: 4-8 KB of base64 that only depends on the page."""
    seed = hashlib.sha256(key.encode("utf-8")).digest()
    size = 3750 + int.from_bytes(seed[:2], "big") % 2251
    return base64.b64encode(hashlib.shake_256(seed).digest(size)).decode("ascii")


def _ad(number: int) -> str:
    slot = f"{AD_PREFIX}{number}"
    return (
        f'<div id="{slot}"><script>googletag.cmd.push(function() {{ '
        f"googletag.display('{slot}'); }});</script></div>"
    )


ADSENSE = (
    '<ins class="adsbygoogle" style="display:block; text-align:center;" '
    'data-ad-layout="in-article" data-ad-format="fluid" data-ad-client="ca-pub-4839201757183742" '
    'data-ad-slot="6419273850"></ins>'
    "<script>(adsbygoogle = window.adsbygoogle || []).push({});</script>"
)


@cache
def _template(name: str) -> Template:
    text = resources.files(__package__).joinpath("templates", name).read_text("utf-8")
    return Template(text)


def _fill(name: str, **values: object) -> str:
    return _template(name).substitute(**values)


# --- the site -------------------------------------------------------------------------------


@dataclass
class Site:
    """The mirror's content and its rendering; build it with :func:`load_site`.

    Test controls (thread-safe, each one empties the page cache): :meth:`add_article`,
    :meth:`set_clock` / :meth:`advance_clock`, :meth:`set_faults` / :meth:`clear_faults`, and
    the hostile web: :meth:`add_path_fault`, :meth:`set_robots`, :meth:`set_hostile_links`,
    :meth:`set_duplicate_links`, :meth:`serve_rss` (all undone by :meth:`clear_faults`).
    """

    sources: list[Source]
    articles: list[Article]
    markup: dict[str, Markup]
    tickers: dict[str, list[tuple[str, str]]]
    locale: dict[str, dict[str, Any]]
    page_kb: int = 0  # > 0: pad every HTML page to about this many kilobytes
    _by_path: dict[str, Article] = field(init=False, repr=False)
    _by_key: dict[tuple[str, str], Article] = field(init=False, repr=False)
    _sources: dict[str, Source] = field(init=False, repr=False)
    _cache: OrderedDict[tuple[object, ...], Response] = field(init=False, repr=False)
    _cache_bytes: int = field(init=False, repr=False)
    # Sorted listings, "most read", page chrome: recomputed lazily after each change.
    _derived: dict[tuple[object, ...], Any] = field(init=False, repr=False)
    _lock: Any = field(init=False, repr=False)  # an RLock: public queries nest in rendering
    _clock: date = field(init=False, repr=False)
    _faults: Faults = field(init=False, repr=False)
    # Order in which add_article() created articles: breaks ties between equal timestamps.
    _added: dict[str, int] = field(init=False, repr=False)
    _invented: int = field(init=False, repr=False)  # dispatches numbered so far
    # The hostile web (clear_faults() resets all of it).
    _path_faults: dict[tuple[str, str], PathFault] = field(init=False, repr=False)
    _fault_hits: dict[tuple[str, str, str], int] = field(init=False, repr=False)
    _robots: tuple[str, ...] | None = field(init=False, repr=False)
    _hostile: tuple[str, ...] = field(init=False, repr=False)
    _duplicates: bool = field(init=False, repr=False)
    _rss_bodies: dict[str, bytes] = field(init=False, repr=False)
    # Explicit (title, paragraphs) of add_article(), with their {{raw:...}} markers.
    _raw_text: dict[str, tuple[str, tuple[str, ...]]] = field(init=False, repr=False)
    # Host header of the request being rendered (render() sets it under the lock).
    _host: str | None = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._by_path = {a.path: a for a in self.articles}
        self._by_key = {(a.source, a.id): a for a in self.articles}
        self._sources = {s.slug: s for s in self.sources}
        self._cache = OrderedDict()
        self._cache_bytes = 0
        self._derived = {}
        self._lock = threading.RLock()
        dated = [a.published for a in self.articles if a.published]
        self._clock = date.fromisoformat(max(dated)) if dated else date(2019, 1, 1)
        self._faults = Faults()
        self._added = {}
        self._invented = 0
        self._path_faults = {}
        self._fault_hits = {}
        self._robots = None
        self._hostile = ()
        self._duplicates = False
        self._rss_bodies = {}
        self._raw_text = {}
        self._host = None

    # -- queries

    def ticker(self, lang: str) -> list[tuple[str, str]]:
        """The headline strip of a section: (title, path), empty anchors included as ("", path)."""
        with self._lock:
            return list(self.tickers[lang])

    def source(self, slug: str) -> Source | None:
        return self._sources.get(slug)

    def sources_for(self, lang: str) -> list[Source]:
        return [s for s in self.sources if s.lang == lang]

    def get(self, path: str) -> Article | None:
        """The article served at ``path`` (``/fr/libe/32145``), if any."""
        return self._by_path.get(path)

    def article(self, source: str, id: str) -> Article:
        """The article with this source slug and id (the form ``SPECIAL`` uses)."""
        try:
            return self._by_key[(source, id)]
        except KeyError:
            raise KeyError((source, id)) from None

    def special(self, name: str) -> Article:
        return self.article(*SPECIAL[name])

    def published_datetime(self, article: Article) -> datetime | None:
        """Date and time of publication (the newer layout and the feeds show the time)."""
        if article.published is None:
            return None
        time = self.markup[article.path].time or "12:00"
        return datetime.fromisoformat(f"{article.published}T{time}:00").replace(tzinfo=MOROCCO)

    def newest(
        self, lang: str, source: str | None = None, section: str | None = None
    ) -> list[Article]:
        """Articles newest first; undated ones last (as if they were the oldest)."""
        with self._lock:
            return list(self._newest(lang, source, section))

    def _newest(self, lang: str, source: str | None, section: str | None) -> list[Article]:
        """:meth:`newest` without the copy, computed once per change (callers hold the lock)."""
        key = ("newest", lang, source, section)
        found: list[Article] | None = self._derived.get(key)
        if found is None:
            if source is None and section is None:

                def order(article: Article) -> tuple[str, int, int]:
                    when = self.published_datetime(article)
                    added = self._added.get(article.path, 0)
                    return (when.isoformat() if when else "", added, int(article.id))

                chosen = [a for a in self.articles if a.lang == lang]
                found = sorted(chosen, key=order, reverse=True)
            else:
                # Filtering the sorted section keeps the order a sort of the subset would give.
                found = [
                    a
                    for a in self._newest(lang, None, None)
                    if (source is None or a.source == source)
                    and (section is None or a.section == section)
                ]
            self._derived[key] = found
        return found

    # -- test controls

    @property
    def clock(self) -> date:
        """Today for the site: the date add_article() gives by default (initially the date of
        the newest article). Only tests move it; nothing rendered depends on it."""
        return self._clock

    def set_clock(self, day: date) -> None:
        if isinstance(day, datetime):
            day = day.date()
        with self._lock:
            self._clock = day

    def advance_clock(self, days: int = 1) -> date:
        with self._lock:
            self._clock += timedelta(days=days)
            return self._clock

    @property
    def faults(self) -> Faults:
        return self._faults

    def set_faults(
        self,
        error_share: float = 0.0,
        error_status: int = 500,
        unknown_layout: bool = False,
        hide_dates: bool = False,
    ) -> Faults:
        """Replace every fault setting at once (unnamed ones go back to normal)."""
        if not 0.0 <= error_share <= 1.0:
            raise ValueError(f"error_share must be between 0 and 1, not {error_share}")
        if not 400 <= error_status <= 599:
            raise ValueError(f"error_status must be a 4xx or 5xx status, not {error_status}")
        faults = Faults(float(error_share), int(error_status), unknown_layout, hide_dates)
        with self._lock:
            self._faults = faults
            self._invalidate()
        return faults

    def clear_faults(self) -> None:
        """Back to a well-behaved site: no error share, path fault, custom robots.txt, hostile
        or duplicate link, nor replaced feed (added articles stay)."""
        with self._lock:
            self.set_faults()
            self._path_faults.clear()
            self._fault_hits.clear()
            self._robots = None
            self._hostile = ()
            self._duplicates = False
            self._rss_bodies.clear()
            self._invalidate()

    # -- the hostile web

    def add_path_fault(self, path: str, kind: str, **params: Any) -> None:
        """Make requests of ``path`` misbehave (query string ignored; ``/fr/libe/*`` matches a
        prefix). Kinds and their parameters (every kind also takes ``times``: only the first
        ``times`` requests of each matching path, None = all of them):

        - ``status``: ``status`` (4xx/5xx), an Apache error page; ``Retry-After: 1`` on 503/429
        - ``slow``: ``seconds`` to wait before answering normally (done by the HTTP server)
        - ``reset``: close the connection with a TCP RST, no response (HTTP server)
        - ``truncate``: the full Content-Length, half the body, then close (HTTP server)
        - ``charset``: ``encoding`` of the bytes, ``declared`` charset (default: ``encoding``;
          None removes the declarations from the header, the ``<meta>`` and the XML prolog)
        - ``malformed``: broken HTML around intact text (see :func:`faults.mangle_html`)
        - ``oversize``: ``size``, the exact body length (a trailing comment pads the page)
        - ``redirect``: ``to`` (the Location, as given), ``status`` (301/302/303/307/308)
        - ``content``: ``content_type`` and ``body`` (bytes) served instead of the page

        One fault per path and kind (a new one replaces the old one and its count); faults of
        different kinds on one path combine: reset, slow, then status, redirect or content
        (the first that applies ends there), then malformed, charset, oversize, truncate.
        When several patterns match a path, the exact path wins over the longest prefix.
        """
        fault = make_fault(path, kind, params)
        with self._lock:
            self._path_faults.pop((fault.path, kind), None)
            self._path_faults[(fault.path, kind)] = fault
            for key in [k for k in self._fault_hits if k[:2] == (fault.path, kind)]:
                del self._fault_hits[key]
            self._invalidate()

    def remove_path_fault(self, path: str, kind: str | None = None) -> None:
        """Remove the faults set on ``path`` (the pattern as given), of one kind or all."""
        with self._lock:
            for key in [k for k in self._path_faults if k[0] == path and kind in (None, k[1])]:
                del self._path_faults[key]
            for key in [k for k in self._fault_hits if k[0] == path and kind in (None, k[1])]:
                del self._fault_hits[key]
            self._invalidate()

    @property
    def path_faults(self) -> list[PathFault]:
        """The faults set with :meth:`add_path_fault`, oldest first."""
        with self._lock:
            return [replace(f, params=dict(f.params)) for f in self._path_faults.values()]

    def _take_fault(self, path: str, kind: str) -> PathFault | None:
        """The fault of ``kind`` that applies to this request of ``path``, counting it
        against its ``times`` (callers hold the lock)."""
        matching = [f for (_, k), f in self._path_faults.items() if k == kind and f.matches(path)]
        if not matching:
            return None
        fault = max(matching, key=lambda f: f.specificity)
        if fault.times is not None:
            key = (fault.path, kind, path)
            done = self._fault_hits.get(key, 0)
            if done >= fault.times:
                return None
            self._fault_hits[key] = done + 1
        return fault

    def take_network_faults(self, path: str) -> NetworkFaults:
        """What the HTTP server must do to this request of ``path`` (query string allowed):
        each ``slow`` / ``reset`` / ``truncate`` fault that applies counts as used."""
        request_path = urlsplit(path).path
        with self._lock:
            if not self._path_faults:
                return NetworkFaults()
            found = {kind: self._take_fault(request_path, kind) for kind in NETWORK_KINDS}
        slow = found["slow"]
        return NetworkFaults(
            delay=float(slow.params["seconds"]) if slow else 0.0,
            reset=found["reset"] is not None,
            truncate=found["truncate"] is not None,
        )

    def set_robots(self, disallow: list[str] | None) -> None:
        """Serve a robots.txt for every user agent with these ``Disallow:`` lines (an empty
        list allows everything); None restores the default one."""
        if disallow is not None:
            if isinstance(disallow, str):
                raise TypeError("disallow is a list of paths, not a string")
            if any(not isinstance(p, str) or "\n" in p or "\r" in p for p in disallow):
                raise ValueError("each Disallow path is one line of text")
        with self._lock:
            self._robots = None if disallow is None else tuple(disallow)
            self._invalidate()

    def set_hostile_links(self, urls: list[str]) -> None:
        """Add these hrefs to every HTML page (an empty list: none): empty anchors at the end
        of the article body, labelled ones right after the «click here» link (articles with a
        source link), one teaser box each after a listing's teasers, and labelled anchors at
        the end of the headline strip."""
        if isinstance(urls, str) or any(not isinstance(u, str) for u in urls):
            raise TypeError("urls is a list of strings")
        with self._lock:
            self._hostile = tuple(urls)
            self._invalidate()

    def set_duplicate_links(self, on: bool) -> None:
        """Also link every article of the listings and the headline strip under four variant
        URLs (see :meth:`duplicate_variants`); they all serve the article's page."""
        with self._lock:
            self._duplicates = bool(on)
            self._invalidate()

    @staticmethod
    def duplicate_variants(path: str, host: str | None) -> list[str]:
        """The variant hrefs :meth:`set_duplicate_links` adds for an article path: with
        ``?utm_source=x``, with a trailing slash, with ``?page=1&utm=y``, and the absolute URL
        on the other loopback name (``localhost`` for ``127.0.0.1`` and back; ``host`` is the
        request's Host header)."""
        name, colon, port = (host or "localhost").rpartition(":")
        if not colon or not port.isdigit():
            name, port = host or "localhost", ""
        other = {"127.0.0.1": "localhost", "localhost": "127.0.0.1"}.get(name.lower(), "localhost")
        other_host = f"{other}:{port}" if port else other
        return [
            f"{path}?utm_source=x",
            f"{path}/",
            f"{path}?page=1&utm=y",
            f"http://{other_host}{path}",
        ]

    def serve_rss(self, lang: str, body: bytes | None) -> None:
        """Serve ``body`` (raw bytes, Content-Type ``application/rss+xml`` without a charset)
        at the section's feed, ``/rss`` (ar) or ``/fr/rss``; None restores the real feed."""
        if lang not in LANGS:
            raise ValueError(f"unknown language {lang!r}")
        if body is not None and not isinstance(body, (bytes, bytearray, memoryview)):
            raise TypeError("body must be bytes or None")
        with self._lock:
            if body is None:
                self._rss_bodies.pop(lang, None)
            else:
                self._rss_bodies[lang] = bytes(body)
            self._invalidate()

    def add_article(
        self,
        lang: str,
        source: str | None = None,
        published: str | None = None,
        layout: str = "span",
        title: str | None = None,
        paragraphs: list[str] | None = None,
    ) -> Article:
        """Publish a new invented article («Dépêche n°N : …») and return it.

        Its id is greater than every id of its source; it is dated ``published`` (ISO date)
        or else :attr:`clock`, timed after every article of that day, so when that day is the
        newest it tops its source's listing, its section home, the sections and the feeds; it
        is prepended to the section's headline strip. ``source`` defaults to the next source
        of the section in turn.

        ``title`` / ``paragraphs`` replace the invented text. The article page writes them
        with named entities (``é`` as ``&eacute;``, ``«`` as ``&laquo;``, no-break space as
        ``&nbsp;``, ``'`` as ``&#039;``) and ``{{raw:...}}`` puts ``...`` in the HTML verbatim
        (``{{raw:&#xE9;}}``, ``{{raw:&foo;}}``). The returned article holds the text a browser
        shows: raw parts decoded by ``html.unescape``. Listings, the strip, feeds and
        ``<title>`` show that decoded text, escaped the usual way.
        """
        if lang not in LANGS:
            raise ValueError(f"unknown language {lang!r}")
        if layout not in LAYOUTS:
            raise ValueError(f"unknown layout {layout!r}")
        if isinstance(published, date):
            published = published.isoformat()
        if title is not None and (not isinstance(title, str) or not shown_text(title).strip()):
            raise ValueError("title must be a non-blank string")
        if paragraphs is not None:
            if isinstance(paragraphs, str) or not paragraphs:
                raise ValueError("paragraphs must be a non-empty list of strings")
            if any(not isinstance(p, str) or not shown_text(p).strip() for p in paragraphs):
                raise ValueError("every paragraph must be a non-blank string")
        with self._lock:
            candidates = self.sources_for(lang)
            if source is None:
                added_here = sum(1 for path in self._added if self._by_path[path].lang == lang)
                chosen = candidates[added_here % len(candidates)]
            elif (found := self._sources.get(source)) is None or found.lang != lang:
                raise ValueError(f"no {lang} source {source!r}")
            else:
                chosen = found
            day = published or self._clock.isoformat()
            date.fromisoformat(day)  # refuse a malformed date early
            self._invented += 1
            number = self._invented
            section = SECTIONS[synthetic.mix(number, 1) % len(SECTIONS)]
            invented_title, invented_paragraphs = synthetic.invent_text(lang, number, section)
            explicit = title is not None or paragraphs is not None
            raw_title = invented_title if title is None else title
            raw_paragraphs = invented_paragraphs if paragraphs is None else list(paragraphs)
            shown_title = shown_text(raw_title) if explicit else raw_title
            shown = [shown_text(p) for p in raw_paragraphs] if explicit else raw_paragraphs
            id = str(1 + max(int(a.id) for a in self.articles if a.source == chosen.slug))
            article = Article(
                source=chosen.slug,
                id=id,
                lang=lang,
                title=shown_title,
                published=day,
                paragraphs=shown,
                # Real slugs are cut short: a 5,000-character title keeps a sane source URL.
                source_url=synthetic.source_url(
                    lang, chosen.url, section, id, shown_title[:200] if explicit else shown_title
                ),
                layout=layout,
                section=section,
            )
            time = self._time_after(lang, day)
            if explicit:
                self._raw_text[article.path] = (raw_title, tuple(raw_paragraphs))
                article_markup = Markup(time=time, entities=True)
            else:
                article_markup = _invented_markup(number, shown, time)
            self._insert(article, article_markup)
            self._added[article.path] = len(self._added) + 1
            strip = self.tickers.setdefault(lang, [])
            strip.insert(0, (article.title, article.path))
            del strip[TICKER_MAX:]
            self._invalidate()
            return article

    def _time_after(self, lang: str, day: str) -> str:
        """A time later than every article of ``lang`` published on ``day`` (23:59 at most)."""
        times = [
            self.markup[a.path].time or "12:00"
            for a in self.articles
            if a.lang == lang and a.published == day
        ]
        if not times:
            return "08:00"
        hours, minutes = map(int, max(times).split(":"))
        total = min(hours * 60 + minutes + 5, 23 * 60 + 59)
        return f"{total // 60:02d}:{total % 60:02d}"

    def _insert(self, article: Article, markup: Markup) -> None:
        self.articles.append(article)
        self.markup[article.path] = markup
        self._by_path[article.path] = article
        self._by_key[(article.source, article.id)] = article

    def _invalidate(self) -> None:
        """Forget every rendered page and derived list (callers hold the lock)."""
        self._cache.clear()
        self._cache_bytes = 0
        self._derived.clear()

    # -- rendering

    @property
    def cache_stats(self) -> tuple[int, int]:
        """(pages, bytes) currently held by the render cache (bounded by CACHE_PAGES/_BYTES)."""
        with self._lock:
            return len(self._cache), self._cache_bytes

    def render(self, path: str, host: str | None = None) -> Response:
        """The response for a request path (query string allowed). ``host`` only shapes the
        absolute links of the RSS feeds (and the ``localhost`` variants of
        :meth:`set_duplicate_links`); without it they point at the real site.

        Content-level path faults apply here, and each one that applies counts against its
        ``times``: a direct call of render() is a request like any other.
        """
        with self._lock:
            if not self._path_faults:
                return self._render_page(path, host)
            request_path = urlsplit(path).path
            for kind in REPLACING_KINDS:
                fault = self._take_fault(request_path, kind)
                if fault is not None:
                    return _replacement(fault)
            transforms = [
                fault
                for kind in TRANSFORMING_KINDS
                if (fault := self._take_fault(request_path, kind)) is not None
            ]
            response = self._render_page(path, host)
        for fault in transforms:
            response = _transform(response, fault)
        return response

    def _render_page(self, path: str, host: str | None) -> Response:
        """The page itself, from the cache when it can (callers hold the lock)."""
        route = self._route(path)
        base = f"http://{host}" if host else CANONICAL
        key = (*route, base) if route[0] == "rss" or self._duplicates else route
        cached = self._cache.get(key)
        if cached is not None:
            self._cache.move_to_end(key)
            return cached
        self._host = host
        response = self._build(route, base)
        self._cache[key] = response
        self._cache_bytes += len(response.body)
        while len(self._cache) > 1 and (
            len(self._cache) > CACHE_PAGES or self._cache_bytes > CACHE_BYTES
        ):
            _, evicted = self._cache.popitem(last=False)
            self._cache_bytes -= len(evicted.body)
        return response

    def _route(self, raw: str) -> tuple[object, ...]:
        """Map a request path to what it shows; the tuple is also the cache key."""
        parts = urlsplit(raw)
        path = parts.path.rstrip("/") or "/"
        if path == "/robots.txt":
            return ("robots",)
        segments = [] if path == "/" else path[1:].split("/")
        lang = "fr" if segments[:1] == ["fr"] else "ar"
        rest = segments[1:] if lang == "fr" else segments
        if not rest:
            return ("home", lang)
        if rest == ["rss"]:
            return ("rss", lang, None)
        if len(rest) == 1:
            name = rest[0]
            if name in SECTIONS:
                listing: tuple[str, str] = ("section", name)
                count = len(self._newest(lang, None, name))
            elif (source := self._sources.get(name)) and source.lang == lang:
                listing = ("source", name)
                count = len(self._newest(lang, name, None))
            else:
                return ("notfound", lang)
            page_values = parse_qs(parts.query).get("page", ["1"])
            page = int(page_values[0]) if page_values[0].isdigit() else 0
            if not 1 <= page <= max(1, math.ceil(count / PER_PAGE)):
                return ("notfound", lang)
            return ("listing", lang, *listing, page)
        if len(rest) == 2:
            slug, tail = rest
            source = self._sources.get(slug)
            if tail == "rss" and source and source.lang == lang:
                return ("rss", lang, slug)
            if path in self._by_path:
                return ("article", path)
        return ("notfound", lang)

    def _build(self, route: tuple[object, ...], base: str) -> Response:
        kind = route[0]
        if kind == "robots":
            if self._robots is None:
                body = _template("robots.txt").template.encode("utf-8")
            else:
                lines = [f"Disallow: {path}".rstrip() for path in self._robots] or ["Disallow:"]
                body = "\n".join(["User-agent: *", *lines, ""]).encode("utf-8")
            return _response(200, "text/plain; charset=utf-8", body)
        if kind == "rss":
            lang, slug = str(route[1]), route[2]
            if slug is None and lang in self._rss_bodies:
                return _response(200, "application/rss+xml", self._rss_bodies[lang])
            body = self._rss(lang, slug if isinstance(slug, str) else None, base)
            return _response(200, "application/rss+xml; charset=UTF-8", body.encode("utf-8"))
        if kind == "article":
            article = self._by_path[str(route[1])]
            if self._faults.fails(article.path):
                return _error_response(self._faults.error_status)
            return self._article_page(article)
        if kind == "home":
            return self._listing_page(str(route[1]), None, None, 1)
        if kind == "listing":
            lang, what, name, page = route[1:]
            return self._listing_page(str(lang), str(what), str(name), int(str(page)))
        return self._page(
            str(route[1]), self._notfound(str(route[1])), status=404, title_key="not_found_title"
        )

    # -- page chrome

    def _page(
        self,
        lang: str,
        content: str,
        *,
        status: int = 200,
        title: str | None = None,
        title_key: str | None = None,
        head_extra: str = "",
        form_action: str | None = None,
        encoding: str = "utf-8",
        restyle: bool = False,
    ) -> Response:
        loc = self.locale[lang]
        chrome = self._chrome(lang)
        if title is None:
            title = loc["title_prefix"] + loc[title_key] if title_key else loc["title_home"]
        charset = "UTF-8" if encoding == "utf-8" else encoding
        action = form_action or loc["home"]
        html = _fill(
            "page.html",
            encoding=charset,
            lang=lang,
            dir=loc["dir"],
            title=esc(title),
            rss_label=esc(loc["rss_label"]),
            rss_href=self._rss_path(lang, None),
            head_extra=head_extra,
            home=loc["home"],
            site_name=esc(loc["site_name"]),
            search=esc(loc["search"]),
            form_action=esc(action),
            menu=chrome["menu"],
            viewstate=_viewstate(f"{lang}:{action}:{title}"),
            ticker=chrome["ticker"],
            content=content,
            sidebar=chrome["sidebar"],
            footer=chrome["footer"],
        )
        if restyle:
            # The relaunched article template ships its own stylesheet: none of the old
            # layout's class names survive anywhere on the page.
            style_end = html.index("</style>")
            style = html[:style_end]
            for old, new in RELAUNCH_CSS:
                style = style.replace(old, new)
            html = style + html[style_end:]
        body = html.encode(encoding, "xmlcharrefreplace")
        if self.page_kb > 0:
            mobile = chrome["mobile_menu"].encode(encoding, "xmlcharrefreplace")
            key = f"{lang}:{action}:{title}:{status}"
            body = synthetic.pad_page(body, self.page_kb * 1024, key, lang, mobile)
        return _response(status, f"text/html; charset={charset}", body)

    def _chrome(self, lang: str) -> dict[str, str]:
        """The parts of the page every page of a section shares, built once per change."""
        # With duplicate links on, the strip links the other loopback name of the request's host.
        key = ("chrome", lang, self._host if self._duplicates else None)
        chrome: dict[str, str] | None = self._derived.get(key)
        if chrome is None:
            menu = self._menu(lang)
            chrome = {
                "menu": menu,
                "ticker": self._ticker_html(lang),
                "sidebar": self._sidebar(lang),
                "footer": self._footer(lang),
                "mobile_menu": _mobile_menu(menu),
            }
            self._derived[key] = chrome
        return chrome

    def _menu(self, lang: str) -> str:
        loc = self.locale[lang]
        sources = "\n".join(
            _fill("menuitem.html", href=s.path, label=esc(s.name)).rstrip("\n")
            for s in self.sources_for(lang)
        )
        sections = "\n".join(
            _fill("menuitem.html", href=self._section_path(lang, name), label=esc(label)).rstrip()
            for name, label in loc["sections"].items()
        )
        return _fill(
            "menu.html",
            home=loc["home"],
            menu_home=esc(loc["menu_home"]),
            menu_sources=esc(loc["menu_sources"]),
            source_items=sources,
            section_items=sections,
            other_home=loc["other_lang_home"],
            other_lang=loc["other_lang"],
            menu_other_lang=esc(loc["menu_other_lang"]),
        ).rstrip("\n")

    def _ticker_html(self, lang: str) -> str:
        anchors = "".join(
            f'<a href="{esc(path)}">{esc(title)}</a>{TICKER_SEPARATOR}'
            + (self._variant_anchors(path, esc(title), TICKER_SEPARATOR) if title else "")
            for title, path in self.tickers[lang]
        )
        anchors += "".join(
            f'<a href="{esc(url)}">{esc(HOSTILE_LABEL[lang])}</a>{TICKER_SEPARATOR}'
            for url in self._hostile
        )
        return _fill("ticker.html", anchors=anchors)

    def _variant_anchors(self, path: str, label: str, separator: str = " ") -> str:
        """Anchors to the duplicate variants of an article path, when they are switched on."""
        if not self._duplicates or path not in self._by_path:
            return ""
        return "".join(
            f'<a href="{esc(href)}">{label}</a>{separator}'
            for href in self.duplicate_variants(path, self._host)
        )

    def _hostile_anchors(self, lang: str, labelled: bool) -> str:
        """The hostile hrefs as labelled anchors (after the «click here» link) or empty ones
        (inside the article body, where a label would change the text)."""
        if labelled:
            label = esc(HOSTILE_LABEL[lang])
            return "".join(f' <a href="{esc(url)}">{label}</a>' for url in self._hostile)
        return "".join(f'<a href="{esc(url)}"></a>' for url in self._hostile)

    def _sidebar(self, lang: str) -> str:
        items = "\n".join(
            f'<li><a href="{a.path}">{esc(a.title)}</a></li>'
            for a in self._newest(lang, None, None)[:SIDEBAR_COUNT]
        )
        # "Most read" has no real counts behind it: a stable pseudo-random pick of the section.
        popular = heapq.nsmallest(
            SIDEBAR_COUNT,
            (a for a in self.articles if a.lang == lang),
            key=lambda a: hashlib.sha256(a.path.encode()).hexdigest(),
        )
        most_read = "\n".join(f'<li><a href="{a.path}">{esc(a.title)}</a></li>' for a in popular)
        loc = self.locale[lang]
        return _fill(
            "sidebar.html",
            latest=esc(loc["latest"]),
            items=items,
            most_read=esc(loc["most_read"]),
            most_read_items=most_read,
            fb_locale="fr_FR" if lang == "fr" else "ar_AR",
        )

    def _footer(self, lang: str) -> str:
        loc = self.locale[lang]
        links = " ".join(
            f'<a href="{self._section_path(lang, name)}">{esc(label)}</a>'
            for name, label in loc["sections"].items()
        )
        return _fill(
            "footer.html",
            section_links=links,
            newspaper_links=" ".join(
                f'<a href="{s.path}">{esc(s.name)}</a>' for s in self.sources_for(lang)
            ),
            rss_href=self._rss_path(lang, None),
            rss_label=esc(loc["rss_label"]),
            other_home=loc["other_lang_home"],
            other_lang=loc["other_lang"],
            menu_other_lang=esc(loc["menu_other_lang"]),
            footer=esc(loc["footer"]),
        )

    def _notfound(self, lang: str) -> str:
        loc = self.locale[lang]
        return _fill(
            "notfound.html",
            heading=esc(loc["not_found_title"]),
            text=esc(loc["not_found_text"]),
            home=loc["home"],
            back_home=esc(loc["back_home"]),
        )

    @staticmethod
    def _section_path(lang: str, name: str) -> str:
        return f"/fr/{name}" if lang == "fr" else f"/{name}"

    @staticmethod
    def _rss_path(lang: str, slug: str | None) -> str:
        prefix = "/fr" if lang == "fr" else ""
        return f"{prefix}/{slug}/rss" if slug else f"{prefix}/rss"

    # -- article pages

    def _article_page(self, article: Article) -> Response:
        loc = self.locale[article.lang]
        markup = self.markup[article.path]
        source = self._sources[article.source]
        image = f"{IMAGE_HOST}/{article.source}/{article.id}/thumb"
        modal_1, modal_2 = loc["modal"]
        explicit = self._raw_text.get(article.path)
        title = raw_html(explicit[0]) if explicit else esc(article.title)
        if self._faults.unknown_layout:
            content = _fill(
                "article_relaunch.html",
                modal_1=esc(modal_1),
                modal_2=esc(modal_2),
                id=article.id,
                title=title,
                published_line=self._published_line(article, source, markup, post=False),
                image=image,
                body="".join(
                    f"<p>{raw_html(explicit[1][i]) if explicit else esc(p)}</p>"
                    for i, p in enumerate(article.paragraphs)
                )
                + self._hostile_anchors(article.lang, labelled=False),
                origin=self._origin_relaunch(article),
            )
            head_extra = ""
        elif article.layout == "span":
            content = _fill(
                "article_span.html",
                modal_1=esc(modal_1),
                modal_2=esc(modal_2),
                title=title,
                published_line=self._published_line(article, source, markup, post=False),
                image=image,
                body=self._span_body(article, markup),
                origin=self._origin(article, post=False),
            )
            head_extra = ""
        else:
            content = _fill(
                "article_post.html",
                modal_1=esc(modal_1),
                modal_2=esc(modal_2),
                id=article.id,
                title=title,
                published_line=self._published_line(article, source, markup, post=True),
                image=image,
                caption=esc(markup.caption or loc["caption"]),
                body=self._post_body(article, markup),
                origin=self._origin(article, post=True),
            )
            head_extra = self._post_head(article, source, image)
        same_section = self._newest(article.lang, None, article.section)
        related = [a for a in same_section[: RELATED_COUNT + 1] if a is not article]
        content += _fill(
            "related.html",
            heading=esc(loc["related"]),
            items="\n".join(
                f'<li><a href="{a.path}">{esc(a.title)}</a></li>' for a in related[:RELATED_COUNT]
            ),
            comments_href=CANONICAL + article.path,
        )
        return self._page(
            article.lang,
            content,
            title=loc["title_prefix"] + article.title,
            head_extra=head_extra,
            form_action=article.path,
            encoding=article.encoding,
            restyle=self._faults.unknown_layout,
        )

    def _shown_datetime(self, article: Article) -> datetime | None:
        """The publication time pages and feeds show: none while dates are hidden."""
        return None if self._faults.hide_dates else self.published_datetime(article)

    def _origin_relaunch(self, article: Article) -> str:
        if article.source_url is None:
            return ""
        text = esc(self.locale[article.lang]["click_here"])
        hostile = self._hostile_anchors(article.lang, labelled=True)
        return (
            f'<div class="story-source"><a href="{esc(article.source_url)}" target="_blank" '
            f'rel="nofollow">{text}</a>{hostile}</div>'
        )

    def _date_text(self, article: Article, markup: Markup) -> str:
        assert article.published is not None
        year, month, day = article.published.split("-")
        if markup.date_format == "numeric":
            return f"{day} - {month} - {year}"
        months = self.locale[article.lang]["months"][markup.date_format]
        return f"{day} {months[int(month) - 1]} {year}"

    def _published_line(self, article: Article, source: Source, markup: Markup, post: bool) -> str:
        """«Publié dans <a>Libération</a> le 19 - 10 - 2019»; no date part when undated."""
        loc = self.locale[article.lang]
        link_class = ' class="post-source"' if post else ""
        line = f'{esc(loc["published"])} <a{link_class} href="{source.path}">{esc(source.name)}</a>'
        when = self._shown_datetime(article)
        if when is None:
            return line
        date = self._date_text(article, markup)
        if post:
            date = f'<time datetime="{when.isoformat()}">{date}</time>'
        return f"{line} {esc(loc['date_word'])} {date}"

    def _origin(self, article: Article, post: bool) -> str:
        if article.source_url is None:
            return ""
        text = esc(self.locale[article.lang]["click_here"])
        href = esc(article.source_url)
        hostile = self._hostile_anchors(article.lang, labelled=True)
        if post:
            return (
                f'<p class="post-origin"><a href="{href}" rel="nofollow noopener" '
                f'target="_blank">{text}</a>{hostile}</p>'
            )
        return (
            f'<p class="articlesource"><a href="{href}" target="_blank" '
            f'rel="nofollow">{text}</a>{hostile}</p>'
        )

    def _post_head(self, article: Article, source: Source, image: str) -> str:
        """OpenGraph and JSON-LD of the newer layout (published time omitted when undated)."""
        when = self._shown_datetime(article)
        url = CANONICAL + article.path
        meta = [
            '<meta property="og:type" content="article" />',
            f'<meta property="og:title" content="{esc(article.title)}" />',
            f'<meta property="og:url" content="{url}" />',
            f'<meta property="og:image" content="https:{image}" />',
            '<meta property="og:site_name" content="Maghress" />',
        ]
        data: dict[str, Any] = {
            "@context": "https://schema.org",
            "@type": "NewsArticle",
            "headline": article.title,
            "inLanguage": article.lang,
            "mainEntityOfPage": url,
            "image": f"https:{image}",
        }
        if when is not None:
            meta.append(f'<meta property="article:published_time" content="{when.isoformat()}" />')
            data["datePublished"] = when.isoformat()
        if article.source_url is not None:
            data["isBasedOn"] = article.source_url
        data["sourceOrganization"] = {"@type": "NewsMediaOrganization", "name": source.name}
        data["publisher"] = {"@type": "Organization", "name": "Maghress"}
        ld = json.dumps(data, ensure_ascii=False, indent=1).replace("</", "<\\/")
        meta.append(f'<script type="application/ld+json">\n{ld}\n</script>')
        return "\n".join(meta) + "\n"

    def _groups(self, article: Article, markup: Markup) -> list[list[int]]:
        sizes = markup.groups or (len(article.paragraphs),)
        groups, start = [], 0
        for size in sizes:
            groups.append(list(range(start, start + size)))
            start += size
        return groups

    def _between(self, kind: str, lang: str, ad_number: int) -> str:
        if kind == "share":
            return f'<div class="sharebuttons">{esc(self.locale[lang]["share"])}</div>'
        return _ad(ad_number)

    def _inline(self, text: str, markup: Markup) -> str:
        """One paragraph as HTML: escaped, with its inline <b>/<i>/<a> and source line breaks."""
        escape = esc_entities if markup.entities else esc
        marks: list[tuple[int, int, str, str]] = []
        for kind, phrases in (("b", markup.bold), ("i", markup.italic)):
            marks += [(text.find(p), text.find(p) + len(p), kind, "") for p in phrases if p in text]
        for phrase, href in markup.links:
            if phrase in text:
                start = text.find(phrase)
                marks.append((start, start + len(phrase), "a", href))
        for phrase in markup.breaks:
            if phrase + " " in text:
                end = text.find(phrase + " ") + len(phrase)
                marks.append((end, end + 1, "br", ""))
        out, position = [], 0
        for start, end, kind, href in sorted(marks):
            out.append(escape(text[position:start]))
            inner = escape(text[start:end])
            if kind == "br":
                out.append("\n")
            elif kind == "a":
                out.append(f'<a href="{esc(href)}">{inner}</a>')
                if text[end : end + 1] == " ":
                    # As on the real pages: the space after an inline link is a &nbsp;.
                    out.append("&nbsp;")
                    end += 1
            else:
                out.append(f"<{kind}>{inner}</{kind}>")
            position = end
        out.append(escape(text[position:]))
        return "".join(out)

    def _paragraph(self, article: Article, index: int, markup: Markup) -> str:
        """One paragraph as HTML: its explicit raw form when add_article() was given one."""
        explicit = self._raw_text.get(article.path)
        if explicit:
            return raw_html(explicit[1][index])
        return self._inline(article.paragraphs[index], markup)

    def _span_body(self, article: Article, markup: Markup) -> str:
        parts: list[str] = []
        ad_number = 1
        groups = self._groups(article, markup)
        for number, group in enumerate(groups):
            if number:
                parts.append(self._between(markup.between[number - 1], article.lang, ad_number))
                ad_number += markup.between[number - 1] == "ad"
            paragraphs = [self._paragraph(article, i, markup) for i in group]
            if markup.stray_whitespace:
                paragraphs = [f"\n\t\t{p}  " for p in paragraphs]
            if markup.paragraph_tag == "p":
                blocks = [f"<p>{p}</p>" for p in paragraphs]
                joiner = "\n"
            else:
                blocks = paragraphs
                joiner = " \n<br /><br />\n" if markup.stray_whitespace else "<br /><br />"
            if markup.inline_ad and number == 0 and len(blocks) > 1:
                blocks[1] = ADSENSE + blocks[1]
            inner = joiner.join(blocks) + ("\n\t" if markup.stray_whitespace else "")
            if number == len(groups) - 1:
                inner += self._hostile_anchors(article.lang, labelled=False)
            parts.append(f'<span class="articlecontent">{inner}</span>')
        return "\n".join(parts)

    def _post_body(self, article: Article, markup: Markup) -> str:
        parts: list[str] = []
        ad_number = 1
        for number, group in enumerate(self._groups(article, markup)):
            if number:
                parts.append(self._between(markup.between[number - 1], article.lang, ad_number))
                ad_number += markup.between[number - 1] == "ad"
            for i in group:
                text = self._paragraph(article, i, markup)
                parts.append(
                    f"<p>\n  {text}\n</p>" if markup.stray_whitespace else f"<p>{text}</p>"
                )
        return "".join(parts) + self._hostile_anchors(article.lang, labelled=False)

    # -- listings and feeds

    def _teaser(self, article: Article) -> str:
        source = self._sources[article.source]
        date = ""
        if self._shown_datetime(article) is not None:
            # Teasers always show the numeric date, whatever the article page shows.
            date = f'<span class="teaserdate">{self._date_text(article, Markup())}</span>'
        html = _fill(
            "teaser.html",
            href=article.path,
            title=esc(article.title),
            image=f"{IMAGE_HOST}/{article.source}/{article.id}/thumb",
            date=date,
            source_href=source.path,
            source_name=esc(source.name),
            text=esc(teaser_text(article)),
        ).rstrip("\n")
        variants = self._variant_anchors(article.path, esc(article.title))
        if variants:
            end = html.rindex("</div>")
            html = f'{html[:end]}<p class="teaservariants">{variants.rstrip()}</p>{html[end:]}'
        return html

    def _hostile_teasers(self, lang: str) -> str:
        """One teaser box per hostile href, after a listing's own teasers."""
        label = esc(HOSTILE_LABEL[lang])
        return "".join(
            f'\n<div class="teasercontainer"><a class="teasertitle" href="{esc(url)}">{label}</a>'
            f'<p class="teasertext">{label}</p></div>'
            for url in self._hostile
        )

    def _listing_page(self, lang: str, what: str | None, name: str | None, page: int) -> Response:
        loc = self.locale[lang]
        if what is None:
            articles = self._newest(lang, None, None)[:HOME_COUNT]
            heading, base_path, pager = loc["home_heading"], loc["home"], ""
            title = loc["title_home"]
        else:
            assert name is not None
            if what == "source":
                everything = self._newest(lang, name, None)
                heading = self._sources[name].name
                base_path = self._sources[name].path
            else:
                everything = self._newest(lang, None, name)
                heading = loc["sections"][name]
                base_path = self._section_path(lang, name)
            pages = max(1, math.ceil(len(everything) / PER_PAGE))
            articles = everything[(page - 1) * PER_PAGE : page * PER_PAGE]
            links = []
            if page > 1:
                links.append(
                    f'<a class="previous" href="{base_path}?page={page - 1}">'
                    f"{esc(loc['previous'])}</a>"
                )
            if page < pages:
                links.append(
                    f'<a class="next" rel="next" href="{base_path}?page={page + 1}">'
                    f"{esc(loc['next'])}</a>"
                )
            pager = f'<div class="pager">{" ".join(links)}</div>'
            title = loc["title_prefix"] + heading
        teasers = "\n".join(self._teaser(a) for a in articles) or (
            f'<p class="emptylisting">{esc(loc["empty_listing"])}</p>'
        )
        teasers += self._hostile_teasers(lang)
        content = _fill("listing.html", heading=esc(heading), teasers=teasers, pager=pager)
        action = base_path if page == 1 else f"{base_path}?page={page}"
        return self._page(lang, content, title=title, form_action=action)

    def _rss(self, lang: str, slug: str | None, base: str) -> str:
        loc = self.locale[lang]
        articles = self._newest(lang, slug, None)[:RSS_COUNT]
        items = []
        for article in articles:
            when = self._shown_datetime(article)
            pub_date = f"<pubDate>{format_datetime(when)}</pubDate>\n" if when else ""
            items.append(
                _fill(
                    "rss_item.xml",
                    title=esc(article.title),
                    link=esc(base + article.path),
                    pub_date=pub_date,
                    category=esc(loc["sections"][article.section]),
                    description=esc(teaser_text(article)),
                ).rstrip("\n")
            )
        dated = [w for a in articles if (w := self._shown_datetime(a))]
        last_build = (
            f"<lastBuildDate>{format_datetime(max(dated))}</lastBuildDate>" if dated else ""
        )
        title = loc["rss_title"]
        if slug:
            title = f"{title} - {self._sources[slug].name}"
        home = self._sources[slug].path if slug else loc["home"]
        return _fill(
            "rss.xml",
            title=esc(title),
            link=esc(base + home),
            self=esc(base + self._rss_path(lang, slug)),
            description=esc(loc["rss_description"]),
            lang=lang,
            last_build=last_build,
            items="\n".join(items),
        )


def _response(status: int, content_type: str, body: bytes) -> Response:
    headers = {"Content-Type": content_type, "Content-Length": str(len(body))}
    return Response(status=status, headers=headers, body=body)


def _replacement(fault: PathFault) -> Response:
    """What a ``status``, ``redirect`` or ``content`` fault answers instead of the page."""
    if fault.kind == "status":
        status = int(fault.params["status"])
        response = _error_response(status)
        if status in (429, 503):
            response.headers["Retry-After"] = "1"
        return response
    if fault.kind == "redirect":
        to = str(fault.params["to"])
        status = int(fault.params["status"])
        body = (
            '<!DOCTYPE HTML PUBLIC "-//IETF//DTD HTML 2.0//EN">\n'
            f"<html><head>\n<title>{status} {HTTPStatus(status).phrase}</title>\n</head><body>\n"
            f'<h1>{HTTPStatus(status).phrase}</h1>\n<p>The document has moved <a href="{esc(to)}">'
            "here</a>.</p>\n</body></html>\n"
        ).encode("iso-8859-1", "xmlcharrefreplace")
        response = _response(status, "text/html; charset=iso-8859-1", body)
        response.headers["Location"] = to
        return response
    return _response(200, str(fault.params["content_type"]), bytes(fault.params["body"]))


def _transform(response: Response, fault: PathFault) -> Response:
    """A ``malformed``, ``charset`` or ``oversize`` fault applied to a rendered response."""
    content_type = response.headers.get("Content-Type", "")
    base_type = content_type.split(";", 1)[0].strip().lower()
    body = response.body
    if fault.kind == "malformed":
        if base_type != "text/html":
            return response
        text = mangle_html(body.decode(response.charset, "replace"))
        body = text.encode(response.charset, "xmlcharrefreplace")
    elif fault.kind == "charset":
        if not (base_type.startswith("text/") or "xml" in base_type):
            return response
        body, content_type = recharset(
            body,
            response.charset,
            content_type,
            str(fault.params["encoding"]),
            fault.params["declared"],
        )
    else:
        body = pad(body, int(fault.params["size"]))
    headers = {**response.headers, "Content-Type": content_type, "Content-Length": str(len(body))}
    return Response(response.status, headers, body)


def _error_response(status: int) -> Response:
    """What the front end answers when the application fails: Apache's bare error page."""
    try:
        phrase = HTTPStatus(status).phrase
    except ValueError:
        phrase = "Error"
    if status >= 500:
        text = (
            "The server encountered an internal error or\nmisconfiguration and was unable "
            "to complete\nyour request."
        )
    else:
        text = "The server refused to serve the requested URL."
    body = (
        '<!DOCTYPE HTML PUBLIC "-//IETF//DTD HTML 2.0//EN">\n'
        f"<html><head>\n<title>{status} {phrase}</title>\n</head><body>\n<h1>{phrase}</h1>\n"
        f"<p>{text}</p>\n<hr>\n<address>Apache Server at www.maghress.com Port 443</address>\n"
        "</body></html>\n"
    )
    return _response(status, "text/html; charset=iso-8859-1", body.encode("ascii"))


def _mobile_menu(menu: str) -> str:
    """The menu again, as the collapsed mobile menu real pages also carry (padding only)."""
    return (
        menu.replace('id="menu" class="ui-menubar"', 'id="mobilemenu" class="ui-slidemenu"')
        .replace('id="menu_s"', 'id="mobilemenu_s"')
        .replace(
            '"Menubar","widget_menu",{id:"menu"', '"SlideMenu","widget_mobilemenu",{id:"mobilemenu"'
        )
        + "\n"
    )


def _invented_markup(number: int, paragraphs: list[str], time: str) -> Markup:
    """Markup of an invented article: an ad between the groups of every other 3-paragraph one."""
    if len(paragraphs) == 3 and number % 2 == 0:
        return Markup(time=time, groups=(2, 1), between=("ad",))
    return Markup(time=time)


# --- loading --------------------------------------------------------------------------------


def _content(name: str) -> Any:
    text = resources.files(__package__).joinpath("content", name).read_text("utf-8")
    return json.loads(text)


def _markup(raw: dict[str, Any]) -> Markup:
    return Markup(
        time=raw.get("time"),
        groups=tuple(raw.get("groups", ())),
        between=tuple(raw.get("between", ())),
        paragraph_tag=raw.get("paragraph_tag", "br"),
        bold=tuple(raw.get("bold", ())),
        italic=tuple(raw.get("italic", ())),
        links=tuple((phrase, href) for phrase, href in raw.get("links", ())),
        breaks=tuple(raw.get("breaks", ())),
        entities=bool(raw.get("entities", False)),
        stray_whitespace=bool(raw.get("stray_whitespace", False)),
        inline_ad=bool(raw.get("inline_ad", False)),
        date_format=raw.get("date_format", "numeric"),
        caption=raw.get("caption"),
    )


def load_site(synthetic: int = 0, page_kb: int = 0) -> Site:
    """Read the content files into a :class:`Site`, refusing inconsistent content early.

    ``synthetic`` adds that many invented articles (for benchmarks): spread evenly over both
    sections and every source, both layouts, dated backwards from the newest article
    (``PER_DAY`` a day), with ids below the source's real ones, so listings paginate deeply.
    ``page_kb`` pads every HTML page to about that many kilobytes. Without arguments the site
    is exactly the content files (the golden pages depend on it).
    """
    if synthetic < 0 or page_kb < 0:
        raise ValueError("synthetic and page_kb must not be negative")
    sources = [Source(**raw) for raw in _content("sources.json")]
    articles: list[Article] = []
    markup: dict[str, Markup] = {}
    for lang in LANGS:
        for raw in _content(f"articles_{lang}.json"):
            raw = dict(raw)
            article_markup = _markup(raw.pop("markup", {}))
            article = Article(**raw)
            articles.append(article)
            markup[article.path] = article_markup
    tickers: dict[str, list[tuple[str, str]]] = {}
    by_path = {a.path: a for a in articles}
    for lang, entries in _content("ticker.json").items():
        tickers[lang] = [
            ("", entry["empty"]) if isinstance(entry, dict) else (by_path[entry].title, entry)
            for entry in entries
        ]
    if synthetic:
        for article, article_markup in _archive(sources, articles, synthetic):
            articles.append(article)
            markup[article.path] = article_markup
    site = Site(sources, articles, markup, tickers, _content("locale.json"), page_kb=page_kb)
    site._invented = synthetic
    _validate(site)
    return site


def _archive(
    sources: list[Source], seed: list[Article], count: int
) -> list[tuple[Article, Markup]]:
    """``count`` invented articles, the deep archive of :func:`load_site`'s ``synthetic``."""
    by_lang = {lang: [s for s in sources if s.lang == lang] for lang in LANGS}
    # Article i: languages alternate, and each language's sources take turns.
    plan = [by_lang[LANGS[i % 2]][(i // 2) % len(by_lang[LANGS[i % 2]])] for i in range(count)]
    per_source: dict[str, int] = {}
    for source in plan:
        per_source[source.slug] = per_source.get(source.slug, 0) + 1
    # Older articles have smaller ids: count down from below the source's oldest real id.
    next_id: dict[str, int] = {}
    steps: dict[str, int] = {}
    for slug, wanted in per_source.items():
        lowest = min(int(a.id) for a in seed if a.source == slug)
        room = (lowest - 1) // wanted
        if room < 1:
            raise ValueError(f"{wanted} synthetic articles do not fit below {slug}'s id {lowest}")
        next_id[slug] = lowest
        steps[slug] = min(room, 3)
    newest = date.fromisoformat(max(a.published for a in seed if a.published))
    out: list[tuple[Article, Markup]] = []
    for i, source in enumerate(plan):
        number = i + 1
        h = synthetic.mix(number, 2)
        next_id[source.slug] -= 1 + h % steps[source.slug]
        id = str(next_id[source.slug])
        section = SECTIONS[h % len(SECTIONS)]
        title, paragraphs = synthetic.invent_text(source.lang, number, section)
        day, time = synthetic.archive_slot(i, newest)
        article = Article(
            source=source.slug,
            id=id,
            lang=source.lang,
            title=title,
            published=day,
            paragraphs=paragraphs,
            source_url=synthetic.source_url(source.lang, source.url, section, id, title),
            layout="span" if (h >> 8) % 5 < 3 else "article",
            section=section,
        )
        out.append((article, _invented_markup(number, paragraphs, time)))
    return out


def _validate(site: Site) -> None:
    """Catch content mistakes at load time rather than as puzzling test failures."""
    problems: list[str] = []
    slugs = [s.slug for s in site.sources]
    if len(set(slugs)) != len(slugs):
        problems.append("duplicate source slugs")
    if len({a.path for a in site.articles}) != len(site.articles):
        problems.append("duplicate article paths")
    for a in site.articles:
        source = site.source(a.source)
        m = site.markup[a.path]
        where = a.path
        if source is None or source.lang != a.lang:
            problems.append(f"{where}: unknown source or wrong language")
        if a.layout not in LAYOUTS or a.section not in SECTIONS or a.encoding not in ENCODINGS:
            problems.append(f"{where}: bad layout, section or encoding")
        if a.published is not None:
            datetime.fromisoformat(a.published)
        if not a.id.isdigit() or not a.paragraphs or any(not p.strip() for p in a.paragraphs):
            problems.append(f"{where}: bad id or empty paragraph")
        if m.groups and sum(m.groups) != len(a.paragraphs):
            problems.append(f"{where}: groups do not add up to the paragraphs")
        if len(m.between) != max(0, len(m.groups) - 1) or set(m.between) - {"ad", "share"}:
            problems.append(f"{where}: need one 'ad' or 'share' between each pair of groups")
        phrases = [*m.bold, *m.italic, *(p for p, _ in m.links), *(b + " " for b in m.breaks)]
        for phrase in phrases:
            if not any(phrase in p for p in a.paragraphs):
                problems.append(f"{where}: markup phrase {phrase!r} not in the text")
        if m.date_format != "numeric" and m.date_format not in site.locale[a.lang]["months"]:
            problems.append(f"{where}: unknown date format {m.date_format}")
    for lang, entries in site.tickers.items():
        for title, path in entries:
            if not title and path in site._by_path:
                problems.append(f"ticker {lang}: empty anchor {path} points at a real article")
    for name, (slug, id) in SPECIAL.items():
        try:
            a = site.article(slug, id)
        except KeyError:
            problems.append(f"SPECIAL[{name}] missing")
            continue
        claims = {
            "fr_no_date": a.published is None,
            "ar_no_date": a.published is None,
            "fr_no_source_link": a.source_url is None,
            "ar_windows1256": a.encoding == "windows-1256",
            "fr_english": a.lang == "fr",
            "fr_inline_script_ad": site.markup[a.path].inline_ad and a.layout == "span",
            "fr_share_between_spans": "share" in site.markup[a.path].between and a.layout == "span",
            "ar_month_name_date": site.markup[a.path].date_format != "numeric",
        }
        if not claims.get(name, True) or a.lang != name[:2]:
            problems.append(f"SPECIAL[{name}] does not hold for {a.path}")
    undated = {a.path for a in site.articles if a.published is None}
    unlinked = {a.path for a in site.articles if a.source_url is None}
    declared = {site.special(n).path for n in SPECIAL if "no_date" in n}
    if undated != declared or unlinked != {site.special("fr_no_source_link").path}:
        problems.append("undated / unlinked articles must be exactly the SPECIAL ones")
    if [a.path for a in site.articles if a.encoding != "utf-8"] != [
        site.special("ar_windows1256").path
    ]:
        problems.append("exactly one article (SPECIAL ar_windows1256) is not UTF-8")
    if problems:
        raise ValueError("demo site content: " + "; ".join(problems))
