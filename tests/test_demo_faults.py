"""The fixture site's hostile web: each fault really happens on the wire.

Crawler-side tests switch these faults on through ``server.site`` and check that a real crawl
survives them; these tests check the fault side only, with plain ``http.client`` / ``socket``
clients against a real :class:`DemoSite` on a port-0 server.
"""

from __future__ import annotations

import gzip
import http.client
import re
import socket
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from html.parser import HTMLParser

import lxml.html
import pytest
from parsel import Selector

from newsspider.demo_site import DemoSite, FixtureArticle, PathFault, load_site
from newsspider.demo_site.faults import (
    NUL,
    STRAY_CDATA,
    STRAY_END_TAGS,
    UNCLOSED_RUN,
    UNTERMINATED_COMMENT,
)

SEED = "/fr/libe/32145"  # span layout, dated 19 - 10 - 2019, with a «Cliquez ici» link
HOSTILE = [
    "file:///etc/passwd",
    "javascript:alert(1)",
    'data:text/html,<script>alert("x")</script>',
    "http://169.254.169.254/latest/meta-data/",
    "http://10.1.2.3/x",
]
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
BILLION_LAUGHS = (
    b'<?xml version="1.0"?>\n<!DOCTYPE lolz [\n<!ENTITY lol "lol">\n'
    + b"".join(
        f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10 if i > 1 else "&lol;" * 10}">\n'.encode()
        for i in range(1, 10)
    )
    + b']>\n<rss version="2.0"><channel><title>&lol9;</title></channel></rss>\n'
)
XXE = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n'
    b'<!DOCTYPE rss [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'
    b'<rss version="2.0"><channel><title>&x;</title><item><title>&x;</title>'
    b"<link>http://127.0.0.1/fr/libe/1</link></item></channel></rss>\n"
)


@pytest.fixture
def server() -> Iterator[DemoSite]:
    """A fresh site per test: these tests switch faults on."""
    with DemoSite(load_site()) as running:
        yield running


def get(
    server: DemoSite, path: str, timeout: float = 10, host: str | None = None
) -> tuple[int, http.client.HTTPMessage, bytes]:
    """One GET with http.client: (status, headers, body), no redirect followed."""
    connection = http.client.HTTPConnection(host or server.host, server.port, timeout=timeout)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.headers, response.read()
    finally:
        connection.close()


def normal_page(path: str, host: str | None = None) -> bytes:
    """What a well-behaved site serves at ``path``."""
    return load_site().render(path, host=host).body


def html_page(text: str) -> Selector:
    return Selector(text=text, type="html")


def parse_tree(html: str) -> lxml.html.HtmlElement:
    """A lenient tree parser's view (lxml, as Scrapy's selectors), NUL bytes dropped."""
    return lxml.html.document_fromstring(html.replace(NUL, "").encode("utf-8"))


def words(text: str) -> str:
    return " ".join(text.split())


