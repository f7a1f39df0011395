"""The run report and the health checks that decide a run's exit status.

At the end of every run: a JSON report beside the outputs
(``data/<spider>/runs/<run_id>.json``), one summary line on stderr (what cron
mails), and an exit status from the first failing check.  Each check names the
stats it reads and the setting that sets its threshold, so an alert can be
traced and tuned from the report alone.
"""

from __future__ import annotations

import json
import logging
import os
import sys
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any
from weakref import WeakKeyDictionary

from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.extensions.feedexport import FeedExporter
from scrapy.settings import BaseSettings

from newsspider import exitcodes
from newsspider.extensions.incremental import IncrementalState
from newsspider.feeds import AtomicFileFeedStorage
from newsspider.items import Article, Headlines
from newsspider.state import state_for

Stats = Mapping[str, Any]
# Coverage is judged on at least this many articles (NEWSSPIDER_COVERAGE_MIN_ARTICLES).
COVERAGE_MIN_ARTICLES = 10

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Check:
    """One health check: ``evaluate(stats, threshold)`` → why it fails, or None."""

    name: str
    exit_code: int
    reads: tuple[str, ...]
    setting: str | None
    evaluate: Callable[[Stats, float], str | None]


def _sum(stats: Stats, prefix: str) -> int:
    return sum(v for k, v in stats.items() if k.startswith(prefix) and isinstance(v, int))


def run_failed(stats: Stats, _threshold: float) -> str | None:
    """An exception in the spider, the site unreachable, or a run closed early."""
    reason = stats.get("finish_reason", "finished")
    if reason != "finished":
        return f"the run closed early ({reason})"
    exceptions = _sum(stats, "spider_exceptions/")
    if exceptions:
        return f"{exceptions} exception(s) in the spider"
    lost = stats.get("newsspider/feeds/lost_records", 0)
    if lost:
        return f"{lost} record(s) did not reach their output file"
    if stats.get("newsspider/report/unwritable"):
        return "the run report could not be written"
    if errors := stats.get("newsspider/state/errors", 0):
        return f"the state could not record {errors} output file(s)"
    pages = stats.get("downloader/response_count", 0) - stats.get("robotstxt/response_count", 0)
    # A distributed worker whose peers took every request had nothing to fetch.
    idle_worker = stats.get("newsspider/redis/worker") and not stats.get("scheduler/dequeued")
    if pages <= 0 and not idle_worker:
        return "the site did not answer (no page fetched)"
    return None


def no_articles(stats: Stats, min_yield: float) -> str | None:
    """Listings with no article links, or article pages that gave too few articles."""
    if stats.get("newsspider/listing_pages", 0) and not stats.get("newsspider/article_links", 0):
        return "listing pages held no article link"
    pages = stats.get("newsspider/article_pages", 0)
    found = _sum(stats, "newsspider/layout/")
    if pages and found / pages < min_yield:
        return f"{found} article(s) found on {pages} article page(s)"
    return None


def error_rate(stats: Stats, max_rate: float) -> str | None:
    """Requests that failed for good (after their retries), over requests made."""
    failed = stats.get("newsspider/failed_requests", 0)
    requests = max(stats.get("scheduler/dequeued", 0), 1)
    if failed / requests > max_rate:
        return f"{failed} of {requests} requests failed ({failed / requests:.0%})"
    return None


def _coverage(field: str) -> Callable[[Stats, float], str | None]:
    def check(stats: Stats, max_missing: float) -> str | None:
        articles = stats.get("newsspider/validated/articles", 0)
        missing = stats.get(f"newsspider/missing/{field}", 0)
        # A cron run with two new articles, one undated, says nothing of coverage.
        if articles < stats.get("newsspider/coverage_min_articles", COVERAGE_MIN_ARTICLES):
            return None
        if missing / articles > max_missing:
            return f"{missing} of {articles} articles without {field} ({missing / articles:.0%})"
        return None

    check.__doc__ = f"Share of validated articles without {field}."
    return check


CHECKS: tuple[Check, ...] = (
    Check(
        "run_failed",
        exitcodes.FAILED,
        (
            "finish_reason",
            "spider_exceptions/*",
            "downloader/response_count",
            "newsspider/feeds/lost_records",
            "newsspider/state/errors",
            "newsspider/redis/worker",
            "scheduler/dequeued",
        ),
        None,
        run_failed,
    ),
    Check(
        "no_articles",
        exitcodes.NO_ARTICLES,
        (
            "newsspider/listing_pages",
            "newsspider/article_links",
            "newsspider/article_pages",
            "newsspider/layout/*",
        ),
        "NEWSSPIDER_MIN_ARTICLE_YIELD",
        no_articles,
    ),
    Check(
        "error_rate",
        exitcodes.ERROR_RATE,
        ("newsspider/failed_requests", "scheduler/dequeued"),
        "NEWSSPIDER_MAX_ERROR_RATE",
        error_rate,
    ),
    *(
        Check(
            f"coverage_{field}",
            exitcodes.COVERAGE,
            (
                f"newsspider/missing/{field}",
                "newsspider/validated/articles",
                "NEWSSPIDER_COVERAGE_MIN_ARTICLES",
            ),
            f"NEWSSPIDER_MAX_MISSING_{field.upper()}",
            _coverage(field),
        )
        for field in ("published", "source_name", "source_url")
    ),
)


