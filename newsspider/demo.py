"""``make demo``: crawl the bundled fixture site offline and show what came out.

Starts the demo site on a free loopback port, runs ``scrapy crawl maghress``
against it exactly as a user would (a subprocess), stops the site, then prints
the files written, the records of each kind, the pages fetched and one article.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from newsspider.demo_site import DemoSite

SAMPLE_ID = "maghress:fr:libe:32145"  # the seed article of the fixture site


def _new_files(folder: Path, since: float) -> list[Path]:
    return sorted(p for p in folder.glob("*.jsonl") if p.stat().st_mtime >= since)


def _records(paths: list[Path]) -> list[dict]:
    return [json.loads(line) for path in paths for line in path.open(encoding="utf-8")]


def main() -> int:
    # Its own folder: the demo never mixes its mirror records with a real crawl's
    # output, nor salvages a real run's .part files.  Emptied first: with its scratch
    # state, an earlier demo's files would be a state lost (the run refuses those).
    data = Path("data") / "demo"
    shutil.rmtree(data, ignore_errors=True)
    stats_path = data / "stats.json"
    feeds = {
        f"{data}/articles-%(run_id)s.jsonl": {
            "format": "jsonlines",
            "item_classes": ["newsspider.items.Article"],
        },
        f"{data}/headlines-%(run_id)s.jsonl": {
            "format": "jsonlines",
            "item_classes": ["newsspider.items.Headlines"],
        },
    }
    started = time.time()
    # A scratch state: every demo run shows the full result, whatever ran before.
    with DemoSite() as site, tempfile.TemporaryDirectory(prefix="newsspider-demo-") as state:
        print(f"demo site: {site.base_url} (loopback only)")
        command = [
            sys.executable,
            "-m",
            "scrapy",
            "crawl",
            "maghress",
            "-a",
            f"base_url={site.base_url}",
            # Our own loopback server: politeness delays would only slow the demo.
            "-s",
            "AUTOTHROTTLE_ENABLED=False",
            "-s",
            "DOWNLOAD_DELAY=0",
            "-s",
            "LOG_LEVEL=WARNING",
            "-s",
            f"NEWSSPIDER_STATS_FILE={stats_path}",
            "-s",
            f"NEWSSPIDER_STATE_DIR={state}",
            "-s",
            f"NEWSSPIDER_REPORT_DIR={data}/runs",
            "-s",
            f"FEEDS={json.dumps(feeds)}",
        ]
        print("running:", " ".join(command[2:9]), "…")
        status = subprocess.run(command, check=False).returncode
    seconds = time.time() - started
    if status != 0:
        print(f"the crawl ended with exit status {status} (see the README)", file=sys.stderr)
        return status

    stats = json.loads(stats_path.read_text("utf-8"))
    articles_files = _new_files(data, started - 1)
    articles = _records([p for p in articles_files if p.name.startswith("articles-")])
    strips = _records([p for p in articles_files if p.name.startswith("headlines-")])
    print()
    print("files written:")
    for path in articles_files:
        print(f"  {path}")
    print(f"records: {len(articles)} articles, {len(strips)} headline strips")
    print(
        f"pages fetched: {stats.get('downloader/response_count', 0)} "
        f"(status 200: {stats.get('downloader/response_status_count/200', 0)}), "
        f"in {seconds:.1f} s"
    )
    layouts = {
        k.rsplit("/", 1)[1]: v for k, v in stats.items() if k.startswith("newsspider/layout/")
    }
    missing = {
        k.rsplit("/", 1)[1]: v for k, v in stats.items() if k.startswith("newsspider/missing/")
    }
    print(f"layouts: {layouts}; fields not found: {missing or 'none'}")
    sample = next((a for a in articles if a["id"] == SAMPLE_ID), articles[0] if articles else None)
    if sample:
        shown = {**sample, "body": sample["body"][:300] + " […]"}
        print("\none article:")
        print(json.dumps(shown, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
