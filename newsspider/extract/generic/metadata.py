"""What a news page says about itself: JSON-LD, OpenGraph and ``article:*``, ``<meta>``,
``<time>``, ``rel=author``.  Structured values come first; they are what the publisher
meant, where the visible layout differs from site to site."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from lxml.html import HtmlElement

from newsspider.extract.html import walk_jsonld
from newsspider.extract.text import clean_text, or_none, without_invalid

# schema.org types of one article; LiveBlogPosting is told apart (see ``ARTICLE_KINDS``).
_ARTICLE_TYPES = frozenset(
    {
        "Article",
        "NewsArticle",
        "ReportageNewsArticle",
        "AnalysisNewsArticle",
        "OpinionNewsArticle",
        "BackgroundNewsArticle",
        "ReviewNewsArticle",
        "AskPublicNewsArticle",
        "BlogPosting",
        "SocialMediaPosting",
        "ScholarlyArticle",
        "TechArticle",
        "Report",
        "ClaimReview",  # a fact check: its datePublished and author are the article's
    }
)
LIVE_BLOG = "LiveBlogPosting"

# Date <meta> names publishers use besides article:published_time, most specific first.
_DATE_METAS = (
    "article:published_time",
    "og:article:published_time",
    "datePublished",
    "og:published_time",
    "published_time",
    "publish-date",
    "publish_date",
    "publishdate",
    "pubdate",
    "parsely-pub-date",
    "sailthru.date",
    "dc.date.issued",
    "dcterms.date",
    "dc.date",
    "date",
)
# A class or id token that names a date: ``publication-date``, ``meta_date``, ``datum``
# (whole tokens: ``menu-item-Unternehmensdaten`` is no date).
_DATE_MARKER = re.compile(
    r"(?:^|[\s_-])(?:date|dateline|pubdate|published|publish-date|datum|fecha|data-publicacao)"
    r"(?=$|[\s_-])",
    re.IGNORECASE,
)
_SHOWN_DATE_MAX_CHARS = 120
_SHOWN_DATES = 5  # the first few: the article's own date comes before related teasers'
_TITLE_METAS = ("og:title", "twitter:title")
# A title's site suffix: «Headline | Paper», «Headline - Paper», «Headline – Paper».
_TITLE_SUFFIX = re.compile(r"\s+[|–—·•:-]\s+[^|–—·•]{2,60}$")
# A byline's «By»/«Par»/«Von»… and the separators between several names.
_BY = re.compile(r"^(by|par|von|por|di|door|av|af|przez|od|bởi)\s+", re.IGNORECASE)
_AUTHOR_SPLIT = re.compile(r"\s*(?:,|;|\s&\s|\s+and\s+|\s+und\s+|\s+et\s+|\s+y\s+|\s+e\s+)\s*")


@dataclass
class Metadata:
    """The page's own statements; empty where it makes none."""

    kinds: set[str] = field(default_factory=set)  # schema.org types of the page's JSON-LD
    article: dict[str, Any] | None = None  # the JSON-LD article object
    og_type: str | None = None
    headline: str | None = None  # JSON-LD headline
    og_titles: list[str] = field(default_factory=list)  # og:title, twitter:title
    html_title: str | None = None  # <title>
    dates: list[str] = field(default_factory=list)  # raw date values, best first
    authors: list[str] = field(default_factory=list)
    publisher: str | None = None
    lang: str | None = None
    free: bool = True  # isAccessibleForFree is not false

    @property
    def says_article(self) -> bool:
        return (
            self.article is not None
            or (self.og_type or "").lower() == "article"
            or not self.kinds.isdisjoint(_ARTICLE_TYPES)
        )


