"""Body cleaning and the headline strip, on small hand-written fragments."""

from __future__ import annotations

import re
import unicodedata

import lxml.html
import pytest

from newsspider.extract.html import jsonld_text
from newsspider.extract.strip import parse_strip, strip_fragment
from newsspider.extract.text import (
    clean_text,
    is_chrome,
    join_paragraphs,
    paragraphs,
    without_invalid,
)


def body_of(fragment: str) -> str | None:
    root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    return join_paragraphs(paragraphs([root]))


@pytest.mark.parametrize(
    ("fragment", "expected"),
    [
        ("one<br><br>two", "one\n\ntwo"),
        ("one<br/>two", "one\n\ntwo"),
        ("one<br /> \n <br />  <br/>two", "one\n\ntwo"),
        ("<p>one</p><p>two</p>", "one\n\ntwo"),
        ("réside\ndans le fait", "réside dans le fait"),
        ("a&nbsp;&nbsp;b \t c", "a b c"),
        ("<b>bold</b> and <a href='/x'>link</a>.", "bold and link."),
        ("one<script>var x = 1;</script><br><br>two", "one\n\ntwo"),
        ("one<ins class='adsbygoogle'>ad</ins><div id='div-gpt-ad-1-0'>ad</div>", "one"),
        ("<p>one</p><div class='sharebuttons'>Partager : Facebook</div><p>two</p>", "one\n\ntwo"),
        ("<p>Merci d'avoir signalé!</p><p>text</p>", "text"),
        (
            "text<br><a href='https://libe.ma/x'>Cliquez ici pour lire l'article depuis sa source.</a>",
            "text",
        ),
        ("نص<br><br><a href='https://x.ma'>اضغط هنا لقراءة الخبر من مصدره</a>", "نص"),
        ("<br><br>  ", None),
        ("zero\u200bwidth \u200fmark", "zerowidth mark"),
    ],
)
def test_body_paragraphs(fragment: str, expected: str | None) -> None:
    assert body_of(fragment) == expected


def test_a_long_paragraph_quoting_the_click_here_line_is_kept() -> None:
    long = "Il a dit : « Cliquez ici pour lire l'article depuis sa source » " + "x " * 200
    assert not is_chrome(clean_text(long))


def test_clean_text_folds_unicode_forms() -> None:
    assert clean_text("e\u0301te\u0301") == "été"
    assert clean_text("  a \x00\x07 b ") == "a b"
    assert clean_text(None) == ""


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # What json.loads makes of JSON-LD's "\ud800" and "\udfff": lone surrogates.
        ("Le port \ud800de Safi", "Le port de Safi"),
        ("\udfffTitre\udc00", "Titre"),
        # Non-characters, in the BMP and in the other planes.
        ("a\ufffeb\uffffc", "abc"),
        ("a\ufdd0b\ufdefc", "abc"),
        ("a\U0001fffeb\U0010ffffc", "abc"),
        # Their neighbours are text: U+FDCF, U+FDF0, U+FFFD, an emoji (a pair in UTF-16).
        ("\ufdcf \ufdf0 \ufffd \U0001f600", "\ufdcf \ufdf0 \ufffd \U0001f600"),
    ],
)
def test_clean_text_drops_surrogates_and_non_characters(text: str, expected: str) -> None:
    assert clean_text(text) == expected
    clean_text(text).encode("utf-8")  # what the exporter does: no error


def test_jsonld_values_lose_their_lone_surrogates() -> None:
    """A URL or a date from JSON-LD is no text to fold, but no surrogate may stay in it."""
    assert jsonld_text("https://www.lopinion.ma/port-\ud800safi") == (
        "https://www.lopinion.ma/port-safi"
    )
    assert jsonld_text({"name": "L'Op\ud800inion"}) == "L'Opinion"
    assert jsonld_text(["2020-02-05\udbff"]) == "2020-02-05"
    assert jsonld_text(12) is None


STRIP = (
    '<div id="belowheader">\n<marquee direction="right" id="marquee" onmouseout="this.start();">'
    '<span class="marquee"><a href="/febrayer/553194">المغرب يشيد ب »الدحض الأممي »</a>'
    '&nbsp;&nbsp;&nbsp;&nbsp;<a href="/tanja24/30134"></a>&nbsp;&nbsp;&nbsp;&nbsp;'
    '<a href="/fr/libe/1">Le &quot;grand&quot; cin&eacute;aste</a>&nbsp;&nbsp;&nbsp;&nbsp;'
    '<a href="/fr/x/2">   </a></span>\n</marquee></div><p>rest</p>'
)


def test_strip_entries_in_order_empty_dropped_entities_decoded() -> None:
    fragment = strip_fragment(f"<html><body>{STRIP}</body></html>")
    assert (
        fragment is not None and fragment.startswith("<marquee") and fragment.endswith("</marquee>")
    )
    assert parse_strip(fragment) == (
        ("المغرب يشيد ب »الدحض الأممي »", "/febrayer/553194"),
        ('Le "grand" cinéaste', "/fr/libe/1"),
    )


def test_no_strip_on_a_page_without_marquee() -> None:
    assert strip_fragment("<html><body><p>no ticker</p></body></html>") is None
    assert strip_fragment("<marquee><a href='/a/1'>never closed") is None


# The rule as first written, one regex a step: what clean_text must still give.
PLAIN_INVALID = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufdd0-\ufdef"
    + "".join(chr(plane << 16 | 0xFFFE) + chr(plane << 16 | 0xFFFF) for plane in range(17))
    + "]"
)
PLAIN_INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\u00ad]")


def plain_clean_text(text: str) -> str:
    text = unicodedata.normalize("NFC", PLAIN_INVALID.sub("", text))
    return re.sub(r"\s+", " ", PLAIN_INVISIBLE.sub("", text)).strip()


def test_clean_text_is_the_plain_rule_for_every_code_point() -> None:
    """Each code point between letters, doubled and at the ends: dropped when no
    record may hold it, folded when a space, kept otherwise."""
    for start in range(0, 0x110000, 0x8000):
        chars = [chr(code) for code in range(start, start + 0x8000)]
        text = "".join(f"a{c}b {c}{c} " for c in chars)
        assert clean_text(text) == plain_clean_text(text)
        assert without_invalid(text) == PLAIN_INVALID.sub("", text)
        assert clean_text(chars[0] + " x " + chars[-1]) == plain_clean_text(
            chars[0] + " x " + chars[-1]
        )
