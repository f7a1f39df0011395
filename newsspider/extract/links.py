"""What a page's links are: where one leads, the next page's, a teaser's parts, a link
that shows nothing.  Plain Python over elements the page object gathered once: a CSS selector
per question walked the whole page again (~130 links a listing page).
"""

from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import urljoin, urlsplit

from lxml.etree import _Element

# What CSS's ``.name`` and ``[rel~=name]`` split a class or rel at (XPath's
# ``normalize-space``, as cssselect writes them): not ``\xa0`` nor form feed.
_CSS_SPACES = re.compile("[ \t\r\n]+")


def _ascii_except(excluded: str) -> str:
    """A regex class of the printable ASCII characters but ``excluded``."""
    return (
        "[" + "".join(re.escape(chr(c)) for c in range(0x21, 0x7F) if chr(c) not in excluded) + "]"
    )


# An absolute http(s) URL that joining to any page and splitting give back as it is
# (bar its fragment): printable ASCII, a host and port of plain characters, no ";"
# (urlparse's params), no empty query or fragment, nothing urlsplit strips.
_PLAIN_ABSOLUTE = re.compile(
    r"(?P<url>(?P<page>https?://(?P<netloc>[A-Za-z0-9.-]+(?::[0-9]+)?)"
    rf"(?:/{_ascii_except('#?;[]')}*)?)(?:\?{_ascii_except('#')}+)?)(?:#{_ascii_except('')}+)?"
)


def resolve(base: str, href: str) -> tuple[str, str] | None:
    """``(URL without fragment, netloc)`` of an http(s) ``href`` joined to ``base``.

    A plain absolute URL (an article's source link, unique to its page) is read off
    the href itself; others are joined, and cached: a listing page's ~100 anchors
    (menu, strip, teasers) recur on every page.
    """
    plain = _PLAIN_ABSOLUTE.fullmatch(href)
    if plain is not None:
        return plain["url"], plain["netloc"]
    return _joined(base, href)


def folder(url: str) -> str:
    """Where a page's relative links resolve: its URL without query or fragment, up to
    its last "/"; a plain URL's is read off it, without splitting."""
    plain = _PLAIN_ABSOLUTE.fullmatch(url)
    page = plain["page"] if plain else urlsplit(url)._replace(query="", fragment="").geturl()
    return page[: page.rfind("/") + 1]


@lru_cache(maxsize=4096)
def _joined(base: str, href: str) -> tuple[str, str] | None:
    parts = urlsplit(urljoin(base, href))
    if parts.scheme not in ("http", "https"):
        return None
    return parts._replace(fragment="").geturl(), parts.netloc


def has_css_class(element: _Element, attribute: str, name: str) -> bool:
    """Whether ``name`` is one of the space-separated words of ``attribute`` (CSS ``~=``)."""
    value = element.get(attribute)
    return value is not None and name in value and name in _CSS_SPACES.split(value)


def names_next(link: _Element) -> bool:
    """``a[rel~=next], link[rel~=next], a.next``: the link to a listing's next page."""
    return has_css_class(link, "rel", "next") or (
        link.tag == "a" and has_css_class(link, "class", "next")
    )


def teaser_parts(box: _Element) -> tuple[_Element | None, _Element | None]:
    """A teaser box's first ``a.teasertitle`` and first ``.teaserdate`` (the box
    itself included), in one walk of its few elements: two selectors cost more."""
    link = date = None
    for element in box.iter():
        if not isinstance(element.tag, str):
            continue
        if link is None and element.tag == "a" and has_css_class(element, "class", "teasertitle"):
            link = element
        if date is None and has_css_class(element, "class", "teaserdate"):
            date = element
        if link is not None and date is not None:
            break
    return link, date


def shows_something(anchor: _Element) -> bool:
    """Whether a link shows text or an image: ``anchor.text_content().strip()``, read
    node by node and stopping at the first word, without the XPath call that
    ``text_content()`` is (~100 anchors a listing page; most hold their text
    directly or in one ``<span>``)."""
    if anchor.text and anchor.text.strip():
        return True
    for node in anchor.iterdescendants():
        # A comment's or processing instruction's text is not the page's text; its tail is.
        if isinstance(node.tag, str) and node.text and node.text.strip():
            return True
        if node.tail and node.tail.strip():
            return True
    return anchor.find(".//img") is not None
