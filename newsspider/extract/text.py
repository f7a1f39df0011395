"""Text helpers: whitespace, boilerplate phrases, and article bodies as paragraphs.

Bodies are walked with lxml rather than BeautifulSoup: the body is already an lxml
element of the page we parsed once, and re-parsing it with BeautifulSoup would
cost more than the whole walk (see benchmarks/).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from lxml import etree
from lxml.html import HtmlElement

# \s covers \xa0 (the ticker's &nbsp;) and the other Unicode spaces.
_SPACES = re.compile(r"\s+")
# Zero-width and bidi marks that pages sprinkle into Arabic text; they break
# equality and search downstream and carry no meaning in plain text.
_INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\u00ad]")
# Code points no record may hold: control characters; surrogates, always unpaired in
# a str (JSON-LD's "\ud800" decodes to one, and the UTF-8 exporter then refuses the
# whole record); the non-characters U+FDD0–U+FDEF and U+FFFE, U+FFFF of every plane
# (lxml keeps "&#xFFFE;" as it is).
_NONCHARACTERS = "\ufdd0-\ufdef" + "".join(
    chr(plane << 16 | 0xFFFE) + chr(plane << 16 | 0xFFFF) for plane in range(17)
)
_INVALID = re.compile(f"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff{_NONCHARACTERS}]")
_CONTROL_OR_BREAK = re.compile("[\x00-\x1f\x7f\x9b]")


def without_invalid(text: str) -> str:
    """``text`` without the code points no record may hold (see ``_INVALID``); for values
    kept as they are otherwise, like a URL read from JSON-LD."""
    return _INVALID.sub("", text)


def clean_text(text: str | None) -> str:
    """One line of text: NFC, no invisible marks, control characters, surrogates or
    non-characters, spaces folded."""
    if not text:
        return ""
    text = unicodedata.normalize("NFC", without_invalid(text))
    text = _INVISIBLE.sub("", text)
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


# Real headlines stay under 300 characters; a longer "title" is usually body text
# caught by a broken page.  It is cut (at a word) rather than the record lost.
MAX_TITLE_CHARS = 500


def shorten(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters, at a word when one ends in its second half."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    return (cut.rsplit(" ", 1)[0] if " " in cut[limit // 2 :] else cut) + "…"


# --- wordings ----------------------------------------------------------------

# Fixed wordings of the family's template and of the widgets pages put inside the
# article, one table per language: a new wording is one line.  They are matched
# after ``fold`` (case, accents, Arabic hamza forms and diacritics, punctuation), so
# «Publicité», "PUBLICITE" and "- Publicité -" are one label.
#   source_link   the whole text of the link to the original article;
#   template      lines around every article (the image-report modal): a short
#                 paragraph holding one is not body;
#   ad_label      the whole text of a block that labels an ad slot;
#   widget_label  heading of a share / print / comment / "read also" widget: a block
#                 that is only the label, or the label then mostly links
#                 («Lire aussi : <a>…</a>») or a few words after a colon
#                 ("Partager : Facebook Twitter");
#   credit        what opens an image credit before its colon ("Photo : AFP").
PHRASES: dict[str, dict[str, tuple[str, ...]]] = {
    "fr": {
        "source_link": ("Cliquez ici pour lire l'article depuis sa source",),
        "template": ("Merci d'avoir signalé", "Cette image sera automatiquement bloquée"),
        "ad_label": ("Publicité", "Pub", "Annonce", "Sponsorisé", "Contenu sponsorisé"),
        "widget_label": (
            "Lire aussi",
            "À lire aussi",
            "Lire également",
            "Voir aussi",
            "Sur le même sujet",
            "Articles similaires",
            "Articles liés",
            "Partager",
            "Partagez",
            "Imprimer",
            "Commentaires",
            "Réagir",
        ),
        "credit": ("Photo", "Photos", "Crédit photo", "Crédits photo", "Illustration"),
    },
    "ar": {
        "source_link": (
            "اضغط هنا لقراءة الخبر من مصدره الأصلي",
            "اضغط هنا لقراءة الخبر من مصدره",
        ),
        "template": (
            "شكرا على الإبلاغ",
            "سيتم حجب هذه الصورة",
            "اضغط هنا لقراءة",
            "اضغط هنا للاطلاع",
        ),
        "ad_label": ("إعلان", "إعلانات", "إشهار", "محتوى مدعوم", "محتوى ممول"),
        "widget_label": (
            "اقرأ أيضا",
            "إقرأ أيضا",
            "اقرأ كذلك",
            "مواضيع ذات صلة",
            "أخبار ذات صلة",
            "مقالات ذات صلة",
            "شارك",
            "مشاركة",
            "طباعة",
            "التعليقات",
            "تعليقات",
        ),
        "credit": ("صورة", "الصورة", "تصوير", "مصدر الصورة"),
    },
    "en": {
        "source_link": (
            "Click here to read the story from its source",
            # Masress's spelling.
            "Clic here to read the story from its source",
            "Click here to read the article from its source",
            "Click here to read the full article from its source",
        ),
        "template": ("Thank you for reporting", "This image will be automatically blocked"),
        "ad_label": ("Advertisement", "Advertising", "Ad", "Sponsored", "Sponsored content"),
        "widget_label": (
            "Read also",
            "Also read",
            "See also",
            "Related",
            "Related articles",
            "Related stories",
            "Share",
            "Share this",
            "Share this article",
            "Print",
            "Comments",
        ),
        "credit": ("Photo", "Photo credit", "Image", "Image credit", "Picture"),
    },
}

# Combining marks (Latin accents, Arabic hamza above/below and diacritics) once
# NFKD has split them off their letter, and the Arabic tatweel.
_MARKS = re.compile("[\u0300-\u036f\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")
_NOT_A_LETTER = re.compile(r"[\W_]+")


def _letters(text: str) -> str:
    """``text`` with case, accents and Arabic spelling variants folded, punctuation kept."""
    if text.isascii():
        return text.casefold()
    text = _MARKS.sub("", unicodedata.normalize("NFKD", text)).casefold()
    # Arabic letters often typed one for the other: ta marbuta / ha, alif maqsura / ya.
    return text.replace("ة", "ه").replace("ى", "ي")


def fold(text: str) -> str:
    """What a wording match compares: folded letters and digits, single spaces."""
    return _NOT_A_LETTER.sub(" ", _letters(text)).strip()


def _folded(role: str) -> list[str]:
    return [fold(phrase) for table in PHRASES.values() for phrase in table[role]]


def _alternatives(phrases: Iterable[str]) -> str:
    # Longest first: "Share this article" must win over "Share", or the colon after it
    # is not seen as the label's separator.
    return "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in sorted(phrases, key=len)[::-1])


_SOURCE_LINK_TEXTS = frozenset(_folded("source_link"))
_TEMPLATE = re.compile(_alternatives(_folded("template") + _folded("source_link")))
_LABELS = frozenset(_folded("ad_label") + _folded("widget_label"))
# A widget label opening the block, and whether a separator follows it.
_WIDGET_HEAD = re.compile(
    rf"^\W*(?:{_alternatives(_folded('widget_label'))})(?![^\W_])\s*(?P<sep>[:|>»›(\-–—]?)"
)
_CREDIT = re.compile(rf"^\W*(?:©|\(c\)|(?:{_alternatives(_folded('credit'))})\s*[:：])")

# Every label, credit and template line is far shorter than these: a paragraph
# longer than the first, or than the second and without links, is body, and most
# body paragraphs skip the checks.
_CHROME_MAX_CHARS = 400
_TEMPLATE_MAX_CHARS = 200
_CREDIT_MAX_CHARS = 160
# Navigation: a block mostly of link text ("read also" lists, tag clouds) with few
# words; a body paragraph with a link or two has far more text than link.
_NAV_LINK_SHARE = 0.5
_NAV_MAX_WORDS = 25
# "Partager : Facebook Twitter": a label, its separator, a few words, no full stop.
_WIDGET_TAIL_MAX_WORDS = 8
_STOPS = (".", "!", "?", "؟", "…")


def is_source_link_text(text: str) -> bool:
    """Whether a link's whole text is a known click-here wording."""
    return 10 < len(text) < 150 and fold(text) in _SOURCE_LINK_TEXTS


