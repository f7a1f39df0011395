"""Cron runs that used to say "ok" after a loss, or raise an alarm for nothing (issue 12).

Real `scrapy crawl` / `newsspider run` subprocesses against fixture sites on
loopback.  One crawl meets, on one site, the losses that do not interfere:
listing and article pages that answer 200 with nothing usable (empty, not HTML,
a gzip bomb, bytes that are not the gzip they claim), articles the site removed
(404, 410), and a redirect to another port of the same host, served by a second
fixture server.  Then smaller runs: a whole site answering empty pages, sources
no menu lists, and the settings and arguments refused before any request.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from newsspider import exitcodes
from newsspider.demo_site import DemoSite
from newsspider.state import StateStore
from tests.conftest import FAST, CrawlRun, run_crawl


def report_of(run: CrawlRun) -> dict[str, Any]:
    reports = sorted(run.workdir.glob("data/maghress/runs/*.json"))
    return json.loads(reports[-1].read_text(encoding="utf-8"))


def record_id(article: Any) -> str:
    return f"maghress:{article.lang}:{article.source}:{article.id}"


@pytest.fixture(scope="module")
def losses(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """One French crawl of a site whose pages fail in every silent way at once."""
    workdir = tmp_path_factory.mktemp("losses")
    with DemoSite() as other, DemoSite() as server:
        site = server.site
        libe = [a for a in site.articles if a.source == "libe"]
        faulty = {
            "bomb": libe[0],
            "not_gzip": libe[1],
            "empty": libe[2],
            "gone_404": libe[3],
            "gone_410": libe[4],
            "other_port": libe[5],
        }
        # Listing pages answering 200 with nothing usable: older articles hide behind them.
        site.add_path_fault("/fr/lopinion", "content", content_type="text/html", body=b"")
        site.add_path_fault(
            "/fr/infomagazine", "content", content_type="application/json", body=b"{}"
        )
        site.add_path_fault(faulty["bomb"].path, "gzip", size=2_000_000)
        site.add_path_fault(faulty["not_gzip"].path, "gzip", corrupt=True)
        site.add_path_fault(faulty["empty"].path, "content", content_type="text/html", body=b"")
        site.add_path_fault(faulty["gone_404"].path, "status", status=404)
        site.add_path_fault(faulty["gone_410"].path, "status", status=410)
        # The same host, another port: another server, which serves the article too.
        site.add_path_fault(
            faulty["other_port"].path, "redirect", to=other.url(faulty["other_port"].path)
        )
        run = run_crawl(
            workdir,
            "-a",
            f"base_url={server.base_url}",
            "-a",
            "lang=fr",
            "-s",
            "DOWNLOAD_MAXSIZE=1048576",
            # About 70 requests: the five pages lost are more than 6 % of them.
            "-s",
            "NEWSSPIDER_MAX_ERROR_RATE=0.06",
        )
        other_requests = list(other.requests)
    return {"run": run, "faulty": faulty, "other_requests": other_requests}


def test_pages_lost_without_an_http_error_count_as_failed(losses: dict[str, Any]) -> None:
    stats = losses["run"].stats
    dropped = {
        key.removeprefix("newsspider/dropped/"): value
        for key, value in stats.items()
        if key.startswith("newsspider/dropped/")
    }
    assert dropped["unparsable"] == 2, "the empty listing and the empty article"
    assert dropped["not_html"] == 1, "the listing answering JSON"
    assert dropped["body_too_large"] == 1, "the gzip bomb"
    assert dropped["undecodable_body"] == 1, "bytes that are not gzip"
    assert stats["newsspider/failed_requests"] == 5
    assert stats["newsspider/failed_listing_pages"] == 2
    report = report_of(losses["run"])
    assert report["pages"]["failed"] == 5
    # Two listing pages were lost: the next run walks every listing to its end.
    state = StateStore(losses["run"].workdir / "data" / "state" / "maghress.sqlite")
    assert state.previous_clean is False
    written = {r["id"] for r in losses["run"].records("maghress/articles-*.jsonl")}
    for name in ("bomb", "not_gzip", "empty", "gone_404", "gone_410", "other_port"):
        assert record_id(losses["faulty"][name]) not in written, name
    assert len(written) > 30


def test_removed_articles_are_gone_not_failures(losses: dict[str, Any]) -> None:
    stats = losses["run"].stats
    assert stats["newsspider/gone"] == 2
    assert (stats["newsspider/dropped/http_404"], stats["newsspider/dropped/http_410"]) == (1, 1)
    report = report_of(losses["run"])
    assert report["pages"]["gone"] == 2
    # The error rate divides the five lost pages, not the two removed articles.
    requests = stats["scheduler/dequeued"]
    rate = next(check for check in report["checks"] if check["check"] == "error_rate")
    assert rate["failed"] == f"5 of {requests} requests failed ({5 / requests:.0%})"
    assert "NEWSSPIDER_ERROR_RATE_MIN_REQUESTS" in rate["reads"]
    assert losses["run"].returncode == exitcodes.ERROR_RATE, losses["run"].stderr[-2000:]


def test_a_redirect_to_another_port_is_never_fetched(losses: dict[str, Any]) -> None:
    assert losses["other_requests"] == [], "a request reached the server on the other port"
    stats = losses["run"].stats
    assert stats["newsspider/dropped/offsite"] == 1
    assert stats["offsite/filtered"] >= 1
    ports = {r["url"].split("/")[2] for r in losses["run"].records("maghress/articles-*.jsonl")}
    assert len(ports) == 1, ports


def test_a_site_answering_empty_pages_is_no_success(tmp_path: Path) -> None:
    """200 with an empty body for every URL: 0 articles must not exit 0."""
    with DemoSite() as server:
        server.site.add_path_fault("/*", "content", content_type="text/html", body=b"")
        run = run_crawl(tmp_path, "-a", f"base_url={server.base_url}", "-a", "lang=fr")
    assert run.returncode == exitcodes.NO_ARTICLES, run.stderr[-2000:]
    assert report_of(run)["exit_reason"] == "no listing page could be read (2 lost)"
    assert run.stats["newsspider/failed_requests"] == 2, "the home page and the feed"


def newsspider_run(workdir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """``newsspider run maghress …`` as cron runs it."""
    env = {**os.environ, "SCRAPY_SETTINGS_MODULE": "newsspider.settings"}
    command = [sys.executable, "-m", "newsspider.cli", "run", "maghress", *args, *FAST]
    return subprocess.run(
        command, cwd=workdir, env=env, capture_output=True, text=True, timeout=300
    )


def test_a_source_in_no_menu_fails_in_one_line(tmp_path: Path, demo_site: DemoSite) -> None:
    """hespress is an Arabic paper: the French menu does not list it."""
    done = newsspider_run(tmp_path, f"base_url={demo_site.base_url}", "lang=fr", "sources=hespress")
    assert done.returncode == exitcodes.UNKNOWN_SOURCE, done.stderr
    [line] = done.stderr.strip().splitlines()
    assert line.startswith("newsspider maghress ")
    assert (
        "exit 10 (unknown source: sources=hespress: not in the newspapers menu of section fr)"
        in line
    )


def test_a_source_no_section_lists_fails_the_run(tmp_path: Path, demo_site: DemoSite) -> None:
    run = run_crawl(tmp_path, "-a", f"base_url={demo_site.base_url}", "-a", "sources=nosuchpaper")
    assert run.returncode == exitcodes.UNKNOWN_SOURCE, run.stderr[-2000:]
    assert report_of(run)["exit_reason"] == (
        "sources=nosuchpaper: not in the newspapers menus of sections ar, fr"
    )


@pytest.mark.parametrize("front_door", ["scrapy crawl", "newsspider run"])
def test_an_unknown_newsspider_setting_is_refused(
    tmp_path: Path, demo_site: DemoSite, front_door: str
) -> None:
    before = len(demo_site.requests)
    typo = ["-s", "NEWSSPIDER_MAX_EROR_RATE=0.5"]
    if front_door == "scrapy crawl":
        done: Any = run_crawl(tmp_path, "-a", f"base_url={demo_site.base_url}", *typo)
    else:
        done = newsspider_run(tmp_path, f"base_url={demo_site.base_url}", *typo)
    assert done.returncode == exitcodes.USAGE
    assert done.stderr.strip().splitlines() == [
        "scrapy crawl maghress: error: unknown setting NEWSSPIDER_MAX_EROR_RATE "
        "(did you mean NEWSSPIDER_MAX_ERROR_RATE?)"
    ]
    assert len(demo_site.requests) == before, "no request with a bad setting"
