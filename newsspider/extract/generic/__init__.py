"""The generic article extractor: a page object for a news page no template claims.

Structured metadata first (``metadata.py``: JSON-LD including ``@graph``, OpenGraph
and ``article:*``, ``<meta>``, ``<time datetime>``, ``rel=author``), the main text by
trafilatura (``body.py``), then the date rules (``dates.parse_date``: no future, no
year before 1990) and text cleaning (``text.py``) every record goes through.  A page
that holds no article gets a drop reason instead (``DROP_REASONS``).

Importing this package imports trafilatura: the Maghress path never does.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timezone, tzinfo
from functools import cached_property
from urllib.parse import urlsplit

from lxml.html import HtmlElement

from newsspider.extract.charset import Decoded, decode_page
from newsspider.extract.dates import parse_date
from newsspider.extract.generic.body import main_paragraphs
from newsspider.extract.generic.metadata import (
    Metadata,
    in_site_chrome,
    language_tag,
    read_metadata,
    shown_dates,
    strip_site_suffix,
)
from newsspider.extract.html import EmptyPage, parse_html
from newsspider.extract.text import MAX_TITLE_CHARS, fold, join_paragraphs, or_none, shorten

# Why a page gave no article (counted by the news spider as newsspider/dropped/<reason>).
NOT_ARTICLE = "not_article"  # a home page, section, tag or video page
PAYWALLED = "paywalled"  # the publisher marks it paid-for and serves a teaser only
NO_TITLE = "no_title"
NO_BODY = "no_body"
EMPTY_PAGE = "empty_page"
DROP_REASONS = (NOT_ARTICLE, PAYWALLED, NO_TITLE, NO_BODY, EMPTY_PAGE)

# A page that says nothing of itself counts as an article when its main text is
# at least this long (three short paragraphs); a section page's teasers are less.
MIN_UNMARKED_BODY_CHARS = 400
# A page that says nothing of itself and whose text is mostly link text is a listing
# (a home, section or error page full of teasers); measured on real pages without
# metadata, articles stay under 0.6, aggregator listings are at 0.6-0.9.
MAX_UNMARKED_LINK_SHARE = 0.6
# Below this many characters of text a paid-for article is taken for its teaser.
MIN_PAYWALLED_BODY_CHARS = 1000


@dataclass(frozen=True)
class GenericArticle:
    """What one news page says; ``reason`` is set (and the rest may be empty) when it
    holds no article."""

    url: str
    title: str | None
    published: str | None
    authors: list[str] = field(default_factory=list)
    lang: str | None = None
    publisher: str | None = None
    body: str | None = None
    reason: str | None = None

    @property
    def paragraphs(self) -> list[str]:
        return self.body.split("\n\n") if self.body else []


class GenericPage:
    """One page of any news site: its metadata and its main text."""

    def __init__(
        self,
        html: str,
        url: str,
        *,
        now: datetime | None = None,
        tz: tzinfo | None = None,
        utf8: bytes | None = None,
        lang: str | None = None,
        decoded: Decoded | None = None,
    ) -> None:
        self.html = html
        self.utf8 = utf8
        self.url = url
        self.now = now
        self.tz = tz  # the site's zone, for times printed without an offset
        self.default_lang = lang
        self.decoded = decoded

    @classmethod
    def from_bytes(
        cls, url: str, body: bytes, content_type: str | None, *, now: datetime | None = None
    ) -> GenericPage:
        """The page object of one fetched page, decoded from its own bytes."""
        decoded = decode_page(body, content_type, None)
        return cls(decoded.text, url, now=now, utf8=decoded.utf8, decoded=decoded)

    @classmethod
    def fetched(cls, url: str, body: bytes, content_type: bytes | None) -> GenericPage:
        """A page fetched just now: its Content-Type header as sent (bytes), and its
        dates judged against the current time (no future publication)."""
        header = content_type.decode("latin-1") if content_type else None
        return cls.from_bytes(url, body, header, now=datetime.now(timezone.utc))

    @cached_property
    def tree(self) -> HtmlElement:
        return parse_html(self.html, self.utf8)

    @cached_property
    def metadata(self) -> Metadata:
        return read_metadata(self.tree)

    def article(self) -> GenericArticle:
        """The article, or an empty one with the reason there is none."""
        try:
            meta = self.metadata
        except EmptyPage:
            return GenericArticle(self.url, None, None, reason=EMPTY_PAGE)
        lang = meta.lang or language_tag(self.default_lang)
        # A site's home page is no article, however much teaser text it shows (an
        # aggregator's, whose «article» layout says og:type=article on every page).
        if urlsplit(self.url).path in ("", "/") and meta.article is None:
            return self._dropped(NOT_ARTICLE, lang)
        title = self.title()
        body = join_paragraphs(main_paragraphs(self.tree, self.url, title, meta.authors))
        if not meta.says_article and (
            len(body or "") < MIN_UNMARKED_BODY_CHARS
            or link_share(self.tree) > MAX_UNMARKED_LINK_SHARE
        ):
            return self._dropped(NOT_ARTICLE, lang)
        if not meta.free and len(body or "") < MIN_PAYWALLED_BODY_CHARS:
            return self._dropped(PAYWALLED, lang)
        if body is None:
            return self._dropped(NO_BODY, lang)
        if title is None:
            return self._dropped(NO_TITLE, lang)
        return GenericArticle(
            url=self.url,
            title=title,
            published=self.published(),
            authors=meta.authors,
            lang=lang,
            publisher=meta.publisher,
            body=body,
        )

    def title(self) -> str | None:
        """The headline most of the page's statements agree on: JSON-LD ``headline``,
        the first ``h1`` outside the site's header, navigation and footer, ``og:title``, ``twitter:title``; a tie goes to the first of
        them.  Without any, ``<title>`` less the site's name.

        Publishers disagree with themselves (a shorter headline for social media,
        a kicker before the ``h1``), so one source alone is often wrong; measured
        on real pages (benchmarks/extract_quality.py), the vote beats any order.
        """
        meta = self.metadata
        # Not an h1 of the site's header (older themes set the site's name in one).
        headings = (h1 for h1 in self.tree.iter("h1") if not in_site_chrome(h1))
        heading = next(
            (text for text in map(or_none, (h.text_content() for h in headings)) if text), None
        )
        candidates = [c for c in (meta.headline, heading, *meta.og_titles) if c]
        folded = [fold(c) for c in candidates]
        groups: dict[str, list[str]] = {}
        suffixed: dict[str, list[str]] = {}
        for candidate, key in zip(candidates, folded, strict=True):
            # «Headline | Paper» votes for «Headline» when another statement says that.
            shorter = next((k for k in folded if _with_site_name(key, k)), None)
            if shorter is None:
                groups.setdefault(key, []).append(candidate)
            else:
                groups.setdefault(shorter, [])
                suffixed.setdefault(shorter, []).append(candidate)
        if groups:
            # ``max`` keeps the first of equals: the tie goes to the earliest source.
            # The group's first statement without a site name, in the order above.
            key = max(groups, key=lambda k: len(groups[k]) + len(suffixed.get(k, [])))
            chosen = (groups[key] or suffixed[key])[0]
        elif meta.html_title:
            chosen = strip_site_suffix(meta.html_title, [n for n in (meta.publisher,) if n])
        else:
            return None
        return shorten(chosen, MAX_TITLE_CHARS)

    def published(self) -> str | None:
        """The first structured date that passes the date rules (no future, no year
        before 1990); a time without an offset keeps only its day unless ``tz`` is known."""
        for values in (self.metadata.dates, shown_dates(self.tree), [_url_date(self.url)]):
            for value in values:
                published = parse_date(value, now=self.now, tz=self.tz)
                if published:
                    return published
        return None

    def _dropped(self, reason: str, lang: str | None) -> GenericArticle:
        return GenericArticle(self.url, None, None, lang=lang, reason=reason)


# A date in the URL's path: ``/2024/04/01/title``, the publisher's own filing date.
_URL_DATE = re.compile(r"/((?:19|20)\d\d)/(0?[1-9]|1[0-2])/(0?[1-9]|[12]\d|3[01])(?:/|$)")


def _url_date(url: str) -> str | None:
    match = _URL_DATE.search(url)
    return f"{match[1]}-{int(match[2]):02d}-{int(match[3]):02d}" if match else None


# The longest site name a title's suffix may hold («… - 毎日新聞», «… | The Paper»).
_SITE_NAME_MAX_CHARS = 40


def _with_site_name(title: str, shorter: str) -> bool:
    """``title`` (folded) is ``shorter`` followed by a short tail: a site's name."""
    return len(shorter) < len(title) <= len(shorter) + _SITE_NAME_MAX_CHARS and title.startswith(
        shorter + " "
    )


def link_share(tree: HtmlElement) -> float:
    """The share of the page's visible characters (``<body>``, scripts aside) in links."""
    body = tree.find("body")
    if body is None:
        return 0.0
    total = linked = 0
    for element in body.iter():
        tag = element.tag
        if not isinstance(tag, str) or tag in ("script", "style", "noscript", "template"):
            continue
        size = len((element.text or "").strip())
        total += size
        if tag == "a" or any(a.tag == "a" for a in element.iterancestors()):
            linked += size
        if element.tail:
            tail = len(element.tail.strip())
            total += tail
            if any(a.tag == "a" for a in element.iterancestors()):
                linked += tail
    return linked / total if total else 0.0
