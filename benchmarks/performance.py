"""Benchmark: newsspider's crawl against two floors, and its extractor against
trafilatura and the bare lxml parse.  Run by hand: ``make bench``
(``python -m benchmarks.performance --pages 1000 --rounds 1`` for a quick look).

1. Crawl, three arms over the same URLs (those newsspider fetched), each in its
   own process, alternated for ``--rounds`` rounds at each size of ``--sizes``
   (article pages): (a) a no-op spider, (b) the parse-only spider, the no-op
   that also parses each page once with ``lxml.html.document_fromstring``,
   (c) ``scrapy crawl maghress`` with every default pipeline, feed and
   extension.  Same settings for all (no AutoThrottle, no delay, same
   concurrency, same settings module).  The pages come pre-rendered from a
   server in another process (``benchmarks/pageserver.py``), which times the
   rate: article pages from its first to its last article request.  The
   ratios are newsspider's rate over each floor's, per round; the median is
   reported.  CPU ms/page is the crawler process's CPU time over the same
   window (sampled from /proc), per article page; the ratios from it are what
   the rate ratios are on an idle machine, and hold on a busy one.
2. Extraction alone, in-process, on the same pages: newsspider's page → records,
   ``trafilatura.extract`` (JSON with metadata) and ``lxml.html.fromstring``.
3. Peak RSS (the crawler's own VmHWM) of a newsspider crawl at each size of
   ``--memory``.

Writes ``benchmarks/results/performance.json`` and prints the tables.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from itertools import pairwise
from pathlib import Path

import lxml.html

from benchmarks.pageserver import build_site
from newsspider.extract import page_from_response
from newsspider.records import page_records
from newsspider.sites import SITES

HERE = Path(__file__).parent
SAME = ["-s", "AUTOTHROTTLE_ENABLED=False", "-s", "DOWNLOAD_DELAY=0", "-s", "LOG_LEVEL=ERROR"]
SAME += ["-s", "CONCURRENT_REQUESTS=16", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=16"]
SAME += ["-s", "ROBOTSTXT_OBEY=False"]
ARMS = ("noop", "parse", "newsspider")
# The targets of issue 15: newsspider's rate over each floor's.
TARGETS = {"parse": 0.9, "noop": 0.6}


class PageServer:
    """``benchmarks.pageserver`` in its own process, driven over its stdin/stdout."""

    def __init__(self, articles: int, page_kb: int) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "benchmarks.pageserver", f"--articles={articles}",
             f"--page-kb={page_kb}"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
        )  # fmt: skip
        self.base_url = self._answer()["base_url"]

    def _answer(self) -> dict:
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        if not line:
            raise SystemExit("the page server stopped")
        return json.loads(line)

    def ask(self, command: str) -> dict:
        assert self.process.stdin is not None
        self.process.stdin.write(command + "\n")
        self.process.stdin.flush()
        return self._answer()

    def close(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.close()
        self.process.wait(timeout=60)


def _run(command: list[str], workdir: Path) -> dict:
    workdir.mkdir(parents=True, exist_ok=True)
    stats = workdir / "stats.json"
    env = {**os.environ, "SCRAPY_SETTINGS_MODULE": "newsspider.settings"}
    command = [*command, *SAME, "-s", f"NEWSSPIDER_STATS_FILE={stats}"]
    cpu_before = _children_cpu_s()
    process = subprocess.Popen(
        command, cwd=workdir, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )
    peak_kb, cpu_samples = 0, []
    while process.poll() is None:
        peak_kb = max(peak_kb, _high_water_kb(process.pid))
        if (cpu := _process_cpu_s(process.pid)) is not None:
            cpu_samples.append((time.perf_counter(), cpu))
        time.sleep(0.05)
    stderr = process.stderr.read() if process.stderr else ""
    if not stats.exists():
        raise SystemExit(f"run failed ({process.returncode}):\n{stderr[-3000:]}")
    result = json.loads(stats.read_text(encoding="utf-8"))
    result["peak_rss_mb"] = peak_kb >> 10
    result["cpu_s"] = _children_cpu_s() - cpu_before
    result["cpu_samples"] = cpu_samples
    return result


def _process_cpu_s(pid: int) -> float | None:
    """CPU seconds (user + system) a live process has used so far."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return (int(fields[11]) + int(fields[12])) / _TICKS


