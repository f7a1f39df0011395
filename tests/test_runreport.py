"""The run report, in process: stats in, report file, summary line and exit status out.

The report reads the crawl's stats only, so most tests fill the stats of a real
crawler by hand and send the real closing signals; the last ones run a real
in-process crawl so that the state extension and the feed audit fill them.
"""

from __future__ import annotations

import gc
import json
import logging
import weakref
from pathlib import Path
from typing import Any

import pytest
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.utils.test import get_crawler

from newsspider import exitcodes
from newsspider.extensions.runreport import report_for
from newsspider.state import state_for
from tests.inprocess import PROJECT, RecordsSpider, crawl_records
from tests.test_feedaudit import RECORDS

RUN = RecordsSpider.run_id

# A healthy run of 100 pages, as the components count it.
STATS: dict[str, Any] = {
    "downloader/request_count": 101,
    "downloader/response_count": 101,
    "robotstxt/response_count": 1,
    "downloader/response_status_count/200": 99,
    "downloader/response_status_count/404": 2,
    "scheduler/dequeued": 100,
    "retry/count": 3,
    "newsspider/gone": 2,  # the two 404s: articles the site removed
    "newsspider/listing_pages": 10,
    "newsspider/article_links": 400,
    "newsspider/article_pages": 80,
    "newsspider/layout/span": 70,
    "newsspider/layout/article": 10,
    "newsspider/validated/articles": 80,
    "newsspider/missing/published": 2,
    "newsspider/dropped/duplicate": 4,
    "newsspider/records/article": 76,
    "newsspider/records/headlines": 2,
    "newsspider/feeds/files": ["data/records/articles.jsonl", "data/records/headlines.jsonl"],
}


def crawler_with(tmp_path: Path, stats: dict[str, Any], **settings: Any) -> Crawler:
    """A crawler whose stats are ``stats``, with the report as its only extension."""
    crawler = get_crawler(
        RecordsSpider,
        {
            **PROJECT,
            "EXTENSIONS_BASE": {},
            "EXTENSIONS": {"newsspider.extensions.runreport.RunReport": 600},
            "NEWSSPIDER_STATE_ENABLED": False,
            "NEWSSPIDER_REPORT_DIR": str(tmp_path / "runs"),
            "FEEDS": {},
            **settings,
        },
    )
    crawler.spider = RecordsSpider.from_crawler(crawler)
    crawler.spider.raw_arguments = {"lang": "fr"}
    crawler.stats.open_spider()
    for key, value in stats.items():
        crawler.stats.set_value(key, value)
    return crawler


def close(crawler: Crawler, reason: str = "finished") -> None:
    crawler.signals.send_catch_log(signals.spider_closed, spider=crawler.spider, reason=reason)


def test_the_report_holds_what_the_stats_say(tmp_path: Path, capsys) -> None:
    crawler = crawler_with(tmp_path, STATS)
    close(crawler)
    report = json.loads((tmp_path / "runs" / f"{RUN}.json").read_text("utf-8"))
    assert list(report) == [
        "spider", "run_id", "started", "finished", "duration_s", "arguments", "pages",
        "records", "dropped", "errors", "coverage", "layouts", "state", "files", "checks",
        "exit_code", "exit_reason", "alerts",
    ]  # fmt: skip
    assert report["spider"] == "records" and report["run_id"] == RUN
    assert report["arguments"] == {"lang": "fr"}
    assert report["pages"] == {
        "requests": 101,
        "by_status": {"200": 99, "404": 2},
        "retries": 3,
        "gave_up": 0,
        "failed": 0,
        "gone": 2,
        "listing_pages": 10,
        "article_pages": 80,
    }
    assert report["records"] == {"article": 76, "headlines": 2}
    assert report["dropped"] == {"duplicate": 4}
    assert report["coverage"] == {"published": 0.975, "source_name": 1.0, "source_url": 1.0}
    assert report["layouts"] == {"article": 10, "span": 70}
    assert report["state"] is None, "the state was off"
    assert report["files"] == STATS["newsspider/feeds/files"]
    assert (report["exit_code"], report["exit_reason"]) == (0, "ok")
    coverage = next(c for c in report["checks"] if c["check"] == "coverage_published")
    assert coverage == {
        "check": "coverage_published",
        "exit_code": 6,
        "reads": [
            "newsspider/missing/published",
            "newsspider/validated/articles",
            "NEWSSPIDER_COVERAGE_MIN_ARTICLES",
        ],
        "setting": "NEWSSPIDER_MAX_MISSING_PUBLISHED",
        "threshold": 0.1,
        "failed": None,
    }
    summary = capsys.readouterr().err.strip().splitlines()[-1]
    assert summary.startswith(f"newsspider records {RUN}: exit 0 (ok); 76 new article(s), ")
    assert summary.endswith(f" s; report {tmp_path / 'runs' / RUN}.json")
    assert "2 strip(s), 101 request(s), 0 failed; " in summary


