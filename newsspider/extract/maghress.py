"""The Maghress family template (Maghress, Djazairess, Turess, Masress, …).

A page object over one parsed page: the headline strip, the article and the
links a spider may follow.  It knows nothing of Scrapy: the spider, the
``newsspider extract`` command and the tests all call it the same way.

Two article layouts are known.  ``span`` is the template public scrapers read
(``span.articletitle``, ``span.articlenewspaper``, ``span.articlecontent``);
``article`` is the newer kind (``<article>``, ``h1``, ``<time>``, OpenGraph,
JSON-LD).  Each returns ``None`` when its markers are absent, and the page
object tries them in order, so a new layout is one more function in ``LAYOUTS``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from urllib.parse import parse_qs, urlsplit

from lxml.cssselect import CSSSelector
from lxml.etree import _Element

from newsspider.extract.charset import Decoded
from newsspider.extract.dates import parse_date
from newsspider.extract.html import (
    first,
    jsonld_article,
    jsonld_text,
    meta_content,
    parse_plain,
)
from newsspider.extract.links import folder, names_next, resolve, shows_something, teaser_parts
from newsspider.extract.source_link import could_be_source_host, source_link
from newsspider.extract.strip import Strip, strip_fragment, strip_on
from newsspider.extract.text import (
    element_text,
    is_widget,
    join_paragraphs,
    or_none,
    paragraphs,
)
from newsspider.sites import Site


@dataclass(frozen=True)
class ArticleFields:
    """What one article page says; ``None`` where the page does not say it."""

    layout: str
    title: str | None
    source_name: str | None
    source_url: str | None
    published: str | None
    body: str | None


@dataclass(frozen=True)
class Teaser:
    """An article link on a listing page, with the date the teaser shows."""

    url: str
    published: str | None
    listed: bool  # a teaser box of the listing itself, not a strip or sidebar link


# --- links --------------------------------------------------------------------

# ``scheme://`` at the start of an href: an absolute URL.
_HAS_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")


# --- selectors, compiled once --------------------------------------------------

_ARTICLE = CSSSelector("article")
_H1 = CSSSelector("h1")
_TIME = CSSSelector("time[datetime]")
_ARTICLE_BODY = CSSSelector(
    "[itemprop=articleBody], .post-body, .article-body, .entry-content, .articlebody"
)
_TEASER = CSSSelector("div.teasercontainer")

# «Publié dans Libération le …» / «نشر في هسبريس يوم …» when the name is not a link.
_PUBLISHED_IN = re.compile(
    r"(?:Publi[ée] dans|Published in|نشر في)\s+(?P<name>.+?)\s+(?:le|on|يوم)\s", re.IGNORECASE
)


class MaghressPage:
    """One page of a Maghress-family site: strip, article, links."""

    def __init__(
        self,
        html: str,
        url: str,
        site: Site,
        *,
        now: datetime | None = None,
        utf8: bytes | None = None,
        lang: str | None = None,
        decoded: Decoded | None = None,
    ) -> None:
        self.html = html
        self.utf8 = utf8  # the page's bytes, when they are the UTF-8 of ``html``
        self.url = url
        self.site = site
        self.now = now
        # The section's language (``lang``: already worked out to decode the page).
        self.lang = lang if lang is not None else site.lang_of_url(url)
        # How the page's bytes became ``html`` (None: the page was given as text).
        self.decoded = decoded
        parts = urlsplit(url)
        # host[:port]: another server on the same machine is another site.
        self._netloc = parts.netloc.lower()
        # An href that starts with "/" or a scheme joins the same way to any page of
        # the host: the shorter base lets the join cache serve every page.
        self._origin = f"{parts.scheme}://{parts.netloc}"

    @property
    def charset_repaired(self) -> bool:
        """The declared charset was missing or wrong, or stray bytes were repaired."""
        return self.decoded is not None and self.decoded.repaired

    @cached_property
    def tree(self) -> _Element:
        return parse_plain(self.html, self.utf8)

    def date(self, text: str | None) -> str | None:
        """A date on this page, read on the site's clock: relative dates («hier») against
        the crawl time ``now``, times printed without an offset in the site's zone."""
        return parse_date(text, now=self.now, tz=self.site.zone)

    # headline strip

    def headlines(self) -> Strip | None:
        fragment = strip_fragment(self.html)
        if fragment is None:
            return None
        # Relative links resolve against the page's folder; the cache key keeps
        # that, so most pages of a run share one parsed strip.
        return strip_on(fragment, folder(self.url))

    # article

    def article(self) -> ArticleFields | None:
        """The article on this page, from the first layout that recognises it."""
        for layout in LAYOUTS:
            fields = layout(self)
            if fields is not None:
                return fields
        return None

    # links for the spider

    def teasers(self) -> list[Teaser]:
        """Article links of a listing page, with the teaser's date when it shows one."""
        found: dict[str, Teaser] = {}
        for box in _TEASER(self.tree):
            link, date_el = teaser_parts(box)
            url = self._absolute(link.get("href")) if link is not None else None
            if url and self.site.parse_article_url(url):
                date = self.date(element_text(date_el)) if date_el is not None else None
                found.setdefault(url, Teaser(url, date, listed=True))
        # Other article links (the strip, related boxes); empty anchors, which the
        # strip carries (``<a href="/tanja24/30134"></a>``), lead nowhere.  Whether a
        # link shows something is asked last, of new article links only: most of a
        # page's links are its menu's.
        for anchor in self._link_elements:
            href = anchor.get("href")
            if anchor.tag != "a" or not href:
                continue
            url = self._absolute(href)
            if (
                url
                and url not in found
                and self.site.parse_article_url(url)
                and shows_something(anchor)
            ):
                found[url] = Teaser(url, None, listed=False)
        return list(found.values())

    def source_pages(self) -> dict[str, str]:
        """Newspaper slug → listing URL, for the newspapers of this page's section."""
        pages: dict[str, str] = {}
        for url in self._links():
            parsed = self.site.parse_source_url(url)
            if parsed and parsed[0] == self.lang:
                pages.setdefault(parsed[1], url)
        return pages

    def next_page(self) -> str | None:
        """The listing's next page: ``rel=next``, ``a.next``, else ``?page=N+1``."""
        for link in self._link_elements:
            if names_next(link):
                url = self._absolute(link.get("href"))
                if url:
                    return url
        current = urlsplit(self.url)
        number = int((parse_qs(current.query).get("page") or ["1"])[0] or 1)
        for url in self._links():
            candidate = urlsplit(url)
            if candidate.path == current.path and parse_qs(candidate.query).get("page") == [
                str(number + 1)
            ]:
                return url
        return None

    # helpers

    def _absolute(self, href: str | None) -> str | None:
        """A same-site http(s) URL for ``href``, or None (other hosts, javascript:, …)."""
        if not href:
            return None
        href = href.strip()
        base = self._origin if href[:1] == "/" or _HAS_SCHEME.match(href) else self.url
        resolved = resolve(base, href)
        if resolved is None:
            return None
        url, netloc = resolved
        if netloc.lower() != self._netloc and not self.site.owns_host(netloc):
            return None
        return url

    @cached_property
    def _link_elements(self) -> list[_Element]:
        """The page's ``<a>`` and ``<link>`` elements in page order, gathered once: the
        teasers, the newspapers menu and the next page each read them, and walking
        the tree and making its ~130 elements Python objects cost more than reading."""
        return list(self.tree.iter("a", "link"))

    def _links(self) -> list[str]:
        """Same-site URLs of the page's ``<a href>``, in page order."""
        urls = []
        for anchor in self._link_elements:
            href = anchor.get("href")
            if anchor.tag == "a" and href and (url := self._absolute(href)):
                urls.append(url)
        return urls

    def _source_name_of_link(self, link: _Element) -> str | None:
        """The newspaper's name, when ``link`` points to its listing (``/fr/libe``)."""
        url = self._absolute(link.get("href"))
        return element_text(link) if url and self.site.parse_source_url(url) else None

    def _source_link_in(
        self, container: _Element, body_end: _Element | None, declared: str | None = None
    ) -> str | None:
        """The original article's URL (see ``source_link``), or None."""
        return source_link(container, body_end, self._external, declared)

    def _external(self, href: str | None) -> str | None:
        """The absolute URL of ``href`` when it could be the original article: http(s) on
        another host than this page's, and not a sister site, a share button or an ad."""
        if not href:
            return None
        href = href.strip()
        # Relative hrefs stay on this host; only absolute ones can leave it.
        if not (_HAS_SCHEME.match(href) or href[:2] == "//"):
            return None
        resolved = resolve(self._origin, href)
        if resolved is None:
            return None
        url, netloc = resolved
        if netloc.lower() == self._netloc or not could_be_source_host(netloc):
            return None
        return url