_TICKS = os.sysconf("SC_CLK_TCK")


def _cpu_at(samples: list[tuple[float, float]], when: float) -> float:
    """The crawler's CPU seconds at ``when`` (perf_counter is one clock for every
    process: CLOCK_MONOTONIC), interpolated between the two samples around it."""
    before = max((s for s in samples if s[0] <= when), default=samples[0])
    after = min((s for s in samples if s[0] >= when), default=samples[-1])
    if after[0] == before[0]:
        return before[1]
    share = (when - before[0]) / (after[0] - before[0])
    return before[1] + share * (after[1] - before[1])


def _children_cpu_s() -> float:
    """CPU seconds of the reaped children: the crawler's own work, start-up included
    (the page server, also a child, is reaped only at the end)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _high_water_kb(pid: int) -> int:
    """The child's own peak RSS (VmHWM).  Scrapy's ``memusage/max`` reads
    getrusage, whose peak Linux carries over from the parent at fork."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


def crawl_command(arm: str, base_url: str, url_file: Path) -> list[str]:
    if arm == "newsspider":
        return [sys.executable, "-m", "scrapy", "crawl", "maghress", "-a", f"base_url={base_url}",
                "-a", "max_pages=100000"]  # fmt: skip
    return [sys.executable, "-m", "scrapy", "runspider", str(HERE / "noop_spider.py"),
            "-a", f"url_file={url_file}", "-a", f"parse={str(arm == 'parse').lower()}",
            "-a", f"items={str(arm == 'items').lower()}"]  # fmt: skip


def timed_crawl(server: PageServer, arm: str, url_file: Path, workdir: Path) -> dict:
    """One crawl of ``arm``; its rate as the server saw it."""
    server.ask("reset")
    stats = _run(crawl_command(arm, server.base_url, url_file), workdir)
    seen = server.ask("report")
    pages = seen["count"]
    span = seen["last"] - seen["first"]
    samples = stats["cpu_samples"]
    window_cpu = _cpu_at(samples, seen["last"]) - _cpu_at(samples, seen["first"]) if samples else 0
    tenths = []
    if samples and len(seen["tenths"]) == 11:
        # CPU ms/page in each tenth of the crawl: flat when no cost grows with pages seen.
        cpu = [_cpu_at(samples, when) for when in seen["tenths"]]
        tenths = [round((b - a) / (pages / 10) * 1000, 3) for a, b in pairwise(cpu)]
    return {
        "cpu_ms_page_by_tenth": tenths,
        "pages_s": round((pages - 1) / span, 1) if span > 0 else 0.0,
        "article_pages": pages,
        # The crawler's CPU over the same window: steadier than pages/s on a busy machine.
        "cpu_ms_page": round(window_cpu / max(pages - 1, 1) * 1000, 3),
        "process_cpu_ms_page": round(stats["cpu_s"] / max(pages, 1) * 1000, 2),
        "rss_mb": stats["peak_rss_mb"],
        "items": stats.get("item_scraped_count", 0),
        "paths": seen["paths"],
    }


