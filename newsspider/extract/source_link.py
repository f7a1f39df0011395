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
   body and the end of the article container; two or more, and there is none.  It
   must also look like a newspaper's article (``looks_like_article``: not a home
   page, section, app page or download), not be introduced as a sponsor, partner,
   host, credit or the author's page («Hébergé par», «Partenaire :», «Le blog de
   l'auteur :»), and the container must be the article's own, never the whole
   page (a page without ``<article>``, or a span-layout "container" that holds the
   headline strip).

Links to the page's own host or to any site of the registry, share buttons, social
and ad networks, app stores, and links inside menus, footers or widgets are never
the source.  A wrong source is worse than none: when in doubt, None.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from urllib.parse import unquote, urlsplit

from lxml.etree import _Element

from newsspider.extract.text import (
    BLOCK_TAGS,
    is_label,
    is_source_link_text,
    is_widget,
    marks_no_source,
    string_of,
)
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
    r"dailymotion\.com|dai\.ly|googlesyndication\.com|googleadservices\.com|doubleclick\.net|"
    r"adform\.net|criteo\.com|smartadserver\.com|teads\.tv|outbrain\.com|taboola\.com|"
    r"addthis\.com|sharethis\.com|apple\.com)$"
)
# Every aggregator of the registry: a sister site is never a newspaper.
_FAMILY_DOMAINS = tuple(sorted({site.domain for site in SITES.values()}))
# Page chrome a link may sit in even inside the article's container.
_CHROME_TAGS = frozenset({"nav", "footer", "header", "aside", "menu", "figure"})

# What an article's URL ends with (its last path segment): a number of three digits
# or more (``/politique/130400/``, ``…_a112233.html``), three words or more
# (``/le-parlement-adopte-la-loi/``), or a page file named by two words of three
# letters or more (``OCI-Gaza.html``).  A home page (``https://www.libe.ma/``), a
# section (``/fr/``, ``/promo``, ``Actualites_r1.html``) or an app page has none.
_ARTICLE_NUMBER = re.compile(r"\d{3}")
_PAGE_FILE = re.compile(r"\.(?:s?html?|php|aspx?)$", re.IGNORECASE)
# A document, image, video or app to download is no article page (``rapport-2019.pdf``).
_DOWNLOAD = re.compile(
    r"\.(?:pdf|jpe?g|png|gif|webp|svg|mp[34]|mov|zip|rar|docx?|xlsx?|pptx?|apk)$", re.IGNORECASE
)
_WORD_SEPARATORS = re.compile(r"[-_]+")
# How much of the text before a link can introduce it («Site réalisé par»).
_LEAD_CHARS = 80
# Path segments of listings and app pages, never of one article.
_LISTING_SEGMENT = re.compile(
    r"apps?|downloads?|author|auteur|tags?|topics?|categor(?:y|ie|ies)|rubriques?|sections?",
    re.IGNORECASE,
)


def could_be_source_host(netloc: str) -> bool:
    """Whether a link's host could be the newspaper's: not a sister site, not social or ads."""
    host = (urlsplit(f"//{netloc}").hostname or "").rstrip(".")
    if not host or _NOT_A_SOURCE.search(host):
        return False
    return not any(host == domain or host.endswith(f".{domain}") for domain in _FAMILY_DOMAINS)


def source_link(
    container: _Element,
    body_end: _Element | None,
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
        text = string_of(link)
        if is_source_link_text(text):
            return url
        if marked is None and _in_marker(link) and not is_label(text):
            marked = url
    if marked is not None:
        return marked
    declared_url = external(declared)
    if declared_url is not None:
        return declared_url
    if body_end is None or not _is_article_container(container):
        return None
    after = {
        url
        for link in _links_after(body_end, container)
        if (url := external(link.get("href"))) is not None and not _is_chrome(link, container)
    }
    if len(after) != 1:
        return None
    url = after.pop()
    return url if looks_like_article(url) else None


def looks_like_article(url: str) -> bool:
    """Whether ``url`` reads as one article's page rather than a site, section or app."""
    segments = [segment for segment in unquote(urlsplit(url).path).split("/") if segment]
    if not segments or any(_LISTING_SEGMENT.fullmatch(segment) for segment in segments):
        return False
    last = segments[-1]
    if _DOWNLOAD.search(last):
        return False
    if _ARTICLE_NUMBER.search(last):
        return True
    stem = _PAGE_FILE.sub("", last)
    words = [word for word in _WORD_SEPARATORS.split(stem) if word]
    if len(words) >= 3:
        return True
    return stem != last and sum(len(word) >= 3 for word in words) == 2


def _is_article_container(container: _Element) -> bool:
    """The article's own element, not the page: a page without ``<article>`` gives its
    root, and a span-layout title far from its text gives a wrapper around the strip."""
    if container.tag in ("html", "body") or container.getparent() is None:
        return False
    return next(container.iter("marquee"), None) is None


def _in_marker(link: _Element) -> bool:
    parent = link.getparent()
    classes = (link.get("class") or "").split()
    if parent is not None:
        classes += (parent.get("class") or "").split()
    return not SOURCE_MARKER_CLASSES.isdisjoint(classes)


def _links_after(body_end: _Element, container: _Element) -> Iterator[_Element]:
    """Links after ``body_end`` (not inside it) up to the end of ``container``, in order."""
    node: _Element | None = body_end
    while node is not None and node is not container:
        for sibling in node.itersiblings():
            yield from sibling.iter("a")
        node = node.getparent()


def _is_chrome(link: _Element, container: _Element) -> bool:
    """A link in a menu, footer, share bar or ad, or labelled like a widget («Lire
    aussi»), a sponsor, a credit or the author's page, by its own text or the words
    that lead to it."""
    if "sponsored" in (link.get("rel") or "").lower().split():
        return True
    if marks_no_source(string_of(link)) or marks_no_source(_lead_in(link)):
        return True
    element: _Element | None = link
    while element is not None and element is not container:
        if element.tag in _CHROME_TAGS or is_widget(element):
            return True
        element = element.getparent()
    return False


def _lead_in(link: _Element) -> str:
    """The words on the link's line before it: «Hébergé par» in «Hébergé par <a>…</a>»."""
    parent = link.getparent()
    if parent is None:
        return ""
    parts = [parent.text or ""]
    for sibling in parent:
        if sibling is link:
            break
        if sibling.tag == "br" or sibling.tag in BLOCK_TAGS:
            parts = []  # a new line starts after it
        elif isinstance(sibling.tag, str):
            parts.append(string_of(sibling))
        parts.append(sibling.tail or "")
    # The end of a long run of text (a body span before the link) is what leads to it.
    return " ".join("".join(parts)[-_LEAD_CHARS:].split())