def thresholds(settings: BaseSettings) -> dict[str, float]:
    """Each check's threshold, checked to be a number in [0, 1] (a bad one is a usage error)."""
    values = {}
    for check in CHECKS:
        if check.setting is None:
            continue
        raw = settings.get(check.setting)
        try:
            value = float(raw)
        except (TypeError, ValueError):
            value = -1.0
        if not 0.0 <= value <= 1.0:
            raise ValueError(f"setting {check.setting}: expected a number from 0 to 1, got {raw!r}")
        values[check.setting] = value
    return values


def evaluate(stats: Stats, limits: Mapping[str, float]) -> tuple[int, str, list[dict[str, Any]]]:
    """The exit status, its reason, and every check's outcome for the report."""
    outcomes = []
    for check in CHECKS:
        threshold = limits.get(check.setting, 0.0) if check.setting else 0.0
        failure = check.evaluate(stats, threshold)
        outcomes.append(
            {
                "check": check.name,
                "exit_code": check.exit_code,
                "reads": list(check.reads),
                "setting": check.setting,
                "threshold": threshold if check.setting else None,
                "failed": failure,
            }
        )
    failing = next((o for o in outcomes if o["failed"]), None)
    if failing is None:
        return exitcodes.OK, "ok", outcomes
    return failing["exit_code"], failing["failed"], outcomes


def _iso(moment: Any) -> str | None:
    return moment.isoformat() if isinstance(moment, datetime) else None


_REPORTS: WeakKeyDictionary[Crawler, RunReport] = WeakKeyDictionary()


def report_for(crawler: Crawler) -> RunReport | None:
    """The run report of a crawl, for the command that turns it into an exit status."""
    return _REPORTS.get(crawler)