def is_label(text: str) -> bool:
    """Whether ``text`` is only an ad or widget label («Publicité», «اقرأ أيضا»)."""
    return len(text) < 60 and fold(text) in _LABELS


def is_chrome(paragraph: str, link_chars: int = 0) -> bool:
    """Whether a paragraph is page furniture rather than article text.

    ``link_chars``: how much of it is link text.  Template lines, labels alone,
    image credits, widget labels followed by links or a few words, and short
    blocks mostly of links are furniture; a long paragraph never is.
    """
    if len(paragraph) > (_CHROME_MAX_CHARS if link_chars else _TEMPLATE_MAX_CHARS):
        return False
    letters = _letters(paragraph)
    folded = _NOT_A_LETTER.sub(" ", letters).strip()
    if folded in _LABELS:
        return True
    if len(paragraph) < _TEMPLATE_MAX_CHARS and _TEMPLATE.search(folded):
        return True
    if len(paragraph) < _CREDIT_MAX_CHARS and _CREDIT.match(letters):
        return True
    linky = link_chars > _NAV_LINK_SHARE * len(paragraph)
    head = _WIDGET_HEAD.match(letters)
    if head is not None:
        if linky:
            return True
        # "Partager : Facebook Twitter", not «Partager : c'est le mot d'ordre.»
        tail = letters[head.end() :].strip()
        if (
            head["sep"]
            and len(tail.split()) <= _WIDGET_TAIL_MAX_WORDS
            and not tail.endswith(_STOPS)
        ):
            return True
    return linky and len(paragraph.split()) <= _NAV_MAX_WORDS


