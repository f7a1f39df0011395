"""The process around a run, end to end: stop signals, output targets, one-off exports.

Each test is a real `scrapy crawl` (or `newsspider run`) subprocess against the
fixture site, sent real signals with ``os.kill`` where the case is a signal.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from newsspider import exitcodes
from newsspider.demo_site import DemoSite
from newsspider.state import StateStore
from tests.conftest import FAST, CrawlRun, run_crawl
from tests.test_cron import _wait_for, article_ids, ids_of, report_of

SLOW = ["-s", "CONCURRENT_REQUESTS=1", "-s", "DOWNLOAD_DELAY=0.05"]
SLOW += ["-s", "RANDOMIZE_DOWNLOAD_DELAY=False"]


def _start(workdir: Path, command: list[str]) -> subprocess.Popen[str]:
    """A run slowed to one request at a time; Scrapy's per-user state folder (where its
    remote control would leave a job file) is the test's own."""
    workdir.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "SCRAPY_SETTINGS_MODULE": "newsspider.settings"}
    env["XDG_STATE_HOME"] = str(workdir / "user-state")
    return subprocess.Popen(
        [sys.executable, "-m", *command],
        cwd=workdir,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _scrapy_crawl(workdir: Path, base_url: str) -> subprocess.Popen[str]:
    # stderr to a file: the test reads the log while the crawl runs.
    command = ["scrapy", "crawl", "maghress", *FAST, *SLOW, "-a", f"base_url={base_url}"]
    command += ["-s", f"LOG_FILE={workdir / 'crawl.log'}"]
    return _start(workdir, command)


def _writing(workdir: Path) -> bool:
    """Whether the run is writing articles (its .part file holds a few records)."""
    parts = list(workdir.glob("data/maghress/articles-*.jsonl.part"))
    return bool(parts) and parts[0].stat().st_size > 5000


def _log_says(log: Path, text: str) -> bool:
    return log.exists() and text in log.read_text(encoding="utf-8")


def _hold_the_next_request(server: DemoSite) -> None:
    """Every request from now on waits 30 s for its answer; returns once one waits,
    so a graceful stop has a page in flight to wait for."""
    server.site.add_path_fault("/*", "slow", seconds=30)
    arrived = len(server.requests)
    _wait_for(lambda: len(server.requests) > arrived)


def _last_report(workdir: Path) -> dict:
    return report_of(CrawlRun(0, "", "", workdir))


def _summary(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("newsspider maghress ")]


def test_one_sigterm_stops_gracefully_and_exits_130(tmp_path: Path) -> None:
    with DemoSite() as server:
        crawl = _scrapy_crawl(tmp_path, server.base_url)
        _wait_for(lambda: _writing(tmp_path))
        os.kill(crawl.pid, signal.SIGTERM)
        _out, stderr = crawl.communicate(timeout=120)
    assert crawl.returncode == exitcodes.INTERRUPTED, stderr[-2000:]
    [line] = _summary(stderr)
    assert "exit 130 (stopped by a signal: SIGTERM, stopped gracefully" in line
    report = _last_report(tmp_path)
    assert report["exit_code"] == 130
    assert report["exit_reason"] == "SIGTERM, stopped gracefully: what it fetched is written"
    assert not list(tmp_path.glob("data/**/*.part")), "a graceful stop completes its files"
    finals = list(tmp_path.glob("data/maghress/articles-*.jsonl"))
    assert len(finals) == 1 and report["state"]["new"] == len(article_ids(finals)) > 0
    state = StateStore(tmp_path / "data" / "state" / "maghress.sqlite")
    assert state.previous_clean is False, "the next run walks every listing to its end"
    assert state.last_success() is None, "an interrupted run is no success for since=auto"
    state.close()


def test_sigterm_twice_exits_130_with_its_report_and_the_next_run_salvages(
    tmp_path: Path,
) -> None:
    with DemoSite() as server:
        crawl = _scrapy_crawl(tmp_path, server.base_url)
        _wait_for(lambda: _writing(tmp_path))
        _hold_the_next_request(server)
        os.kill(crawl.pid, signal.SIGTERM)
        # The graceful stop now waits for the page in flight: the second signal forces it.
        _wait_for(lambda: _log_says(tmp_path / "crawl.log", "Closing spider (shutdown)"))
        forced = time.monotonic()
        os.kill(crawl.pid, signal.SIGTERM)
        _out, stderr = crawl.communicate(timeout=120)
        assert time.monotonic() - forced < 20, "the second signal did not wait for the page"
        assert crawl.returncode == exitcodes.INTERRUPTED, stderr[-2000:]
        assert stderr.count("\n") == 1 and _summary(stderr) == [stderr.strip()]
        assert "exit 130 (stopped by a signal: SIGTERM and a second signal" in stderr
        report = _last_report(tmp_path)
        assert report["exit_code"] == 130 and report["files"] == []
        parts = sorted(p.name.split("-")[0] for p in tmp_path.glob("data/maghress/*.part"))
        assert parts == ["articles", "headlines"], "left for the next run to salvage"
        # Scrapy's remote control (off) wrote no job file with its token, and none was left.
        assert not (tmp_path / "user-state").exists()

        server.site.clear_faults()
        rerun = run_crawl(tmp_path, "-a", f"base_url={server.base_url}")
        assert rerun.returncode == exitcodes.OK, rerun.stderr[-2000:]
        salvaged = report_of(rerun)["state"]["salvaged"]
        assert sorted(Path(s["part"]).name.split("-")[0] for s in salvaged) == parts
        union = article_ids(rerun.files("maghress/articles-*.jsonl"))
        assert len(union) == len(set(union)) and set(union) == ids_of(server.site.articles)


def test_newsspider_run_ctrl_c_twice_says_so_in_one_line(tmp_path: Path) -> None:
    with DemoSite() as server:
        command = ["newsspider.cli", "run", "maghress", f"base_url={server.base_url}"]
        command += ["-s", "AUTOTHROTTLE_ENABLED=False", *SLOW]
        run = _start(tmp_path, command)
        _wait_for(lambda: _writing(tmp_path))
        _hold_the_next_request(server)
        os.kill(run.pid, signal.SIGINT)
        logs = tmp_path / "data" / "maghress" / "logs"
        _wait_for(lambda: any(_log_says(log, "Closing spider") for log in logs.glob("*.log")))
        os.kill(run.pid, signal.SIGINT)
        stdout, stderr = run.communicate(timeout=120)
    assert run.returncode == exitcodes.INTERRUPTED
    assert stdout == ""
    [line] = stderr.splitlines()
    assert line.startswith("newsspider maghress ")
    assert "exit 130 (stopped by a signal: SIGINT and a second signal, stopped at once" in line


def test_unwritable_outputs_stop_before_the_first_request(tmp_path: Path) -> None:
    """`-O /proc/out.jsonl` crawled the whole site, then printed tracebacks."""
    (tmp_path / "taken.jsonl").mkdir()
    with DemoSite() as server:
        base = ("-a", f"base_url={server.base_url}")
        for option, expected in [
            (("-O", "/proc/out.jsonl"), "output /proc/out.jsonl: cannot write '/proc/out.jsonl'"),
            (
                ("-s", "LOG_FILE=/proc/crawl.log"),
                "setting LOG_FILE: cannot write '/proc/crawl.log'",
            ),
            (("-o", "taken.jsonl"), "output taken.jsonl: 'taken.jsonl' is a folder"),
        ]:
            run = run_crawl(tmp_path, *base, *option)
            assert run.returncode == exitcodes.USAGE, run.stderr[-2000:]
            [line] = run.stderr.splitlines()
            assert line.startswith(f"scrapy crawl maghress: error: {expected}")
        env = {**os.environ, "SCRAPY_SETTINGS_MODULE": "newsspider.settings"}
        command = ["newsspider.cli", "run", "maghress", f"base_url={server.base_url}"]
        done = subprocess.run(
            [sys.executable, "-m", *command, "--log-file", "/proc/x.log"],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == exitcodes.USAGE
        assert done.stderr.startswith(
            "newsspider run: error: cannot open the log file '/proc/x.log'"
        )
        assert done.stderr.count("\n") == 1
        assert server.requests == [], "not one request before the checks"
        assert not list(tmp_path.rglob("*.part")), "the probes leave nothing behind"


def test_batch_files_each_come_complete(tmp_path: Path) -> None:
    """`-o 'out-%(batch_id)d.jsonl'` with a batch size, a standard Scrapy pattern, crashed."""
    with DemoSite() as server:
        run = run_crawl(
            tmp_path,
            "-a",
            f"base_url={server.base_url}",
            "-a",
            "lang=fr",
            "-a",
            "sources=libe",
            "-o",
            "out-%(batch_id)03d.jsonl",
            "-s",
            "FEED_EXPORT_BATCH_ITEM_COUNT=4",
        )
        libe = {a for a in ids_of(server.site.articles) if a.startswith("maghress:fr:libe:")}
    assert run.returncode == exitcodes.OK, run.stderr[-2000:]
    batches = sorted(tmp_path.glob("out-*.jsonl"))
    assert [p.name for p in batches[:2]] == ["out-001.jsonl", "out-002.jsonl"]
    records = [json.loads(line) for path in batches for line in path.open(encoding="utf-8")]
    assert [len(path.read_text().splitlines()) for path in batches[:-1]] == [4] * (len(batches) - 1)
    assert {r["id"] for r in records if r["schema"] == "newsspider.article/1"} == libe
    assert not list(tmp_path.glob("*.part"))
    assert report_of(run)["files"] == [p.name for p in batches]


def test_one_off_exports_leave_the_cron_stream_its_articles(tmp_path: Path) -> None:
    """`-O` exports neither skip what cron wrote nor mark what they write, unless asked."""

    def exported(path: str) -> set[str]:
        lines = (tmp_path / path).read_text(encoding="utf-8").splitlines()
        return {r["id"] for r in map(json.loads, lines) if r["schema"].endswith("article/1")}

    with DemoSite() as server:
        scope = ("-a", f"base_url={server.base_url}", "-a", "lang=fr", "-a", "sources=libe")
        libe = {a for a in ids_of(server.site.articles) if a.startswith("maghress:fr:libe:")}

        first = run_crawl(tmp_path, *scope, "-O", "first.jl")
        assert first.returncode == exitcodes.OK, first.stderr[-2000:]
        assert exported("first.jl") == libe
        first_state = report_of(first)["state"]

        cron = run_crawl(tmp_path, *scope)
        assert cron.returncode == exitcodes.OK, cron.stderr[-2000:]
        assert set(article_ids(cron.files("maghress/articles-*.jsonl"))) == libe
        cron_started = report_of(cron)["started"]
        assert first_state["feeds"] == [], "the report says a one-off export"

        run_crawl(tmp_path, *scope, "-O", "again.jsonl")
        assert exported("again.jsonl") == libe, "what cron wrote is exported all the same"
        state = StateStore(tmp_path / "data" / "state" / "maghress.sqlite")
        # since=auto counts from the stream's last success, not from a one-off export's.
        assert state.last_success() == cron_started
        state.close()

        new = server.site.add_article("fr", source="libe")
        asked = run_crawl(tmp_path, *scope, "-O", "asked.jsonl", "-a", "incremental=true")
        assert asked.returncode == exitcodes.OK, asked.stderr[-2000:]
        assert exported("asked.jsonl") == ids_of([new]), "incremental=true skips the known"
    state = StateStore(tmp_path / "data" / "state" / "maghress.sqlite")
    assert state.is_known(f"maghress:fr:libe:{new.id}"), "…and marks what it wrote"
    state.close()


def test_a_stop_signal_during_the_checks_exits_130_with_one_line(tmp_path: Path) -> None:
    """SIGTERM while ``scrapy crawl`` still checks its Redis (a server that accepted
    the connection and never answers) killed the process with no line and -15: cron
    mailed nothing it could read.  Now one line and the interrupted status."""
    import socket

    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(4)
    port = silent.getsockname()[1]
    try:
        command = [
            "scrapy",
            "crawl",
            "maghress",
            "-s",
            f"NEWSSPIDER_REDIS_URL=redis://127.0.0.1:{port}/0",
        ]
        crawl = _start(tmp_path, command)
        silent.settimeout(60)
        connection, _ = silent.accept()  # the pre-run check is waiting for PING's answer
        crawl.send_signal(signal.SIGTERM)
        _out, err = crawl.communicate(timeout=60)
        connection.close()
    finally:
        silent.close()
    assert crawl.returncode == exitcodes.INTERRUPTED, err[-2000:]
    assert err == "scrapy crawl maghress: stopped by SIGTERM before the crawl\n"
    written = [p for p in (tmp_path / "data").rglob("*") if p.is_file()]
    assert written == [], "no file: only the folders the path checks made"
