"""``scrapy crawl`` for cron: checks first, one run at a time, a meaningful exit status.

- Spider arguments, threshold settings and output paths are checked while the
  command line is parsed: a bad one is one line on stderr and exit 2, before
  any request or file.  So is a ``-s NEWSSPIDER_…`` that newsspider does not
  know: a typo would otherwise leave its default in force, silently.
  any request or file.  Every output file (each feed, the log) is probed: a run
  must not crawl a whole site and then find it cannot store it.
- In distributed mode the Redis server must answer (exit 3 otherwise).
- The state must be readable, and not new while the spider's committed files
  exist (exit 9 otherwise); a full disk is exit 3.
- The run lock is taken next: a second run of the same spider (of the same
  worker, in distributed mode) exits 75 at once.
- The exit status is the run report's; every status is in ``newsspider/exitcodes.py``.
  A run stopped by a signal exits 130, even when a second signal stopped the
  process before the report was written (it is written then).
"""

from __future__ import annotations

import argparse
import difflib
import errno
import sys

from scrapy.commands.crawl import Command as ScrapyCrawlCommand
from scrapy.exceptions import UsageError
from scrapy.settings import BaseSettings
from scrapy.spiderloader import get_spider_loader
from scrapy.utils.conf import feed_process_params_from_cli

import newsspider.settings
from newsspider import exitcodes
from newsspider.addon import NewsspiderAddon
from newsspider.checks import thresholds
from newsspider.distributed import RedisUnreachable, check_redis
from newsspider.downloader import max_header_bytes
from newsspider.extensions.alerts import alert_config
from newsspider.extensions.prune import keep_runs
from newsspider.extensions.runreport import report_for
from newsspider.params import ArgumentError, parse_args
from newsspider.paths import check_flags, check_outputs, check_settings_paths
from newsspider.runlock import RunLock, RunLocked, lock_path
from newsspider.sites import SITES
from newsspider.state import StateDamaged, StateUnavailable, check_state
from newsspider.stopsignals import StopSignals, stop_before_the_crawl


class Command(ScrapyCrawlCommand):
    def process_options(self, args: list[str], opts: argparse.Namespace) -> None:
        stop_before_the_crawl(f"scrapy crawl {args[0] if args else ''}".rstrip())
        opts.output = gz_format(opts.output)
        opts.overwrite_output = gz_format(opts.overwrite_output)
        super().process_options(args, opts)
        assert self.settings is not None
        # The crawler applies the add-ons once it is built; the checks below run before
        # it, on the same defaults (another project has them from the add-on only).
        NewsspiderAddon().update_settings(self.settings)
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
            # A one-off export: it leaves the cron stream's state alone unless asked.
            opts.spargs.setdefault("incremental", "false")
        if len(args) != 1:
            return
        loader = get_spider_loader(self.settings)
        try:
            spider_class = loader.load(args[0])
        except KeyError:
            known = ", ".join(loader.list())
            self._exit(args[0], f"no spider named {args[0]!r} (known: {known})", exitcodes.USAGE)
        site_name: str = getattr(spider_class, "site_name", None) or ""
        # A spider outside the family (``news``) checks its own arguments.
        check_arguments = getattr(spider_class, "check_arguments", None)
        if site_name not in SITES and check_arguments is None:
            return
        try:
            check_setting_names(self.settings)
            if check_arguments is not None:
                check_arguments(opts.spargs)
            else:
                parse_args(SITES[site_name], opts.spargs)
            thresholds(self.settings)
            max_header_bytes(self.settings)
            alert_config(self.settings)
            keep_runs(self.settings)
            check_settings_paths(self.settings, spider_class.name)
            check_outputs(self.settings, spider_class.name)
            check_flags(self.settings)
            check_redis(self.settings, spider_class.name)
            check_state(self.settings, spider_class.name)
        except ArgumentError as error:
            # One line still, with where the family's arguments are listed.
            hint = f" (the arguments: newsspider run {args[0]} --help)"
            hint = hint if check_arguments is None else ""
            self._exit(args[0], f"{error}{hint}", exitcodes.USAGE)
        except ValueError as error:
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

        def signal_received(name: str) -> None:
            if (report := report_for(crawler)) is not None:
                report.signal_received(name)

        stop_signals = StopSignals(signal_received)
        stop_signals.install_when_running()
        self.crawler_process.start()
        report = report_for(crawler)
        if stop_signals.received and report is None:  # no run report: the line is ours
            sys.stderr.write(f"scrapy crawl {args[0]}: stopped by {stop_signals.received[0]}\n")
            self.exitcode = int(exitcodes.INTERRUPTED)
        elif stop_signals.received and report is not None:
            # After a second signal the process stopped before the run closed: no report yet.
            report.finish_interrupted(stop_signals.received[0])
            self.exitcode = int(report.exit_code or 0)
        elif self.crawler_process.bootstrap_failed:
            self.exitcode = int(exitcodes.FAILED)
        elif report is not None and report.exit_code is not None:
            self.exitcode = int(report.exit_code)

    @staticmethod
    def _exit(spider: str, message: str, status: exitcodes.ExitStatus) -> None:
        sys.stderr.write(f"scrapy crawl {spider}: error: {message}\n")
        raise SystemExit(int(status))


def check_setting_names(settings: BaseSettings) -> None:
    """Refuse a ``NEWSSPIDER_…`` setting (``-s`` or a settings module) that newsspider
    does not define (``settings.py`` defines each one once), naming the closest one:
    ``-s NEWSSPIDER_MAX_EROR_RATE=0.5`` must not run with the default error rate."""
    prefix = "NEWSSPIDER_"
    known = [name[len(prefix) :] for name in vars(newsspider.settings) if name.startswith(prefix)]
    for name in sorted(settings):
        if not name.startswith(prefix) or name.removeprefix(prefix) in known:
            continue
        # Compared without the prefix, which every name shares.
        close = difflib.get_close_matches(name.removeprefix(prefix), known, n=1)
        hint = f"did you mean {prefix}{close[0]}?" if close else "see newsspider/settings.py"
        raise ValueError(f"unknown setting {name} ({hint})")


def gz_format(outputs: list[str] | None) -> list[str] | None:
    """``-o out.jsonl.gz`` is JSON Lines, gzipped (by its name, ``newsspider.lines``):
    Scrapy would take ``gz`` for the format; the name before ``.gz`` says it."""
    return [
        f"{uri}:{uri.removesuffix('.gz').rpartition('.')[2]}" if uri.endswith(".gz") else uri
        for uri in outputs or []
    ] or outputs
