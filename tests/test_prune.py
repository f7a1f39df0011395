"""Pruning old runs' files: ``NEWSSPIDER_KEEP_RUNS`` (newsspider/extensions/prune.py).

In process: a real crawl (``crawl_records``) ends among files of earlier runs and
of other kinds; the crawl command's check and ``newsspider run``'s own log run
as real processes.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from scrapy.settings import Settings
from scrapy.utils.test import get_crawler

from newsspider import exitcodes
from newsspider.extensions.prune import PruneRuns, keep_runs
from newsspider.paths import UnsafePath, check_outputs, check_settings_paths
from tests.conftest import run_crawl
from tests.inprocess import PROJECT, RecordsSpider, crawl_records
from tests.test_feedaudit import RECORDS

RUN = RecordsSpider.run_id  # 20260101T000000Z
OLD = [f"202512{day:02d}T080000.000Z" for day in (1, 2, 3, 4)]  # oldest first


@pytest.mark.parametrize(("raw", "keep"), [(100, 100), ("3", 3), ("0", 0), (" 7 ", 7)])
def test_keep_runs_reads_a_number_of_runs(raw: object, keep: int) -> None:
    assert keep_runs(Settings({"NEWSSPIDER_KEEP_RUNS": raw})) == keep


@pytest.mark.parametrize("raw", ["-1", "lots", "2.5", "", None, "1e3"])
def test_keep_runs_refuses_what_is_no_number_of_runs(raw: object) -> None:
    with pytest.raises(ValueError, match=r"^setting NEWSSPIDER_KEEP_RUNS: expected a number"):
        keep_runs(Settings({"NEWSSPIDER_KEEP_RUNS": raw}))


def _files(folder: Path) -> set[str]:
    return {path.name for path in folder.iterdir()}


def _seed(tmp_path: Path) -> tuple[Path, Path, Path, Path]:
    """Four earlier runs' reports, logs and stats files, beside files no run names so."""
    runs, logs, stats, out = (tmp_path / name for name in ("runs", "logs", "stats", "out"))
    for folder in (runs, logs, stats, out):
        folder.mkdir()
    for stamp in OLD:
        # The folder is NEWSSPIDER_REPORT_DIR without %(name)s: each report names its spider.
        (runs / f"{stamp}.json").write_text(json.dumps({"spider": RecordsSpider.name}))
        (logs / f"{stamp}.log").write_text("log")
        (stats / f"records-{stamp}.json").write_text("{}")
    # Not a run's report, log or stats file, or another worker's report: never pruned.
    (runs / "notes.json").write_text("{}")
    (runs / f"{OLD[0]}-worker2.json").write_text("{}")
    (runs / f"articles-{OLD[0]}.jsonl").write_text("{}\n")
    (logs / "crawl.log").write_text("log")
    (stats / "records.json").write_text("{}")
    (out / f"articles-{OLD[0]}.jsonl").write_text("{}\n")
    return runs, logs, stats, out


def test_a_run_keeps_the_newest_runs_files_and_counts_what_it_pruned(tmp_path: Path) -> None:
    runs, logs, stats, out = _seed(tmp_path)
    # This run's log sorts first (a clock set back): it is still never pruned.
    current_log = logs / "20200101T000000.000Z.log"
    current_log.write_text("this run's log")
    settings = {
        "NEWSSPIDER_KEEP_RUNS": 3,
        "NEWSSPIDER_STATE_ENABLED": False,
        "NEWSSPIDER_REPORT_DIR": str(runs),
        "NEWSSPIDER_STATS_FILE": str(stats / "%(name)s-%(run_id)s.json"),
        "LOG_FILE": str(current_log),
        "FEEDS": {str(out / "articles-%(run_id)s.jsonl"): {"format": "jsonlines"}},
    }
    crawler = crawl_records(RECORDS, settings)

    # Three runs keep theirs: this one and the two newest before it.
    kept = {OLD[2], OLD[3]}
    assert _files(runs) == {f"{s}.json" for s in kept | {RUN}} | {
        "notes.json",
        f"{OLD[0]}-worker2.json",
        f"articles-{OLD[0]}.jsonl",
    }
    assert _files(logs) == {f"{s}.log" for s in kept} | {current_log.name, "crawl.log"}
    assert _files(stats) == {f"records-{s}.json" for s in kept | {RUN}} | {"records.json"}
    assert _files(out) == {f"articles-{OLD[0]}.jsonl", f"articles-{RUN}.jsonl"}
    counts = {"reports": 2, "logs": 2, "stats_files": 2}
    for kind, count in counts.items():
        assert crawler.stats.get_value(f"newsspider/pruned/{kind}") == count
    # The stats file of this run is written after the pruning, and says what went.
    written = json.loads((stats / f"records-{RUN}.json").read_text())
    assert {kind: written[f"newsspider/pruned/{kind}"] for kind in counts} == counts