@pytest.mark.parametrize(
    ("changes", "settings", "code", "meaning"),
    [
        ({"newsspider/missing/published": 40}, {}, 6, "field coverage below threshold"),
        # The second limit of the coverage checks comes from the settings too.
        (
            {"newsspider/missing/published": 40},
            {"NEWSSPIDER_COVERAGE_MIN_ARTICLES": 81},
            0,
            "ok",
        ),
        ({"newsspider/missing/published": 40}, {"NEWSSPIDER_MAX_MISSING_PUBLISHED": 0.5}, 0, "ok"),
        ({"newsspider/failed_requests": 30}, {}, 5, "error rate above threshold"),
        ({"newsspider/layout/span": 0}, {}, 4, "no articles where some were expected"),
        ({"spider_exceptions/KeyError": 2}, {}, 3, "run failed"),
    ],
)
def test_the_summary_says_the_status_and_its_meaning(
    tmp_path: Path, capsys, changes: dict, settings: dict, code: int, meaning: str
) -> None:
    crawler = crawler_with(tmp_path, {**STATS, **changes}, **settings)
    close(crawler)
    report = report_for(crawler)
    assert report is not None and report.exit_code == code
    summary = capsys.readouterr().err.strip().splitlines()[-1]
    assert f": exit {code} ({meaning}" in summary
    assert json.loads((tmp_path / "runs" / f"{RUN}.json").read_text())["exit_code"] == code


def test_a_run_closed_early_fails_with_its_reason(tmp_path: Path, capsys) -> None:
    crawler = crawler_with(tmp_path, STATS)
    close(crawler, reason="shutdown")
    assert report_for(crawler).exit_code == exitcodes.FAILED
    assert "exit 3 (run failed: the run closed early (shutdown))" in capsys.readouterr().err


def test_a_run_a_signal_stopped_gracefully_exits_130(tmp_path: Path, capsys) -> None:
    crawler = crawler_with(tmp_path, STATS)
    report_for(crawler).signal_received("SIGTERM")  # what the crawl command tells it
    report_for(crawler).signal_received("SIGINT")  # the first one stopped the run
    close(crawler, reason="shutdown")
    assert report_for(crawler).exit_code == exitcodes.INTERRUPTED
    assert "exit 130 (stopped by a signal: SIGTERM, stopped gracefully" in capsys.readouterr().err


def test_a_run_a_second_signal_stopped_still_reports(tmp_path: Path, capsys) -> None:
    """The process stopped before the spider closed and the feeds were stored: the
    crawl command asks for the report once the loop is gone."""
    feeds = {"FEEDS": {str(tmp_path / "a.jsonl"): {"format": "jsonlines"}}}
    crawler = crawler_with(tmp_path, STATS, **feeds)
    report_for(crawler).finish_interrupted("SIGINT")
    report = json.loads((tmp_path / "runs" / f"{RUN}.json").read_text())
    assert report["exit_code"] == 130
    assert report["exit_reason"] == (
        "SIGINT and a second signal, stopped at once: the next run salvages its files"
    )
    [summary] = capsys.readouterr().err.splitlines()
    assert "exit 130 (stopped by a signal: SIGINT and a second signal" in summary
    report_for(crawler).finish_interrupted("SIGINT")
    assert capsys.readouterr().err == "", "one summary line, once"


def test_the_report_waits_for_the_feeds_to_be_stored(tmp_path: Path) -> None:
    """The exporter stores files in its own spider_closed handler: what it lost counts."""
    feeds = {"FEEDS": {str(tmp_path / "a.jsonl"): {"format": "jsonlines"}}}
    crawler = crawler_with(tmp_path, STATS, **feeds)
    close(crawler)
    assert report_for(crawler).exit_code is None, "no verdict before the feeds are stored"
    assert not (tmp_path / "runs").exists()
    crawler.stats.set_value("newsspider/feeds/lost_records", 7)
    crawler.signals.send_catch_log(signals.feed_exporter_closed)
    report = json.loads((tmp_path / "runs" / f"{RUN}.json").read_text())
    assert report["exit_code"] == 3
    assert report["exit_reason"] == "7 record(s) did not reach their output file"


