"""Cron-grade runs, end to end against the fixture site driven between runs.

Every run is a real `scrapy crawl` (or `newsspider run`) subprocess; the site is
changed through its test controls (new articles, clock, faults) between runs.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from datetime import date, datetime, timezone
from pathlib import Path

import pytest

from newsspider import exitcodes
from newsspider.demo_site import DemoFamily, DemoSite, load_site
from newsspider.schema import file_errors
from newsspider.state import StateStore
from tests.conftest import FAST, CrawlRun, run_crawl


def ids_of(article_list) -> set[str]:
    return {f"maghress:{a.lang}:{a.source}:{a.id}" for a in article_list}


def report_of(run: CrawlRun, site: str = "maghress") -> dict:
    """The report of the newest run in the run's folder (call it right after the run)."""
    reports = sorted(run.workdir.glob(f"data/{site}/runs/*.json"))
    return json.loads(reports[-1].read_text(encoding="utf-8"))


def article_ids(paths: list[Path]) -> list[str]:
    return [json.loads(line)["id"] for path in paths for line in path.open(encoding="utf-8")]


# content/djazairess/articles_*.json: the sister site crawled beside Maghress below.
DJAZAIRESS = {
    "djazairess:fr:elwatan:634512",
    "djazairess:fr:elwatan:634488",
    "djazairess:fr:lesoirdalgerie:271102",
    "djazairess:fr:lesoirdalgerie:271044",
    "djazairess:ar:elkhabar:1578320",
    "djazairess:ar:elkhabar:1578295",
    "djazairess:ar:echorouk:612470",
}


def test_rerun_writes_only_new_articles_and_fetches_little(tmp_path: Path) -> None:
    """Three runs of Maghress, and of Djazairess beside it (its own state and files)."""
    with DemoFamily(["maghress", "djazairess"]) as family:
        server, sister = family["maghress"], family["djazairess"]
        base = f"base_url={server.base_url}"
        sister_base = ("-a", f"base_url={sister.base_url}")
        first = run_crawl(tmp_path, "-a", base)
        assert first.returncode == exitcodes.OK, first.stderr[-2000:]
        first_files = first.files("maghress/articles-*.jsonl")
        assert set(article_ids(first_files)) == ids_of(server.site.articles)
        first_requests = report_of(first)["pages"]["requests"]
        sister_first = run_crawl(tmp_path, *sister_base, spider="djazairess")
        assert sister_first.returncode == exitcodes.OK, sister_first.stderr[-2000:]
        sister_files = sister_first.files("djazairess/articles-*.jsonl")
        assert sorted(article_ids(sister_files)) == sorted(DJAZAIRESS)

        added = [server.site.add_article("fr"), server.site.add_article("ar", layout="article")]
        added.append(server.site.add_article("fr", source="libe"))
        sister_added = [
            sister.site.add_article("fr", source="elwatan"),
            sister.site.add_article("ar", source="echorouk", layout="article"),
        ]
        second = run_crawl(tmp_path, "-a", base)
        assert second.returncode == exitcodes.OK, second.stderr[-2000:]
        second_files = [
            p for p in second.files("maghress/articles-*.jsonl") if p not in first_files
        ]
        assert sorted(article_ids(second_files)) == sorted(ids_of(added))
        report = report_of(second)
        assert report["pages"]["article_pages"] == len(added)
        assert report["pages"]["requests"] <= first_requests // 3
        assert report["state"]["known_before"] == len(first_ids := article_ids(first_files))
        assert report["state"]["new"] == len(added)
        sister_second = run_crawl(tmp_path, *sister_base, spider="djazairess")
        assert sister_second.returncode == exitcodes.OK, sister_second.stderr[-2000:]
        new_files = [
            p for p in sister_second.files("djazairess/articles-*.jsonl") if p not in sister_files
        ]
        # Each newspaper's next id (content/djazairess): elwatan 634513, echorouk 612471.
        assert sorted(article_ids(new_files)) == [
            "djazairess:ar:echorouk:612471",
            "djazairess:fr:elwatan:634513",
        ]
        report = report_of(sister_second, "djazairess")
        assert (report["pages"]["article_pages"], report["state"]["known_before"]) == (2, 7)

        third = run_crawl(tmp_path, "-a", base)
        assert third.returncode == exitcodes.OK, third.stderr[-2000:]
        report = report_of(third)
        assert report["records"].get("article", 0) == 0 and report["pages"]["article_pages"] == 0
        all_files = third.files("maghress/articles-*.jsonl")
        assert all_files == sorted(first_files + second_files), "nothing new, no new file"
        union = article_ids(all_files)
        assert len(union) == len(set(union)) == len(first_ids) + len(added)
        sister_third = run_crawl(tmp_path, *sister_base, spider="djazairess")
        assert sister_third.returncode == exitcodes.OK, sister_third.stderr[-2000:]
        report = report_of(sister_third, "djazairess")
        assert report["records"].get("article", 0) == 0 and report["pages"]["article_pages"] == 0
        union = article_ids(sister_third.files("djazairess/articles-*.jsonl"))
        assert len(union) == len(set(union)) == len(DJAZAIRESS) + len(sister_added)


