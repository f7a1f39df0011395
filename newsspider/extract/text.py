"""Text helpers: whitespace, what is furniture (by the wordings of ``phrases.py``), and bodies.

Bodies are walked with lxml rather than BeautifulSoup: the body is already an lxml
element of the page we parsed once, and re-parsing it with BeautifulSoup would
cost more than the whole walk (see benchmarks/).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from typing import NamedTuple

from lxml import etree
from lxml.etree import _Element

from newsspider.extract.phrases import PHRASES

# Zero-width and bidi marks that pages sprinkle into Arabic text; they break
# equality and search downstream and carry no meaning in plain text.
_INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\u00ad]")
# Code points no record may hold: control characters; surrogates, always unpaired in
# a str (JSON-LD's "\ud800" decodes to one, and the UTF-8 exporter then refuses the
# whole record); the non-characters U+FDD0–U+FDEF and U+FFFE, U+FFFF of every plane
# (lxml keeps "&#xFFFE;" as it is).
# Two classes, the second tried only on text beyond the BMP: one class holding the
# other planes' non-characters is a list the regex walks for every character, where
# a class of the BMP alone is one table look-up (a third of the time on a page).
_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff]")
_BEYOND_BMP = re.compile("[\U00010000-\U0010ffff]")
_INVALID_BEYOND_BMP = re.compile(
    "["
    + "".join(chr(plane << 16 | 0xFFFE) + chr(plane << 16 | 0xFFFF) for plane in range(1, 17))
    + "]"
)
_CONTROL_OR_BREAK = re.compile("[\x00-\x1f\x7f\x9b]")


def without_invalid(text: str) -> str:
    """``text`` without the code points no record may hold (see ``_INVALID``); for values
    kept as they are otherwise, like a URL read from JSON-LD."""
    text = _INVALID.sub("", text)
    if not text.isascii() and _BEYOND_BMP.search(text):
        text = _INVALID_BEYOND_BMP.sub("", text)
    return text


def clean_text(text: str | None) -> str:
    """One line of text: NFC, no invisible marks, control characters, surrogates or
    non-characters, spaces folded."""
    if not text:
        return ""
    text = unicodedata.normalize("NFC", without_invalid(text))
    text = _INVISIBLE.sub("", text)
    # Every Unicode space (``str.isspace``: the ticker's &nbsp; too) folded, in a third
    # of the time a ``\s+`` regex took.
    return " ".join(text.split())


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

# The wordings themselves are in ``phrases.PHRASES``, one table per language.

# Combining marks (Latin accents, Arabic hamza above/below and diacritics) once
# NFKD has split them off their letter, and the Arabic tatweel.
_MARKS = re.compile("[\u0300-\u036f\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")
_NOT_A_LETTER = re.compile(r"[\W_]+")
# A letter of any script: what tells words from separators, counts and numbers.
_LETTER = re.compile(r"[^\W\d_]")


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


def _folded(*roles: str) -> list[str]:
    return [fold(phrase) for table in PHRASES.values() for role in roles for phrase in table[role]]


def _alternatives(phrases: Iterable[str]) -> str:
    # Longest first: "Share this article" must win over "Share", or the colon after it
    # is not seen as the label's separator.  Words of a folded phrase stand apart by
    # any punctuation in the page («Suivez-nous», «Mots-clés»).
    return "|".join(re.escape(p).replace(r"\ ", r"[\W_]+") for p in sorted(phrases, key=len)[::-1])


_SOURCE_LINK_TEXTS = frozenset(_folded("source_link"))
_TEMPLATE = re.compile(_alternatives(_folded("template", "source_link")))
_RELATED_LABELS = frozenset(_folded("related_label"))
_LABELS = frozenset(_folded("ad_label", "related_label", "widget_label"))
# A label opening the block, and whether a separator follows it.
_LABEL_HEAD = re.compile(rf"^\W*(?:{_alternatives(_LABELS)})(?![^\W_])\s*(?P<sep>[:|>»›(\-–—]?)")
_CREDIT = re.compile(rf"^\W*(?:©|\(c\)|(?:{_alternatives(_folded('credit'))})\s*[:：])")
# At the start of a line or right before its link: «Partenaire : <a>…», «Site réalisé par <a>…».
_NOT_SOURCES = _alternatives(_folded("not_source"))
_NOT_SOURCE = re.compile(rf"^(?:{_NOT_SOURCES})(?![^\W_])|(?<![^\W_])(?:{_NOT_SOURCES})$")
_NETWORK_WORDS = frozenset(word for name in _folded("network") for word in name.split())
_SHARE_ASKS = frozenset(word for words in _folded("share_word") for word in words.split())
_SHARE_FILLERS = frozenset(word for words in _folded("share_filler") for word in words.split())
_SHARE_WORDS = _NETWORK_WORDS | _SHARE_ASKS | _SHARE_FILLERS

# Every label, credit, share bar and template line is far shorter than these: a
# paragraph longer than the first, or than the second and without links, is body,
# and most body paragraphs skip the checks.
_CHROME_MAX_CHARS = 400
_TEMPLATE_MAX_CHARS = 200
_CREDIT_MAX_CHARS = 160
# Navigation: a block mostly of link text ("read also" lists, tag clouds) with few
# words and nothing but separators or counts between its links; a quote that is a
# link («<a>« Nous ne céderons pas »</a>, a lancé le ministre.») is body.
_NAV_LINK_SHARE = 0.5
_NAV_MAX_WORDS = 25
# "Partager : Facebook Twitter": a label, its separator, a few share words.
_WIDGET_TAIL_MAX_WORDS = 8


class LinkText(NamedTuple):
    """What of a paragraph is link text: how many characters, the text before the
    first link (``lead``) and the text outside every link (``unlinked``)."""

    chars: int
    lead: str
    unlinked: str


def is_source_link_text(text: str) -> bool:
    """Whether a link's whole text is a known click-here wording."""
    return 10 < len(text) < 150 and fold(text) in _SOURCE_LINK_TEXTS


