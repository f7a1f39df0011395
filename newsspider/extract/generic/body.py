"""The main text of any news page: trafilatura finds it, the project's rules clean it.

trafilatura is run without its metadata pass (``metadata.py`` reads the structured
values first, which is most of trafilatura's time) and without its fallback
extractors (``fast``): the body is then found in one pass over a copy of the tree
we already parsed.  Its paragraphs go through the same furniture and text rules as
the Maghress bodies (``text.is_chrome``, ``clean_text``).
"""

from __future__ import annotations

from copy import deepcopy

import lxml.html
from lxml.html import HtmlElement
from trafilatura import bare_extraction

from newsspider.extract.text import LinkText, clean_text, fold, is_chrome

# Blocks inside a paragraph: a ``<li>`` holding ``<p>`` is judged by its paragraphs.
_BLOCKS = frozenset({"p", "li", "div", "ul", "ol", "table", "section", "blockquote"})
# ``is_chrome`` never calls a paragraph this long furniture (its own limit, in clean
# characters, is lower): the common body paragraph is let through unread.
_FURNITURE_MAX_RAW_CHARS = 600
# The share of the page's paragraph text an <article> must hold to be read alone.
_ARTICLE_SHARE = 0.5
# Below this, trafilatura's one-pass text is taken for a miss and its fallbacks run.
MIN_FAST_CHARS = 1000


def main_paragraphs(
    tree: HtmlElement, url: str | None, title: str | None, bylines: list[str]
) -> list[str]:
    """The article's paragraphs, without page furniture, the title or the byline line."""
    furniture = [element for element in tree.iter("p", "li") if _is_furniture(element)]
    scope = _article_scope(tree, furniture)
    text = _trafilatura_text(scope, url, [], fast=True) if scope is not None else ""
    if len(text) < MIN_FAST_CHARS:
        # Last first: trafilatura removes them one XPath after the other, and a
        # removed <p> would shift the index of its following siblings' paths.
        paths = [tree.getroottree().getpath(element) for element in reversed(furniture)]
        text = _trafilatura_text(tree, url, paths, fast=True)
        if len(text) < MIN_FAST_CHARS:
            text = _trafilatura_text(tree, url, paths, fast=False) or text
    if not text:
        return []
    bylines_folded = {fold(name) for name in bylines}
    kept: list[str] = []
    for line in text.split("\n"):
        paragraph = clean_text(line)
        if paragraph and not is_chrome(paragraph) and not _is_byline(paragraph, bylines_folded):
            kept.append(paragraph)
    # trafilatura keeps the headline when it sits inside the article's container.
    if kept and title and fold(kept[0]) == fold(title):
        del kept[0]
    return kept


def _trafilatura_text(tree: HtmlElement, url: str | None, prune: list[str], *, fast: bool) -> str:
    """trafilatura's main text (``fast``: one pass, without its fallback extractors),
    without the elements at the XPaths ``prune``, removed from trafilatura's own copy."""
    document = bare_extraction(
        tree,
        url=url,
        fast=fast,
        include_comments=False,
        include_tables=False,
        include_images=False,
        include_links=False,
        with_metadata=False,
        prune_xpath=prune or None,
    )
    return (getattr(document, "text", None) or "") if document is not None else ""


def _article_scope(tree: HtmlElement, furniture: list[HtmlElement]) -> HtmlElement | None:
    """The page's one ``<article>``, alone in a page of its own and without its
    furniture paragraphs, when it holds most of the page's paragraph text:
    trafilatura's time grows with the tree it is given.

    The rest of the page is left to trafilatura when there is no such element
    (several ``<article>`` teasers, or none), and when the article gave too little.
    """
    articles = [a for a in tree.iter("article") if a.find(".//article") is None]
    if len(articles) != 1:
        return None
    article = articles[0]
    inside = sum(len(p.text_content()) for p in article.iter("p"))
    everywhere = sum(len(p.text_content()) for p in tree.iter("p"))
    if not everywhere or inside < everywhere * _ARTICLE_SHARE:
        return None
    # The furniture's paths inside the article, found again in the copy.
    base = tree.getroottree().getpath(article)
    inner = [tree.getroottree().getpath(e) for e in furniture if article in e.iterancestors()]
    copy = deepcopy(article)
    doomed = [found for path in inner for found in copy.xpath("." + path[len(base) :])]
    for element in doomed:
        element.drop_tree()  # keeps the tail text, which belongs to the parent
    page = lxml.html.Element("html")
    body = lxml.html.Element("body")
    page.append(body)
    body.append(copy)
    return page


def _is_furniture(element: HtmlElement) -> bool:
    """A leaf block (no block inside) whose text and links make it furniture."""
    if any(isinstance(child.tag, str) and child.tag in _BLOCKS for child in element):
        return False
    raw = element.text_content()
    if len(raw) > _FURNITURE_MAX_RAW_CHARS:  # most body paragraphs: never furniture
        return False
    text = clean_text(raw)
    if not text:
        return False
    links = list(element.iter("a"))
    if not links:
        return is_chrome(text)
    first = links[0]
    lead = clean_text((element.text or "") + _text_before(element, first))
    linked = sum(len(clean_text(link.text_content())) for link in links)
    unlinked = text
    for link in links:
        unlinked = unlinked.replace(clean_text(link.text_content()), " ", 1)
    return is_chrome(text, LinkText(chars=linked, lead=lead, unlinked=unlinked))


def _text_before(element: HtmlElement, link: HtmlElement) -> str:
    """The text of ``element``'s children that come before ``link`` (``element.text`` aside)."""
    pieces: list[str] = []
    for child in element:
        if child is link or link in child.iterdescendants():
            break
        pieces.append(child.text_content() + (child.tail or ""))
    return "".join(pieces)


def _is_byline(paragraph: str, authors: set[str]) -> bool:
    """A short line naming the authors and little else («Par Claire Martin, publié le …»)."""
    if not authors or len(paragraph) > 200:
        return False
    folded = fold(paragraph)
    named = [name for name in authors if name and name in folded]
    if not named:
        return False
    return sum(len(name) for name in named) * 2 >= len(folded) - 40
