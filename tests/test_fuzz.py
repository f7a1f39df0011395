"""Property tests: extraction never raises on random or mutated pages, and what it
returns is either a schema-valid record or a recorded reason.

`make test` runs a short profile; `make fuzz` runs a long one
(``HYPOTHESIS_PROFILE=fuzz``).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from itemadapter import ItemAdapter

from newsspider.cli import extract_records
from newsspider.extract.charset import decode_page
from newsspider.extract.feed import BadFeed, feed_items
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