def test_since_auto_bounds_listings_but_never_skips_a_new_article(tmp_path: Path) -> None:
    with DemoSite() as server:
        base = f"base_url={server.base_url}"
        assert run_crawl(tmp_path, "-a", base, "-a", "lang=fr").returncode == exitcodes.OK
        today = datetime.now(timezone.utc).date()
        fresh = server.site.add_article("fr", source="libe", published=today.isoformat())
        # Published by the newspaper long ago, reaching the aggregator only now.
        late = server.site.add_article("fr", source="libe", published="2019-01-02")
        server.clear_requests()
        run = run_crawl(tmp_path, "-a", base, "-a", "lang=fr", "-a", "since=auto")
        assert run.returncode == exitcodes.OK, run.stderr[-2000:]
        written = set(article_ids(run.files("maghress/articles-*.jsonl")))
        assert ids_of([fresh, late]) <= written
        assert run.stats["newsspider/listing/stopped_at_since"] > 0
        # libe's page 1 starts with today's article, page 2 is all older: the walk stops there.
        assert not [p for _m, p, _s in server.requests if "page=3" in p], "no listing went deep"


def test_full_ignores_the_state(tmp_path: Path, demo_site: DemoSite) -> None:
    base = f"base_url={demo_site.base_url}"
    args = ("-a", base, "-a", "lang=ar")
    assert run_crawl(tmp_path, *args).returncode == exitcodes.OK
    run = run_crawl(tmp_path, *args, "-a", "full=true")
    assert run.returncode == exitcodes.OK
    assert report_of(run)["records"]["article"] == sum(
        1 for a in demo_site.site.articles if a.lang == "ar"
    )


def _start_slow_crawl(workdir: Path, base_url: str) -> subprocess.Popen[str]:
    """A crawl slowed to one request at a time, so a test can act in the middle of it."""
    workdir.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "SCRAPY_SETTINGS_MODULE": "newsspider.settings"}
    command = [sys.executable, "-m", "scrapy", "crawl", "maghress", *FAST]
    command += ["-a", f"base_url={base_url}", "-s", "CONCURRENT_REQUESTS=1"]
    command += ["-s", "DOWNLOAD_DELAY=0.05", "-s", "RANDOMIZE_DOWNLOAD_DELAY=False"]
    return subprocess.Popen(
        command, cwd=workdir, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )


