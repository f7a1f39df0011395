"""``newsspider history`` and ``newsspider report``: the run reports read back.

The reports are written here by hand, each with the few fields the table and the
charts show, and the expected table is written from them; one test reads the
report a real in-process crawl wrote, so that reader and writer cannot drift apart.
The page is checked in a real browser in ``tests/test_report_browser.py``.
"""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path
from typing import Any

import pytest

from newsspider.cli import main
from newsspider.history import load_runs
from newsspider.history.charts import nice_top
from newsspider.history.table import duration
from tests.inprocess import RecordsSpider, crawl_records
from tests.test_feedaudit import RECORDS


def write_report(folder: Path, run_id: str, **report: Any) -> Path:
    """A run report as ``extensions/runreport.py`` writes it, with the fields given."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{run_id}.json"
    path.write_text(json.dumps({"run_id": run_id, **report}), encoding="utf-8")
    return path


def maghress_runs(data: Path) -> Path:
    """Three Maghress runs of 1 December 2026: clean, error rate, a site down."""
    runs = data / "maghress" / "runs"
    write_report(
        runs, "20261201T080000.000Z", spider="maghress",
        started="2026-12-01T08:00:00.120000+00:00", duration_s=42.06,
        pages={"requests": 120, "failed": 1}, records={"article": 31, "headlines": 3},
        dropped={"duplicate": 4, "invalid": 1}, exit_code=0, exit_reason="ok",
        coverage={"published": 1.0, "source_name": 0.9677, "source_url": 1.0},
    )  # fmt: skip
    write_report(
        runs, "20261201T081000.000Z", spider="maghress",
        started="2026-12-01T08:10:00.050000+00:00", duration_s=185.4,
        pages={"requests": 40, "failed": 12}, records={"article": 2, "headlines": 1},
        dropped={"invalid": 2, "mojibake": 3, "duplicate": 0}, exit_code=5,
        exit_reason="12 of 40 requests failed (30%)",
        coverage={"published": 0.5, "source_name": 1.0, "source_url": None},
    )  # fmt: skip
    write_report(
        runs, "20261201T082000.000Z", spider="maghress",
        started="2026-12-01T08:20:00+00:00", duration_s=3725.0,
        pages={"requests": 1, "failed": 1}, records={}, dropped={}, exit_code=3,
        exit_reason="the site did not answer (no page fetched)",
        coverage={"published": None, "source_name": None, "source_url": None},
    )  # fmt: skip
    return runs


def test_history_prints_recent_runs_newest_first(tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.chdir(tmp_path)
    maghress_runs(tmp_path / "data")
    write_report(
        tmp_path / "data" / "djazairess" / "runs", "20261201T081500.000Z", spider="djazairess",
        started="2026-12-01T08:15:00+00:00", duration_s=9.0,
        pages={"requests": 7, "failed": 0}, records={"article": 0, "headlines": 1},
        exit_code=75, exit_reason="data/state/djazairess.lock is held by pid 4242",
    )  # fmt: skip
    assert main(["history"]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    assert out.splitlines() == [
        "START (UTC)       SPIDER        DURATION  EXIT  NEW  STRIPS  REQUESTS  FAILED  DROPPED                 OUTCOME",
        "2026-12-01 08:20  maghress    1 h 02 min     3    0       0         1       1  -                       run failed: the site did not answer (no page fetched)",
        "2026-12-01 08:15  djazairess       9.0 s    75    0       1         7       0  -                       another run in progress: data/state/djazairess.lock is held by pid 4242",
        "2026-12-01 08:10  maghress    3 min 05 s     5    2       1        40      12  mojibake 3, invalid 2   error rate above threshold: 12 of 40 requests failed (30%)",
        "2026-12-01 08:00  maghress        42.1 s     0   31       3       120       1  duplicate 4, invalid 1  ok",
    ]  # fmt: skip


def test_history_of_named_sites_and_the_last_runs_only(tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.chdir(tmp_path)
    maghress_runs(tmp_path / "data")
    (tmp_path / "data" / "djazairess" / "runs").mkdir(parents=True)
    assert main(["history", "maghress", "-n", "2"]) == 0
    starts = [line[:16] for line in capsys.readouterr().out.splitlines()[1:]]
    assert starts == ["2026-12-01 08:20", "2026-12-01 08:10"]
    assert main(["history", "djazairess"]) == 1
    assert capsys.readouterr().err == (
        "newsspider history: no run report in data/djazairess/runs\n"
    )


def test_history_and_report_of_the_news_spider(tmp_path: Path, monkeypatch, capsys) -> None:
    """The ``news`` spider writes run reports like the family's: it can be named, and
    is in the table and on the page when none is."""
    monkeypatch.chdir(tmp_path)
    maghress_runs(tmp_path / "data")
    write_report(
        tmp_path / "data" / "news" / "runs", "20261201T083000.000Z", spider="news",
        started="2026-12-01T08:30:00+00:00", duration_s=2.5,
        pages={"requests": 9, "failed": 0}, records={"article": 6, "headlines": 0},
        exit_code=0, exit_reason="ok",
    )  # fmt: skip
    assert main(["history", "news"]) == 0
    assert capsys.readouterr().out.splitlines()[1:] == [
        "2026-12-01 08:30  news       2.5 s     0    6       0         9       0  -        ok",
    ]  # fmt: skip
    assert main(["history"]) == 0
    spiders = [line.split()[2] for line in capsys.readouterr().out.splitlines()[1:]]
    assert spiders == ["news", "maghress", "maghress", "maghress"]
    assert main(["report", "news", "-o", "news.html"]) == 0
    assert ">news<" in (tmp_path / "news.html").read_text(encoding="utf-8")


def test_history_reads_reports_elsewhere_and_compressed(
    tmp_path: Path, monkeypatch, capsys
) -> None:
    """``-s NEWSSPIDER_REPORT_DIR`` as for a crawl; a gzipped report is read, a report
    still being written (``.part``) is not."""
    monkeypatch.chdir(tmp_path)
    folder = tmp_path / "reports" / "maghress"
    write_report(folder, "20261201T090000.000Z", spider="maghress", exit_code=0,
                 started="2026-12-01T09:00:00+00:00", records={"article": 6})  # fmt: skip
    gzipped = {
        "spider": "maghress",
        "exit_code": 4,
        "exit_reason": "listing pages held no article link",
    }
    (folder / "20261201T091000.000Z.json.gz").write_bytes(
        gzip.compress(json.dumps(gzipped).encode())
    )
    (folder / "20261201T092000.000Z.json.part").write_text('{"exit_code": 0, "spi')
    assert (
        main(["history", "maghress", "-s", f"NEWSSPIDER_REPORT_DIR={tmp_path}/reports/%(name)s"])
        == 0
    )
    lines = capsys.readouterr().out.splitlines()[1:]
    assert [line.split()[:2] for line in lines] == [
        ["2026-12-01", "09:10"],
        ["2026-12-01", "09:00"],
    ]
    assert lines[0].endswith(
        "no articles where some were expected: listing pages held no article link"
    )
    assert "  6  " in lines[1]


def test_history_of_sites_sharing_one_reports_folder(tmp_path: Path, monkeypatch, capsys) -> None:
    """``NEWSSPIDER_REPORT_DIR`` without %(name)s: each report counts for its own spider once."""
    monkeypatch.chdir(tmp_path)
    shared = tmp_path / "data" / "runs"
    write_report(shared, "20261201T100000.000Z", spider="maghress", exit_code=0,
                 started="2026-12-01T10:00:00+00:00")  # fmt: skip
    write_report(shared, "20261201T100500.000Z", spider="djazairess", exit_code=4,
                 started="2026-12-01T10:05:00+00:00")  # fmt: skip
    (shared / "cut.json").write_text("{")
    assert main(["history", "-s", "NEWSSPIDER_REPORT_DIR=data/runs"]) == 0
    out, err = capsys.readouterr()
    assert [line.split()[2] for line in out.splitlines()[1:]] == ["djazairess", "maghress"]
    assert err.count("skipped data/runs/cut.json") == 1


def test_unreadable_reports_are_one_line_each_and_the_rest_is_shown(
    tmp_path: Path, monkeypatch, capsys
) -> None:
    monkeypatch.chdir(tmp_path)
    runs = maghress_runs(tmp_path / "data")
    (runs / "20261201T083000.000Z.json").write_text('{"spider": "maghress", "exit_co')  # disk full
    (runs / "notes.json").write_text('["not", "a", "report"]')
    (runs / "20261201T084000.000Z.json").write_bytes(b"\xff\xfe{}")
    write_report(runs, "20261201T085000.000Z", exit_code=0, records="lots")
    assert main(["history"]) == 0
    out, err = capsys.readouterr()
    assert len(out.splitlines()) == 4, "the three good reports and the header"
    assert err.splitlines() == [
        "newsspider history: skipped data/maghress/runs/20261201T083000.000Z.json: not JSON "
        "(Unterminated string starting at: line 1 column 24 (char 23))",
        "newsspider history: skipped data/maghress/runs/20261201T084000.000Z.json: not UTF-8 text",
        "newsspider history: skipped data/maghress/runs/20261201T085000.000Z.json: "
        "its 'records' is not an object",
        "newsspider history: skipped data/maghress/runs/notes.json: not a run report (no exit_code)",
    ]
    assert "Traceback" not in err


@pytest.mark.parametrize(
    ("argv", "error"),
    [
        (
            ["history", "maghres"],
            "newsspider history: error: no spider named maghres (known: maghress, ",
        ),
        (
            ["report", "-o", "../out.html"],
            "newsspider report: error: --output: '../out.html' leaves",
        ),
        (
            ["history", "-s", "NEWSSPIDER_REPORT_DIR"],
            "newsspider history: error: settings are NAME=VALUE",
        ),
    ],
)
def test_bad_arguments_are_one_line(
    argv: list[str], error: str, tmp_path, monkeypatch, capsys
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith(error) and err.count("\n") == 1


def test_the_history_reads_what_a_real_run_wrote(tmp_path: Path) -> None:
    """The report of a real in-process crawl (the report extension wrote it)."""
    crawl_records(
        RECORDS,
        {
            "NEWSSPIDER_STATE_ENABLED": False,
            "NEWSSPIDER_REPORT_DIR": str(tmp_path / "runs"),
            "FEEDS": {str(tmp_path / "out-%(run_id)s.jsonl"): {"format": "jsonlines"}},
        },
    )
    [run], unreadable = load_runs(tmp_path / "runs", "records")
    assert unreadable == []
    # The spider fetches nothing: the records come from its start().
    assert (run.spider, run.run_id, run.exit_code) == ("records", RecordsSpider.run_id, 3)
    assert run.outcome == "run failed: the site did not answer (no page fetched)"
    assert (run.articles, run.strips, run.failed) == (5, 2, 0)
    assert run.started is not None and run.duration_s is not None and run.duration_s >= 0


@pytest.mark.parametrize(
    ("seconds", "shown"),
    [(None, "-"), (0.04, "0.0 s"), (59.94, "59.9 s"), (60, "1 min 00 s"), (3599.4, "59 min 59 s"),
     (3600, "1 h 00 min"), (90061, "25 h 01 min")],
)  # fmt: skip
def test_durations_read_at_a_glance(seconds: float | None, shown: str) -> None:
    assert duration(seconds) == shown


@pytest.mark.parametrize(
    ("value", "top"), [(0, 1), (0.3, 0.5), (1, 1), (7, 10), (12, 20), (250, 500), (501, 1000)]
)
def test_axis_tops_are_round(value: float, top: float) -> None:
    assert nice_top(value) == pytest.approx(top)


def test_report_writes_one_page_with_each_site_s_charts(
    tmp_path: Path, monkeypatch, capsys
) -> None:
    monkeypatch.chdir(tmp_path)
    runs = maghress_runs(tmp_path / "data")
    write_report(
        runs, "20261201T083000.000Z", spider="maghress", started="2026-12-01T08:30:00+00:00",
        exit_code=4, exit_reason='<script>alert("x")</script> 0 article(s) on https://evil.example/',
    )  # fmt: skip
    (runs / "broken.json").write_text("{")
    assert main(["report", "maghress", "-o", "runs.html"]) == 0
    assert capsys.readouterr().err.splitlines() == [
        "newsspider report: skipped data/maghress/runs/broken.json: not JSON "
        "(Expecting property name enclosed in double quotes: line 1 column 2 (char 1))",
        "runs.html: 4 run(s) of 1 site(s)",
    ]
    html = (tmp_path / "runs.html").read_text("utf-8")
    assert not list(tmp_path.glob("*.part"))
    assert html.count('<svg class="chart"') == 6
    captions = re.findall(r"<figcaption>(.*?)</figcaption>", html)
    assert captions == [
        "New records", "Requests", "Failures and drops by reason",
        "Field coverage of new articles", "Duration", "Exit statuses",
    ]  # fmt: skip
    # Nothing to fetch: no script, no external style, font or image; text is escaped.
    assert "<script" not in html and "src=" not in html and "@import" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert "Content-Security-Policy" in html and "default-src 'none'" in html
    # One dot per run in "New records" (2 series × 4 runs), one bar per run of "Exit statuses".
    new_records = html.split("<figcaption>New records</figcaption>")[1].split("</figure>")[0]
    assert new_records.count("<circle") == 8
    statuses = html.split("<figcaption>Exit statuses</figcaption>")[1].split("</figure>")[0]
    assert statuses.count('<rect class="run"') == 4
    assert "<title>2026-12-01 08:10 · exit 5: error rate above threshold</title>" in statuses
    # Failed runs, newest first, each with its reason.
    failed = html.split("<h3>Last failed runs</h3>")[1]
    assert [m for m in re.findall(r'<td class="n bad">(\d+)</td>', failed)] == ["4", "3", "5"]
    assert "error rate above threshold: 12 of 40 requests failed (30%)" in failed
    losses = html.split("<figcaption>Failures and drops by reason</figcaption>")[1].split(
        "</figure>"
    )[0]
    assert "<title>2026-12-01 08:10 · dropped: mojibake: 3</title>" in losses
    assert re.findall(r"</span>(.*?)</li>", losses) == [
        "failed requests", "dropped: duplicate", "dropped: invalid", "dropped: mojibake",
    ]  # fmt: skip


def test_report_with_no_runs_writes_nothing(tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["report", "-o", "runs.html"]) == 1
    assert capsys.readouterr().err == "newsspider report: no run report in data/*/runs\n"
    assert not (tmp_path / "runs.html").exists()