def test_a_report_that_cannot_be_written_fails_the_run(tmp_path: Path, capsys) -> None:
    (tmp_path / "runs").write_text("a file where the reports' folder should be")
    crawler = crawler_with(tmp_path, STATS)
    close(crawler)
    assert report_for(crawler).exit_code == exitcodes.FAILED
    summary = capsys.readouterr().err
    assert "exit 3 (run failed: the run report could not be written)" in summary
    assert "; report not written (" in summary


def test_state_and_feed_stats_reach_the_report(tmp_path: Path) -> None:
    """A real crawl after a killed one: the state extension and the feed audit fill the stats."""
    out, state = tmp_path / "out", tmp_path / "state"
    options = {"format": "jsonlines", "item_classes": ["newsspider.items.Article"]}
    settings = {
        "ITEM_PIPELINES": {},
        "NEWSSPIDER_STATE_DIR": str(state),
        "NEWSSPIDER_REPORT_DIR": str(tmp_path / "runs"),
        "FEEDS": {str(out / "articles-%(run_id)s.jsonl"): options},
    }
    # The killed run: three ids written, two staged for a file that made it to
    # its final name, a .part file with two complete lines and a torn one.
    killed = get_crawler(RecordsSpider, {**PROJECT, **settings})
    store = state_for(killed)
    store.mark_written([("k1", None), ("k2", None), ("k3", None)])
    out.mkdir()
    (out / "articles-20251231T230000Z.jsonl").write_text("")
    store.stage([("s1", None), ("s2", None)], out / "articles-20251231T230000Z.jsonl")
    store.begin_run()
    store.close()
    part = out / "articles-20251231T235959Z.jsonl.part"
    lines = [json.dumps({"schema": "newsspider.article/1", "id": f"p{n}"}) for n in (1, 2)]
    part.write_text("\n".join(lines) + '\n{"schema": "newsspider.article/1", "id": "p')

    crawler = crawl_records(RECORDS, settings)

    report = json.loads((tmp_path / "runs" / f"{RUN}.json").read_text())
    assert report["state"] == {
        "path": str(state / "records.sqlite"),
        "known_before": 3,
        "new": 5,
        "known_links_skipped": 0,
        "recovered_after_crash": 2,
        "previous_run_clean": False,
        "feeds": [str(out / "articles-%(run_id)s.jsonl")],  # the project's FEEDS: the stream
        "salvaged": [
            {
                "part": str(part),
                "final": str(out / "articles-20251231T235959Z.jsonl"),
                "kept": 2,
                "dropped": 1,
            }
        ],
    }
    assert report["records"] == {"article": 5, "headlines": 2}
    assert report["files"] == [str(out / f"articles-{RUN}.jsonl")]
    assert crawler.stats.get_value("newsspider/state/known_before") == 3


def test_a_run_that_wrote_nothing_counts_zero_records(tmp_path: Path) -> None:
    """The README's `jq '.records.article'` prints 0 for a run with nothing new, and the
    stats file holds `newsspider/records/article: 0`, not nothing."""
    stats_file = tmp_path / "stats.json"
    settings = {
        "NEWSSPIDER_STATE_ENABLED": False,
        "NEWSSPIDER_REPORT_DIR": str(tmp_path / "runs"),
        "NEWSSPIDER_STATS_FILE": str(stats_file),
        "FEEDS": {str(tmp_path / "articles-%(run_id)s.jsonl"): {"format": "jsonlines"}},
    }
    crawl_records([], settings)
    report = json.loads((tmp_path / "runs" / f"{RUN}.json").read_text())
    assert report["records"] == {"article": 0, "headlines": 0}
    stats = json.loads(stats_file.read_text())
    assert (stats["newsspider/records/article"], stats["newsspider/records/headlines"]) == (0, 0)


def test_a_finished_crawl_is_freed(tmp_path: Path) -> None:
    """The report of a crawl does not keep its crawler alive: a process that runs crawls
    one after the other (the library, the add-on) frees each.  pytest's log capture
    keeps every record (and the crawler in its ``extra``): it is set aside meanwhile."""
    root = logging.getLogger()
    capture, root.handlers = root.handlers, []
    try:
        crawler = crawl_records(
            RECORDS,
            {
                "NEWSSPIDER_STATE_ENABLED": False,
                "NEWSSPIDER_REPORT_DIR": str(tmp_path / "runs"),
                "FEEDS": {str(tmp_path / "out.jsonl"): {"format": "jsonlines"}},
            },
        )
    finally:
        root.handlers = capture
    freed = weakref.ref(crawler)
    reported = report_for(crawler) is not None
    del crawler
    gc.collect()
    assert reported
    assert freed() is None
