"""Benchmark: polling the feeds (``-a mode=feeds``) against walking the listings.

For each mode, on a fresh copy of the same fixture site and a fresh state: a first
run, a re-run after ``--new`` new articles, and an idle poll (nothing new).  Measured from each run's stats:
requests, bytes received, 304 answers, article pages, articles written and wall
time.  Targets (issue 13): the feeds re-run makes at most N article requests plus
one per feed plus robots.txt, and a feed without a new article answers 304 (in the
idle poll, every feed).

The feeds list the newest 20 items each, so a first run in ``mode=feeds`` writes
only what the feeds list: a listing run seeds an archive, feeds keep it current.
Run by hand on an idle machine: ``make bench`` (or
``python -m benchmarks.feeds --articles 2000 --new 20``).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from newsspider.demo_site import DemoSite, load_site

RESULTS = Path(__file__).parent / "results"
MODES = ("listings", "feeds")


def crawl(workdir: Path, base_url: str, mode: str) -> dict[str, Any]:
    """One `scrapy crawl maghress` run in ``mode``: its figures, from its stats file."""
    env = {**os.environ, "SCRAPY_SETTINGS_MODULE": "newsspider.settings"}
    stats_file = workdir / "stats.json"
    command = [sys.executable, "-m", "scrapy", "crawl", "maghress"]
    command += ["-a", f"base_url={base_url}", "-a", f"mode={mode}", "-a", "max_pages=100000"]
    command += ["-s", "AUTOTHROTTLE_ENABLED=False", "-s", "DOWNLOAD_DELAY=0"]
    command += ["-s", "LOG_LEVEL=WARNING", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=16"]
    command += ["-s", f"NEWSSPIDER_STATS_FILE={stats_file}"]
    started = time.perf_counter()
    done = subprocess.run(command, cwd=workdir, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"{mode} crawl failed ({done.returncode}):\n{done.stderr[-3000:]}")
    stats = json.loads(stats_file.read_text(encoding="utf-8"))
    return {
        "requests": stats.get("downloader/request_count", 0),
        "bytes": stats.get("downloader/response_bytes", 0),
        "not_modified": stats.get("downloader/response_status_count/304", 0),
        "feeds": stats.get("newsspider/rss/read", 0) + stats.get("newsspider/rss/not_modified", 0),
        "article_pages": stats.get("newsspider/article_pages", 0),
        "articles": stats.get("newsspider/records/article", 0),
        "seconds": round(seconds, 2),
    }


def measure(mode: str, options: argparse.Namespace) -> dict[str, Any]:
    site = load_site(synthetic=max(options.articles - 74, 0), page_kb=options.page_kb)
    with DemoSite(site) as server, tempfile.TemporaryDirectory() as scratch:
        workdir = Path(scratch)
        first = crawl(workdir, server.base_url, mode)
        added = [server.site.add_article("fr" if n % 2 else "ar") for n in range(options.new)]
        rerun = crawl(workdir, server.base_url, mode)
        idle = crawl(workdir, server.base_url, mode)
    # The feeds a new article changes: its section's and its newspaper's.
    changed = {a.lang for a in added} | {(a.lang, a.source) for a in added}
    return {"first": first, "rerun": rerun, "idle": idle, "feeds_changed": len(changed)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--articles", type=int, default=2000, help="size of the fixture site")
    parser.add_argument("--new", type=int, default=20, help="articles added before the re-run")
    parser.add_argument("--page-kb", type=int, default=110, help="page size, like the real site")
    options = parser.parse_args()

    runs = {mode: measure(mode, options) for mode in MODES}
    feeds = runs["feeds"]["rerun"]
    changed = runs["feeds"].pop("feeds_changed")
    runs["listings"].pop("feeds_changed")
    bound = options.new + feeds["feeds"] + 1  # N articles, one request per feed, robots.txt
    result = {
        "benchmark": "feeds",
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        "site_articles": options.articles,
        "new_articles": options.new,
        **runs,
        "targets_met": {
            f"feeds re-run requests <= N + feeds + robots.txt ({bound})": feeds["requests"]
            <= bound,
            "feeds re-run fetched exactly the new articles": feeds["article_pages"] == options.new,
            "feeds re-run: every feed without a new article answered 304 "
            f"({feeds['feeds'] - changed} of {feeds['feeds']})": feeds["not_modified"]
            == feeds["feeds"] - changed,
            "feeds idle poll: every feed answered 304, no article fetched": (
                runs["feeds"]["idle"]["not_modified"] == runs["feeds"]["idle"]["feeds"] > 0
                and runs["feeds"]["idle"]["article_pages"] == 0
            ),
        },
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "feeds.json").write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    columns = ("requests", "bytes", "not_modified", "article_pages", "articles", "seconds")
    print(f"{'mode':<10}{'run':<7}" + "".join(f"{name:>14}" for name in columns))
    for mode in MODES:
        for run in ("first", "rerun", "idle"):
            row = runs[mode][run]
            print(f"{mode:<10}{run:<7}" + "".join(f"{row[name]:>14}" for name in columns))
    for target, met in result["targets_met"].items():
        print(f"  {'met' if met else 'NOT met'}: {target}")


if __name__ == "__main__":
    main()