def crawl_rounds(articles: int, rounds: int, page_kb: int) -> dict:
    """The three arms at one size, alternated: machine noise hits each arm alike.
    A warm-up crawl renders every page once and gives the URLs the floors fetch."""
    results: dict = {arm: [] for arm in ARMS}
    server = PageServer(articles, page_kb)
    try:
        with tempfile.TemporaryDirectory() as scratch:
            scratch_dir = Path(scratch)
            url_file = scratch_dir / "urls.txt"
            warmup = timed_crawl(server, "newsspider", url_file, scratch_dir / "warmup")
            urls = [server.base_url + path for path in warmup["paths"]]
            url_file.write_text("\n".join(urls), encoding="utf-8")
            for number in range(rounds):
                # A different arm first in each round: none always runs first.
                order = ARMS[number % 3 :] + ARMS[: number % 3]
                for arm in order:
                    run = timed_crawl(server, arm, url_file, scratch_dir / f"{arm}-{number}")
                    del run["paths"]
                    results[arm].append(run)
    finally:
        server.close()
    for floor in ("parse", "noop"):
        pairs = list(zip(results["newsspider"], results[floor], strict=True))
        ratios = [news["pages_s"] / other["pages_s"] for news, other in pairs]
        results[f"over_{floor}"] = [round(r, 3) for r in ratios]
        results[f"median_over_{floor}"] = round(statistics.median(ratios), 3)
        # The same ratio from CPU per page (a floor's CPU over newsspider's): what the
        # rate ratio is on an idle machine, where the crawler's core is the limit.
        cpu = [other["cpu_ms_page"] / news["cpu_ms_page"] for news, other in pairs]
        results[f"cpu_over_{floor}"] = [round(r, 3) for r in cpu]
        results[f"cpu_median_over_{floor}"] = round(statistics.median(cpu), 3)
    return results


def peak_rss(articles: int, page_kb: int) -> int:
    """The crawler's peak RSS (MB) in one newsspider crawl of ``articles`` articles."""
    server = PageServer(articles, page_kb)
    try:
        with tempfile.TemporaryDirectory() as scratch:
            run = timed_crawl(server, "newsspider", Path(scratch) / "urls", Path(scratch))
    finally:
        server.close()
    return run["rss_mb"]


def _timed(function, pages) -> tuple[float, float]:
    times = []
    for page in pages:
        started = time.perf_counter()
        function(page)
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return round(statistics.median(times), 3), round(times[int(len(times) * 0.95)], 3)


def extraction(site, count: int) -> dict:
    import trafilatura

    articles = site.articles[:count]
    pages = [
        (f"https://www.maghress.com{a.path}", site.render(a.path).body, a.lang) for a in articles
    ]
    maghress = SITES["maghress"]

    def ours(page):
        url, body, _lang = page
        page_records(page_from_response(url, body, "text/html; charset=utf-8", maghress))

    def theirs(page):
        trafilatura.extract(page[1], url=page[0], output_format="json", with_metadata=True)

    def floor(page):
        lxml.html.fromstring(page[1])

    result = {
        "newsspider_ms": _timed(ours, pages),
        "trafilatura_ms": _timed(theirs, pages),
        "lxml_parse_ms": _timed(floor, pages),
        "pages": len(pages),
    }
    result["trafilatura_over_newsspider"] = round(
        result["trafilatura_ms"][0] / result["newsspider_ms"][0], 1
    )
    result["newsspider_over_lxml"] = round(
        result["newsspider_ms"][0] / result["lxml_parse_ms"][0], 2
    )
    return result


