"""Benchmark: a re-run with a few new articles against a full crawl of a large site.

Targets (issue 3): on a 2,000-article fixture site, a re-run after 20 new
articles fetches at most 5 % of the full crawl's requests and takes at most 10 %
of its time.  Both runs happen in this one invocation, on the same server, so
machine noise hits both.  Run by hand: ``make bench`` (or
``python -m benchmarks.incremental --articles 2000 --new 20``).
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

from newsspider.demo_site import DemoSite, load_site

RESULTS = Path(__file__).parent / "results"


def crawl(workdir: Path, base_url: str) -> tuple[float, dict]:
    """One `scrapy crawl maghress` run; its wall time and its run report."""
    env = {**os.environ, "SCRAPY_SETTINGS_MODULE": "newsspider.settings"}
    command = [sys.executable, "-m", "scrapy", "crawl", "maghress"]
    command += ["-a", f"base_url={base_url}", "-a", "max_pages=100000"]
    command += ["-s", "AUTOTHROTTLE_ENABLED=False", "-s", "DOWNLOAD_DELAY=0"]
    command += ["-s", "LOG_LEVEL=WARNING", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=16"]
    started = time.perf_counter()
    done = subprocess.run(command, cwd=workdir, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"crawl failed ({done.returncode}):\n{done.stderr[-3000:]}")
    reports = sorted(workdir.glob("data/maghress/runs/*.json"))
    return seconds, json.loads(reports[-1].read_text(encoding="utf-8"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--articles", type=int, default=2000, help="size of the fixture site")
    parser.add_argument("--new", type=int, default=20, help="articles added before the re-run")
    parser.add_argument("--page-kb", type=int, default=110, help="page size, like the real site")
    options = parser.parse_args()

    site = load_site(synthetic=max(options.articles - 74, 0), page_kb=options.page_kb)
    with DemoSite(site) as server, tempfile.TemporaryDirectory() as scratch:
        workdir = Path(scratch)
        full_s, full = crawl(workdir, server.base_url)
        for number in range(options.new):
            server.site.add_article("fr" if number % 2 else "ar")
        rerun_s, rerun = crawl(workdir, server.base_url)

    result = {
        "benchmark": "incremental",
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        "site_articles": len(site.articles) - options.new,
        "new_articles": options.new,
        "full": {
            "requests": full["pages"]["requests"],
            "articles": full["records"].get("article", 0),
            "seconds": round(full_s, 2),
        },
        "rerun": {
            "requests": rerun["pages"]["requests"],
            "articles": rerun["records"].get("article", 0),
            "seconds": round(rerun_s, 2),
        },
    }
    result["request_ratio"] = round(result["rerun"]["requests"] / result["full"]["requests"], 4)
    result["time_ratio"] = round(rerun_s / full_s, 4)
    result["targets_met"] = {
        "requests <= 5%": result["request_ratio"] <= 0.05,
        "time <= 10%": result["time_ratio"] <= 0.10,
        "rerun wrote exactly the new articles": result["rerun"]["articles"] == options.new,
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "incremental.json").write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    print(f"{'run':<8}{'requests':>10}{'articles':>10}{'seconds':>10}")
    for name in ("full", "rerun"):
        row = result[name]
        print(f"{name:<8}{row['requests']:>10}{row['articles']:>10}{row['seconds']:>10}")
    print(f"re-run / full: requests {result['request_ratio']:.1%}, time {result['time_ratio']:.1%}")
    for target, met in result["targets_met"].items():
        print(f"  {'met' if met else 'NOT met'}: {target}")


if __name__ == "__main__":
    main()