class RunReport:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.limits = thresholds(crawler.settings)
        self.written: Counter[str] = Counter()
        self.files: list[str] = []
        self.exit_code: int | None = None
        self.reason = ""
        self._closed_reason: str | None = None
        self._feeds_done = not crawler.settings.getdict("FEEDS")
        self._exporter: FeedExporter | None = None
        self._accepted: Counter[int] = Counter()  # records each feed slot should hold

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RunReport:
        extension = _REPORTS[crawler] = cls(crawler)
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.item_scraped, signal=signals.item_scraped)
        crawler.signals.connect(extension.feed_slot_closed, signal=signals.feed_slot_closed)
        crawler.signals.connect(extension.feed_exporter_closed, signal=signals.feed_exporter_closed)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    def spider_opened(self, spider: Spider) -> None:
        self._exporter = next(
            (e for e in self.crawler.extensions.middlewares if isinstance(e, FeedExporter)), None
        )

    def item_scraped(self, item: Any) -> None:
        if isinstance(item, Article):
            self.written["article"] += 1
        elif isinstance(item, Headlines):
            self.written["headlines"] += 1
        for slot in self._exporter.slots if self._exporter else ():
            if slot.filter.accepts(item):
                self._accepted[id(slot)] += 1

    def feed_slot_closed(self, slot: Any) -> None:
        storage = slot.storage
        if not isinstance(storage, AtomicFileFeedStorage) or storage.committed:
            self.files.append(str(getattr(storage, "path", slot.uri)))

    def feed_exporter_closed(self) -> None:
        # A feed that could not be opened or stored holds fewer records than were
        # scraped for it: the run must not pass for a success.
        lost = 0
        for slot in self._exporter.slots if self._exporter else ():
            committed = getattr(slot.storage, "committed", True)
            lost += self._accepted[id(slot)] - (slot.itemcount if committed else 0)
        if lost and self.crawler.stats is not None:
            self.crawler.stats.set_value("newsspider/feeds/lost_records", lost)
        self._feeds_done = True
        self._finish()

    def spider_closed(self, spider: Spider, reason: str) -> None:
        self._closed_reason = reason
        self._finish()

    # The feed exporter stores files inside its own spider_closed handler; the
    # report waits for both, in whichever order they come.
    def _finish(self) -> None:
        if self._closed_reason is None or not self._feeds_done or self.exit_code is not None:
            return
        stats = dict(self.crawler.stats.get_stats()) if self.crawler.stats else {}
        stats.setdefault("finish_reason", self._closed_reason)
        stats["newsspider/coverage_min_articles"] = self.crawler.settings.getint(
            "NEWSSPIDER_COVERAGE_MIN_ARTICLES", COVERAGE_MIN_ARTICLES
        )
        self.exit_code, self.reason, outcomes = evaluate(stats, self.limits)
        report = self._report(stats, outcomes)
        try:
            path: Path | str = self._write(report)
        except (OSError, KeyError, ValueError) as error:
            stats["newsspider/report/unwritable"] = 1
            self.exit_code, self.reason, outcomes = evaluate(stats, self.limits)
            report.update(exit_code=self.exit_code, exit_reason=self.reason, checks=outcomes)
            path = f"not written ({error})"
        store = state_for(self.crawler)
        if store is not None:
            try:
                store.record_run(report["started"] or "", self.exit_code)
            except Exception as error:  # a state server gone (Redis): the summary still counts
                logger.error("the run could not be recorded in the state: %s", error)
        sys.stderr.write(self._summary(report, path) + "\n")
        sys.stderr.flush()

    def _report(self, stats: dict[str, Any], outcomes: list[dict[str, Any]]) -> dict[str, Any]:
        spider = self.crawler.spider
        started = stats.get("start_time")
        finished = datetime.now(timezone.utc)
        incremental = self._incremental()
        by_prefix = lambda prefix: {  # noqa: E731 - a local shorthand
            k.removeprefix(prefix): v for k, v in sorted(stats.items()) if k.startswith(prefix)
        }
        validated = stats.get("newsspider/validated/articles", 0)
        return {
            "spider": spider.name if spider else None,
            "run_id": getattr(spider, "run_id", None),
            "started": _iso(started),
            "finished": finished.isoformat(),
            "duration_s": round((finished - started).total_seconds(), 3) if started else None,
            "arguments": getattr(spider, "raw_arguments", {}),
            "pages": {
                "requests": stats.get("downloader/request_count", 0),
                "by_status": by_prefix("downloader/response_status_count/"),
                "retries": stats.get("retry/count", 0),
                "gave_up": stats.get("retry/max_reached", 0),
                "failed": stats.get("newsspider/failed_requests", 0),
                "listing_pages": stats.get("newsspider/listing_pages", 0),
                "article_pages": stats.get("newsspider/article_pages", 0),
            },
            "records": dict(self.written),
            "dropped": by_prefix("newsspider/dropped/"),
            "errors": {
                **by_prefix("downloader/exception_type_count/"),
                **by_prefix("spider_exceptions/"),
            },
            "coverage": {
                field: round(1 - stats.get(f"newsspider/missing/{field}", 0) / validated, 4)
                if validated
                else None
                for field in ("published", "source_name", "source_url")
            },
            "layouts": by_prefix("newsspider/layout/"),
            "state": incremental,
            "files": self.files,
            "checks": outcomes,
            "exit_code": self.exit_code,
            "exit_reason": self.reason,
        }

    def _incremental(self) -> dict[str, Any] | None:
        extension = next(
            (e for e in self.crawler.extensions.middlewares if isinstance(e, IncrementalState)),
            None,
        )
        if extension is None:
            return None
        stats = self.crawler.stats.get_stats() if self.crawler.stats else {}
        return {
            "path": str(extension.store.path),
            "known_before": extension.known_before,
            "new": extension.new,
            "known_links_skipped": stats.get("newsspider/state/skipped_known", 0),
            "recovered_after_crash": extension.recovered,
            "previous_run_clean": extension.store.previous_clean,
            "salvaged": [
                {
                    "part": str(s.part),
                    "final": str(s.final) if s.final else None,
                    "kept": s.kept,
                    "dropped": s.dropped,
                }
                for s in extension.salvaged
            ],
        }

    def _write(self, report: dict[str, Any]) -> Path:
        folder = Path(
            self.crawler.settings.get("NEWSSPIDER_REPORT_DIR") % {"name": report["spider"]}
        )
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{report['run_id'] or 'run'}.json"
        part = path.with_name(path.name + ".part")
        part.write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
        os.replace(part, path)
        return path

    def _meaning(self) -> str:
        return f"{exitcodes.MEANING.get(self.exit_code or 0, 'failed')}: {self.reason}"

    def _summary(self, report: dict[str, Any], path: Path) -> str:
        records = report["records"]
        pages = report["pages"]
        return (
            f"newsspider {report['spider']} {report['run_id']}: exit {self.exit_code} "
            f"({self.reason if self.exit_code == exitcodes.OK else self._meaning()}); "
            f"{records.get('article', 0)} new article(s), {records.get('headlines', 0)} strip(s), "
            f"{pages['requests']} request(s), {pages['failed']} failed; "
            f"{report['duration_s']} s; report {path}"
        )