def _sizes(text: str) -> list[int]:
    return [int(size) for size in text.split(",") if size.strip()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--sizes",
        type=_sizes,
        default=[1000, 10000],
        help="article pages of each crawl comparison (default 1000,10000)",
    )
    parser.add_argument(
        "--memory",
        type=_sizes,
        default=[2000, 10000],
        help="article pages of each peak RSS measure (default 2000,10000)",
    )
    parser.add_argument(
        "--pages",
        type=int,
        default=0,
        help="quick look for development: only the crawl comparison, at this size",
    )
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--page-kb", type=int, default=110)
    parser.add_argument(
        "--extraction",
        type=int,
        default=500,
        help="pages of the in-process extraction comparison (0: none)",
    )
    options = parser.parse_args()  # fmt: skip
    if options.pages:
        options.sizes, options.memory, options.extraction = [options.pages], [], 0

    result: dict = {
        "benchmark": "performance",
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        "page_kb": options.page_kb,
        "crawl": {},
    }
    for size in options.sizes:
        result["crawl"][str(size)] = crawl_rounds(size, options.rounds, options.page_kb)
        _print_crawl(size, result["crawl"][str(size)])
    if options.extraction:
        result["extraction"] = extraction(build_site(2000, options.page_kb), options.extraction)
        _print_extraction(result["extraction"])
    if options.memory:
        rss = {}
        for size in options.memory:
            done = result["crawl"].get(str(size))
            rss[size] = (
                max(run["rss_mb"] for run in done["newsspider"])
                if done
                else peak_rss(size, options.page_kb)
            )
        growth = rss[max(rss)] / rss[min(rss)] - 1
        result["memory"] = {"rss_mb": rss, "growth": round(growth, 3)}
        print(f"crawler peak RSS, MB: {rss} (growth {growth:+.1%})")
    targets = {}
    for size, crawl in result["crawl"].items():
        for floor, target in TARGETS.items():
            targets[f"{size} pages: newsspider >= {target} x {floor}"] = (
                crawl[f"median_over_{floor}"] >= target
            )
    if "memory" in result:
        targets["peak RSS <= 200 MB"] = max(result["memory"]["rss_mb"].values()) <= 200
        targets["RSS growth <= 20 %"] = result["memory"]["growth"] <= 0.2
    result["targets_met"] = targets
    (HERE / "results").mkdir(exist_ok=True)
    (HERE / "results" / "performance.json").write_text(json.dumps(result, indent=1) + "\n")
    for target, met in targets.items():
        print(f"  {'met' if met else 'NOT met'}: {target}")


def _print_crawl(size: int, crawl: dict) -> None:
    print(f"crawl, {size} article pages: pages/s as the server saw them (CPU ms/page, RSS MB)")
    print(f"{'round':<7}" + "".join(f"{arm:>24}" for arm in ARMS) + f"{'/ parse':>9}{'/ no-op':>9}")
    for number in range(len(crawl["newsspider"])):
        cells = "".join(
            f"{run['pages_s']:>10} ({run['cpu_ms_page']:>5}, {run['rss_mb']:>3})"
            for run in (crawl[arm][number] for arm in ARMS)
        )
        print(f"{number + 1:<7}{cells}{crawl['over_parse'][number]:>9}"
              f"{crawl['over_noop'][number]:>9}")  # fmt: skip
    print(f"median ratio newsspider / parse-only: {crawl['median_over_parse']}, "
          f"newsspider / no-op: {crawl['median_over_noop']}")  # fmt: skip
    for arm in ARMS:
        growth = [_growth(run["cpu_ms_page_by_tenth"]) for run in crawl[arm]]
        print(f"  {arm}: CPU ms/page, last tenth of the crawl over first: {growth}")
    print(f"  from CPU ms/page: / parse-only {crawl['cpu_median_over_parse']} "
          f"{crawl['cpu_over_parse']}, / no-op {crawl['cpu_median_over_noop']} "
          f"{crawl['cpu_over_noop']}")  # fmt: skip


def _growth(tenths: list[float]) -> float | None:
    """The last tenth's CPU per page over the first's (the first holds no start-up:
    the window opens at the first article request)."""
    return round(tenths[-1] / tenths[0], 2) if tenths and tenths[0] > 0 else None


def _print_extraction(ext: dict) -> None:
    print(f"extraction ms/page (median, p95) on {ext['pages']} pages:")
    for key in ("newsspider_ms", "trafilatura_ms", "lxml_parse_ms"):
        print(f"  {key.removesuffix('_ms'):<12}{ext[key][0]:>8}{ext[key][1]:>8}")
    print(f"  trafilatura/newsspider {ext['trafilatura_over_newsspider']}x, "
          f"newsspider/lxml {ext['newsspider_over_lxml']}x")  # fmt: skip


if __name__ == "__main__":
    main()
