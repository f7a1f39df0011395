"""Shared fixtures: the demo site on a free loopback port, and real crawl subprocesses."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings

from newsspider.demo_site import DemoSite

# Property tests: short in `make test`, long in `make fuzz` (HYPOTHESIS_PROFILE=fuzz).
settings.register_profile("default", max_examples=60, deadline=None)
settings.register_profile("fuzz", max_examples=3000, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

ROOT = Path(__file__).resolve().parent.parent
# Our own loopback server: no need to be polite, and tests should be quick.
FAST = ["-s", "AUTOTHROTTLE_ENABLED=False", "-s", "DOWNLOAD_DELAY=0", "-s", "LOG_LEVEL=INFO"]
FAST += ["-s", "NEWSSPIDER_RETRY_BACKOFF_BASE=0.05"]


@pytest.fixture(scope="session")
def demo_site() -> Iterator[DemoSite]:
    with DemoSite() as server:
        yield server


@dataclass
class CrawlRun:
    returncode: int
    stdout: str
    stderr: str
    workdir: Path
    stats: dict[str, Any] = field(default_factory=dict)

    def records(self, pattern: str) -> list[dict[str, Any]]:
        """Every record of the files matching ``pattern`` under the run's data/ folder."""
        records = []
        for path in sorted((self.workdir / "data").glob(pattern)):
            with path.open(encoding="utf-8") as handle:
                records.extend(json.loads(line) for line in handle)
        return records

    def files(self, pattern: str = "**/*") -> list[Path]:
        return sorted(p for p in (self.workdir / "data").glob(pattern) if p.is_file())


def run_crawl(
    workdir: Path,
    *args: str,
    spider: str = "maghress",
    timeout: int = 300,
    wrapper: Sequence[str] = (),
) -> CrawlRun:
    """``scrapy crawl`` as a user runs it, in ``workdir`` (outputs land in workdir/data);
    ``wrapper`` runs it under another command (``faketime -f +365d``)."""
    workdir.mkdir(parents=True, exist_ok=True)
    stats_file = workdir / "stats.json"
    env = {**os.environ, "SCRAPY_SETTINGS_MODULE": "newsspider.settings"}
    command = [*wrapper, sys.executable, "-m", "scrapy", "crawl", spider, *FAST]
    command += ["-s", f"NEWSSPIDER_STATS_FILE={stats_file}", *args]
    done = subprocess.run(
        command, cwd=workdir, env=env, capture_output=True, text=True, timeout=timeout
    )
    run = CrawlRun(done.returncode, done.stdout, done.stderr, workdir)
    if stats_file.exists():
        run.stats = json.loads(stats_file.read_text("utf-8"))
    return run


@pytest.fixture(scope="session")
def redis_server() -> Iterator[Any]:
    from tests.redis_server import RedisServer

    with RedisServer() as server:
        yield server


@pytest.fixture
def redis_url(redis_server: Any) -> str:
    """An empty Redis for each test."""
    redis_server.client().flushall()
    return redis_server.url
