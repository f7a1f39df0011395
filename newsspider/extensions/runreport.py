"""The run report: what a run did, from its stats, and the exit status the checks give.

At the end of every run: a JSON report beside the outputs
(``data/<spider>/runs/<run_id>.json``), one summary line on stderr (what cron
mails), and an exit status from the first failing check (``newsspider/checks.py``).
Everything in it is read from the crawl's stats: the other components put
there what they learn (``newsspider/state/*``, ``newsspider/records/*``,
``newsspider/feeds/*``), so the report knows none of them.
"""

from __future__ import annotations

import json
import logging
import sys
from datetime import datetime, timezone
from pathlib import Path
from typing import Any
from weakref import WeakKeyDictionary, ref

from scrapy import Spider, signals
from scrapy.crawler import Crawler

from newsspider.atomic import write_atomically
from newsspider.checks import evaluate, thresholds
from newsspider.exitcodes import ExitStatus
from newsspider.extensions.feedaudit import RECORD_KINDS
from newsspider.state import state_for

logger = logging.getLogger(__name__)

# Crawler -> its report, both held weakly: the report holds its crawler, and a strong
# value would keep every crawl of a process (the library, the tests) alive for good.
_REPORTS: WeakKeyDictionary[Crawler, ref[RunReport]] = WeakKeyDictionary()

# Sent with ``report=`` (a dict) once the exit status is known, before the report is
# written: what its listeners count (``newsspider/alerts/…``) goes into the report.
report_ready = object()


def report_for(crawler: Crawler) -> RunReport | None:
    """The run report of a crawl, for the command that turns it into an exit status."""
    report = _REPORTS.get(crawler)
    return report() if report is not None else None


def _iso(moment: Any) -> str | None:
    return moment.isoformat() if isinstance(moment, datetime) else None


def _by_prefix(stats: dict[str, Any], prefix: str) -> dict[str, Any]:
    return {k.removeprefix(prefix): v for k, v in sorted(stats.items()) if k.startswith(prefix)}


def _state(stats: dict[str, Any]) -> dict[str, Any] | None:
    """What the incremental state did (None when it is off)."""
    if "newsspider/state/path" not in stats:
        return None
    return {
        "path": stats["newsspider/state/path"],
        "known_before": stats.get("newsspider/state/known_before", 0),
        "new": stats.get("newsspider/state/new", 0),
        "known_links_skipped": stats.get("newsspider/state/skipped_known", 0),
        "recovered_after_crash": stats.get("newsspider/state/recovered_after_crash", 0),
        "previous_run_clean": stats.get("newsspider/state/previous_run_clean"),
        "feeds": stats.get("newsspider/state/feeds"),
        "salvaged": stats.get("newsspider/state/salvaged", []),
    }