def read_metadata(tree: HtmlElement) -> Metadata:
    """Every structured statement of the page, in the order it is trusted."""
    found = Metadata()
    metas = _metas(tree)
    objects = list(_jsonld_objects(tree))
    by_id = {entry["@id"]: entry for entry in objects if isinstance(entry.get("@id"), str)}
    for entry in objects:
        found.kinds.update(_types(entry))
    found.article = next((e for e in objects if _types(e) & (_ARTICLE_TYPES | {LIVE_BLOG})), None)
    ld = found.article or {}
    found.og_type = metas.get("og:type")

    found.headline = or_none(_ld_text(ld.get("headline")))
    found.og_titles = [clean_text(metas[key]) for key in _TITLE_METAS if metas.get(key)]
    title = tree.find(".//title")
    found.html_title = or_none(title.text_content()) if title is not None else None

    found.dates = _distinct(
        [
            _ld_text(ld.get("datePublished")),
            *map(metas.get, _DATE_METAS),
            *(
                element.get("content")
                for element in tree.iterfind(".//*[@itemprop]")
                if element.get("itemprop") == "datePublished"
            ),
            *_time_values(tree),
            _ld_text(ld.get("dateCreated")),
        ]
    )
    found.authors = _authors(ld.get("author"), by_id) or _meta_authors(tree, metas)
    found.publisher = or_none(_ld_name(ld.get("publisher"), by_id) or metas.get("og:site_name"))
    root_lang = tree.get("lang") or tree.get("xml:lang")
    found.lang = language_tag(root_lang or metas.get("og:locale") or _ld_text(ld.get("inLanguage")))
    free = ld.get("isAccessibleForFree")
    found.free = not (free is False or str(free).strip().lower() == "false")
    return found


def language_tag(value: str | None) -> str | None:
    """The BCP 47 primary tag: «fr-FR», «fr_FR», «FR» → ``fr``."""
    if not value:
        return None
    primary = re.split(r"[-_]", value.strip(), maxsplit=1)[0].lower()
    return primary if re.fullmatch(r"[a-z]{2,3}", primary) else None


def strip_site_suffix(title: str, site_names: list[str]) -> str:
    """«Headline | Paper» → «Headline», when the tail is the site's name or looks like one."""
    for name in site_names:
        for separator in (" | ", " - ", " – ", " — ", " · ", " :: "):
            if title.endswith(separator + name):
                return title[: -len(separator + name)].strip()
    match = _TITLE_SUFFIX.search(title)
    if match and match.start() > len(title) // 2:
        return title[: match.start()].strip()
    return title


# --- JSON-LD ---------------------------------------------------------------------


def _jsonld_objects(tree: HtmlElement) -> Iterator[dict[str, Any]]:
    """Every object of every JSON-LD block, ``@graph`` members and nested lists included."""
    for script in tree.iterfind(".//script[@type]"):
        if script.get("type", "").strip().lower() != "application/ld+json":
            continue
        try:
            objects = list(walk_jsonld(json.loads(script.text or "", strict=False), _NESTED))
        except (ValueError, RecursionError):
            # A broken block (trailing comma, HTML comment) says nothing; nor does one
            # nested so deep that the decoder, or the walk, runs out of stack.
            continue
        yield from objects


# WebPage objects may carry the article as their mainEntity.
_NESTED = ("@graph", "mainEntity")


def _types(entry: dict[str, Any]) -> set[str]:
    kind = entry.get("@type")
    kinds = kind if isinstance(kind, list) else [kind]
    return {k.rsplit("/", 1)[-1] for k in kinds if isinstance(k, str)}


def _ld_text(value: Any) -> str | None:
    """A JSON-LD string value; publishers often leave HTML entities in (``&quot;``)."""
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        value = value.get("@value") or value.get("name")
    return without_invalid(html.unescape(value)) if isinstance(value, str) else None


def _ld_name(value: Any, by_id: dict[str, dict[str, Any]]) -> str | None:
    """A name of a Person/Organization given inline, as a string, or by ``@id`` in the graph."""
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        if "name" not in value and isinstance(value.get("@id"), str):
            value = by_id.get(value["@id"], value)
        value = value.get("name")
        if isinstance(value, list):
            value = value[0] if value else None
    return or_none(html.unescape(value)) if isinstance(value, str) else None


def _authors(value: Any, by_id: dict[str, dict[str, Any]]) -> list[str]:
    """The names of JSON-LD ``author``, given inline or by ``@id`` in the graph."""
    entries = value if isinstance(value, list) else [value]
    names: list[str] = []
    for entry in entries:
        if isinstance(entry, dict) and isinstance(entry.get("@id"), str) and "name" not in entry:
            entry = by_id.get(entry["@id"], entry)
        name = _ld_name(entry, by_id)
        if name and not _is_url(name):
            names.extend(split_byline(name))
    return _distinct(names)


