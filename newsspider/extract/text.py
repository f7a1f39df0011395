"""Text helpers: whitespace, boilerplate phrases, and article bodies as paragraphs.

Bodies are walked with lxml rather than BeautifulSoup: the body is already an lxml
element of the page we parsed once, and re-parsing it with BeautifulSoup would
cost more than the whole walk (see benchmarks/).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator

from lxml import etree
from lxml.html import HtmlElement

# \s covers \xa0 (the ticker's &nbsp;) and the other Unicode spaces.
_SPACES = re.compile(r"\s+")
# Zero-width and bidi marks that pages sprinkle into Arabic text; they break
# equality and search downstream and carry no meaning in plain text.
_INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\u00ad]")
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_CONTROL_OR_BREAK = re.compile("[\x00-\x1f\x7f\x9b]")


def clean_text(text: str | None) -> str:
    """One line of text: NFC, no invisible marks or control chars, spaces folded."""
    if not text:
        return ""
    text = unicodedata.normalize("NFC", text)
    text = _INVISIBLE.sub("", _CONTROL.sub("", text))
    return _SPACES.sub(" ", text).strip()


def printable(text: object, limit: int = 300) -> str:
    """A page-derived value made safe for a log line: control characters escaped, cut short.

    A page must not be able to forge log lines (``\r``, ``\n``, ANSI escapes).
    """
    text = str(text)
    if len(text) > limit:
        text = text[:limit] + "…"
    return text.encode("unicode_escape").decode("ascii") if _CONTROL_OR_BREAK.search(text) else text


def or_none(text: str | None) -> str | None:
    """The contract says ``null`` for unknown, never ``""``."""
    text = clean_text(text)
    return text or None


# Lines the Maghress template puts around every article; they are not body.
# One table per language so a new sister-site wording is a one-line change.
BOILERPLATE_PHRASES: dict[str, tuple[str, ...]] = {
    "fr": (
        r"Merci d'avoir signal[ée]",
        r"Cette image sera automatiquement bloqu[ée]e",
        r"Cliquez ici pour lire l'article depuis sa source",
    ),
    "ar": (
        r"شكرا على الإبلاغ",
        r"سيتم حجب هذه الصورة",
        r"اضغط هنا لقراءة",
        r"اضغط هنا للاطلاع",
    ),
    "en": (
        r"Thank you for reporting",
        r"This image will be automatically blocked",
        r"Click here to read the (?:full )?(?:article|story) from its source",
    ),
}
_BOILERPLATE = re.compile(
    "|".join(f"(?:{p})" for phrases in BOILERPLATE_PHRASES.values() for p in phrases),
    re.IGNORECASE,
)
# The click-here wording alone: a hint when picking the link to the original.
SOURCE_LINK_HINT = re.compile(
    r"Cliquez ici|lire l'article|اضغط هنا|من مصدره|Click here|read the (?:full )?article",
    re.IGNORECASE,
)


def is_boilerplate(paragraph: str) -> bool:
    """A short paragraph that is one of the template's fixed lines."""
    return len(paragraph) < 200 and _BOILERPLATE.search(paragraph) is not None


# Elements whose content is never article text.
DROP_TAGS = frozenset(
    {
        "script",
        "style",
        "noscript",
        "iframe",
        "ins",
        "form",
        "button",
        "input",
        "select",
        "textarea",
        "svg",
        "object",
        "embed",
        "template",
        "figure",
        "figcaption",
        "img",
        "video",
        "audio",
    }
)
# Class or id words of widgets inside bodies: ad slots (div-gpt-ad-…), share bars.
_DROP_MARKERS = re.compile(
    r"(?:^|[\s_-])(?:ads?|adsbygoogle|gpt|share|sharebuttons|social|modal|related|comments?|"
    r"newsletter|tags)(?:$|[\s_-])",
    re.IGNORECASE,
)
BLOCK_TAGS = frozenset(
    {
        "p",
        "div",
        "section",
        "article",
        "header",
        "footer",
        "blockquote",
        "ul",
        "ol",
        "li",
        "table",
        "tr",
        "td",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "pre",
        "hr",
    }
)
_BREAK = None  # a paragraph boundary while walking (text pieces are str)


def _is_widget(element: HtmlElement) -> bool:
    marker = f"{element.get('class', '')} {element.get('id', '')}"
    return bool(marker.strip()) and _DROP_MARKERS.search(marker) is not None


def _walk(element: HtmlElement) -> Iterator[str | None]:
    """Text pieces of ``element`` in order, with ``_BREAK`` at paragraph boundaries.

    Every ``<br>`` is a boundary: the seed page's text shows paragraphs one line
    apart, i.e. single ``<br>`` in the span layout, and ``<br><br>`` runs fold
    into one boundary later.
    """
    if element.text:
        yield element.text
    for child in element:
        tag = child.tag if isinstance(child.tag, str) else ""
        if tag == "br":
            yield _BREAK
        elif tag and tag not in DROP_TAGS and not _is_widget(child):
            block = tag in BLOCK_TAGS
            if block:
                yield _BREAK
            yield from _walk(child)
            if block:
                yield _BREAK
        if child.tail:
            yield child.tail


def paragraphs(elements: Iterable[HtmlElement]) -> list[str]:
    """Clean paragraphs of the body elements, boilerplate lines removed."""
    result: list[str] = []
    for element in elements:
        if not isinstance(element.tag, str):
            continue
        current: list[str] = []
        for piece in [*_walk(element), _BREAK]:
            if piece is None:
                text = clean_text("".join(current))
                if text and not is_boilerplate(text):
                    result.append(text)
                current = []
            else:
                current.append(piece)
    return result


def join_paragraphs(items: list[str]) -> str | None:
    """The record's body: paragraphs separated by one blank line."""
    return "\n\n".join(items) or None


def element_text(element: HtmlElement | None) -> str | None:
    """Whitespace-normalised text of an element, or None."""
    if element is None:
        return None
    return or_none(etree.tostring(element, method="text", encoding="unicode", with_tail=False))