class RunReport:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.limits = thresholds(crawler.settings)
        self.exit_code: ExitStatus | None = None
        self.reason = ""
        self._closed_reason: str | None = None
        self._feeds_done = not crawler.settings.getdict("FEEDS")

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RunReport:
        extension = cls(crawler)
        _REPORTS[crawler] = ref(extension)
        crawler.signals.connect(extension.feed_exporter_closed, signal=signals.feed_exporter_closed)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    def feed_exporter_closed(self) -> None:
        self._feeds_done = True
        self._finish()

    def spider_closed(self, spider: Spider, reason: str) -> None:
        self._closed_reason = reason
        self._finish()

    def signal_received(self, name: str) -> None:
        """A stop signal reached the process (the crawl command tells, on the crawl's
        loop): the run ends interrupted, whatever else it did."""
        stats = self.crawler.stats
        if stats is not None and not stats.get_value("newsspider/interrupted/signal"):
            stats.set_value("newsspider/interrupted/signal", name)

    def finish_interrupted(self, name: str) -> None:
        """A second signal stopped the process before the run closed: report what the
        stats know, so cron still gets the summary line and the exit status."""
        if self.exit_code is not None:
            return
        self.signal_received(name)  # in case the loop stopped before it heard of it
        if self.crawler.stats is not None:
            self.crawler.stats.set_value("newsspider/interrupted/forced", 1)
        self._closed_reason = self._closed_reason or "shutdown"
        self._feeds_done = True  # they never will be: their .part files wait for salvage
        self._finish()

    # The feed exporter stores files inside its own spider_closed handler; the
    # report waits for both, in whichever order they come.
    def _finish(self) -> None:
        if self._closed_reason is None or not self._feeds_done or self.exit_code is not None:
            return
        stats = dict(self.crawler.stats.get_stats()) if self.crawler.stats else {}
        stats.setdefault("finish_reason", self._closed_reason)
        self.exit_code, self.reason, outcomes = evaluate(stats, self.limits)
        report = self._report(stats, outcomes)
        self._announce(report)
        try:
            path: Path | str = self._write(report)
        except (OSError, KeyError, ValueError) as error:
            stats["newsspider/report/unwritable"] = 1
            self.exit_code, self.reason, outcomes = evaluate(stats, self.limits)
            report.update(exit_code=int(self.exit_code), exit_reason=self.reason, checks=outcomes)
            path = f"not written ({error})"
            self._announce(report)  # the run failed after all: an alert may have to say so
        store = state_for(self.crawler)
        # A one-off export (-o/-O) is no run of the cron stream: since=auto ignores it.
        if store is not None and stats.get("newsspider/state/feeds", True):
            try:
                store.record_run(report["started"] or "", int(self.exit_code))
            except Exception as error:  # a state server gone (Redis): the summary still counts
                logger.error("the run could not be recorded in the state: %s", error)
        sys.stderr.write(self._summary(report, path) + "\n")
        sys.stderr.flush()

    def _announce(self, report: dict[str, Any]) -> None:
        """Hand the report to ``report_ready``'s listeners; their counts join it."""
        self.crawler.signals.send_catch_log(report_ready, report=report)
        stats = self.crawler.stats.get_stats() if self.crawler.stats else {}
        report["alerts"] = _by_prefix(stats, "newsspider/alerts/") or None

    def _report(self, stats: dict[str, Any], outcomes: list[dict[str, Any]]) -> dict[str, Any]:
        assert self.exit_code is not None
        spider = self.crawler.spider
        started = stats.get("start_time")
        finished = datetime.now(timezone.utc)
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
                "by_status": _by_prefix(stats, "downloader/response_status_count/"),
                "retries": stats.get("retry/count", 0),
                "gave_up": stats.get("retry/max_reached", 0),
                "failed": stats.get("newsspider/failed_requests", 0),
                "gone": stats.get("newsspider/gone", 0),
                "listing_pages": stats.get("newsspider/listing_pages", 0),
                "article_pages": stats.get("newsspider/article_pages", 0),
            },
            # Every kind, 0 included: `jq .records.article` prints 0 for a run that found none.
            "records": {
                **dict.fromkeys(sorted(RECORD_KINDS.values()), 0),
                **_by_prefix(stats, "newsspider/records/"),
            },
            "dropped": _by_prefix(stats, "newsspider/dropped/"),
            "errors": {
                **_by_prefix(stats, "downloader/exception_type_count/"),
                **_by_prefix(stats, "spider_exceptions/"),
            },
            "coverage": {
                field: round(1 - stats.get(f"newsspider/missing/{field}", 0) / validated, 4)
                if validated
                else None
                for field in ("published", "source_name", "source_url")
            },
            "layouts": _by_prefix(stats, "newsspider/layout/"),
            "state": _state(stats),
            "files": stats.get("newsspider/feeds/files", []),
            "checks": outcomes,
            "exit_code": int(self.exit_code),
            "exit_reason": self.reason,
        }

    def _write(self, report: dict[str, Any]) -> Path:
        folder = Path(
            self.crawler.settings.get("NEWSSPIDER_REPORT_DIR") % {"name": report["spider"]}
        )
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{report['run_id'] or 'run'}.json"
        text = json.dumps(report, ensure_ascii=False, indent=1)
        write_atomically(path, text.encode("utf-8"), replace=False)  # never an earlier run's
        return path

    def _summary(self, report: dict[str, Any], path: Path | str) -> str:
        assert self.exit_code is not None
        records = report["records"]
        pages = report["pages"]
        outcome = (
            self.reason
            if self.exit_code is ExitStatus.OK
            else f"{self.exit_code.meaning}: {self.reason}"
        )
        return (
            f"newsspider {report['spider']} {report['run_id']}: exit {int(self.exit_code)} "
            f"({outcome}); "
            f"{records.get('article', 0)} new article(s), {records.get('headlines', 0)} strip(s), "
            f"{pages['requests']} request(s), {pages['failed']} failed; "
            f"{report['duration_s']} s; report {path}"
        )
