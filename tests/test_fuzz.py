"""Property tests: extraction never raises on random or mutated pages, and what it
returns is either a schema-valid record or a recorded reason; stray bytes in a
page's text change nothing but the characters they stand for.

`make test` runs a short profile; `make fuzz` runs a long one
(``HYPOTHESIS_PROFILE=fuzz``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from itemadapter import ItemAdapter

from newsspider.demo_site import load_site
from newsspider.extract import page_from_response
from newsspider.extract.charset import LEGACY_ENCODINGS, decode_page
from newsspider.extract.feed import BadFeed, feed_items
from newsspider.extract.mojibake import is_mojibake
from newsspider.library import extract_records
from newsspider.records import page_records
from newsspider.schema import record_errors
from newsspider.sites import SITES

GOLDEN = sorted((Path(__file__).parent / "golden").glob("*.html"))
PAGES = [path.read_bytes() for path in GOLDEN]
URLS = st.sampled_from(
    [
        "https://www.maghress.com/fr/libe/32145",
        "https://www.maghress.com/hespress/385242",
        "http://127.0.0.1:8000/fr/albayane/1",
    ]
)


def check_records(body: bytes, url: str) -> None:
    records, reason = extract_records(body, url, SITES["maghress"])
    for record in records:
        data = ItemAdapter(record).asdict()
        assert record_errors(data) == [], data
    if not any(getattr(r, "schema", "").startswith("newsspider.article") for r in records):
        assert reason, "no article and no reason"


@st.composite
def mutated_page(draw: st.DrawFn) -> bytes:
    """A golden page with a few random cuts, insertions and duplications."""
    page = bytearray(draw(st.sampled_from(PAGES)))
    for _ in range(draw(st.integers(1, 6))):
        start = draw(st.integers(0, len(page)))
        end = min(len(page), start + draw(st.integers(0, 4000)))
        action = draw(st.sampled_from(["cut", "insert", "duplicate", "truncate"]))
        if action == "cut":
            del page[start:end]
        elif action == "insert":
            junk = draw(
                st.one_of(
                    st.binary(max_size=200),
                    st.sampled_from(
                        [
                            b"<div>",
                            b"</span></p></table>",
                            b"\x00",
                            b"&#0;",
                            b"&#xD800;",
                            b"<!--",
                            b"<![CDATA[",
                            b"\xff\xfe",
                            "\u202e".encode(),
                            b"<script>",
                        ]
                    ),
                )
            )
            page[start:start] = junk
        elif action == "duplicate":
            page[start:start] = page[start:end]
        else:
            del page[end:]
    return bytes(page)


@settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(body=mutated_page(), url=URLS)
def test_mutated_pages_give_valid_records_or_a_reason(body: bytes, url: str) -> None:
    check_records(body, url)


@given(text=st.text(max_size=2000), url=URLS)
@example(text="", url="https://www.maghress.com/fr/libe/1")
@example(
    text="<span class='articletitle'></span><span class='articlecontent'>\x00</span>",
    url="https://www.maghress.com/fr/libe/1",
)
def test_random_text_gives_valid_records_or_a_reason(text: str, url: str) -> None:
    check_records(text.encode("utf-8", "surrogatepass"), url)


@given(
    body=st.binary(max_size=3000),
    content_type=st.sampled_from([None, "text/html; charset=utf-8", "text/html; charset=bogus"]),
)
def test_decoding_never_raises(body: bytes, content_type: str | None) -> None:
    decoded = decode_page(body, content_type, "ar")
    assert isinstance(decoded.text, str)


@given(body=st.binary(max_size=3000))
def test_feeds_parse_or_say_they_are_bad(body: bytes) -> None:
    try:
        items = feed_items(body)
    except BadFeed:
        return
    assert all(item.url for item in items)


@pytest.mark.parametrize(
    "feed",
    [
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;"><!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;"><!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;"><!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;"><!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;"><!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;"><!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;"><!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">]><rss><channel><item><title>&lol9;</title><link>https://www.maghress.com/fr/libe/1</link></item></channel></rss>',
        b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><rss><channel><item><title>&xxe;</title><link>https://www.maghress.com/fr/libe/2</link><description>&xxe;</description></item></channel></rss>',
    ],
    ids=["billion_laughs", "external_entity"],
)
def test_hostile_feeds_are_not_expanded(feed: bytes) -> None:
    # Either the one item, unexpanded, or nothing: never /etc/passwd, never a blow-up.
    items = feed_items(feed)
    assert len(items) <= 1
    assert all(item.url.startswith("https://www.maghress.com/fr/libe/") for item in items)


# --- stray bytes in the text of valid pages -------------------------------------------

DEMO = load_site()
# Text between tags (``>…<``), where pasted bytes land; entities are markup.
_TEXT = re.compile(rb">([^<>]+)<")
_ENTITY = re.compile(rb"&#?[0-9A-Za-z]+;")


@dataclass(frozen=True)
class ValidPage:
    url: str
    body: bytes
    text_positions: list[int]  # byte offsets where a character of the text starts
    article_positions: list[int]  # the same, between the title and the source link


def _valid_page(lang: str, layout: str) -> ValidPage:
    article = next(
        a for a in DEMO.articles if (a.lang, a.layout, a.encoding) == (lang, layout, "utf-8")
    )
    body = DEMO.render(article.path).body
    positions = []
    for run in _TEXT.finditer(body):
        start, end = run.span(1)
        in_entity = {
            i for entity in _ENTITY.finditer(body, start, end) for i in range(*entity.span())[1:]
        }
        # Not inside a UTF-8 sequence (0x80-0xBF continue one), nor inside an entity.
        positions += [
            i
            for i in range(start, end + 1)
            if (i == end or not 0x80 <= body[i] < 0xC0) and i not in in_entity
        ]
    container = body.index(b'id="articlecontainer"' if layout == "span" else b"<article ")
    origin = body.index(b'class="articlesource"' if layout == "span" else b'class="post-origin"')
    in_article = [i for i in positions if container < i < origin]
    return ValidPage(f"https://www.maghress.com{article.path}", body, positions, in_article)


VALID_PAGES = [_valid_page(lang, layout) for lang in ("fr", "ar") for layout in ("span", "article")]
# 1-3 bytes of 0x80-0xFF that are no UTF-8 character, even together (not ``\xc3\xa9``).
STRAY = (
    st.lists(st.integers(0x80, 0xFF), min_size=1, max_size=3)
    .map(bytes)
    .filter(
        lambda run: all(0xDC80 <= ord(c) <= 0xDCFF for c in run.decode("utf-8", "surrogateescape"))
    )
)


def title_and_body(body: bytes, url: str) -> tuple[str | None, str | None, str]:
    page = page_from_response(url, body, "text/html; charset=UTF-8", SITES["maghress"])
    article = page_records(page).article
    assert article is not None and page.decoded is not None
    return article.title, article.body, page.decoded.encoding


CLEAN = [title_and_body(page.body, page.url) for page in VALID_PAGES]


def without(text: str | None, chars: set[str]) -> list[str]:
    """``text``'s paragraphs with ``chars`` and spaces taken out, empty ones dropped:
    what is left once the inserted positions are ignored (an inserted NBSP is a space)."""
    table = {ord(char): None for char in chars}
    paragraphs = ("".join(p.translate(table).split()) for p in (text or "").split("\n\n"))
    return [p for p in paragraphs if p]


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), index=st.integers(0, len(VALID_PAGES) - 1))
def test_stray_bytes_in_the_text_change_only_their_own_characters(
    data: st.DataObject, index: int
) -> None:
    page = VALID_PAGES[index]
    anywhere = st.sampled_from(page.text_positions)
    positions = data.draw(
        st.lists(
            st.one_of(st.sampled_from(page.article_positions), anywhere),
            min_size=1,
            max_size=6,
            unique=True,
        )
    )
    runs = [data.draw(STRAY) for _ in positions]
    dirty = bytearray(page.body)
    for position, run in sorted(zip(positions, runs, strict=True), reverse=True):
        dirty[position:position] = run
    title, body, encoding = title_and_body(bytes(dirty), page.url)

    # What the inserted bytes became: their characters in the section's legacy
    # charset (windows-1252 in French, windows-1256 in Arabic), or U+FFFD for a byte
    # that charset does not define — nothing else.
    legacy = LEGACY_ENCODINGS[SITES["maghress"].lang_of_url(page.url) or ""]
    became = {char for run in runs for char in run.decode(legacy, "replace")}
    clean_title, clean_body, _ = CLEAN[index]
    assert encoding == "utf-8"
    assert without(title, became) == without(clean_title, became)
    assert without(body, became) == without(clean_body, became)
    assert not is_mojibake(title, body)
