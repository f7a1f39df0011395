"""Old runs' reports, logs and stats files go once a run ends: the newest
``NEWSSPIDER_KEEP_RUNS`` runs keep theirs (scrapyd's ``jobs_to_keep``).

A cron run every 10 minutes leaves a report and a log each time, ~290 files a
day, that nothing else removes.  Only names a run gives (its run stamp:
``runs/20261124T081502.123Z.json``, ``logs/20261124T081502.123Z.log``, a
``NEWSSPIDER_STATS_FILE`` naming ``%(run_id)s``), in their own folders, are
pruned: never an output file, never a file a user named (``--log-file
crawl.log``), never the current run's.  The current run counts as one of those
kept; in distributed mode a worker prunes its own reports and stats files only
(logs carry no worker id).  In a reports folder every spider shares (no
``%(name)s``) only the reports naming this spider count; stats files are pruned
only when their name carries ``%(name)s``.  What went is counted in
``newsspider/pruned/*`` (0 included).
"""

from __future__ import annotations

import json
import logging
import os
import re
from collections.abc import Callable
from pathlib import Path

from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.settings import BaseSettings

from newsspider.distributed import run_suffix
from newsspider.feeds import RUN_STAMP

logger = logging.getLogger(__name__)


def keep_runs(settings: BaseSettings) -> int:
    """``NEWSSPIDER_KEEP_RUNS``, checked before the run (a bad one is exit 2): how many
    runs keep their files; 0 keeps every run's."""
    raw = settings.get("NEWSSPIDER_KEEP_RUNS")
    try:
        keep = int(raw)
    except (TypeError, ValueError):
        keep = -1
    if keep < 0 or str(raw).strip() != str(keep):
        raise ValueError(
            f"setting NEWSSPIDER_KEEP_RUNS: expected a number of runs (0: keep all), got {raw!r}"
        )
    return keep


def stats_file_template(settings: BaseSettings) -> str | None:
    """``NEWSSPIDER_STATS_FILE`` when it names one file per run (``%(run_id)s``)."""
    value = str(settings.get("NEWSSPIDER_STATS_FILE") or "")
    return value if "%(run_id)s" in Path(value).name else None


def current_log(settings: BaseSettings) -> Path | None:
    """The file this run logs to: ``newsspider run`` hands Scrapy an open descriptor
    (``/dev/fd/N``), which resolves to the file's path."""
    value = settings.get("LOG_FILE")
    return Path(os.path.realpath(value)) if value else None


def oldest(
    folder: Path,
    pattern: re.Pattern[str],
    kept: int,
    current: Path | None,
    whose: Callable[[Path], bool] | None = None,
) -> list[Path]:
    """The files of ``folder`` that ``pattern`` names (and ``whose`` claims), but for the
    ``kept`` newest and ``current``: run stamps sort as their times."""
    if not folder.is_dir():
        return []
    names = sorted(
        name
        for name in os.listdir(folder)
        if pattern.fullmatch(name)
        and (current is None or folder / name != current)
        and (whose is None or whose(folder / name))
    )
    return [folder / name for name in names[: max(0, len(names) - kept)]]


def report_of(spider: str) -> Callable[[Path], bool]:
    """Whether a report in a folder every spider shares is ``spider``'s: the name says
    only the run's start.  One that cannot be read is no one's to prune."""

    def claims(path: Path) -> bool:
        try:
            report = json.loads(path.read_bytes())
        except (OSError, ValueError):
            return False
        return isinstance(report, dict) and report.get("spider") == spider

    return claims


class PruneRuns:
    def __init__(self, crawler: Crawler, keep: int) -> None:
        self.crawler = crawler
        self.keep = keep

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> PruneRuns:
        keep = keep_runs(crawler.settings)
        if keep == 0:
            raise NotConfigured("NEWSSPIDER_KEEP_RUNS is 0: every run's files are kept")
        extension = cls(crawler, keep)
        # Before the stats file and the report are written (their extensions come
        # after this one), so both hold the counts; they count among those kept.
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    def spider_closed(self, spider: Spider) -> None:
        for kind, paths in self.old_files(spider).items():
            pruned = 0
            for path in paths:
                try:
                    path.unlink()
                except FileNotFoundError:  # another worker's run pruned it first
                    continue
                except OSError as error:
                    logger.warning("cannot prune %s: %s", path, error.strerror or error)
                    continue
                pruned += 1
            if pruned:
                logger.info("pruned %d old %s beyond %d runs", pruned, kind, self.keep)
            if self.crawler.stats is not None:
                self.crawler.stats.set_value(f"newsspider/pruned/{kind}", pruned)

    def old_files(self, spider: Spider) -> dict[str, list[Path]]:
        """What goes, by kind: reports, logs, stats files."""
        settings = self.crawler.settings
        names = {"name": spider.name}
        stamp = RUN_STAMP + re.escape(run_suffix(settings))
        older = self.keep - 1  # the current run is the newest kept
        folder = str(settings.get("NEWSSPIDER_REPORT_DIR"))
        # Without %(name)s, every spider's reports share the folder.
        shared = None if "%(name)s" in folder else report_of(spider.name)
        found = {
            "reports": oldest(
                Path(folder % names), re.compile(stamp + r"\.json"), older, None, shared
            ),
            "logs": [],
            "stats_files": [],
        }
        # The logs of `newsspider run` (logs/<start>.log), not one a user named.  A
        # distributed worker's log name does not say whose it is: the workers sharing
        # the folder may still be writing theirs, so none is pruned.
        log_name = re.compile(stamp + r"\.log")
        if (log := current_log(settings)) and log_name.fullmatch(log.name):
            found["logs"] = oldest(log.parent, log_name, older, log)
        # A stats file does not say whose it is: one per spider, or none pruned.
        if (template := stats_file_template(settings)) and "%(name)s" in template:
            path = Path(template.replace("%(name)s", spider.name))
            before, _, after = path.name.partition("%(run_id)s")
            pattern = re.compile(re.escape(before) + stamp + re.escape(after))
            found["stats_files"] = oldest(path.parent, pattern, older, None)
        return found
