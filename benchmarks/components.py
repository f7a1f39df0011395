"""Benchmark: where an article page's time goes beyond the fetch, component by component.

Run by hand (``make bench`` runs it after the crawl comparison):
``python -m benchmarks.components [--pages 300] [--crawl 2000]``.

1. In process, on fixture pages of ~110 KB (the crawl benchmark's): µs per page
   of each step newsspider takes on an article page — the decode, the page
   object, the parse (the parse-only arm's ``lxml.html.document_fromstring`` of
   the bytes beside ours), the headline strip, the article, the records — and on
   a listing page (parse, teasers, next page).  The fastest of seven passes, the steps
   taken in turn (the machine's speed drifts over seconds).
2. In a crawl: Scrapy's item path with every pipeline, feed and extension of the
   project, as the no-op spider of ``benchmarks/noop_spider.py`` yielding one
   ready-made article per page (``-a items=true``) against the same spider yielding
   nothing, over the same ``--crawl`` pages: the CPU per page between the two.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
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


def _pass(step: Callable[[T], object], pages: list[T]) -> Callable[[], float]:
    """One timed pass of ``step`` over ``pages``: µs per page."""

    def timed() -> float:
        started = time.perf_counter()
        for page in pages:
            step(page)
        return (time.perf_counter() - started) / len(pages) * 1e6

    return timed


def _fastest(passes: dict[str, Callable[[], float]], rounds: int = 7) -> dict[str, float]:
    """The fastest pass of each step, the steps taken in turn round after round: the
    machine's speed drifts over seconds, and steps compared must see the same drift."""
    times: dict[str, list[float]] = {name: [] for name in passes}
    for _round in range(rounds):
        for name, timed in passes.items():
            times[name].append(timed())
    return {name: round(min(found), 1) for name, found in times.items()}


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
    # The three parses on the same pages: the UTF-8 ones (most), parsed as bytes.
    steps = {
        "decode": _pass(lambda b: decode_page(b[1], CONTENT_TYPE, b[2]), bodies),
        "page object (decode included)": _pass(
            lambda b: page_from_response(b[0], b[1], CONTENT_TYPE, SITES["maghress"]), bodies
        ),
        "parse-only arm's parse (UTF-8 pages)": _pass(
            lambda page: lxml.html.document_fromstring(page.utf8), utf8
        ),
        "parse, state values read (UTF-8 pages)": _pass(
            lambda page: _fromstring(page.utf8, _PLAIN[1]), utf8
        ),
        "parse (UTF-8 pages)": _pass(lambda page: parse_plain(page.html, page.utf8), utf8),
        "headline strip": _pass(lambda page: page.headlines(), articles),
        "article": _pass(lambda page: page.article(), articles),
        "records (strip + article + record)": _pass(
            lambda page: page_records(page, crawled_at="2026-12-01T00:00:00Z"), articles
        ),
        "listing: parse": _pass(lambda page: parse_plain(page.html, page.utf8), listings),
        "listing: teasers": _pass(lambda page: page.teasers(), listings),
        "listing: next page": _pass(lambda page: page.next_page(), listings),
    }
    return _fastest(steps)


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
    print(
        f"µs per page, in process ({options.pages} article pages, fastest of 7 passes taken in turn):"
    )
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
