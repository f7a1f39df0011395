"""The main text of any news page: trafilatura finds it, the project's rules clean it.

trafilatura is run without its metadata pass (``metadata.py`` reads the structured
values first, which is most of trafilatura's time) and without its fallback
extractors (``fast``): the body is then found in one pass over a copy of the tree
we already parsed.  Its paragraphs go through the same furniture and text rules as
the Maghress bodies (``text.is_chrome``, ``clean_text``).
"""

from __future__ import annotations

from copy import deepcopy

from lxml.html import HtmlElement
from trafilatura import bare_extraction

from newsspider.extract.text import LinkText, clean_text, fold, is_chrome, is_widget

# Never pruned as a widget, whatever their class says: ``<body class="has-sidebar">``.
_FRAME_TAGS = frozenset({"html", "body", "main", "article"})
# The leaf blocks judged one by one as furniture («Lire aussi : <a>…</a>», «Publicité»).
_LEAF_TAGS = frozenset({"p", "li", "dd", "div", "span"})
# A widget holding more than this share of the page's text is the page's frame, not a box.
_WIDGET_MAX_SHARE = 0.25


def main_paragraphs(
    tree: HtmlElement, url: str | None, title: str | None, bylines: list[str]
) -> list[str]:
    """The article's paragraphs, without page furniture, the title or the byline line."""
    document = bare_extraction(
        _pruned(tree),
        url=url,
        fast=True,
        include_comments=False,
        include_tables=False,
        include_images=False,
        include_links=False,
        with_metadata=False,
        output_format="python",
    )
    text = getattr(document, "text", None) if document is not None else None
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


def _pruned(tree: HtmlElement) -> HtmlElement:
    """A copy of the page without the boxes the Maghress bodies lose too: widgets by
    their names (ads, share bars, related boxes) and furniture paragraphs by their
    wording and links (``text.is_chrome``), which trafilatura's text no longer shows."""
    copy = deepcopy(tree)
    page_chars = len(copy.text_content())
    doomed = []
    for element in copy.iter():
        tag = element.tag
        if not isinstance(tag, str) or tag in _FRAME_TAGS:
            continue
        if is_widget(element):
            if len(element.text_content()) <= page_chars * _WIDGET_MAX_SHARE:
                doomed.append(element)
        elif tag in _LEAF_TAGS and _is_furniture(element):
            doomed.append(element)
    for element in doomed:
        parent = element.getparent()
        if parent is not None:
            element.drop_tree()  # keeps the tail text, which belongs to the parent
    return copy


def _is_furniture(element: HtmlElement) -> bool:
    """A leaf block (no block inside) whose text and links make it furniture."""
    if any(isinstance(child.tag, str) and child.tag in _LEAF_TAGS for child in element):
        return False
    text = clean_text(element.text_content())
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