# --- the body walk -------------------------------------------------------------

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
        "canvas",
        "object",
        "embed",
        "template",
        "figure",
        "figcaption",
        "picture",
        "img",
        "video",
        "audio",
        "aside",
        "nav",
        "dialog",
    }
)
# Whole tokens of class, id or aria-label that name a widget, never substrings:
# ``div-gpt-ad-1571234567890-1``, ``adSlot`` and ``share_bar`` are widgets,
# ``head`` and ``shadow`` are not.  Tokens split at spaces, ``-``, ``_``, digits and
# camelCase humps.
_WIDGET_TOKENS = (
    r"ads?|adv|advert|advertisement|adsense|adsbygoogle|adslot|adunit|gpt|dfp|pub|publicit[eé]|"
    r"sponsor|sponsored|promo|outbrain|taboola|"
    r"share|sharing|sharebar|sharebuttons|sharethis|addthis|social|socials|partage|partager|"
    r"related|read[-_]?also|read[-_]?more|see[-_]?also|lire[-_]?aussi|a[-_]lire|"
    r"comments?|disqus|print|newsletter|subscribe|tags|modal|popup|breadcrumbs?|"
    r"menu|menubar|nav|navbar|navigation|sidebar|footer|"
    r"إعلان|اعلان|مشاركة"
)
_WIDGET_MARKERS = re.compile(
    rf"(?:^|(?<=[\s_\-\d])|(?<=[a-z])(?=[A-Z]))(?i:{_WIDGET_TOKENS})(?=$|[\s_\-\d]|[A-Z])"
)
# ARIA landmarks that are never the article's text.
_CHROME_ROLES = frozenset(
    {"complementary", "navigation", "banner", "contentinfo", "dialog", "alertdialog", "search"}
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
        "dl",
        "dt",
        "dd",
        "table",
        "tr",
        "td",
        "th",
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


def is_widget(element: HtmlElement) -> bool:
    """Whether an element is an ad slot, share bar, related box… by its role or its names."""
    attrib = element.attrib
    if not attrib:  # most body elements: <b>, <i>, bare <p>
        return False
    role = attrib.get("role")
    if role and not _CHROME_ROLES.isdisjoint(role.lower().split()):
        return True
    marker = " ".join(filter(None, (attrib.get(key) for key in ("class", "id", "aria-label"))))
    return bool(marker) and _WIDGET_MARKERS.search(marker) is not None


class _Paragraphs:
    """Paragraphs of one walk: text pieces up to each boundary, with their link text."""

    __slots__ = ("kept", "links", "pieces")

    def __init__(self) -> None:
        self.kept: list[str] = []
        self.pieces: list[str] = []
        self.links: list[str] = []

    def add(self, text: str, in_link: bool) -> None:
        self.pieces.append(text)
        if in_link:
            self.links.append(text)

    def end(self) -> None:
        """A paragraph boundary: keep the paragraph gathered so far if it is body."""
        if not self.pieces:
            return
        text = clean_text("".join(self.pieces))
        if text:
            link_chars = sum(len(clean_text(piece)) for piece in self.links) if self.links else 0
            if not is_chrome(text, link_chars):
                self.kept.append(text)
        self.pieces, self.links = [], []


def _walk(element: HtmlElement, out: _Paragraphs, in_link: bool) -> None:
    """Gather ``element``'s text into ``out``, ending a paragraph at each boundary.

    Every ``<br>`` is a boundary: the seed page's text shows paragraphs one line
    apart, i.e. a single ``<br>`` in the span layout, and ``<br><br>`` runs fold
    into one boundary (empty paragraphs are dropped).
    """
    if element.text:
        out.add(element.text, in_link)
    for child in element:
        tag = child.tag
        if tag == "br":
            out.end()
        elif isinstance(tag, str) and tag not in DROP_TAGS and not is_widget(child):
            block = tag in BLOCK_TAGS
            if block:
                out.end()
            _walk(child, out, in_link or tag == "a")
            if block:
                out.end()
        if child.tail:
            out.add(child.tail, in_link)


def paragraphs(elements: Iterable[HtmlElement]) -> list[str]:
    """Clean paragraphs of the body elements, without the page furniture inside them."""
    out = _Paragraphs()
    for element in elements:
        if isinstance(element.tag, str):
            _walk(element, out, element.tag == "a")
            out.end()
    return out.kept


def join_paragraphs(items: list[str]) -> str | None:
    """The record's body: paragraphs separated by one blank line."""
    return "\n\n".join(items) or None


def element_text(element: HtmlElement | None) -> str | None:
    """Whitespace-normalised text of an element, or None."""
    if element is None:
        return None
    return or_none(etree.tostring(element, method="text", encoding="unicode", with_tail=False))
