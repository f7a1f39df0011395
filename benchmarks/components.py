"""Benchmark: where an article page's time goes beyond the fetch, component by component.

Run by hand (``make bench`` runs it after the crawl comparison):
``python -m benchmarks.components [--pages 300] [--crawl 2000]``.

1. In process, on fixture pages of ~110 KB (the crawl benchmark's): µs per page
   of each step newsspider takes on an article page — the decode, the page
   object, the parse (the parse-only arm's ``lxml.html.document_fromstring`` of
   the bytes beside ours), the headline strip, the article, the records — and on
   a listing page (parse, teasers, next page).  The minimum of five passes.
2. In a crawl: Scrapy's item path with every pipeline, feed and extension of the
   project, as the no-op spider of ``benchmarks/noop_spider.py`` yielding one
   ready-made article per page (``-a items=true``) against the same spider yielding
   nothing, over the same ``--crawl`` pages: the CPU per page between the two.
"""

from __future__ import annotations

import argparse
import json
import statistics
import timeit
from collections.abc import Callable
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import TypeVar

import lxml.html

from benchmarks.pageserver import build_site
from benchmarks.performance import PageServer, timed_crawl
from newsspider.demo_site import FixtureSite
from newsspider.extract import page_from_response
from newsspider.extract.charset import decode_page
from newsspider.extract.html import _PLAIN, _fromstring, parse_plain
from newsspider.extract.maghress import MaghressPage
from newsspider.records import page_records
from newsspider.sites import SITES

HERE = Path(__file__).parent
T = TypeVar("T")
CONTENT_TYPE = "text/html; charset=utf-8"


def _per_page(step: Callable[[T], object], pages: list[T]) -> float:
    """µs per page of ``step`` over ``pages``: the fastest of five passes."""
    passes = timeit.repeat(lambda: [step(page) for page in pages], number=1, repeat=5)
    return round(min(passes) / len(pages) * 1e6, 1)


def _pages(site: FixtureSite, paths: list[str], base: str) -> list[MaghressPage]:
    """Page objects, parsed: the steps after the parse are timed on their own."""
    pages = []
    for path in paths:
        page = page_from_response(
            base + path, site.render(path).body, CONTENT_TYPE, SITES["maghress"]
        )
        _ = page.tree
        pages.append(page)
    return pages


def in_process(count: int, page_kb: int) -> dict[str, float]:
    site = build_site(count, page_kb)
    base = "https://www.maghress.com"
    paths = [article.path for article in site.articles[:count]]
    bodies = [(base + a.path, site.render(a.path).body, a.lang) for a in site.articles[:count]]
    articles = _pages(site, paths, base)
    utf8 = [page for page in articles if page.utf8]
    listings = _pages(site, [f"/{source.slug}" for source in site.sources], base)
    steps: dict[str, float] = {
        "decode": _per_page(lambda b: decode_page(b[1], CONTENT_TYPE, b[2]), bodies),
        "page object (decode included)": _per_page(
            lambda b: page_from_response(b[0], b[1], CONTENT_TYPE, SITES["maghress"]), bodies
        ),
        "parse-only arm's parse": _per_page(lambda b: lxml.html.document_fromstring(b[1]), bodies),
        # UTF-8 pages (most), whose bytes lxml parses as they are:
        "parse, state values read (UTF-8)": _per_page(
            lambda page: _fromstring(page.utf8, _PLAIN[1]), utf8
        ),
        "parse (UTF-8)": _per_page(lambda page: parse_plain(page.html, page.utf8), utf8),
        "headline strip": _per_page(lambda page: page.headlines(), articles),
        "article": _per_page(lambda page: page.article(), articles),
        "records (strip + article + record)": _per_page(
            lambda page: page_records(page, crawled_at="2026-12-01T00:00:00Z"), articles
        ),
        "listing: parse": _per_page(lambda page: parse_plain(page.html, page.utf8), listings),
        "listing: teasers": _per_page(lambda page: page.teasers(), listings),
        "listing: next page": _per_page(lambda page: page.next_page(), listings),
    }
    return steps


def item_path(pages: int, page_kb: int, rounds: int = 3) -> dict[str, list[float]]:
    """CPU ms per page of the no-op spider without and with one article per page,
    alternated for ``rounds`` rounds (the spread is the machine's noise)."""
    server = PageServer(pages, page_kb)
    site = build_site(pages, page_kb)
    runs: dict[str, list[float]] = {"noop": [], "items": []}
    try:
        with TemporaryDirectory() as scratch:
            url_file = Path(scratch) / "urls.txt"
            url_file.write_text("\n".join(server.base_url + a.path for a in site.articles))
            for number in range(rounds):
                for arm in ("noop", "items") if number % 2 == 0 else ("items", "noop"):
                    run = timed_crawl(server, arm, url_file, Path(scratch) / f"{arm}-{number}")
                    runs[arm].append(run["cpu_ms_page"])
    finally:
        server.close()
    return runs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pages", type=int, default=300, help="fixture article pages in process")
    parser.add_argument(
        "--crawl", type=int, default=2000, help="pages of the item-path crawls (0: none)"
    )
    parser.add_argument("--page-kb", type=int, default=110)
    options = parser.parse_args()
    result: dict = {"in_process_us": in_process(options.pages, options.page_kb)}
    print(f"µs per page, in process ({options.pages} article pages, min of 5 passes):")
    for step, micros in result["in_process_us"].items():
        print(f"  {step:<40}{micros:>8}")
    if options.crawl:
        result["item_path_cpu_ms"] = runs = item_path(options.crawl, options.page_kb)
        extra = [items - noop for noop, items in zip(runs["noop"], runs["items"], strict=True)]
        result["item_path_extra_ms"] = [round(ms, 3) for ms in extra]
        print(f"item path, CPU ms/page over {options.crawl} pages, rounds: no-op {runs['noop']}, "
              f"one article a page {runs['items']}; difference per round "
              f"{result['item_path_extra_ms']}, median {statistics.median(extra):.3f}")  # fmt: skip
    (HERE / "results").mkdir(exist_ok=True)
    (HERE / "results" / "components.json").write_text(json.dumps(result, indent=1) + "\n")


if __name__ == "__main__":
    main()