def test_keep_runs_0_prunes_nothing(tmp_path: Path) -> None:
    runs, logs, stats, out = _seed(tmp_path)
    before = {folder: _files(folder) for folder in (logs, stats)}
    settings = {
        "NEWSSPIDER_KEEP_RUNS": 0,
        "NEWSSPIDER_STATE_ENABLED": False,
        "NEWSSPIDER_REPORT_DIR": str(runs),
        "LOG_FILE": str(logs / f"{RUN}.log"),
        "FEEDS": {str(out / "articles-%(run_id)s.jsonl"): {"format": "jsonlines"}},
    }
    crawler = crawl_records(RECORDS, settings)
    assert {f"{stamp}.json" for stamp in OLD} <= _files(runs)
    assert all(_files(folder) == names for folder, names in before.items())
    assert crawler.stats.get_value("newsspider/pruned/reports") is None


def test_a_bad_keep_runs_stops_the_crawl_before_it_starts(tmp_path: Path) -> None:
    run = run_crawl(tmp_path, "-s", "NEWSSPIDER_KEEP_RUNS=-5")
    assert run.returncode == exitcodes.USAGE
    assert run.stderr.strip() == (
        "scrapy crawl maghress: error: setting NEWSSPIDER_KEEP_RUNS: "
        "expected a number of runs (0: keep all), got '-5'"
    )
    assert not (tmp_path / "data" / "maghress").exists(), "nothing was written"


def test_newsspider_run_prunes_its_own_old_logs(tmp_path: Path, demo_site) -> None:
    """``newsspider run`` logs through an open descriptor (``/dev/fd/N``): the pruning
    finds the log's real folder from it, and keeps the log being written."""
    logs = tmp_path / "data" / "maghress" / "logs"
    runs = tmp_path / "data" / "maghress" / "runs"
    logs.mkdir(parents=True)
    runs.mkdir(parents=True)
    for stamp in OLD:
        (logs / f"{stamp}.log").write_text("log")
        (runs / f"{stamp}.json").write_text("{}")
    env = {**os.environ, "SCRAPY_SETTINGS_MODULE": "newsspider.settings"}
    command = [sys.executable, "-m", "newsspider.cli", "run", "maghress"]
    command += [f"base_url={demo_site.base_url}", "lang=fr", "sources=libe", "max_pages=1"]
    command += ["-s", "AUTOTHROTTLE_ENABLED=False", "-s", "DOWNLOAD_DELAY=0"]
    command += ["-s", "NEWSSPIDER_KEEP_RUNS=2"]
    done = subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, text=True)
    assert done.returncode == exitcodes.OK, done.stderr
    current = sorted(_files(logs) - {f"{s}.log" for s in OLD})
    assert len(current) == 1 and "Spider closed (finished)" in (logs / current[0]).read_text()
    assert _files(logs) == {f"{OLD[3]}.log", current[0]}
    assert len(_files(runs)) == 2 and f"{OLD[3]}.json" in _files(runs)