def is_label(text: str) -> bool:
    """Whether ``text`` is only an ad or widget label («Publicité», «اقرأ أيضا»)."""
    return len(text) < 60 and fold(text) in _LABELS


def heads_related_box(text: str) -> bool:
    """Whether ``text`` is only the heading of a "read also" box («À lire également»)."""
    return len(text) < 60 and fold(text) in _RELATED_LABELS


def marks_no_source(text: str) -> bool:
    """Whether ``text``, a link's own or the words before it on its line, says the link
    is not an article's source: a sponsor, partner, host or maker, the author's page
    («Partenaire :», «Site réalisé par»), an ad or widget label, an image credit."""
    if len(text) > _CREDIT_MAX_CHARS:
        return False
    letters = _letters(text)
    folded = _NOT_A_LETTER.sub(" ", letters).strip()
    return (
        folded in _LABELS
        or _NOT_SOURCE.search(folded) is not None
        or _CREDIT.match(letters) is not None
    )


def _is_share_bar(folded: str) -> bool:
    """Only share/follow words and network names, a network and a share word at least
    («Partagez cet article : Facebook, Twitter», «تابعونا على فيسبوك وتويتر»), or a
    bare list of networks ("Facebook | Twitter"); not «Facebook et Instagram»."""
    # Arabic writes "and" on the next word: «وتويتر».
    words = [w[1:] if w[:1] == "و" and w[1:] in _NETWORK_WORDS else w for w in folded.split()]
    if len(words) < 2 or not _SHARE_WORDS.issuperset(words) or _NETWORK_WORDS.isdisjoint(words):
        return False
    return not _SHARE_ASKS.isdisjoint(words) or _NETWORK_WORDS.issuperset(words)


def is_chrome(paragraph: str, links: LinkText | None = None) -> bool:
    """Whether a paragraph is page furniture rather than article text.

    ``links``: what of it is link text (None: no link).  Template lines, labels
    alone, image credits, share bars, a label then links, a label then a count or
    share words, and short blocks of links with only separators between them are
    furniture; a long paragraph never is.
    """
    if len(paragraph) > (_CHROME_MAX_CHARS if links else _TEMPLATE_MAX_CHARS):
        return False
    letters = _letters(paragraph)
    folded = _NOT_A_LETTER.sub(" ", letters).strip()
    if folded in _LABELS:
        return True
    if len(paragraph) < _TEMPLATE_MAX_CHARS and _TEMPLATE.search(folded):
        return True
    if len(paragraph) < _CREDIT_MAX_CHARS and (_CREDIT.match(letters) or _is_share_bar(folded)):
        return True
    if links is not None and _is_link_box(paragraph, links):
        return True
    head = _LABEL_HEAD.match(letters)
    if head is None or not head["sep"]:
        return False
    # «Commentaires (3)», "Share this article: Facebook Twitter"; not a subheading
    # such as «Commentaires : l'opposition divisée» or "Related: Debt talks stall".
    tail = _NOT_A_LETTER.sub(" ", letters[head.end() :]).split()
    return len(tail) <= _WIDGET_TAIL_MAX_WORDS and (
        all(word.isdigit() for word in tail)
        or (_SHARE_WORDS.issuperset(tail) and not _SHARE_FILLERS.issuperset(tail))
    )


