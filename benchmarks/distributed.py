"""Benchmark: one worker against two on one Redis frontier, and Redis memory per article.

Run by hand: ``make bench`` (or ``python -m benchmarks.distributed --articles 2000``).
Rounds alternate a plain single-machine crawl (no Redis: the cost of the
shared frontier), 1 worker and 2 workers on the same fixture site, so machine
noise hits all; each round starts from an empty Redis.  Pages/s is counted at the
fixture server, from its first request to its last, so workers' start-up and
their idle wait at the end (``NEWSSPIDER_REDIS_IDLE_TIMEOUT``) are not in it.
Pages are served pre-rendered (as in ``performance.py``), after a warm-up crawl.
The server, Redis and the workers share this machine's cores: on one machine a
second worker buys only what the first left idle.

Memory: ``MEMORY USAGE`` (exact, every element) of the state's hash of written
ids after a run, scaled to 10,000 articles, and of the frontier's duplicate
filter; and the server's ``used_memory`` growth when the state learns 10,000
ids of the real shape (``maghress:fr:<source>:<number>`` → 20-hex body hash).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from benchmarks.pageserver import whole_site_cached
from newsspider.demo_site import DemoSite, load_site
from newsspider.distributed import Keys
from newsspider.state import body_hash
from newsspider.state.redis import RedisStateStore
from tests.redis_server import RedisServer

RESULTS = Path(__file__).parent / "results"
SAME = ["-s", "AUTOTHROTTLE_ENABLED=False", "-s", "DOWNLOAD_DELAY=0", "-s", "LOG_LEVEL=ERROR"]
SAME += ["-s", "CONCURRENT_REQUESTS=16", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=16"]
SAME += ["-s", "NEWSSPIDER_REDIS_IDLE_TIMEOUT=1", "-s", "NEWSSPIDER_REDIS_WORKER_TTL=5"]
# The benchmark's own throwaway server keeps nothing on disk (tests/redis_server.py).
SAME += ["-s", "NEWSSPIDER_REDIS_ALLOW_VOLATILE=true"]


def start_worker(workdir: Path, name: str, base_url: str, redis_url: str) -> subprocess.Popen:
    """A worker; with ``redis_url`` empty, a plain single-machine crawl."""
    workdir.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "SCRAPY_SETTINGS_MODULE": "newsspider.settings"}
    command = [sys.executable, "-m", "scrapy", "crawl", "maghress", *SAME]
    command += ["-a", f"base_url={base_url}", "-a", "max_pages=100000"]
    if redis_url:
        command += ["-s", f"NEWSSPIDER_REDIS_URL={redis_url}", "-s", f"NEWSSPIDER_WORKER_ID={name}"]
    return subprocess.Popen(
        command, cwd=workdir, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )


class RequestClock:
    """Times of the server's first and last request, sampled every 20 ms."""

    def __init__(self, server: DemoSite) -> None:
        self.server = server
        self.first = self.last = 0.0
        self.count = 0
        self.running = True
        self.thread = threading.Thread(target=self._watch, daemon=True)
        self.thread.start()

    def _watch(self) -> None:
        while self.running:
            count = len(self.server.requests)
            now = time.perf_counter()
            if count and not self.first:
                self.first = now
            if count != self.count:
                self.count, self.last = count, now
            time.sleep(0.02)

    def stop(self) -> float:
        self.running = False
        self.thread.join()
        return self.count / max(self.last - self.first, 1e-9)