def _wait_for(condition, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def test_kill_9_mid_write_then_rerun_loses_and_doubles_nothing(tmp_path: Path) -> None:
    with DemoSite() as server:
        crawl = _start_slow_crawl(tmp_path, server.base_url)
        parts = lambda: list(tmp_path.glob("data/maghress/articles-*.jsonl.part"))  # noqa: E731
        # Killed once the articles file holds a few KB, i.e. mid-way through writing.
        _wait_for(lambda: parts() and parts()[0].stat().st_size > 20_000)
        crawl.send_signal(signal.SIGKILL)
        crawl.wait(timeout=30)
        assert parts(), "the killed run left its file under a .part name"
        assert not list(tmp_path.glob("data/maghress/articles-*.jsonl")), "no final file yet"

        rerun = run_crawl(tmp_path, "-a", f"base_url={server.base_url}")
        assert rerun.returncode == exitcodes.OK, rerun.stderr[-2000:]
        assert not parts()
        finals = rerun.files("maghress/articles-*.jsonl")
        assert len(finals) == 2, "the salvaged file and the rerun's file"
        for path in finals:
            assert list(file_errors(path)) == [], f"torn or bad line in {path}"
        union = article_ids(finals)
        assert len(union) == len(set(union)), "an article was written twice"
        assert set(union) == ids_of(server.site.articles), "an article was lost"
        salvaged = {
            Path(s["final"]).name.split("-")[0]: s for s in report_of(rerun)["state"]["salvaged"]
        }
        assert salvaged["articles"]["kept"] > 0, "the killed run's complete lines were kept"


def test_second_run_exits_at_once_while_one_is_in_progress(tmp_path: Path) -> None:
    with DemoSite() as server:
        # One listing page answers only after the second run has had its chance (a
        # loaded machine may take seconds to start it): the first run is still in
        # progress, waiting for it.
        server.site.add_path_fault("/fr/libe", "slow", seconds=45)
        crawl = _start_slow_crawl(tmp_path, server.base_url)
        try:
            _wait_for(lambda: len(server.requests) > 3)
            started = time.monotonic()
            second = run_crawl(tmp_path, "-a", f"base_url={server.base_url}")
            assert second.returncode == exitcodes.LOCKED
            assert second.stderr.startswith(
                "scrapy crawl maghress: error: another run is in progress"
            )
            assert len(second.stderr.strip().splitlines()) == 1
            assert time.monotonic() - started < 30
        finally:
            crawl.kill()
            crawl.wait(timeout=30)


def test_unreachable_site_is_a_failed_run(tmp_path: Path) -> None:
    with DemoSite() as server:
        dead = server.base_url  # the port is closed once the server stops
    run = run_crawl(tmp_path, "-a", f"base_url={dead}", "-s", "RETRY_TIMES=1")
    assert run.returncode == exitcodes.FAILED
    assert report_of(run)["exit_reason"] == "the site did not answer (no page fetched)"
    summary = [line for line in run.stderr.splitlines() if line.startswith("newsspider maghress")]
    assert len(summary) == 1 and "exit 3 (run failed: the site did not answer" in summary[0]


# The article pages of the section: 54 French ones on Maghress, Yemeress's 3 Arabic ones.
@pytest.mark.parametrize(("site", "lang", "pages"), [("maghress", "fr", 54), ("yemeress", "ar", 3)])
def test_unknown_layout_is_no_articles(tmp_path: Path, site: str, lang: str, pages: int) -> None:
    with DemoFamily([site]) as family:
        family[site].site.set_faults(unknown_layout=True)
        run = run_crawl(
            tmp_path, "-a", f"base_url={family[site].base_url}", "-a", f"lang={lang}", spider=site
        )
    assert run.returncode == exitcodes.NO_ARTICLES, run.stderr[-2000:]
    assert report_of(run, site)["exit_reason"].startswith(f"0 article(s) found on {pages} ")
    summary = [line for line in run.stderr.splitlines() if line.startswith(f"newsspider {site} ")]
    assert len(summary) == 1 and " exit 4 (no articles where some were expected: " in summary[0]


def test_a_strip_in_an_unknown_markup_is_no_headlines(tmp_path: Path) -> None:
    """Articles still come, strips do not: one record kind must not vanish with exit 0."""
    with DemoSite() as server:
        server.site.set_faults(unknown_strip=True)
        run = run_crawl(tmp_path, "-a", f"base_url={server.base_url}", "-a", "lang=fr")
    assert run.returncode == exitcodes.NO_HEADLINES, run.stderr[-2000:]
    report = report_of(run)
    assert report["records"].get("headlines", 0) == 0 and report["records"]["article"] > 10
    assert report["exit_reason"].endswith("pages of section fr without a headline strip (100%)")


def test_a_garbled_article_is_dropped_and_fails_the_run(tmp_path: Path) -> None:
    """Text a CMS stored double-decoded decodes cleanly: the record guard must catch it."""
    with DemoSite() as server:
        seed = server.site.render("/fr/libe/32145")
        garbled = seed.body.decode("utf-8").encode("utf-8").decode("cp1252", "replace")
        server.site.add_path_fault(
            "/fr/libe/32145",
            "content",
            content_type="text/html; charset=utf-8",
            body=garbled.encode("utf-8"),
        )
        run = run_crawl(tmp_path, "-a", f"base_url={server.base_url}", "-a", "lang=fr")
    assert run.returncode == exitcodes.MOJIBAKE, run.stderr[-2000:]
    report = report_of(run)
    # The article and the garbled copy of the strip on its page: neither is written.
    assert report["dropped"]["mojibake"] == 2
    assert all(
        "Ã" not in entry["title"]
        for strip in run.records("maghress/headlines-*.jsonl")
        for entry in strip["headlines"]
    )
    ids = set(article_ids(run.files("maghress/articles-*.jsonl")))
    assert "maghress:fr:libe:32145" not in ids and len(ids) > 10


def test_server_errors_on_a_share_of_pages_is_the_error_rate(tmp_path: Path) -> None:
    with DemoSite() as server:
        server.site.set_faults(error_share=0.3, error_status=500)
        run = run_crawl(tmp_path, "-a", f"base_url={server.base_url}", "-a", "lang=fr")
    assert run.returncode == exitcodes.ERROR_RATE, run.stderr[-2000:]
    report = report_of(run)
    assert report["pages"]["gave_up"] > 0 and report["pages"]["retries"] > 0
    assert report["pages"]["by_status"]["500"] > report["pages"]["gave_up"], "retried first"


def test_pages_without_dates_fail_the_coverage_check(tmp_path: Path) -> None:
    with DemoSite() as server:
        server.site.set_faults(hide_dates=True)
        run = run_crawl(tmp_path, "-a", f"base_url={server.base_url}", "-a", "lang=ar")
    assert run.returncode == exitcodes.COVERAGE, run.stderr[-2000:]
    report = report_of(run)
    assert report["coverage"]["published"] == 0.0
    assert "without published" in report["exit_reason"]


def test_bad_threshold_setting_is_a_usage_error(tmp_path: Path, demo_site: DemoSite) -> None:
    run = run_crawl(
        tmp_path, "-a", f"base_url={demo_site.base_url}", "-s", "NEWSSPIDER_MAX_ERROR_RATE=lots"
    )
    assert run.returncode == exitcodes.USAGE
    assert run.stderr.strip() == (
        "scrapy crawl maghress: error: setting NEWSSPIDER_MAX_ERROR_RATE: "
        "expected a number from 0 to 1, got 'lots'"
    )


def test_bad_header_cap_is_a_usage_error_before_any_request(
    tmp_path: Path, demo_site: DemoSite
) -> None:
    run = run_crawl(
        tmp_path, "-a", f"base_url={demo_site.base_url}", "-s", "NEWSSPIDER_MAX_HEADER_BYTES=lots"
    )
    assert run.returncode == exitcodes.USAGE
    assert run.stderr.strip() == (
        "scrapy crawl maghress: error: setting NEWSSPIDER_MAX_HEADER_BYTES: "
        "expected bytes > 0, got 'lots'"
    )


def test_front_door_logs_to_a_file_and_prints_one_line(tmp_path: Path, demo_site: DemoSite) -> None:
    env = {**os.environ, "SCRAPY_SETTINGS_MODULE": "newsspider.settings"}
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "newsspider.cli",
            "run",
            "maghress",
            f"base_url={demo_site.base_url}",
            "lang=fr",
            "sources=libe",
            "-s",
            "AUTOTHROTTLE_ENABLED=False",
            "-s",
            "DOWNLOAD_DELAY=0",
        ],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == exitcodes.OK, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("newsspider maghress ")
    assert "exit 0 (ok)" in lines[0]
    logs = list(tmp_path.glob("data/maghress/logs/*.log"))
    assert len(logs) == 1 and "Spider closed (finished)" in logs[0].read_text(encoding="utf-8")
    assert done.stdout == ""