def _common_ancestor(a: _Element, b: _Element) -> _Element:
    # The set holds the elements themselves: lxml makes a new Python object for a node
    # nobody holds, so the ``id()`` of a dropped one may come back for another node.
    ancestors = {a, *a.iterancestors()}
    for element in [b, *b.iterancestors()]:
        if element in ancestors:
            return element
    return a.getroottree().getroot()


# The span layout's classes.
_SPAN_CLASSES = frozenset({"articletitle", "articlenewspaper", "articlecontent"})


def _template_spans(tree: _Element) -> dict[str, list[_Element]]:
    """The page's spans of the span layout, by class, in page order.

    One pass over the spans: a CSS selector per class walked the whole page three
    times, a tenth of the extraction of a 110 KB page.
    """
    found: dict[str, list[_Element]] = {name: [] for name in _SPAN_CLASSES}
    for span in tree.iter("span"):
        classes = span.get("class")
        # Each name holds "article": the page's other ~40 spans fail this one test.
        if classes and "article" in classes:
            for name in _SPAN_CLASSES.intersection(classes.split()):
                found[name].append(span)
    return found


def _span_layout(page: MaghressPage) -> ArticleFields | None:
    """``span.articletitle`` / ``span.articlenewspaper`` / ``span.articlecontent``."""
    spans = _template_spans(page.tree)
    title_el = first(spans["articletitle"])
    contents = spans["articlecontent"]
    if title_el is None and not contents:
        return None
    newspaper = first(spans["articlenewspaper"])
    name = _published_in(page, newspaper)
    published = page.date(element_text(newspaper)) if newspaper is not None else None
    last = contents[-1] if contents else newspaper
    anchor = title_el if title_el is not None else (contents[0] if contents else newspaper)
    container = _common_ancestor(anchor, last) if last is not None else anchor
    if container is last and last is not None and last.getparent() is not None:
        # No title and one content span: the click-here line is the span's sibling.
        container = last.getparent()
    return ArticleFields(
        layout="span",
        title=element_text(title_el),
        source_name=name,
        source_url=page._source_link_in(container, last),
        published=published,
        body=join_paragraphs(paragraphs(contents)),
    )


