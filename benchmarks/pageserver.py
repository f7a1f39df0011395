"""The benchmark's page server: a fixture site served pre-rendered from a process of its own.

In its own process so the crawler measured has its core to itself; the server keeps
the time of every article request, so a crawl's rate is taken where the pages are
served (first to last article request), not from Scrapy's own elapsed time, which
includes its start-up and shut-down.

    python -m benchmarks.pageserver --articles 1000 --page-kb 110

prints ``{"base_url": …}`` once serving, then answers one line of JSON per line it reads:
``reset`` forgets the requests so far; ``report`` gives the article requests since the
last reset (``count``, ``first``, ``last``, in seconds) and the paths requested.
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

from newsspider.demo_site import DemoSite, FixtureSite, cache, load_site


@contextmanager
def whole_site_cached() -> Iterator[None]:
    """Serve every page pre-rendered once rendered.

    The fixture's render cache (64 MB) holds ~600 pages of 110 KB, so a crawl in page
    order would miss it every time and the server would re-render each page (~0.9 ms
    of CPU) beside the crawler, adding contention and noise to what is measured.
    """
    saved = cache.CACHE_PAGES, cache.CACHE_BYTES
    cache.CACHE_PAGES, cache.CACHE_BYTES = 1 << 30, 1 << 40
    try:
        yield
    finally:
        cache.CACHE_PAGES, cache.CACHE_BYTES = saved


class TimedSite(DemoSite):
    """A demo site that also keeps when each article page was asked for."""

    def __init__(self, site: FixtureSite) -> None:
        super().__init__(site)
        self.article_paths = frozenset(article.path for article in site.articles)
        self.article_times: list[float] = []
        self._times_lock = threading.Lock()

    def record(self, method: str, path: str, status: int) -> None:
        if path in self.article_paths:
            with self._times_lock:
                self.article_times.append(time.perf_counter())
        super().record(method, path, status)

    def reset(self) -> None:
        with self._times_lock:
            self.article_times.clear()
        self.clear_requests()

    def report(self) -> dict:
        with self._times_lock:
            times = sorted(self.article_times)
        return {
            "count": len(times),
            "first": times[0] if times else 0.0,
            "last": times[-1] if times else 0.0,
            # Every tenth of the crawl's article requests: where its cost per page goes.
            "tenths": [times[len(times) * n // 10] for n in range(10)] + times[-1:],
            "paths": [path for _method, path, _status in self.requests],
        }


def build_site(articles: int, page_kb: int) -> FixtureSite:
    """A site of ``articles`` articles (the 74 hand-written ones, the rest invented)."""
    return load_site(synthetic=max(articles - 74, 0), page_kb=page_kb)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--articles", type=int, required=True)
    parser.add_argument("--page-kb", type=int, default=110)
    options = parser.parse_args()
    site = build_site(options.articles, options.page_kb)
    with whole_site_cached(), TimedSite(site) as server:
        print(json.dumps({"base_url": server.base_url}), flush=True)
        for line in sys.stdin:
            command = line.strip()
            if command == "reset":
                server.reset()
                answer: dict = {"ok": True}
            elif command == "report":
                answer = server.report()
            else:
                answer = {"error": f"unknown command {command!r}"}
            print(json.dumps(answer), flush=True)


if __name__ == "__main__":
    main()
