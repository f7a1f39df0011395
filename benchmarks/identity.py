"""The records of ~1,500 pages as JSON Lines, to compare two checkouts byte for byte.

A speed-up must not change a record: run this in the checkout before and after
the change and compare the two files (``cmp``).  The pages: 1,100 fixture
articles of 110 KB (the benchmark's), listings and homes of every family site
(pages 1, 2 and 4), sister sites' articles, every golden and hand-written test
page, and hostile variants (hostile and duplicate links, malformed markup, wrong
or missing charsets, an unknown strip, hidden dates).  Each page is read twice,
with the crawl's clock unset and fixed; each record is written as extracted and as
the normalize pipeline leaves it, beside the links a listing yields.

    PYTHONPATH=<old checkout> python benchmarks/identity.py before.jsonl
    PYTHONPATH=. python benchmarks/identity.py after.jsonl && cmp before.jsonl after.jsonl

(The script is run from this checkout; the code it reads comes from PYTHONPATH.)
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO

from itemadapter import ItemAdapter

import newsspider
from benchmarks.pageserver import build_site
from newsspider.demo_site import FixtureSite, load_site
from newsspider.extract import page_from_response
from newsspider.pipelines.normalize import normalize_article, normalize_headlines
from newsspider.records import page_records
from newsspider.sites import SITES, Site, site_for_url

TESTS = Path(__file__).resolve().parent.parent / "tests"
UTF8 = "text/html; charset=utf-8"
CLOCKS = (None, datetime(2026, 12, 1, 12, 0, tzinfo=UTC))
# Article URLs the hand-written test pages are read at, beside their own.
TEST_URLS = ("https://www.maghress.com/fr/libe/32145", "https://www.maghress.com/hespress/385472")


def write_page(
    out: TextIO, label: str, url: str, body: bytes, site: Site, content_type: str | None
) -> None:
    """One line per clock: the page's records (raw and normalized) and its links."""
    for now in CLOCKS:
        page = page_from_response(url, body, content_type, site, now=now)
        try:
            records = page_records(page, crawled_at="2026-12-01T00:00:00Z")
        except Exception as error:  # a crash is an output too: the same one on both sides
            out.write(json.dumps([label, url, str(now), "raised", repr(error)]) + "\n")
            continue
        kept: list[dict | None] = []
        for record in (records.headlines, records.article):
            if record is None:
                kept.append(None)
                continue
            adapter = ItemAdapter(record)
            kept.append(adapter.asdict())
            (normalize_article if "body" in adapter else normalize_headlines)(adapter)
            kept.append(ItemAdapter(record).asdict())
        try:
            teasers = [(teaser.url, teaser.published, teaser.listed) for teaser in page.teasers()]
            links: object = [teasers, page.source_pages(), page.next_page()]
        except Exception as error:
            links = repr(error)
        line = [label, url, str(now), kept, records.layout, records.reason, links]
        out.write(json.dumps(line, ensure_ascii=False, sort_keys=True) + "\n")


def listing_pages(fixture: FixtureSite, site: Site) -> Iterator[tuple[str, bytes]]:
    """Each section's home and the first newspapers' listing pages 1, 2 and 4."""
    for lang in site.langs:
        home = site.section_home(lang)
        response = fixture.render(home)
        if response is None or response.status != 200:
            continue
        url = site.default_base_url + home
        yield url, response.body
        page = page_from_response(url, response.body, UTF8, site)
        for _slug, listing in sorted(page.source_pages().items())[:15]:
            path = "/" + listing.split("://", 1)[1].split("/", 1)[1]
            for number in (1, 2, 4):
                query = path + (f"?page={number}" if number > 1 else "")
                response = fixture.render(query)
                if response is not None and response.status == 200:
                    yield site.default_base_url + query, response.body


def pages() -> Iterator[tuple[str, str, bytes, Site, str | None]]:
    """(label, URL, bytes, site, Content-Type) of every page compared."""
    maghress = SITES["maghress"]
    benchmark = build_site(1100, 110)
    for article in benchmark.articles:
        yield (
            "fixture",
            maghress.default_base_url + article.path,
            benchmark.render(article.path).body,
            maghress,
            UTF8,
        )
    for url, body in listing_pages(benchmark, maghress):
        yield "listing", url, body, maghress, UTF8
    for name in ("masress", "sauress", "djazairess", "turess", "sudaress", "yemeress"):
        fixture, site = load_site(site=name), SITES[name]
        for url, body in listing_pages(fixture, site):
            yield name, url, body, site, UTF8
        for article in fixture.articles[:60]:
            yield (
                name,
                site.default_base_url + article.path,
                fixture.render(article.path).body,
                site,
                UTF8,
            )
    for path in sorted((TESTS / "golden").glob("*.html")):
        url = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))["url"]
        yield "golden", url, path.read_bytes(), site_for_url(url) or maghress, None
    for path in sorted((TESTS / "pages").glob("*.html")):
        expected = path.with_suffix(".expected.json")
        own = (
            json.loads(expected.read_text(encoding="utf-8")).get("url")
            if expected.exists()
            else None
        )
        for url in sorted({*TEST_URLS, *filter(None, [own])}):
            yield "pages", url, path.read_bytes(), site_for_url(url) or maghress, None
    yield from hostile_pages()


def hostile_pages() -> Iterator[tuple[str, str, bytes, Site, str | None]]:
    """The fixture with hostile links and faulty pages, then an unknown strip and hidden dates."""
    maghress = SITES["maghress"]
    fixture = load_site()
    fixture.set_hostile_links(
        ["javascript:alert(1)", "http://10.1.2.3/x", "https://evil.example/fr/libe/1"]
    )
    fixture.set_duplicate_links(True)
    fixture.add_path_fault("/fr/libe/*", "malformed")
    fixture.add_path_fault("/hespress/*", "charset", encoding="windows-1256", declared=None)
    fixture.add_path_fault("/fr/albayane/*", "charset", encoding="utf-8", declared="windows-1252")
    for _round in range(2):
        for article in fixture.articles[:150]:
            response = fixture.render(article.path)
            if response is not None and response.status == 200:
                url = maghress.default_base_url + article.path
                yield "hostile", url, response.body, maghress, response.headers.get("Content-Type")
        for url, body in listing_pages(fixture, maghress):
            yield "hostile", url, body, maghress, UTF8
        fixture.set_faults(unknown_strip=True, hide_dates=True)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("output", type=Path, help="the JSON Lines file to write")
    options = parser.parse_args()
    count = 0
    with options.output.open("w", encoding="utf-8") as out:
        for label, url, body, site, content_type in pages():
            write_page(out, label, url, body, site, content_type)
            count += 1
    print(f"{count} pages of {newsspider.__file__} -> {options.output}", file=sys.stderr)


if __name__ == "__main__":
    main()