def one_round(site, workers: int, redis: RedisServer, scratch: Path) -> dict:
    """``workers`` = 0: one plain crawl without Redis."""
    redis.client().flushall()
    with DemoSite(site) as server:
        clock = RequestClock(server)
        processes = [
            start_worker(scratch / f"w{n}", f"w{n}", server.base_url, redis.url if workers else "")
            for n in range(max(workers, 1))
        ]
        for process in processes:
            _out, err = process.communicate()
            if process.returncode != 0:
                raise SystemExit(f"worker failed ({process.returncode}):\n{err[-3000:]}")
        pages_s = clock.stop()
        requests = len(server.requests)
    client = redis.client()
    written = client.hlen("newsspider:maghress:written")
    if not workers:
        return {"workers": 0, "pages_s": round(pages_s, 1), "requests": requests}
    return {
        "workers": workers,
        "pages_s": round(pages_s, 1),
        "requests": requests,
        "articles": written,
        "written_bytes": client.memory_usage("newsspider:maghress:written", samples=0),
        "dupefilter_bytes": client.memory_usage("newsspider:maghress:dupefilter", samples=0),
        "fingerprints": client.scard("newsspider:maghress:dupefilter"),
    }


def state_memory(redis: RedisServer, count: int = 10_000) -> int:
    """Bytes the server grows by when the shared state learns ``count`` article ids."""
    client = redis.client()
    client.flushall()
    store = RedisStateStore(client, Keys("newsspider", "maghress"), "bench", "bench")
    before = client.info("memory")["used_memory"]
    ids = [(f"maghress:fr:libe:{100_000 + n}", body_hash(f"body {n}")) for n in range(count)]
    for start in range(0, count, 1000):
        store.mark_written(ids[start : start + 1000])
    return client.info("memory")["used_memory"] - before


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--page-kb", type=int, default=110)
    options = parser.parse_args()

    site = load_site(synthetic=max(options.articles - 74, 0), page_kb=options.page_kb)
    rounds = []
    with whole_site_cached(), RedisServer() as redis, tempfile.TemporaryDirectory() as scratch:
        one_round(site, 0, redis, Path(scratch) / "warm-up")  # renders every page once
        for number in range(options.rounds):
            for workers in (0, 1, 2):
                folder = Path(scratch) / f"{number}-{workers}"
                rounds.append(one_round(site, workers, redis, folder))
        grown = state_memory(redis)
    by = {n: [r["pages_s"] for r in rounds if r["workers"] == n] for n in (0, 1, 2)}
    last = rounds[-1]
    result = {
        "benchmark": "distributed",
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        "articles": len(site.articles),
        "page_kb": options.page_kb,
        "rounds": rounds,
        "median_pages_s": {
            "alone": round(statistics.median(by[0]), 1),
            **{f"{n}_worker(s)": round(statistics.median(by[n]), 1) for n in (1, 2)},
        },
        "one_worker_over_alone": round(statistics.median(by[1]) / statistics.median(by[0]), 2),
        "speedup_2_over_1": round(statistics.median(by[2]) / statistics.median(by[1]), 2),
        "redis_bytes_per_10000_articles": round(last["written_bytes"] / last["articles"] * 10000),
        "dupefilter_bytes_per_10000_requests": round(
            last["dupefilter_bytes"] / last["fingerprints"] * 10000
        ),
        "used_memory_growth_per_10000_articles": grown,
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "distributed.json").write_text(json.dumps(result, indent=1) + "\n")
    print(f"distributed crawl, {result['articles']} articles of ~{options.page_kb} KB:")
    print(f"{'round':<7}{'workers':>8}{'pages/s':>10}{'requests':>10}{'articles':>10}")
    for n, r in enumerate(rounds):
        mode = r["workers"] or "alone"
        print(
            f"{n + 1:<7}{mode:>8}{r['pages_s']:>10}{r['requests']:>10}{r.get('articles', ''):>10}"
        )
    print(f"median pages/s: {result['median_pages_s']}")
    print(f"1 worker / alone: {result['one_worker_over_alone']}x; "
          f"2 workers / 1: {result['speedup_2_over_1']}x")  # fmt: skip
    print(f"Redis: {result['redis_bytes_per_10000_articles']:,} bytes per 10,000 known articles "
          f"(server growth for 10,000 ids: {grown:,}), "
          f"{result['dupefilter_bytes_per_10000_requests']:,} per 10,000 fingerprints")  # fmt: skip


if __name__ == "__main__":
    main()
