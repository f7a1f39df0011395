"""``make demo``: crawl two sites of the bundled fixture family offline and show what came out.

Serves Maghress (French and Arabic) and Masress (English and Arabic) on free loopback
ports, runs ``scrapy crawl maghress`` and ``scrapy crawl masress`` against them exactly as
a user would (two subprocesses, side by side), stops the sites, then prints the files
written, one line per site (records, pages, layouts) and one article of each.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from newsspider.demo_site import DemoFamily

# The seed article of the Maghress fixture, and an English one of Masress's.
SAMPLES = {"maghress": "maghress:fr:libe:32145", "masress": "masress:en:ahram-online:452310"}


def _new_files(folder: Path, since: float) -> list[Path]:
    return sorted(p for p in folder.glob("*.jsonl") if p.stat().st_mtime >= since)


def _records(paths: list[Path]) -> list[dict]:
    return [json.loads(line) for path in paths for line in path.open(encoding="utf-8")]


def _crawl_command(site: str, base_url: str, folder: Path, state: str) -> list[str]:
    """``scrapy crawl SITE`` on its mirror, writing into ``folder`` with a scratch state."""
    feeds = {
        f"{folder}/articles-%(run_id)s.jsonl": {
            "format": "jsonlines",
            "item_classes": ["newsspider.items.Article"],
        },
        f"{folder}/headlines-%(run_id)s.jsonl": {
            "format": "jsonlines",
            "item_classes": ["newsspider.items.Headlines"],
        },
    }
    settings = {
        # Our own loopback server: politeness delays would only slow the demo.
        "AUTOTHROTTLE_ENABLED": "False",
        "DOWNLOAD_DELAY": "0",
        "LOG_LEVEL": "WARNING",
        "NEWSSPIDER_STATS_FILE": f"{folder}/stats.json",
        "NEWSSPIDER_STATE_DIR": state,
        "NEWSSPIDER_REPORT_DIR": f"{folder}/runs",
        "FEEDS": json.dumps(feeds),
    }
    command = [sys.executable, "-m", "scrapy", "crawl", site, "-a", f"base_url={base_url}"]
    for name, value in settings.items():
        command += ["-s", f"{name}={value}"]
    return command


def _summary(site: str, folder: Path, started: float) -> tuple[str, dict | None]:
    """One line about a site's crawl, and its sample article."""
    stats = json.loads((folder / "stats.json").read_text("utf-8"))
    files = _new_files(folder, started - 1)
    articles = _records([p for p in files if p.name.startswith("articles-")])
    strips = _records([p for p in files if p.name.startswith("headlines-")])
    langs: dict[str, int] = {}
    for article in articles:
        langs[article["lang"]] = langs.get(article["lang"], 0) + 1
    layouts = {
        k.rsplit("/", 1)[1]: v for k, v in stats.items() if k.startswith("newsspider/layout/")
    }
    missing = {
        k.rsplit("/", 1)[1]: v for k, v in stats.items() if k.startswith("newsspider/missing/")
    }
    by_lang = ", ".join(f"{lang} {count}" for lang, count in sorted(langs.items()))
    line = (
        f"  {site}: {len(articles)} articles ({by_lang}), {len(strips)} headline strips; "
        f"pages fetched: {stats.get('downloader/response_count', 0)} "
        f"(status 200: {stats.get('downloader/response_status_count/200', 0)}); "
        f"layouts: {layouts}; fields not found: {missing or 'none'}"
    )
    sample = next((a for a in articles if a["id"] == SAMPLES[site]), None)
    return line, sample or (articles[0] if articles else None)


def main() -> int:
    # Its own folder: the demo never mixes its mirror records with a real crawl's
    # output, nor salvages a real run's .part files.  Emptied first: with its scratch
    # state, an earlier demo's files would be a state lost (the run refuses those).
    data = Path("data") / "demo"
    shutil.rmtree(data, ignore_errors=True)
    started = time.time()
    # A scratch state: every demo run shows the full result, whatever ran before.
    with (
        DemoFamily(list(SAMPLES)) as family,
        tempfile.TemporaryDirectory(prefix="newsspider-demo-") as state,
    ):
        for site in SAMPLES:
            print(f"demo site: {family[site].base_url} ({site}, loopback only)")
        print("running:", " & ".join(f"scrapy crawl {site} -a base_url=…" for site in SAMPLES))
        crawls = {
            site: subprocess.Popen(
                _crawl_command(site, family[site].base_url, data / site, f"{state}/{site}")
            )
            for site in SAMPLES
        }
        statuses = {site: crawl.wait() for site, crawl in crawls.items()}
    seconds = time.time() - started
    if failed := {site: status for site, status in statuses.items() if status != 0}:
        for site, status in failed.items():
            print(
                f"{site}: the crawl ended with exit status {status} (see the README)",
                file=sys.stderr,
            )
        return max(failed.values())

    print("\nfiles written:")
    for site in SAMPLES:
        for path in _new_files(data / site, started - 1):
            print(f"  {path}")
    print(f"records, in {seconds:.1f} s:")
    samples = []
    for site in SAMPLES:
        line, sample = _summary(site, data / site, started)
        print(line)
        samples.append(sample)
    for sample in filter(None, samples):
        shown = {**sample, "body": sample["body"][:300] + " […]"}
        print(f"\none article of {sample['site']}:")
        print(json.dumps(shown, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
