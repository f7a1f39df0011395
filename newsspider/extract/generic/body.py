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

from newsspider.extract.text import LinkText, clean_text, fold, is_chrome

# Blocks inside a paragraph: a ``<li>`` holding ``<p>`` is judged by its paragraphs.
_BLOCKS = frozenset({"p", "li", "div", "ul", "ol", "table", "section", "blockquote"})
# ``is_chrome`` never calls a paragraph this long furniture (its own limit, in clean
# characters, is lower): the common body paragraph is let through unread.
_FURNITURE_MAX_RAW_CHARS = 600
# Below this, trafilatura's one-pass text is taken for a miss and its fallbacks run.
MIN_FAST_CHARS = 1000


def main_paragraphs(
    tree: HtmlElement, url: str | None, title: str | None, bylines: list[str]
) -> list[str]:
    """The article's paragraphs, without page furniture, the title or the byline line."""
    pruned = _pruned(tree)
    text = _trafilatura_text(pruned, url, fast=True)
    if len(text) < MIN_FAST_CHARS:
        text = _trafilatura_text(pruned, url, fast=False) or text
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


def _trafilatura_text(tree: HtmlElement, url: str | None, *, fast: bool) -> str:
    """trafilatura's main text (``fast``: one pass, without its fallback extractors)."""
    document = bare_extraction(
        tree,
        url=url,
        fast=fast,
        include_comments=False,
        include_tables=False,
        include_images=False,
        include_links=False,
        with_metadata=False,
    )
    return (getattr(document, "text", None) or "") if document is not None else ""


def _pruned(tree: HtmlElement) -> HtmlElement:
    """The page without the furniture paragraphs the Maghress bodies lose too
    («Lire aussi : <a>…</a>», «Publicité»: ``text.is_chrome``), judged by their wording
    and links, which trafilatura's text no longer shows.  A copy, when there are any:
    the page's own tree is left as it was.

    Boxes are left to trafilatura: class names on sites we do not know say too
    little (``<article class="… post-share-style2">`` is the article).
    """
    doomed = [element for element in tree.iter("p", "li") if _is_furniture(element)]
    if not doomed:
        return tree  # trafilatura works on a copy of its own
    paths = [tree.getroottree().getpath(element) for element in doomed]
    copy = deepcopy(tree)
    # All found before any is dropped: a dropped <p> shifts its siblings' paths.
    found = [element for path in paths for element in copy.getroottree().xpath(path)]
    for element in found:
        element.drop_tree()  # keeps the tail text, which belongs to the parent
    return copy


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