class TextOnly(HTMLParser):
    """The text a tolerant tokenizer (like a browser's) finds in a page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def browser_text(html: str) -> str:
    parser = TextOnly()
    parser.feed(html)
    parser.close()
    return words(" ".join(parser.parts))


# --- status, slow, reset, truncate ---------------------------------------------------------


def test_status_burst_recovers_after_times(server: DemoSite) -> None:
    server.site.add_path_fault(SEED, "status", status=503, times=2)

    first, second, third = (get(server, SEED) for _ in range(3))

    assert (first[0], second[0], third[0]) == (503, 503, 200)
    assert first[1]["Retry-After"] == "1" and second[1]["Retry-After"] == "1"
    assert b"Service Unavailable" in first[2]
    assert third[1]["Retry-After"] is None
    assert third[2] == normal_page(SEED)
    assert server.requests == [("GET", SEED, 503), ("GET", SEED, 503), ("GET", SEED, 200)]


def test_status_without_times_is_permanent_and_ignores_the_query(server: DemoSite) -> None:
    server.site.add_path_fault(SEED, "status", status=500)

    statuses = [get(server, path)[0] for path in (SEED, SEED + "?utm_source=x", SEED, SEED)]

    assert statuses == [500, 500, 500, 500]
    assert get(server, SEED + "/")[0] == 200  # an exact path: the slash variant is another one
    assert get(server, "/fr/libe/32509")[0] == 200


def test_prefix_fault_counts_times_per_path(server: DemoSite) -> None:
    server.site.add_path_fault("/fr/libe/*", "status", status=429, times=1)

    assert get(server, SEED)[0] == 429
    assert get(server, "/fr/libe/32509")[0] == 429  # its own first request
    assert get(server, SEED)[0] == 200
    assert get(server, "/fr/libe")[0] == 200  # "/fr/libe/*" needs the slash
    assert get(server, "/fr/albayane/211467")[0] == 200


def test_slow_fault_delays_the_answer(server: DemoSite) -> None:
    server.site.add_path_fault(SEED, "slow", seconds=1.0)

    with pytest.raises(TimeoutError):
        get(server, SEED, timeout=0.2)
    # Recorded on arrival: a client that gave up still finds its request.
    assert server.requests == [("GET", SEED, 200)]
    started = time.monotonic()
    status, _, body = get(server, SEED, timeout=10)
    elapsed = time.monotonic() - started

    assert status == 200 and body == normal_page(SEED)
    assert elapsed >= 0.95
    fast = time.monotonic()
    assert get(server, "/fr/libe/32509")[0] == 200
    assert time.monotonic() - fast < 0.9  # other paths are not slowed down


def test_reset_fault_sends_a_tcp_rst(server: DemoSite) -> None:
    server.site.add_path_fault(SEED, "reset", times=2)

    # A raw socket tells a reset (ECONNRESET) from an orderly close (recv returns b"").
    with socket.create_connection((server.host, server.port), timeout=5) as raw:
        raw.sendall(f"GET {SEED} HTTP/1.0\r\nHost: {server.host}\r\n\r\n".encode())
        with pytest.raises(ConnectionResetError):
            while raw.recv(65536):
                pass
    with pytest.raises((ConnectionResetError, http.client.RemoteDisconnected)):
        get(server, SEED)
    status, _, body = get(server, SEED)

    assert status == 200 and body == normal_page(SEED)
    assert [r[2] for r in server.requests] == [0, 0, 200]


def test_truncate_fault_promises_more_than_it_sends(server: DemoSite) -> None:
    server.site.add_path_fault(SEED, "truncate")
    full = normal_page(SEED)

    connection = http.client.HTTPConnection(server.host, server.port, timeout=10)
    connection.request("GET", SEED)
    response = connection.getresponse()
    assert response.status == 200
    assert int(response.headers["Content-Length"]) == len(full)
    with pytest.raises(http.client.IncompleteRead) as caught:
        response.read()
    connection.close()

    assert caught.value.partial == full[: len(full) // 2]
    assert caught.value.expected == len(full) - len(full) // 2
    assert server.requests == [("GET", SEED, 200)]


# --- charset, malformed, oversize ------------------------------------------------------------


def test_charset_fault_latin1_without_any_declaration(server: DemoSite) -> None:
    article = server.site.get(SEED)
    assert article is not None and "é" in article.title
    server.site.add_path_fault(SEED, "charset", encoding="latin-1", declared=None)

    status, headers, body = get(server, SEED)

    assert status == 200
    assert headers["Content-Type"] == "text/html"
    assert int(headers["Content-Length"]) == len(body)
    with pytest.raises(UnicodeDecodeError):
        body.decode("utf-8")
    text = body.decode("latin-1")
    assert article.title in text and article.paragraphs[0][:60] in text
    assert body.startswith(b"<?xml version='1.0' ?>")
    assert not re.search(rb"charset|encoding=", body[:4096], re.IGNORECASE)
    # Same page otherwise: the UTF-8 original minus its declarations (the Arabic menu entry,
    # which Latin-1 cannot hold, as character references).
    original = normal_page(SEED).decode("utf-8")
    undeclared = original.replace(" encoding='UTF-8'", "").replace(
        '<meta http-equiv="Content-Type" content="text/html; charset=UTF-8" />\n', ""
    )
    assert body == undeclared.encode("latin-1", "xmlcharrefreplace")


def test_charset_fault_arabic_windows_1256_declared(server: DemoSite) -> None:
    article = next(a for a in server.site.articles if a.lang == "ar" and a.encoding == "utf-8")
    server.site.add_path_fault(article.path, "charset", encoding="windows-1256")

    status, headers, body = get(server, article.path)

    assert status == 200
    assert headers["Content-Type"] == "text/html; charset=windows-1256"
    assert body.startswith(b"<?xml version='1.0' encoding='windows-1256' ?>")
    assert b'<meta http-equiv="Content-Type" content="text/html; charset=windows-1256" />' in body
    with pytest.raises(UnicodeDecodeError):
        body.decode("utf-8")
    sel = html_page(body.decode("windows-1256"))
    assert words(sel.css("span.articletitle ::text").get() or "") == article.title
    body_text = words("".join(sel.css("span.articlecontent ::text").getall()))
    assert all(words(p) in body_text for p in article.paragraphs)
    assert article.paragraphs[-1].encode("windows-1256") in body


def test_charset_fault_can_lie(server: DemoSite) -> None:
    server.site.add_path_fault(SEED, "charset", encoding="latin-1", declared="utf-8")
    server.site.add_path_fault("/fr/rss", "charset", encoding="utf-16", declared=None)

    _, headers, body = get(server, SEED)
    _, feed_headers, feed = get(server, "/fr/rss")

    assert headers["Content-Type"] == "text/html; charset=utf-8"
    assert b"charset=utf-8" in body[:1000] and b"encoding='utf-8'" in body[:100]
    with pytest.raises(UnicodeDecodeError):
        body.decode("utf-8")  # declared UTF-8, sent Latin-1
    assert feed_headers["Content-Type"] == "application/rss+xml"
    assert feed.startswith(b"\xff\xfe") or feed.startswith(b"\xfe\xff")  # UTF-16's BOM
    assert feed.decode("utf-16").startswith('<?xml version="1.0"?>\n<rss')


def test_malformed_fault_breaks_markup_not_text(server: DemoSite) -> None:
    article = server.site.get(SEED)
    assert article is not None
    server.site.add_path_fault(SEED, "malformed")

    status, headers, body = get(server, SEED)
    html = body.decode("utf-8")

    assert status == 200 and int(headers["Content-Length"]) == len(body)
    assert body.count(NUL.encode()) >= 3
    for broken in (UNCLOSED_RUN, STRAY_END_TAGS, STRAY_CDATA):
        assert html.count(broken) >= 1, broken
    assert html.rfind("<!--") > html.rfind("-->")  # a comment that never ends
    assert html.rindex(UNTERMINATED_COMMENT) > html.rindex('<div id="footer">')
    assert normal_page(SEED) != body
    # Only insertions: taking the garbage out gives back the page.
    cleaned = html.replace(UNTERMINATED_COMMENT, "").replace(STRAY_CDATA + "\n", "")
    cleaned = cleaned.replace(UNCLOSED_RUN, "").replace(STRAY_END_TAGS, "").replace(NUL, "")
    assert cleaned == normal_page(SEED).decode("utf-8")
    # The article text survives a browser-like tokenizer and a lenient tree parser.
    for text in (
        browser_text(html),
        words(parse_tree(html).text_content()),
    ):
        assert article.title in text
        assert "Publié dans Libération le 19 - 10 - 2019" in text
        for paragraph in article.paragraphs:
            assert words(paragraph) in text


@pytest.mark.parametrize("layout", ["article", "relaunch"])
def test_malformed_fault_on_other_layouts_keeps_the_title_intact(
    server: DemoSite, layout: str
) -> None:
    site = server.site
    if layout == "relaunch":
        site.set_faults(unknown_layout=True)
        article = site.get(SEED)
    else:
        article = next(a for a in site.articles if a.layout == "article" and a.lang == "ar")
    assert article is not None
    site.add_path_fault(article.path, "malformed")

    html = get(server, article.path)[2].decode("utf-8")
    tree = parse_tree(html)
    title = tree.cssselect("h1.post-title, div.headline-x")

    assert STRAY_END_TAGS in html and NUL in html
    assert len(title) == 1 and words(title[0].text_content()) == article.title
    assert all(words(p) in words(tree.text_content()) for p in article.paragraphs)


def test_oversize_fault_pads_to_the_exact_size(server: DemoSite) -> None:
    size = 3_000_000
    server.site.add_path_fault(SEED, "oversize", size=size)

    status, headers, body = get(server, SEED, timeout=30)

    assert status == 200
    assert int(headers["Content-Length"]) == size and len(body) == size
    page = normal_page(SEED)
    assert body.startswith(page) and body.rstrip().endswith(b"-->")


def test_gzip_fault_sends_a_bomb_or_bytes_that_are_not_gzip(server: DemoSite) -> None:
    size = 20_000_000
    server.site.add_path_fault(SEED, "gzip", size=size)
    server.site.add_path_fault("/fr/libe", "gzip", corrupt=True)

    status, headers, body = get(server, SEED)
    assert (status, headers["Content-Encoding"]) == (200, "gzip")
    assert len(body) == int(headers["Content-Length"]) < size // 200, "a bomb: tiny on the wire"
    inflated = gzip.decompress(body)
    assert len(inflated) == size and inflated.startswith(normal_page(SEED))

    status, headers, body = get(server, "/fr/libe")
    assert (status, headers["Content-Encoding"]) == (200, "gzip")
    with pytest.raises(gzip.BadGzipFile):
        gzip.decompress(body)
    # Without size, the page itself, compressed.
    server.site.add_path_fault("/fr/libe", "gzip")
    assert gzip.decompress(get(server, "/fr/libe")[2]) == normal_page("/fr/libe")
    with pytest.raises(ValueError, match="gzip fault: size"):
        server.site.add_path_fault(SEED, "gzip", size=0)


# --- redirect, content -------------------------------------------------------------------------


def test_redirect_fault_and_loops(server: DemoSite) -> None:
    other = "/fr/libe/32509"
    server.site.add_path_fault(SEED, "redirect", to=other, status=301)
    server.site.add_path_fault("/fr/albayane/211467", "redirect", to=server.url("/loop-b"))
    server.site.add_path_fault("/loop-b", "redirect", to="/fr/albayane/211467", status=307)
    server.site.add_path_fault("/self", "redirect", to="/self")

    status, headers, _ = get(server, SEED)
    assert (status, headers["Location"]) == (301, other)
    with urllib.request.urlopen(server.url(SEED), timeout=10) as followed:
        assert followed.url == server.url(other) and followed.read() == normal_page(other)

    status, headers, _ = get(server, "/fr/albayane/211467")
    assert (status, headers["Location"]) == (302, server.url("/loop-b"))
    status, headers, _ = get(server, "/loop-b")
    assert (status, headers["Location"]) == (307, "/fr/albayane/211467")
    assert get(server, "/self")[1]["Location"] == "/self"
    for loop in ("/fr/albayane/211467", "/self"):
        with pytest.raises(urllib.error.HTTPError, match="infinite loop"):
            urllib.request.urlopen(server.url(loop), timeout=10)


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("application/pdf", PDF),
        ("image/png", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4),
        ("application/json", b'{"title": "not a page", "items": [1, 2, 3]}'),
    ],
)
def test_content_fault_serves_other_bytes(server: DemoSite, content_type: str, body: bytes) -> None:
    server.site.add_path_fault(SEED, "content", content_type=content_type, body=body)

    status, headers, served = get(server, SEED)

    assert (status, headers["Content-Type"], served) == (200, content_type, body)
    assert int(headers["Content-Length"]) == len(body)


def test_faults_of_several_paths_at_once(server: DemoSite) -> None:
    site = server.site
    site.add_path_fault(SEED, "status", status=404)
    site.add_path_fault("/fr/libe/32509", "content", content_type="application/pdf", body=PDF)
    site.add_path_fault("/fr/libe/32509", "status", status=503, times=1)  # combines
    site.add_path_fault(SEED, "status", status=410)  # replaces

    assert [(f.path, f.kind) for f in site.path_faults] == [
        ("/fr/libe/32509", "content"),
        ("/fr/libe/32509", "status"),
        (SEED, "status"),
    ]
    assert all(isinstance(f, PathFault) for f in site.path_faults)
    assert get(server, SEED)[0] == 410
    assert get(server, "/fr/libe/32509")[0] == 503
    assert get(server, "/fr/libe/32509")[2] == PDF
    site.remove_path_fault(SEED)
    assert get(server, SEED)[0] == 200


def test_bad_faults_are_refused(server: DemoSite) -> None:
    site = server.site
    with pytest.raises(ValueError, match="unknown fault kind"):
        site.add_path_fault(SEED, "explode")
    with pytest.raises(TypeError, match="missing"):
        site.add_path_fault(SEED, "slow")
    with pytest.raises(TypeError, match="unknown parameter"):
        site.add_path_fault(SEED, "reset", seconds=1)
    with pytest.raises(ValueError):
        site.add_path_fault("fr/libe", "status", status=500)
    with pytest.raises(ValueError):
        site.add_path_fault(SEED, "status", status=200)
    with pytest.raises(LookupError):
        site.add_path_fault(SEED, "charset", encoding="no-such-codec")
    assert site.path_faults == []


# --- links, robots, text, feeds ------------------------------------------------------------------


def test_hostile_links_on_every_page_kind(server: DemoSite) -> None:
    with DemoSite(load_site()) as elsewhere:
        hostile = [*HOSTILE, elsewhere.url("/fr/libe/32145")]
        server.site.set_hostile_links(hostile)
        site = server.site

        article = html_page(get(server, SEED)[2].decode("utf-8"))
        post_path = next(a.path for a in site.articles if a.layout == "article")
        post = html_page(get(server, post_path)[2].decode("utf-8"))
        listing = html_page(get(server, "/fr/libe")[2].decode("utf-8"))
        missing = html_page(get(server, "/fr/no-such-page")[2].decode("utf-8"))

        # Inside the article body (empty anchors: the body text does not change) ...
        body_links = article.css("span.articlecontent")[-1].css("a::attr(href)").getall()
        assert body_links[-len(hostile) :] == hostile
        assert post.css("div.post-body > a::attr(href)").getall() == hostile
        # ... right after the «click here» link ...
        source = article.css("p.articlesource a::attr(href)").getall()
        assert source[0].startswith("https://www.libe.ma/") and source[1:] == hostile
        assert post.css("p.post-origin a::attr(href)").getall()[1:] == hostile
        # ... in the listing's teaser area and in the strip of every page.
        teasers = listing.css("div.teasercontainer a.teasertitle::attr(href)").getall()
        assert teasers[-len(hostile) :] == hostile
        for sel in (article, post, listing, missing):
            strip = sel.css("marquee#marquee a::attr(href)").getall()
            assert strip[-len(hostile) :] == hostile
        assert elsewhere.requests == []

    body_text = words(" ".join(article.css("span.articlecontent ::text").getall()))
    original = html_page(normal_page(SEED).decode("utf-8"))
    assert body_text == words(" ".join(original.css("span.articlecontent ::text").getall()))
    server.site.set_hostile_links([])
    assert get(server, SEED)[2] == normal_page(SEED)


def test_duplicate_links_point_at_the_same_pages(server: DemoSite) -> None:
    server.site.set_duplicate_links(True)
    port = server.port
    listing = html_page(get(server, "/fr/libe")[2].decode("utf-8"))

    teaser = listing.css("div.teasercontainer")[0]
    canonical = teaser.css("a.teasertitle::attr(href)").get()
    assert canonical is not None and server.site.get(canonical) is not None
    variants = [
        f"{canonical}?utm_source=x",
        f"{canonical}/",
        f"{canonical}?page=1&utm=y",
        f"http://localhost:{port}{canonical}",
    ]
    assert teaser.css("p.teaservariants a::attr(href)").getall() == variants
    strip = listing.css("marquee#marquee a::attr(href)").getall()
    first = strip[0]
    assert strip[1:5] == [
        f"{first}?utm_source=x",
        f"{first}/",
        f"{first}?page=1&utm=y",
        f"http://localhost:{port}{first}",
    ]
    page = get(server, canonical)[2]
    assert b"?utm_source=x" in page  # article pages carry the strip's variants too
    for variant in variants[:3]:
        with urllib.request.urlopen(server.url(variant), timeout=10) as response:
            assert response.status == 200 and response.read() == page, variant
    with urllib.request.urlopen(variants[3], timeout=10) as response:
        assert response.status == 200
        assert response.read() == server.site.render(canonical, host=f"localhost:{port}").body
    # Asked as localhost, the pages link back to 127.0.0.1.
    via_localhost = get(server, "/fr/libe", host="localhost")[2].decode("utf-8")
    assert f'href="http://127.0.0.1:{port}{canonical}"' in via_localhost
    server.site.set_duplicate_links(False)
    assert "utm_source" not in get(server, "/fr/libe")[2].decode("utf-8")


def test_robots_txt_can_disallow_paths(server: DemoSite) -> None:
    default = get(server, "/robots.txt")[2]
    server.site.set_robots(["/fr/libe", "/fr/albayane/211467"])

    status, headers, body = get(server, "/robots.txt")

    assert status == 200 and headers["Content-Type"].startswith("text/plain")
    assert body == b"User-agent: *\nDisallow: /fr/libe\nDisallow: /fr/albayane/211467\n"
    server.site.set_robots([])
    assert get(server, "/robots.txt")[2] == b"User-agent: *\nDisallow:\n"
    server.site.set_robots(None)
    assert get(server, "/robots.txt")[2] == default == normal_page("/robots.txt")


def test_explicit_title_and_paragraphs_with_raw_entities(server: DemoSite) -> None:
    long_title = "Titre très long « " + "x" * 4980 + " »"
    marks = "a\u200bb\u200fc\u202bd\u2066e"
    paragraph = (
        "Named: été\u00a0« guillemets » l'apostrophe; "
        "raw: {{raw:&eacute;}} {{raw:&#233;}} {{raw:&#xE9;}} {{raw:&amp;amp;}} "
        "{{raw:&foo;}} {{raw:&#0;}} {{raw:&#xD800;}} end"
    )
    article = server.site.add_article("fr", title=long_title, paragraphs=[paragraph, marks])

    assert isinstance(article, FixtureArticle) and len(article.title) == 5000
    assert article.title == long_title
    assert article.paragraphs == [
        "Named: été\u00a0« guillemets » l'apostrophe; raw: é é é &amp; &foo; \ufffd \ufffd end",
        marks,
    ]
    assert article.source_url is not None and len(article.source_url) < 300
    html = get(server, article.path)[2].decode("utf-8")
    # Named entities from the ordinary escaping, raw markup verbatim.
    assert "Titre tr&egrave;s long &laquo; xxx" in html
    assert (
        "Named: &eacute;t&eacute;&nbsp;&laquo; guillemets &raquo; l&#039;apostrophe; "
        "raw: &eacute; &#233; &#xE9; &amp;amp; &foo; &#0; &#xD800; end"
    ) in html
    # Zero-width and bidi marks as characters, but for U+200F, which HTML names &rlm;.
    assert "<br /><br />a\u200bb&rlm;c\u202bd\u2066e" in html
    tree = parse_tree(html)
    assert tree.cssselect("span.articletitle")[0].text_content() == article.title
    body = tree.cssselect("span.articlecontent")[0]
    assert [words(t) for t in body.itertext()] == [words(p) for p in article.paragraphs]
    # Listings carry the decoded title, escaped as usual.
    assert server.site.newest("fr")[0] is article
    assert "Titre très long « xxx" in get(server, "/fr")[2].decode("utf-8")


def test_serve_rss_replaces_the_feed_bytes(server: DemoSite) -> None:
    real_fr, real_ar = get(server, "/fr/rss")[2], get(server, "/rss")[2]
    server.site.serve_rss("fr", BILLION_LAUGHS)
    server.site.serve_rss("ar", XXE)

    status, headers, body = get(server, "/fr/rss")
    assert (status, body) == (200, BILLION_LAUGHS)
    assert headers["Content-Type"] == "application/rss+xml"
    assert get(server, "/rss")[2] == XXE
    assert get(server, "/fr/libe/rss")[2].startswith(b'<?xml version="1.0" encoding="UTF-8"?>')

    server.site.serve_rss("fr", None)
    assert get(server, "/fr/rss")[2] == real_fr
    assert get(server, "/rss")[2] == XXE
    server.site.clear_faults()
    assert get(server, "/rss")[2] == real_ar


def test_clear_faults_restores_everything(server: DemoSite) -> None:
    site = server.site
    host = f"{server.host}:{server.port}"
    paths = [SEED, "/fr/libe", "/fr", "/", "/rss", "/fr/rss", "/robots.txt", "/fr/no-such"]
    before = {path: get(server, path) for path in paths}
    site.set_faults(error_share=1.0)
    for kind, params in [
        ("status", {"status": 503}),
        ("redirect", {"to": "/"}),
        ("malformed", {}),
        ("charset", {"encoding": "latin-1", "declared": None}),
        ("oversize", {"size": 1_000_000}),
    ]:
        site.add_path_fault(f"/{kind}", kind, **params)
    site.add_path_fault("/fr/*", "malformed")
    site.add_path_fault("/fr/*", "charset", encoding="utf-16")
    site.add_path_fault("/fr/*", "reset", times=1)
    site.add_path_fault(SEED, "slow", seconds=5)
    site.set_robots(["/"])
    site.set_hostile_links(HOSTILE)
    site.set_duplicate_links(True)
    site.serve_rss("fr", XXE)
    site.serve_rss("ar", BILLION_LAUGHS)
    with pytest.raises((ConnectionResetError, http.client.RemoteDisconnected)):
        get(server, "/fr/libe")
    assert get(server, "/fr/libe")[2].startswith(b"\xff\xfe<\x00?\x00x\x00")  # UTF-16
    assert get(server, "/robots.txt")[2] == b"User-agent: *\nDisallow: /\n"
    assert get(server, "/rss")[2] == BILLION_LAUGHS
    assert b"javascript:alert(1)" in get(server, "/")[2]

    site.clear_faults()

    assert site.path_faults == [] and site.faults.error_share == 0
    started = time.monotonic()
    for path in paths:
        status, headers, body = get(server, path)
        assert (status, body) == (before[path][0], before[path][2]), path
        assert headers["Content-Type"] == before[path][1]["Content-Type"], path
        assert body == load_site().render(path, host=host).body, path
    assert time.monotonic() - started < 3  # the slow fault is gone too
    # Counts start again: a fault added anew applies its `times` from scratch.
    site.add_path_fault("/fr/*", "reset", times=1)
    with pytest.raises((ConnectionResetError, http.client.RemoteDisconnected)):
        get(server, "/fr/libe")
