"""Decoding: a few stray bytes are repaired where they stand, a page in a legacy
charset is read in it, and the clean majority takes no repair path.

The pages under tests/pages/ are small Maghress pages written for these tests; each
carries one stray byte run: a windows-1252 ``\\x93…\\x94`` pair in a comment or in the
body text, or a lone ``\\xff`` in a script.  Their expected records are typed from the
page, the curly quotes being what the pasted ``\\x93``/``\\x94`` stand for.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from newsspider.demo_site import load_site
from newsspider.extract import charset, page_from_response
from newsspider.extract.charset import decode_page
from newsspider.extract.mojibake import is_mojibake
from newsspider.records import page_records
from newsspider.sites import SITES

PAGES = Path(__file__).parent / "pages"
MAGHRESS = SITES["maghress"]
UTF8_HEADER = "text/html; charset=UTF-8"

FR_SPAN = {
    "url": "https://www.maghress.com/fr/libe/40001",
    "title": "Tanger Med bat son record, une première depuis sa création",
    "source_name": "Libération",
    "source_url": "https://www.libe.ma/Tanger-Med-record_a140001.html",
    "body": (
        "Le complexe portuaire a traité 8,6 millions de conteneurs l'an dernier, "
        "soit 13 % de plus qu'en 2022.\n\n"
        "La direction évoque une « année exceptionnelle » portée par les lignes vers "
        "l'Afrique de l'Ouest.\n\n"
        "Le directeur parle d'un “cap historique” pour la région du Détroit."
    ),
    "headlines": [
        {
            "title": "Été record pour le tourisme à Agadir",
            "url": "https://www.maghress.com/fr/libe/40002",
        },
        {
            "title": "Les céréaliers attendent la pluie",
            "url": "https://www.maghress.com/fr/albayane/300001",
        },
    ],
}
AR_ARTICLE = {
    "url": "https://www.maghress.com/hespress/400001",
    "title": "خط جوي جديد يربط الدار البيضاء بداكار",
    "source_name": "هسبريس",
    "source_url": "https://www.hespress.com/aviation-dakar-400001.html",
    "body": (
        "أعلنت الشركة الوطنية للطيران عن خط مباشر بين الدار البيضاء وداكار ابتداء من "
        "الشهر المقبل.\n\n"
        "ووصف مسؤول بالشركة الخط بأنه “جسر جديد” نحو غرب إفريقيا."
    ),
    "headlines": [
        {
            "title": "ارتفاع عدد السياح الوافدين على أكادير",
            "url": "https://www.maghress.com/hespress/400002",
        },
        {"title": "الفلاحون ينتظرون الأمطار", "url": "https://www.maghress.com/febrayer/500001"},
    ],
}
# page file → (expected record, stray bytes in it)
STRAY_PAGES = {
    "fr_span_stray_comment": (FR_SPAN, 2),
    "fr_span_stray_body": (FR_SPAN, 2),
    "fr_span_stray_script": (FR_SPAN, 1),
    "ar_article_stray_comment": (AR_ARTICLE, 2),
    "ar_article_stray_body": (AR_ARTICLE, 2),
    "ar_article_stray_script": (AR_ARTICLE, 1),
}


def crawl_page(body: bytes, url: str, content_type: str | None = UTF8_HEADER):
    """What the spider does with a response: the page decodes itself, then extracts."""
    page = page_from_response(url, body, content_type, MAGHRESS)
    assert page.decoded is not None
    return page.decoded, page_records(page)


@pytest.mark.parametrize("content_type", [UTF8_HEADER, None], ids=["header", "meta"])
@pytest.mark.parametrize("name", sorted(STRAY_PAGES))
def test_a_stray_byte_leaves_the_record_as_the_page_shows_it(
    name: str, content_type: str | None
) -> None:
    expected, stray = STRAY_PAGES[name]
    decoded, records = crawl_page((PAGES / f"{name}.html").read_bytes(), expected["url"])
    article = records.article
    assert article is not None, records.reason
    assert article.title == expected["title"]
    assert article.source_name == expected["source_name"]
    assert article.source_url == expected["source_url"]
    assert article.body == expected["body"]
    assert records.headlines is not None
    assert records.headlines.headlines == expected["headlines"]
    assert not is_mojibake(article.title, article.body)
    # UTF-8 kept, the stray bytes counted; the bytes are no longer the text's UTF-8.
    assert (decoded.encoding, decoded.repaired_bytes, decoded.utf8) == ("utf-8", stray, None)


def test_the_pasted_quotes_become_curly_quotes_in_a_comment_too() -> None:
    decoded, _ = crawl_page((PAGES / "fr_span_stray_comment.html").read_bytes(), FR_SPAN["url"])
    assert "<!-- bloc article : “à la une” -->" in decoded.text


# --- the rules, on byte strings typed here ---------------------------------------------

FRENCH = "Libération : l'été sera chaud, à Fès comme à Salé. "
ARABIC = "المغرب يطلق برنامجا جديدا لدعم الفلاحين، فقط؟ "


@pytest.mark.parametrize(
    ("body", "content_type", "lang", "text", "encoding", "repaired", "repaired_bytes"),
    [
        # Clean UTF-8, declared or not: believed.
        (FRENCH.encode(), UTF8_HEADER, "fr", FRENCH, "utf-8", False, 0),
        (ARABIC.encode(), None, "ar", ARABIC, "utf-8", False, 0),
        # A declared windows-1256 page that decodes cleanly is believed.
        (
            ARABIC.encode("cp1256"),
            "text/html; charset=windows-1256",
            "ar",
            ARABIC,
            "cp1256",
            False,
            0,
        ),
        # A page really in a legacy charset (every non-ASCII byte invalid as UTF-8).
        (FRENCH.encode("cp1252"), None, "fr", FRENCH, "cp1252", True, 0),
        (ARABIC.encode("cp1256"), UTF8_HEADER, "ar", ARABIC, "cp1256", True, 0),
        # UTF-8 with pasted windows-1252 quotes: only those bytes are repaired. Two
        # bad bytes among 16 non-ASCII ones are above 1 %: the declaration is doubted.
        (
            FRENCH.encode() + b"\x93oui\x94",
            UTF8_HEADER,
            "fr",
            FRENCH + "“oui”",
            "utf-8",
            True,
            2,
        ),
        (ARABIC.encode() + b"\x93\x85", None, "ar", ARABIC + "“…", "utf-8", True, 2),
        # A byte windows-1252 leaves undefined, and a lead byte whose character never
        # came (it may as well be a cut UTF-8 character): U+FFFD, neighbours intact.
        (b"\x81" + FRENCH.encode(), None, "fr", "\ufffd" + FRENCH, "utf-8", True, 1),
        # A lone lead byte is a pasted windows-1252 letter (0xC3 is «Ã»), not U+FFFD.
        (
            b"\xc3a\xc3\xa9t\xc3\xa9 " + FRENCH.encode(),
            None,
            "fr",
            "Ãaété " + FRENCH,
            "utf-8",
            True,
            1,
        ),
        # Declared windows-1252 but UTF-8 with a stray byte: the declaration was wrong.
        (
            ARABIC.encode() + b"\x94",
            "text/html; charset=windows-1252",
            "ar",
            ARABIC + "”",
            "utf-8",
            True,
            1,
        ),
        # A windows-1252 page with a byte windows-1252 leaves undefined: kept as such.
        (
            FRENCH.encode("cp1252") * 30 + b"\x81",
            "text/html; charset=windows-1252",
            "fr",
            FRENCH * 30 + "\ufffd",
            "cp1252",
            False,
            1,
        ),
        # A UTF-8 BOM settles the charset; stray bytes are still repaired one by one.
        (b"\xef\xbb\xbf\x93" + FRENCH.encode(), None, "ar", "“" + FRENCH, "utf-8", False, 1),
    ],
    ids=[
        "utf8-declared",
        "utf8-undeclared",
        "1256-declared",
        "1252-undeclared",
        "1256-declared-utf8",
        "utf8-with-1252-quotes",
        "utf8-ar-with-1252-quote-ellipsis",
        "undefined-1252-byte",
        "lone-lead-byte",
        "utf8-declared-1252",
        "1252-with-undefined-byte",
        "bom-with-stray-byte",
    ],
)
def test_decoding_rules(
    body: bytes,
    content_type: str | None,
    lang: str,
    text: str,
    encoding: str,
    repaired: bool,
    repaired_bytes: int,
) -> None:
    decoded = decode_page(body, content_type, lang)
    assert (decoded.text, decoded.encoding) == (text, encoding)
    assert (decoded.repaired, decoded.repaired_bytes) == (repaired, repaired_bytes)


# --- on the fixture site's pages ------------------------------------------------------

SITE = load_site()


def fixture_page(lang: str, layout: str) -> tuple[str, bytes]:
    article = next(
        a for a in SITE.articles if (a.lang, a.layout, a.encoding) == (lang, layout, "utf-8")
    )
    return f"https://www.maghress.com{article.path}", SITE.render(article.path).body


FIXTURES = [fixture_page(lang, layout) for lang in ("fr", "ar") for layout in ("span", "article")]


def test_clean_pages_take_no_repair_path(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[bytes] = []
    read_stray = charset.read_stray

    def counting_read_stray(stray: bytes, legacy: str) -> str:
        calls.append(stray)
        return read_stray(stray, legacy)

    monkeypatch.setattr(charset, "read_stray", counting_read_stray)
    pages = [body for _url, body in FIXTURES]
    pages += [SITE.render(path).body for path in ("/", "/fr", "/fr/libe", "/hespress")]
    for body in pages:
        decoded = decode_page(body, UTF8_HEADER, None)
        assert decoded.utf8 is body and decoded.repaired_bytes == 0
    assert calls == []
    # The same wrapper does see the repair of a page that needs it.
    decode_page(pages[0].replace(b"</title>", b"\x93</title>", 1), UTF8_HEADER, None)
    assert calls == [b"\x93"]


@pytest.mark.parametrize(
    ("url", "body"), FIXTURES, ids=["fr-span", "fr-article", "ar-span", "ar-article"]
)
def test_a_few_stray_bytes_keep_the_declaration_believed(url: str, body: bytes) -> None:
    """Two stray bytes in a fixture page (hundreds of non-ASCII bytes) are under 1 %."""
    clean, clean_records = crawl_page(body, url)
    head = body.index(b"<title>") + len(b"<title>")
    dirty_body = body[:head] + b"\x93" + body[head:].replace(b"</title>", b"\x94</title>", 1)
    dirty, dirty_records = crawl_page(dirty_body, url)
    assert (dirty.encoding, dirty.repaired, dirty.repaired_bytes) == ("utf-8", False, 2)
    assert dirty.text == clean.text.replace("<title>", "<title>“", 1).replace(
        "</title>", "”</title>", 1
    )
    fields = ("title", "source_name", "source_url", "published", "body")
    assert [getattr(dirty_records.article, f) for f in fields] == [
        getattr(clean_records.article, f) for f in fields
    ]


GOLDEN = Path(__file__).parent / "golden"
SEED_URL = "https://www.maghress.com/fr/libe/32145"
AR_SPAN_URL = "https://www.maghress.com/alyaoum24/398211"


def test_a_pasted_latin_letter_is_that_letter() -> None:
    """windows-1252 «É» and «é» (0xC9, 0xE9: UTF-8 lead bytes) pasted into a UTF-8 title."""
    seed = (GOLDEN / "fr_span_seed.html").read_bytes()
    dirty = seed.replace(
        b'class="articletitle">', b'class="articletitle">\xc9tat : la r\xe9forme. ', 1
    )
    decoded, records = crawl_page(dirty, SEED_URL)
    assert (decoded.encoding, decoded.repaired, decoded.repaired_bytes) == ("utf-8", False, 2)
    assert records.article.title == (
        "État : la réforme. La Twittoma, ou comment les réseaux sociaux servent la bonne cause"
    )


def test_a_utf8_template_around_a_windows_1256_article() -> None:
    """The site's UTF-8 chrome, the newspaper's text pasted in windows-1256: every
    Arabic letter of the body must come out, not U+FFFD."""
    page = (GOLDEN / "ar_span.html").read_text(encoding="utf-8")
    sentence = "من جهتهم، شدد قادة أحزاب الأغلبية على ضرورة تعزيز التنسيق بين مكوناتها خلال المرحلة المقبلة."
    assert sentence in page
    mixed = page.encode("utf-8").replace(sentence.encode("utf-8"), sentence.encode("cp1256"))
    decoded, records = crawl_page(mixed, AR_SPAN_URL)
    assert decoded.encoding == "utf-8" and decoded.repaired  # the declaration was not quite true
    assert records.article.body.split("\n\n")[-1] == sentence
    assert "\ufffd" not in records.article.body


@pytest.mark.parametrize(
    "header", ["text/html; charset=ISO-8859-1", "text/html; charset=windows-1256"]
)
def test_a_utf8_page_under_a_legacy_header_is_read_as_utf8(header: str) -> None:
    """A server's default header names a legacy charset; the bytes are UTF-8 (and the
    page's own <meta> says so): nothing is garbled, nothing dropped."""
    for name, url, title in (
        (
            "fr_span_seed",
            SEED_URL,
            "La Twittoma, ou comment les réseaux sociaux servent la bonne cause",
        ),
        (
            "ar_span",
            AR_SPAN_URL,
            'العثماني يدعو الأغلبية الحكومية إلى "التعبئة" لتنزيل قانون المالية 2020',
        ),
    ):
        decoded, records = crawl_page((GOLDEN / f"{name}.html").read_bytes(), url, header)
        assert (decoded.encoding, decoded.repaired) == ("utf-8", True)
        assert records.article.title == title
        assert not is_mojibake(records.article.title, records.article.body)
