"""``scrapy crawl`` for cron: checks first, one run at a time, a meaningful exit status.

- Spider arguments, threshold settings and output paths are checked while the
  command line is parsed: a bad one is one line on stderr and exit 2, before
  any request or file.
- In distributed mode the Redis server must answer (exit 3 otherwise).
- The state must be readable, and not new while the spider's committed files
  exist (exit 9 otherwise); a full disk is exit 3.
- The run lock is taken next: a second run of the same spider (of the same
  worker, in distributed mode) exits 75 at once.
- The exit status is the run report's; every status is in ``newsspider/exitcodes.py``.
"""

from __future__ import annotations

import argparse
import errno
import sys

from scrapy.commands.crawl import Command as ScrapyCrawlCommand
from scrapy.exceptions import UsageError
from scrapy.spiderloader import get_spider_loader
from scrapy.utils.conf import feed_process_params_from_cli

from newsspider import exitcodes
from newsspider.checks import thresholds
from newsspider.distributed import RedisUnreachable, check_redis
from newsspider.extensions.runreport import report_for
from newsspider.params import ArgumentError, parse_args
from newsspider.paths import check_flags, check_settings_paths
from newsspider.runlock import RunLock, RunLocked, lock_path
from newsspider.sites import SITES
from newsspider.state import StateDamaged, StateUnavailable, check_state


class Command(ScrapyCrawlCommand):
    def process_options(self, args: list[str], opts: argparse.Namespace) -> None:
        super().process_options(args, opts)
        assert self.settings is not None
        if opts.output or opts.overwrite_output:
            # Scrapy merges -o/-O into the project's FEEDS; a user who names a
            # file wants that file only, not our per-kind files besides it.
            without_ours = self.settings.copy()
            del without_ours["FEEDS"]
            feeds = feed_process_params_from_cli(
                without_ours, opts.output, overwrite_output=opts.overwrite_output
            )
            del self.settings["FEEDS"]
            self.settings.set("FEEDS", feeds, priority="cmdline")
        if len(args) != 1:
            return
        loader = get_spider_loader(self.settings)
        try:
            spider_class = loader.load(args[0])
        except KeyError:
            known = ", ".join(loader.list())
            self._exit(args[0], f"no spider named {args[0]!r} (known: {known})", exitcodes.USAGE)
        site_name = getattr(spider_class, "site_name", None)
        if site_name not in SITES:
            return
        try:
            parse_args(SITES[site_name], opts.spargs)
            thresholds(self.settings)
            check_settings_paths(self.settings, spider_class.name)
            check_flags(self.settings)
            check_redis(self.settings, spider_class.name)
            check_state(self.settings, spider_class.name)
        except (ArgumentError, ValueError) as error:
            self._exit(args[0], str(error), exitcodes.USAGE)
        except StateDamaged as error:
            self._exit(args[0], str(error), exitcodes.STATE_DAMAGED)
        except (RedisUnreachable, StateUnavailable) as error:
            self._exit(args[0], str(error), exitcodes.FAILED)
        try:
            RunLock.acquire(lock_path(self.settings, spider_class.name))
        except RunLocked as error:
            self._exit(args[0], f"another run is in progress: {error}", exitcodes.LOCKED)
        except OSError as error:
            # A full disk is no bad argument: the next run may find room.
            full = error.errno in (errno.ENOSPC, errno.EDQUOT)
            status = exitcodes.FAILED if full else exitcodes.USAGE
            self._exit(args[0], f"cannot take the run lock: {error}", status)

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if len(args) != 1:
            raise UsageError("give exactly one spider name")
        assert self.crawler_process is not None
        crawler = self._create_crawler(args[0])
        self.crawler_process.crawl(crawler, **opts.spargs)
        self.crawler_process.start()
        report = report_for(crawler)
        if self.crawler_process.bootstrap_failed:
            self.exitcode = int(exitcodes.FAILED)
        elif report is not None and report.exit_code is not None:
            self.exitcode = int(report.exit_code)

    @staticmethod
    def _exit(spider: str, message: str, status: exitcodes.ExitStatus) -> None:
        sys.stderr.write(f"scrapy crawl {spider}: error: {message}\n")
        raise SystemExit(int(status))