def test_demo_site_default_is_unchanged_by_controls() -> None:
    # The controls act on one Site object; a fresh load is the pristine fixture.
    site = load_site()
    site.add_article("fr")
    assert len(load_site().articles) == len(site.articles) - 1
    assert isinstance(site.clock, date)


def test_front_door_shows_a_progress_line_on_a_terminal(
    tmp_path: Path, demo_site: DemoSite
) -> None:
    import pty

    env = {**os.environ, "SCRAPY_SETTINGS_MODULE": "newsspider.settings"}
    command = [sys.executable, "-m", "newsspider.cli", "run", "maghress"]
    command += [f"base_url={demo_site.base_url}", "lang=fr", "-s", "AUTOTHROTTLE_ENABLED=False"]
    command += ["-s", "CONCURRENT_REQUESTS=1", "-s", "DOWNLOAD_DELAY=0.05"]
    leader, follower = pty.openpty()
    process = subprocess.Popen(
        command, cwd=tmp_path, env=env, stdin=follower, stdout=follower, stderr=follower
    )
    os.close(follower)
    output = b""
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:  # the terminal closed with the process
            break
        if not chunk:
            break
        output += chunk
    os.close(leader)
    assert process.wait(timeout=120) == exitcodes.OK
    text = output.decode(errors="replace")
    assert "\r\x1b[Kmaghress: " in text and " pages done, " in text, text[-500:]
    assert " pending, " in text and " elapsed, " in text and " failed" in text, text[-500:]
    assert "exit 0 (ok)" in text


