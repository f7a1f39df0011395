"""The link to the original article on an aggregator page, or none.

Every article of the family closes with «Cliquez ici pour lire l'article depuis sa
source.» (Arabic «اضغط هنا لقراءة الخبر من مصدره», Masress "Clic here to read the
story from its source."), a link to the article on the newspaper's own site.  A page
without that link has no source: the first external link of a page is a footer link
to a sister site or a share button, never the original.  In order:

1. a link whose whole text is a known click-here wording (``text.PHRASES``), or
   that sits in the template's source-link marker (``<p class="articlesource">``,
   ``<p class="post-origin">``, ``<div class="story-source">``);
2. the source the page declares (JSON-LD ``isBasedOn``);
3. structure, only as a tie-breaker: the one external link between the end of the
   body and the end of the article container; two or more, and there is none.

Links to the page's own host or to any site of the registry, share buttons, social
and ad networks, and links inside menus, footers or widgets are never the source.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from urllib.parse import urlsplit

from lxml.html import HtmlElement

from newsspider.extract.text import is_label, is_source_link_text, is_widget
from newsspider.sites import SITES

# ``href`` → the absolute URL when it could be the original article, else None.
External = Callable[[str | None], str | None]

# Classes of the element that holds the click-here link, in each layout of the template.
SOURCE_MARKER_CLASSES = frozenset({"articlesource", "post-origin", "story-source"})

# Share buttons, social networks and ad networks: a link there is never the original.
_NOT_A_SOURCE = re.compile(
    r"(?:^|\.)(?:facebook\.com|fb\.com|fb\.me|twitter\.com|x\.com|t\.co|whatsapp\.com|wa\.me|"
    r"telegram\.me|telegram\.org|t\.me|youtube\.com|youtu\.be|instagram\.com|linkedin\.com|"
    r"lnkd\.in|pinterest\.com|reddit\.com|tiktok\.com|snapchat\.com|google\.com|"
    r"googlesyndication\.com|googleadservices\.com|doubleclick\.net|outbrain\.com|"
    r"taboola\.com|addthis\.com|sharethis\.com)$"
)
# Every aggregator of the registry: a sister site is never a newspaper.
_FAMILY_DOMAINS = tuple(sorted({site.domain for site in SITES.values()}))
# Page chrome a link may sit in even inside the article's container.
_CHROME_TAGS = frozenset({"nav", "footer", "header", "aside", "menu", "figure"})


def could_be_source_host(netloc: str) -> bool:
    """Whether a link's host could be the newspaper's: not a sister site, not social or ads."""
    host = (urlsplit(f"//{netloc}").hostname or "").rstrip(".")
    if not host or _NOT_A_SOURCE.search(host):
        return False
    return not any(host == domain or host.endswith(f".{domain}") for domain in _FAMILY_DOMAINS)


def source_link(
    container: HtmlElement,
    body_end: HtmlElement | None,
    external: External,
    declared: str | None = None,
) -> str | None:
    """The original article's URL on a page, or None when the page does not give one.

    ``container``: the article's container; ``body_end``: the body's last element
    (None when the page has no body); ``declared``: the page's own claim (JSON-LD).
    """
    marked = None
    for link in container.iter("a"):
        url = external(link.get("href"))
        if url is None:
            continue
        text = link.text_content()
        if is_source_link_text(text):
            return url
        if marked is None and _in_marker(link) and not is_label(text):
            marked = url
    if marked is not None:
        return marked
    declared_url = external(declared)
    if declared_url is not None:
        return declared_url
    if body_end is None:
        return None
    after = {
        url
        for link in _links_after(body_end, container)
        if (url := external(link.get("href"))) is not None and not _is_chrome(link, container)
    }
    return after.pop() if len(after) == 1 else None


def _in_marker(link: HtmlElement) -> bool:
    parent = link.getparent()
    classes = (link.get("class") or "").split()
    if parent is not None:
        classes += (parent.get("class") or "").split()
    return not SOURCE_MARKER_CLASSES.isdisjoint(classes)


def _links_after(body_end: HtmlElement, container: HtmlElement) -> Iterator[HtmlElement]:
    """Links after ``body_end`` (not inside it) up to the end of ``container``, in order."""
    node: HtmlElement | None = body_end
    while node is not None and node is not container:
        for sibling in node.itersiblings():
            yield from sibling.iter("a")
        node = node.getparent()


def _is_chrome(link: HtmlElement, container: HtmlElement) -> bool:
    """A link in a menu, footer, share bar or ad, or labelled like a widget («Lire aussi»)."""
    if "sponsored" in (link.get("rel") or "").lower().split() or is_label(link.text_content()):
        return True
    element: HtmlElement | None = link
    while element is not None and element is not container:
        if element.tag in _CHROME_TAGS or is_widget(element):
            return True
        element = element.getparent()
    return False
