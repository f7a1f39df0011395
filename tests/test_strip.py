"""The headline strip is found whatever the tag case, and never where a browser
would not show it: in a comment, a script's text or a ``<template>``."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from newsspider.demo_site import load_site
from newsspider.extract import page_from_response
from newsspider.extract.maghress import MaghressPage
from newsspider.extract.strip import (
    _NAMES,
    _STRIP_TOKEN,
    MAX_CACHED_FRAGMENT_CHARS,
    MAX_HREF_CHARS,
    MAX_STRIP_ENTRIES,
    STRIP_CACHE,
    STRIP_CACHE_BYTES,
    held_bytes,
    parse_strip,
    strip_fragment,
    strip_on,
)
from newsspider.extract.text import MAX_TITLE_CHARS
from newsspider.records import page_records
from newsspider.sites import SITES

PAGES = Path(__file__).parent / "pages"
MAGHRESS = SITES["maghress"]
STRIP = '<marquee id="marquee"><a href="/fr/libe/1">Vrai bandeau</a></marquee>'


@pytest.mark.parametrize(
    ("html", "fragment"),
    [
        (f"<body>{STRIP}</body>", STRIP),
        (
            '<DIV ID=BelowHeader><MARQUEE ID="marquee"><A HREF="/fr/libe/1">Vrai bandeau</A></MARQUEE></DIV>',
            '<MARQUEE ID="marquee"><A HREF="/fr/libe/1">Vrai bandeau</A></MARQUEE>',
        ),
        (
            "<Marquee\nid=marquee><a href=/fr/libe/1>Vrai bandeau</a></mARQUEE >",
            "<Marquee\nid=marquee><a href=/fr/libe/1>Vrai bandeau</a></mARQUEE >",
        ),
        # Another marquee before the template's own (id="marquee"): a promotion, an
        # empty one; without the id, the first that holds a link.
        (
            '<marquee class="promo"><a href="https://ad.example/x">Soldes -50 %</a></marquee>'
            + STRIP,
            STRIP,
        ),
        ("<marquee></marquee>" + STRIP, STRIP),
        (
            "<marquee></marquee><marquee><a href='/fr/libe/1'>Sans id</a></marquee>",
            "<marquee><a href='/fr/libe/1'>Sans id</a></marquee>",
        ),
        # Not a strip before the real one: a comment, a script's text, a template.
        ("<!-- <marquee><a href='/fr/x/9'>Ancien</a></marquee> -->" + STRIP, STRIP),
        ("<!--><marquee-x>--> <!---->" + STRIP, STRIP),
        (
            "<script>document.write('<marquee><a href=\"/fr/x/9\">JS</a></marquee>');</script>"
            + STRIP,
            STRIP,
        ),
        ("<SCRIPT type=text/javascript>var m = '<MARQUEE>';</SCRIPT >" + STRIP, STRIP),
        ("<style>/* <marquee> */</style><title>a <marquee> b</title>" + STRIP, STRIP),
        ("<template><marquee><a href='/fr/x/9'>Modèle</a></marquee></template>" + STRIP, STRIP),
        ("<textarea><marquee></textarea>" + STRIP, STRIP),
        # A comment inside the strip may hold its closing tag.
        (
            "<marquee><a href='/fr/libe/1'>Un</a><!-- </marquee> --><a href='/fr/libe/2'>Deux</a></marquee>",
            "<marquee><a href='/fr/libe/1'>Un</a><!-- </marquee> --><a href='/fr/libe/2'>Deux</a></marquee>",
        ),
        # <noscript> is markup to a client without scripts: its strip is a strip.
        (f"<noscript>{STRIP}</noscript>", STRIP),
        # Only look-alikes: no strip.
        ("<marqueeish>x</marqueeish><marquee-box>y</marquee-box>", None),
        ("<script>var t = '<marquee>x</marquee>';</script>", None),
        ("<!-- " + STRIP + " -->", None),
        # An unclosed comment or script runs to the end of the page.
        ("<!-- commentaire jamais fermé " + STRIP, None),
        ("<script>var x = 1; " + STRIP, None),
        ("<marquee><a href='/fr/libe/1'>jamais fermé</a>", None),
    ],
)
def test_strip_fragment(html: str, fragment: str | None) -> None:
    assert strip_fragment(html) == fragment


def test_upper_case_strip_parses_like_a_lower_case_one() -> None:
    fragment = strip_fragment(
        '<MARQUEE ID="marquee"><SPAN CLASS="marquee"><A HREF="/fr/libe/1">Le &quot;grand&quot; '
        'cin&eacute;aste</A>&nbsp;<A HREF="/fr/libe/2"></A></SPAN></MARQUEE>'
    )
    assert fragment is not None
    assert parse_strip(fragment) == (('Le "grand" cinéaste', "/fr/libe/1"),)


def records_of(name: str, url: str):
    body = (PAGES / name).read_bytes()
    return page_records(page_from_response(url, body, "text/html; charset=UTF-8", MAGHRESS))


def test_a_page_with_an_upper_case_strip_and_decoys() -> None:
    """Commented-out, script-written and template strips come before the real one."""
    records = records_of("fr_span_strip_upper_case.html", "https://www.maghress.com/fr/libe/40001")
    assert records.headlines is not None
    assert records.headlines.headlines == [
        {
            "title": "Été record pour le tourisme à Agadir",
            "url": "https://www.maghress.com/fr/libe/40002",
        },
        {
            "title": "Les céréaliers attendent la pluie",
            "url": "https://www.maghress.com/fr/albayane/300001",
        },
    ]
    assert records.article is not None
    assert records.article.title == "Tanger Med bat son record, une première depuis sa création"


def test_a_page_whose_only_strips_are_in_a_script_and_a_comment_has_none() -> None:
    records = records_of("ar_article_no_strip.html", "https://www.maghress.com/hespress/400001")
    assert records.headlines is None
    assert records.article is not None
    assert records.article.title == "خط جوي جديد يربط الدار البيضاء بداكار"


SITE = load_site()


@pytest.mark.parametrize("path", ["/fr", "/", "/fr/libe/32145", "/hespress/385242"])
def test_fixture_strips_survive_upper_case_tags_and_a_commented_copy(path: str) -> None:
    body = SITE.render(path).body.decode()
    url = f"https://www.maghress.com{path}"
    clean = MaghressPage(body, url, MAGHRESS).headlines()
    assert clean is not None and len(clean.entries) > 10
    start, end = body.index("<marquee"), body.index("</marquee>") + len("</marquee>")
    strip = body[start:end]
    shouted = strip.replace("<marquee", "<MARQUEE").replace("</marquee>", "</MARQUEE>")
    shouted = shouted.replace("<a href=", "<A HREF=").replace("</a>", "</A>")
    decoy = '<!-- <marquee><a href="/fr/libe/1">Ancien</a></marquee> -->'
    changed = body[:start] + decoy + shouted + body[end:]
    assert MaghressPage(changed, url, MAGHRESS).headlines() == clean


# --- bounds: a hostile page decides the strip's size -------------------------------------

BASE = "https://www.maghress.com/fr/"


def huge_strip(n: int, size: int) -> str:
    """A distinct strip of ``size`` characters: 2,000-character titles, more than 200 links."""
    title = f"Dépêche {n} " + "très longue " * 166  # 2,000 characters
    anchors, total = [], 0
    while total < size:
        anchor = f'<a href="/fr/libe/{n}{len(anchors):04d}">{title}</a>&nbsp;'
        anchors.append(anchor)
        total += len(anchor)
    return f'<marquee id="marquee">{"".join(anchors)}</marquee>'


def test_a_huge_strip_is_bounded_and_never_cached() -> None:
    STRIP_CACHE.clear()
    for n in range(80):
        fragment = huge_strip(n, 1_000_000)
        assert len(fragment) > MAX_CACHED_FRAGMENT_CHARS and fragment.count("<a ") > 400
        strip = strip_on(fragment, BASE)
        assert strip is not None and len(strip.entries) == MAX_STRIP_ENTRIES
        first = strip.entries[0]
        # Cut as an article title is: at a word, 500 characters with the ellipsis.
        assert first.title == f"Dépêche {n} " + "très longue " * 40 + "très…"
        assert len(first.title) <= MAX_TITLE_CHARS
        assert first.url == f"https://www.maghress.com/fr/libe/{n}0000"
    assert STRIP_CACHE.currsize == 0, "no 1 MB fragment is kept"


def test_the_strip_cache_is_bounded_by_bytes() -> None:
    """80 distinct 200 KB strips (cacheable): the cache keeps what fits in its bytes."""
    STRIP_CACHE.clear()
    for n in range(80):
        strip_on(huge_strip(n, 200_000), BASE)
        assert STRIP_CACHE.currsize <= STRIP_CACHE_BYTES
    # Its accounting is what the entries hold: each key (the fragment) and value.
    held = sum(held_bytes(key, cached.value) for key, cached in STRIP_CACHE.items())
    assert STRIP_CACHE.currsize == held
    assert 0 < len(STRIP_CACHE) < 2 * 80, "the oldest strips were evicted"
    STRIP_CACHE.clear()


def test_a_strip_is_parsed_once_per_base_folder() -> None:
    fragment = strip_fragment(f"<body>{STRIP}</body>")
    assert fragment is not None
    assert strip_on(fragment, BASE) is strip_on(fragment, BASE)
    assert strip_on(fragment, BASE) == strip_on(fragment, "https://www.maghress.com/fr/x/")
    huge = huge_strip(0, MAX_CACHED_FRAGMENT_CHARS + 10)
    assert strip_on(huge, BASE) == strip_on(huge, BASE), "parsed again, the same strip"
    assert strip_on(huge, BASE) is not strip_on(huge, BASE)


def test_an_overlong_link_is_no_headline() -> None:
    long_href = "/fr/libe/1?" + "x" * MAX_HREF_CHARS
    fragment = f'<marquee><a href="{long_href}">Piège</a><a href="/fr/libe/2">Vrai</a></marquee>'
    assert parse_strip(fragment) == (("Vrai", "/fr/libe/2"),)


# The token search as the rule says it, without the early first-letter tests.
PLAIN_TOKEN = re.compile(
    r"<(?:(?P<comment>!--)|(?P<close>/?)"
    r"(?P<name>marquee|script|style|textarea|title|template|xmp|iframe|noembed)(?=[\s/>]))",
    re.IGNORECASE,
)


def tokens(pattern: re.Pattern[str], html: str) -> list[tuple[int, str]]:
    return [(match.start(), match.group()) for match in pattern.finditer(html)]


def test_the_token_search_finds_what_the_plain_rule_finds() -> None:
    """Every character after "<" and "</", in front of each name's tail: the early
    first-letter tests keep every tag the names match, whatever the case folding
    (``ſcript`` is ``script`` to a case-blind regex), and only those."""
    chars = [chr(code) for code in range(0x250)] + ["İ", "K", "Å", "ẞ", "ﬅ"]
    tails = [name[1:] + ">" for name in _NAMES] + ["!--", "-->", "div>"]
    html = "".join(f"<{c}{tail} </{c}{tail} " for c in chars for tail in tails)
    assert tokens(_STRIP_TOKEN, html) == tokens(PLAIN_TOKEN, html)
    assert len(tokens(PLAIN_TOKEN, html)) > 4 * len(_NAMES)
    page = load_site().render("/fr/libe/32145").body.decode()
    assert tokens(_STRIP_TOKEN, page) == tokens(PLAIN_TOKEN, page) != []


def test_pages_whose_strips_differ_in_one_byte_or_their_folder_give_their_own_records() -> None:
    """The strip cache is keyed on the strip's whole markup and the page's folder: a
    strip seen before must never stand for one that differs by a byte."""
    STRIP_CACHE.clear()
    strip = (
        '<marquee id="marquee"><a href="32146">Un titre</a><a href="/fr/libe/7">Deux</a></marquee>'
    )

    def headlines(url: str, markup: str) -> tuple[str, list[dict[str, str]]]:
        page = f"<html><body>{markup}<p>Un article.</p></body></html>".encode()
        record = page_records(page_from_response(url, page, "text/html; charset=UTF-8", MAGHRESS))
        assert record.headlines is not None
        return record.headlines.id, record.headlines.headlines

    first = headlines("https://www.maghress.com/fr/libe/32145", strip)
    assert first[1] == [
        {"title": "Un titre", "url": "https://www.maghress.com/fr/libe/32146"},
        {"title": "Deux", "url": "https://www.maghress.com/fr/libe/7"},
    ]
    assert headlines("https://www.maghress.com/fr/libe/32147", strip) == first
    one_byte = headlines("https://www.maghress.com/fr/libe/32145", strip.replace("Un t", "Un T"))
    assert one_byte[0] != first[0]
    assert one_byte[1][0] == {"title": "Un Titre", "url": "https://www.maghress.com/fr/libe/32146"}
    # The same markup on a page of another folder: its relative link leads elsewhere.
    elsewhere = headlines("https://www.maghress.com/fr/albayane/9", strip)
    assert elsewhere[1][0]["url"] == "https://www.maghress.com/fr/albayane/32146"
    assert elsewhere[0] != first[0]
    STRIP_CACHE.clear()