# --- meta, time, rel=author ----------------------------------------------------------


def _metas(tree: HtmlElement) -> dict[str, str]:
    """``<meta>`` content by property/name/itemprop, the first of each key winning."""
    found: dict[str, str] = {}
    for element in tree.iterfind(".//meta"):
        content = element.get("content")
        if not content or not content.strip():
            continue
        for attribute in ("property", "name", "itemprop"):
            key = element.get(attribute)
            if key:
                found.setdefault(key.strip().lower() if "." in key or ":" in key else key, content)
    return found


def _time_values(tree: HtmlElement) -> Iterator[str]:
    """``<time datetime>``: the one marked as the publication first, then the first others."""
    times = [t for t in tree.iter("time") if t.get("datetime") and not in_site_chrome(t)]
    marked = [
        t
        for t in times
        if t.get("itemprop") == "datePublished"
        or t.get("pubdate") is not None
        or "published" in (t.get("class") or "")
    ]
    for element in (*marked, *times[:1]):
        yield element.get("datetime", "")


def in_site_chrome(element: HtmlElement) -> bool:
    """Inside the site's masthead, navigation, sidebar or footer, whose dates (today's
    date by the logo, «updated» at the bottom) are the site's; a ``<header>`` or
    ``<footer>`` within ``<article>`` or ``<main>`` is the article's own."""
    for ancestor in element.iterancestors():
        if ancestor.tag in ("article", "main"):
            return False
        if ancestor.tag in ("nav", "aside"):
            return True
        if ancestor.tag in ("header", "footer"):
            return not any(outer.tag in ("article", "main") for outer in ancestor.iterancestors())
    return False


def shown_dates(tree: HtmlElement) -> list[str]:
    """Short texts of the elements the layout names as a date, when no value says it:
    ``<span class="publication-date">Frankfurt, October 23, 2024, 3:48</span>``,
    ``<span class="meta_date">erstellt: 01. April 2025</span>``."""
    found: list[str] = []
    for element in tree.iter():
        if not isinstance(element.tag, str) or element.tag in ("html", "body"):
            continue
        marker = " ".join(filter(None, (element.get("class"), element.get("id"))))
        if (element.tag == "time" or (marker and _DATE_MARKER.search(marker))) and not (
            in_site_chrome(element)
        ):
            text = clean_text(element.text_content())
            if 6 <= len(text) <= _SHOWN_DATE_MAX_CHARS:
                found.append(text)
                if len(found) == _SHOWN_DATES:
                    break
    return found


def _meta_authors(tree: HtmlElement, metas: dict[str, str]) -> list[str]:
    names: list[str] = []
    for key in ("author", "article:author", "dc.creator", "parsely-author", "sailthru.author"):
        value = metas.get(key)
        if value and not _is_url(value):
            names.extend(split_byline(value))
            break
    if not names:
        for link in tree.iterfind(".//a[@rel]"):
            if "author" in link.get("rel", "").lower().split():
                names.extend(split_byline(link.text_content()))
    if not names:
        for element in tree.iterfind(".//*[@itemprop]"):
            if element.get("itemprop") == "author":
                name = element.find(".//*[@itemprop='name']")
                names.extend(split_byline((name if name is not None else element).text_content()))
    return _distinct(names)


def split_byline(text: str) -> list[str]:
    """«By Jane Doe and John Roe» → the names; a name alone stays as it is."""
    text = _BY.sub("", clean_text(text))
    return [name for name in (clean_text(part) for part in _AUTHOR_SPLIT.split(text)) if name]


def _is_url(value: str) -> bool:
    return value.strip().lower().startswith(("http://", "https://", "//", "www."))


def _distinct(values: Sequence[str | None]) -> list[str]:
    seen: dict[str, None] = {}
    for value in values:
        text = clean_text(value)
        if text:
            seen.setdefault(text, None)
    return list(seen)