def _is_link_box(paragraph: str, links: LinkText) -> bool:
    """A label then links («Lire aussi : <a>…</a> — …», «قد يهمك: <a>…</a> …»), or
    links with nothing but separators or counts between them («<a>…</a> | <a>…</a>»).

    A label that runs into its link without a separator must leave the paragraph
    mostly link text: «Voir aussi <a>la carte</a> ci-dessous pour comprendre…» is body.
    """
    linky = links.chars > _NAV_LINK_SHARE * len(paragraph)
    lead = _letters(links.lead)
    label = _LABEL_HEAD.match(lead)
    if label and not _LETTER.search(lead, label.end()) and (label["sep"] or linky):
        return True
    return linky and len(paragraph.split()) <= _NAV_MAX_WORDS and not _LETTER.search(links.unlinked)


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
    r"sponsor|sponsored|promo|outbrain|taboola|teads|"
    r"share|sharing|sharebar|sharebuttons|sharethis|addthis|social|socials|partage|partager|"
    r"related|read[-_]?also|read[-_]?more|see[-_]?also|lire[-_]?aussi|a[-_]lire|"
    r"comments?|disqus|print|newsletter|subscribe|tags|modal|popup|breadcrumbs?|"
    # image captions and credits (WordPress's ``wp-caption-text``, ``credit``, ``légende``)
    r"caption|credits?|l[eé]gende|"
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


def is_widget(element: _Element) -> bool:
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
    """Paragraphs of one walk: text pieces up to each boundary, and which are link text."""

    __slots__ = ("in_box", "kept", "link_at", "pieces")

    def __init__(self) -> None:
        self.kept: list[str] = []
        self.pieces: list[str] = []
        self.link_at: list[int] = []  # indexes in ``pieces`` of the link text
        # Right after a lone «À lire également»: its items follow as paragraphs that
        # open with a link («<a>Le Maroc remporte la CAN</a> — Les Lions…»).
        self.in_box = False

    def add(self, text: str, in_link: bool) -> None:
        if in_link:
            self.link_at.append(len(self.pieces))
        self.pieces.append(text)

    def end(self) -> None:
        """A paragraph boundary: keep the paragraph gathered so far if it is body."""
        if not self.pieces:
            return
        pieces, link_at = self.pieces, self.link_at
        self.pieces, self.link_at = [], []
        text = clean_text("".join(pieces))
        if not text:
            return
        if len(text) > _CHROME_MAX_CHARS:  # most body paragraphs: never furniture
            self.in_box = False
            self.kept.append(text)
            return
        links = None
        if link_at:
            linked = set(link_at)
            links = LinkText(
                chars=sum(len(clean_text(pieces[i])) for i in link_at),
                lead=clean_text("".join(pieces[: link_at[0]])),
                unlinked="".join(p for i, p in enumerate(pieces) if i not in linked),
            )
            if self.in_box and not _LETTER.search(links.lead):
                return  # an item of the box: a link, then perhaps its teaser
        if is_chrome(text, links):
            self.in_box = heads_related_box(links.lead if links and links.lead else text)
        else:
            self.in_box = False
            self.kept.append(text)


def _walk(element: _Element, out: _Paragraphs, in_link: bool) -> None:
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


def paragraphs(elements: Iterable[_Element]) -> list[str]:
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


# The text of an element and its descendants, as lxml.html's ``text_content()`` reads it
# (the family template's elements are plain lxml ones: ``html.parse_plain``).
string_of = etree.XPath("string()", smart_strings=False)


def element_text(element: _Element | None) -> str | None:
    """Whitespace-normalised text of an element, or None."""
    if element is None:
        return None
    return or_none(etree.tostring(element, method="text", encoding="unicode", with_tail=False))