def test_the_stats_file_may_be_one_per_run(tmp_path: Path, monkeypatch) -> None:
    """``%(run_id)s`` names a stats file per run (checked and probed before the run);
    any other parameter is still refused."""
    monkeypatch.chdir(tmp_path)
    per_run = Settings({"NEWSSPIDER_STATS_FILE": "data/stats/%(name)s-%(run_id)s.json"})
    check_settings_paths(per_run, "maghress")
    check_outputs(per_run, "maghress")
    assert (tmp_path / "data" / "stats").is_dir() and not list(tmp_path.glob("data/stats/*"))
    for setting in ("NEWSSPIDER_STATS_FILE", "LOG_FILE"):
        other = "%(run_id)s" if setting == "LOG_FILE" else "%(time)s"
        bad = Settings({setting: f"data/{other}.json"})
        allowed = "%(name)s" if setting == "LOG_FILE" else "%(name)s and %(run_id)s"
        with pytest.raises(UnsafePath, match=rf"^setting {setting}: only {re.escape(allowed)} "):
            check_settings_paths(bad, "maghress")


def test_a_distributed_worker_never_prunes_another_workers_log(tmp_path: Path) -> None:
    """Workers on one disk log to the same folder (``data/SPIDER/logs/START.log``, no
    worker in the name): a worker ending its run must not delete the log another
    worker is still writing, nor count others' logs as its own runs."""
    logs = tmp_path / "logs"
    logs.mkdir()
    mine = logs / "20260101T080000.000Z.log"  # worker one's run, ending now
    theirs = logs / "20260101T080500.000Z.log"  # worker two's, still running
    older = logs / f"{OLD[0]}.log"
    for log in (mine, theirs, older):
        log.write_text("log")
    settings = {
        "NEWSSPIDER_KEEP_RUNS": 1,
        "NEWSSPIDER_STATE_ENABLED": False,
        "NEWSSPIDER_REDIS_URL": "redis://127.0.0.1:1/0",  # named only: nothing connects
        "NEWSSPIDER_WORKER_ID": "one",
        "NEWSSPIDER_REPORT_DIR": str(tmp_path / "runs"),
        "LOG_FILE": str(mine),
    }
    crawler = get_crawler(RecordsSpider, {**PROJECT, **settings})
    extension = PruneRuns.from_crawler(crawler)
    assert crawler.stats is not None
    crawler.stats.open_spider()
    extension.spider_closed(RecordsSpider())
    assert _files(logs) == {mine.name, theirs.name, older.name}
    assert crawler.stats.get_value("newsspider/pruned/logs") == 0


def test_a_reports_folder_shared_by_spiders_loses_no_other_spiders_report(
    tmp_path: Path,
) -> None:
    """``NEWSSPIDER_REPORT_DIR`` without ``%(name)s`` holds every spider's reports (the
    history tells them apart by the ``spider`` each names): a run keeps its own
    spider's newest, and never counts or removes another spider's."""
    runs, out = tmp_path / "runs", tmp_path / "out"
    runs.mkdir()
    for stamp in OLD:
        (runs / f"{stamp}.json").write_text(json.dumps({"spider": "records"}))
    others = [f"202512{day:02d}T090000.000Z.json" for day in (5, 6, 7)]  # newer
    for name in others:
        (runs / name).write_text(json.dumps({"spider": "sudaress"}))
    (runs / "20251130T090000.000Z.json").write_text("{not json")  # whose? kept
    settings = {
        "NEWSSPIDER_KEEP_RUNS": 2,
        "NEWSSPIDER_STATE_ENABLED": False,
        "NEWSSPIDER_REPORT_DIR": str(runs),
        "FEEDS": {str(out / "articles-%(run_id)s.jsonl"): {"format": "jsonlines"}},
    }
    crawler = crawl_records(RECORDS, settings)
    assert _files(runs) == {
        f"{OLD[3]}.json",
        f"{RUN}.json",
        *others,
        "20251130T090000.000Z.json",
    }
    assert crawler.stats.get_value("newsspider/pruned/reports") == 3
