"""Files in ``data/``: links planted there are never written through, a ``.part`` that
cannot be salvaged fails the run without costing the others, and two runs started
in the same instant keep their own files and reports.

Real crawls in a real data folder; the same instant is a real frozen clock
(``faketime``) for both processes.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from newsspider import exitcodes
from newsspider import settings as project_settings
from newsspider.demo_site import DemoSite
from tests.conftest import run_crawl

# The wall clock stopped at one instant, for every process started under it (timers
# keep the monotonic clock, so the crawl runs as usual).
FROZEN = ["env", "FAKETIME_DONT_FAKE_MONOTONIC=1", "faketime", "-f", "2026-06-01 10:00:00"]
KILLED_LINES = [
    {"schema": "newsspider.article/1", "id": "maghress:fr:libe:1", "body": "Un."},
    {"schema": "newsspider.article/1", "id": "maghress:fr:libe:2", "body": "Deux."},
]


def test_planted_links_foreign_parts_and_runs_in_the_same_instant(tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n")
    lines = tmp_path / "lines.jsonl"  # a file of records elsewhere: not ours to salvage
    lines.write_text(json.dumps({"schema": "newsspider.article/1", "id": "elsewhere"}) + "\n")
    folder = tmp_path / "data" / "maghress"
    folder.mkdir(parents=True)
    # run_crawl's stats file is tmp_path/stats.json: its temporary name is predictable.
    (tmp_path / "stats.json.part").symlink_to(victim)
    # An append feed beside the project's: its copy before the rename is predictable too.
    earlier = json.dumps({"schema": "newsspider.headlines/1", "id": "earlier"}) + "\n"
    (tmp_path / "data" / "all.jsonl").write_text(earlier)
    (tmp_path / "data" / "all.jsonl.appending").symlink_to(victim)
    # Under feed names: a folder and a link (sorted first), then a killed run's file.
    (folder / "articles-20260101T000000Z.jsonl.part").mkdir()
    (folder / "headlines-20260101T000000Z.jsonl.part").symlink_to(lines)
    killed = folder / "articles-20260101T000001Z.jsonl.part"
    killed.write_text("".join(json.dumps(r) + "\n" for r in KILLED_LINES) + '{"torn')
    feeds = {**project_settings.FEEDS, "data/all.jsonl": {"format": "jsonlines"}}

    with DemoSite() as server:
        args = ("-a", f"base_url={server.base_url}", "-a", "lang=fr", "-a", "sources=libe")
        args += ("-s", f"FEEDS={json.dumps(feeds)}")
        first = run_crawl(tmp_path, *args, wrapper=FROZEN)
        assert first.returncode == exitcodes.FAILED, first.stderr[-2000:]
        [summary] = [line for line in first.stderr.splitlines() if line.startswith("newsspider ")]
        assert (
            "exit 3 (run failed: 2 .part file(s) of an interrupted run could not be salvaged)"
            in summary
        )
        assert victim.read_text() == "precious\n", "nothing was written through a link"
        assert json.loads((tmp_path / "stats.json").read_text())["finish_reason"] == "finished"
        appended = (tmp_path / "data" / "all.jsonl").read_text()
        assert appended.startswith(earlier) and len(appended.splitlines()) > 10
        # The killed run's file was salvaged all the same; the foreign ones are left.
        salvaged = folder / "articles-20260101T000001Z.jsonl"
        assert [json.loads(line) for line in salvaged.open()] == KILLED_LINES
        assert (folder / "articles-20260101T000000Z.jsonl.part").is_dir()
        assert (folder / "headlines-20260101T000000Z.jsonl.part").readlink() == lines
        assert not (folder / "headlines-20260101T000000Z.jsonl").exists()

        reports = sorted((folder / "runs").iterdir())
        files = sorted(folder.glob("*.jsonl"))
        snapshot = {path: path.read_bytes() for path in [*reports, *files]}
        (folder / "articles-20260101T000000Z.jsonl.part").rmdir()
        (folder / "headlines-20260101T000000Z.jsonl.part").unlink()
        server.site.add_article("fr", source="libe")
        second = run_crawl(tmp_path, *args, wrapper=FROZEN)
    assert second.returncode == exitcodes.OK, second.stderr[-2000:]
    [first_report, second_report] = sorted((folder / "runs").iterdir())
    assert first_report == reports[0] and second_report.name != first_report.name
    # Started in the same instant, yet each run has its own id, files and report.
    assert (
        first_report.name.startswith("20260601T100000.")
        and second_report.name[:15] == first_report.name[:15]
    )
    assert all(path.read_bytes() == data for path, data in snapshot.items())
    new_files = sorted(set(folder.glob("*.jsonl")) - set(files))
    assert [p.name.split("-", 1)[0] for p in new_files] == ["articles", "headlines"]


def test_the_log_file_of_a_run_is_never_written_through_a_link(tmp_path: Path) -> None:
    # A link inside data/ passes the path check: to an earlier run's output, say.
    victim = tmp_path / "data" / "maghress" / "articles-20260101T000000Z.jsonl"
    victim.parent.mkdir(parents=True)
    victim.write_text("precious\n")
    (tmp_path / "data" / "cron.log").symlink_to(victim)
    env = {**os.environ, "SCRAPY_SETTINGS_MODULE": "newsspider.settings"}
    command = [sys.executable, "-m", "newsspider.cli", "run", "maghress"]
    command += ["base_url=http://127.0.0.1:9", "--log-file", "data/cron.log"]
    done = subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, text=True)
    assert done.returncode == exitcodes.USAGE
    assert done.stderr == (
        "newsspider run: error: cannot open the log file 'data/cron.log': "
        "Too many levels of symbolic links\n"
    )
    assert victim.read_text() == "precious\n"