def test_after_an_unclean_run_listings_are_walked_to_their_end(tmp_path: Path) -> None:
    with DemoSite() as server:
        base = f"base_url={server.base_url}"
        assert run_crawl(tmp_path, "-a", base, "-a", "lang=fr").returncode == exitcodes.OK
        # Articles that sit deep in libe's listing, behind a first page of known ones:
        # only a full walk finds them, as after a run that died or lost a listing page.
        deep = [
            server.site.add_article("fr", source="libe", published="2019-01-02") for _ in range(6)
        ]
        state = StateStore(tmp_path / "data" / "state" / "maghress.sqlite")
        state.set_clean(False)  # what a kill -9 or a failed listing page leaves behind
        state.close()
        server.clear_requests()
        run = run_crawl(tmp_path, "-a", base, "-a", "lang=fr")
        walked = {p for _m, p, _s in server.requests if p.startswith("/fr/libe?page=")}
        assert {"/fr/libe?page=2", "/fr/libe?page=3"} <= walked, "libe's page 1 is all known"
        assert run.returncode == exitcodes.OK, run.stderr[-2000:]
        assert ids_of(deep) <= set(article_ids(run.files("maghress/articles-*.jsonl")))
        assert report_of(run)["state"]["previous_run_clean"] is False
        assert "did not finish cleanly" in run.stderr


def test_a_failed_listing_page_makes_the_run_unclean(tmp_path: Path) -> None:
    with DemoSite() as server:
        server.site.add_path_fault("/fr/libe", "status", status=500)
        run = run_crawl(tmp_path, "-a", f"base_url={server.base_url}", "-a", "lang=fr")
    assert run.stats["newsspider/failed_listing_pages"] == 1
    assert StateStore(tmp_path / "data" / "state" / "maghress.sqlite").previous_clean is False


def test_an_article_lost_deep_in_a_listing_is_fetched_by_the_next_run(tmp_path: Path) -> None:
    """An article page that failed (500 that lasts, a redirect to another server…) on
    page 3 of its listing: the run is unclean, so the next run, walking the listings
    to their end instead of stopping at known pages, writes it."""
    with DemoSite() as server:
        base = ("-a", f"base_url={server.base_url}", "-a", "lang=fr")
        server.site.add_path_fault("/fr/libe/32145", "status", status=500)
        first = run_crawl(tmp_path, *base, "-s", "RETRY_TIMES=0")
        assert first.stats["newsspider/lost_article_pages"] == 1
        assert StateStore(tmp_path / "data" / "state" / "maghress.sqlite").previous_clean is False
        server.site.clear_faults()
        second = run_crawl(tmp_path, *base)
    assert second.returncode == exitcodes.OK, second.stderr[-2000:]
    written = article_ids(second.files("maghress/articles-*.jsonl"))
    assert written.count("maghress:fr:libe:32145") == 1
