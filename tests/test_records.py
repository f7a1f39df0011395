"""Fetched page → page object → records: the page decodes itself, knows its site and
language, and its text leaves extraction clean (the only place it is cleaned)."""

from __future__ import annotations

import time
from datetime import datetime, timezone

from newsspider.demo_site import SPECIAL, load_site
from newsspider.extract import page_from_response
from newsspider.records import page_records, utc_now_iso
from newsspider.sites import SITES

SITE = load_site()
MAGHRESS = SITES["maghress"]


def fixture_article(special: str):
    source, number = SPECIAL[special]
    return next(a for a in SITE.articles if (a.source, a.id) == (source, number))


def test_a_page_decodes_itself_with_its_declared_charset() -> None:
    article = fixture_article("ar_windows1256")
    served = SITE.render(article.path)
    url = f"https://www.maghress.com{article.path}"
    page = page_from_response(url, served.body, served.headers["Content-Type"], MAGHRESS)
    assert (page.site, page.lang, page.charset_repaired) == (MAGHRESS, "ar", False)
    assert page_records(page).article.title == " ".join(article.title.split())


def test_an_undeclared_page_is_read_in_its_sections_legacy_charset() -> None:
    article = fixture_article("ar_windows1256")
    body = SITE.render(article.path).body.replace(b"windows-1256", b"")  # no declaration
    title = " ".join(article.title.split())
    arabic = page_from_response(f"https://www.maghress.com{article.path}", body, None, MAGHRESS)
    assert (arabic.lang, arabic.charset_repaired) == ("ar", True)
    assert page_records(arabic).article.title == title
    # The same bytes under a French URL are read as French pages were: windows-1252.
    french = page_from_response("https://www.maghress.com/fr/libe/1", body, None, MAGHRESS)
    assert (french.lang, french.charset_repaired) == ("fr", True)
    assert page_records(french).article.title != title


def test_records_take_the_pages_language() -> None:
    for special, lang in (("fr_seed", "fr"), ("ar_no_date", "ar")):
        article = fixture_article(special)
        served = SITE.render(article.path)
        url = f"https://www.maghress.com{article.path}"
        records = page_records(page_from_response(url, served.body, None, MAGHRESS))
        assert records.article.lang == records.headlines.lang == lang


# A page written by hand with every kind of dirt extraction cleans: invisible marks,
# runs of spaces, a blank newspaper line, empty and javascript: strip entries.
DIRTY = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>x</title></head><body>
<marquee><a href="/fr/libe/1"> Premier\u200b   titre </a> <a href="/fr/libe/2"></a>
<a href="javascript:alert(1)">Piège</a> <a href="/fr/libe/3">\u202bSecond\u202c titre</a></marquee>
<div id="articlecontainer"><span class="articletitle"> Un\u200b  titre\u00a0 </span>
<span class="articlenewspaper">   </span>
<span class="articlecontent"> Premier\tparagraphe. <br><br><br>  Deuxième\u00a0\u00a0paragraphe.\u200f
</span></div></body></html>
""".encode()


def test_text_leaves_extraction_clean() -> None:
    url = "https://www.maghress.com/fr/libe/1"
    records = page_records(page_from_response(url, DIRTY, "text/html", MAGHRESS))
    article = records.article
    assert article.title == "Un titre"
    assert article.source_name is None and article.published is None
    assert article.body == "Premier paragraphe.\n\nDeuxième paragraphe."
    assert records.headlines.headlines == [
        {"title": "Premier titre", "url": "https://www.maghress.com/fr/libe/1"},
        {"title": "Second titre", "url": "https://www.maghress.com/fr/libe/3"},
    ]


def test_crawled_at_is_the_clocks_current_second_in_utc() -> None:
    """The text is kept for a second (hundreds of pages share it): it must still be
    the clock's second on every call, and move on with the clock."""
    shape = "%Y-%m-%dT%H:%M:%SZ"
    seen = set()
    deadline = time.monotonic() + 3
    while len(seen) < 2 and time.monotonic() < deadline:
        before = datetime.now(timezone.utc).strftime(shape)
        crawled_at = utc_now_iso()
        after = datetime.now(timezone.utc).strftime(shape)
        assert before <= crawled_at <= after
        assert datetime.strptime(crawled_at, shape)  # the record's shape, with its Z
        seen.add(crawled_at)
        time.sleep(0.02)
    assert len(seen) == 2, "a later second gives a later crawled_at"


def test_the_span_layout_reads_its_classes_among_others_and_not_their_lookalikes() -> None:
    html = """<html><body>
    <span class="article">Rubrique</span>
    <span class="articletitles">Un titre du bandeau</span>
    <span class="une  articletitle">Le vrai titre</span>
    <span class="articlenewspaper">Publié dans <a href="/fr/libe">Libération</a></span>
    <span class="ARTICLECONTENT">Une autre boîte.</span>
    <span class="x articlecontent y">Le premier paragraphe du corps.</span>
    </body></html>"""
    url = "https://www.maghress.com/fr/libe/32145"
    page = page_from_response(url, html.encode(), "text/html; charset=utf-8", MAGHRESS)
    article = page_records(page).article
    assert article is not None
    assert (article.title, article.source_name) == ("Le vrai titre", "Libération")
    assert article.body == "Le premier paragraphe du corps."