def _published_in(page: MaghressPage, line: _Element | None) -> str | None:
    """Newspaper name from the published line: its link first, its wording second."""
    if line is None:
        return None
    for link in line.iter("a"):
        name = page._source_name_of_link(link)
        if name:
            return name
    match = _PUBLISHED_IN.search(f"{element_text(line) or ''} ")
    return or_none(match["name"]) if match else None


def _article_layout(page: MaghressPage) -> ArticleFields | None:
    """``<article>`` + ``h1`` + ``<time>``, with OpenGraph and JSON-LD fallbacks."""
    article = first(_ARTICLE(page.tree))
    ld = jsonld_article(page.tree)
    if article is None and ld is None:
        return None
    scope = article if article is not None else page.tree
    ld = ld or {}

    title = element_text(first(_H1(scope))) or or_none(
        meta_content(page.tree, "og:title") or jsonld_text(ld.get("headline"))
    )
    bodies = _outermost(_ARTICLE_BODY(scope))
    if not bodies:
        # No body container: the article's paragraphs, outside its header, footer, widgets.
        bodies = [p for p in scope.iter("p") if not _in_chrome(p, scope)]
    published = None
    for candidate in (
        *(element.get("datetime") for element in _TIME(scope)),
        jsonld_text(ld.get("datePublished")),
        meta_content(page.tree, "article:published_time"),
    ):
        published = page.date(candidate)
        if published:
            break

    name = next(filter(None, map(page._source_name_of_link, scope.iter("a"))), None) or or_none(
        jsonld_text(ld.get("sourceOrganization"))
    )
    if published is None:
        published = page.date(_published_line_text(scope))

    source_url = page._source_link_in(
        scope, bodies[-1] if bodies else None, jsonld_text(ld.get("isBasedOn"))
    )
    return ArticleFields(
        layout="article",
        title=title,
        source_name=name,
        source_url=source_url,
        published=published,
        body=join_paragraphs(paragraphs(bodies)),
    )


# Where a paragraph is not the article's, when no body container says where it is.
# Not <form>: JSF pages may wrap the whole page in one.
_CHROME_TAGS = frozenset(
    {"header", "footer", "aside", "nav", "figure", "noscript", "template", "dialog"}
)


def _in_chrome(element: _Element, scope: _Element) -> bool:
    """Inside the article's header or footer, a caption, or a widget (ads, share, related)."""
    for ancestor in element.iterancestors():
        if ancestor is scope:
            return False
        if ancestor.tag in _CHROME_TAGS or is_widget(ancestor):
            return True
    return False


def _outermost(elements: list[_Element]) -> list[_Element]:
    """Matches not nested in another: ``[itemprop=articleBody]`` around ``.entry-content``
    would give every paragraph twice."""
    found = set(elements)
    return [e for e in elements if not any(a in found for a in e.iterancestors())]


def _published_line_text(scope: _Element) -> str | None:
    for element in scope.iter():
        text = element.text or ""
        if isinstance(element.tag, str) and _PUBLISHED_IN.search(f"{text} "):
            return element_text(element)
    return None


LAYOUTS: tuple[Callable[[MaghressPage], ArticleFields | None], ...] = (
    _span_layout,
    _article_layout,
)
