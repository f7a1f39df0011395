"""The ``history`` and ``report`` subcommands of ``newsspider`` (``cli.py`` adds them)."""

from __future__ import annotations

import argparse
import sys
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from newsspider import exitcodes
from newsspider.atomic import write_atomically
from newsspider.history import Run, last, load_runs, started_key
from newsspider.paths import UnsafePath, check_inside

EXIT_NOTHING = 1  # no run report found, as grep exits 1 when nothing matched


def _fail(command: str, message: str) -> int:
    sys.stderr.write(f"newsspider {command}: error: {message}\n")
    return exitcodes.USAGE


def report_folders(args: argparse.Namespace) -> dict[str, Path]:
    """Each chosen spider's reports' folder (``NEWSSPIDER_REPORT_DIR``, ``-s`` honoured);
    with no spider named, every spider that has one.  ValueError names a bad argument."""
    from scrapy.spiderloader import get_spider_loader

    from newsspider.commands import project_settings

    settings = project_settings(args.set)
    # Every spider of the project writes run reports: the family's and `news`.
    known = get_spider_loader(settings).list()
    if unknown := [name for name in args.spiders if name not in known]:
        raise ValueError(f"no spider named {', '.join(unknown)} (known: {', '.join(known)})")
    pattern = str(settings.get("NEWSSPIDER_REPORT_DIR"))
    try:
        folders = {name: Path(pattern % {"name": name}) for name in args.spiders or known}
    except (KeyError, ValueError, TypeError):
        raise ValueError(
            f"setting NEWSSPIDER_REPORT_DIR: only %(name)s may be used in {pattern!r}"
        ) from None
    if args.spiders:
        return folders
    return {name: folder for name, folder in folders.items() if folder.is_dir()}


def _load(
    command: str, folders: dict[str, Path], count: int, named: bool
) -> dict[str, tuple[list[Run], list[str]]]:
    """Each spider's last ``count`` runs and its unreadable files, each told once on stderr.

    A ``NEWSSPIDER_REPORT_DIR`` without ``%(name)s`` puts every spider's reports in one
    folder: each report goes to the spider it names, and a spider not asked for by
    name is left out when it has none.
    """
    loaded = {}
    told: set[Path] = set()
    for name, folder in folders.items():
        runs, unreadable = load_runs(folder, name)
        runs = [run for run in runs if run.spider == name]
        unreadable = [bad for bad in unreadable if bad.path not in told]
        for bad in unreadable:
            told.add(bad.path)
            sys.stderr.write(f"newsspider {command}: skipped {bad}\n")
        if runs or unreadable or named:
            loaded[name] = (last(runs, count), [str(bad) for bad in unreadable])
    return loaded


def cmd_history(args: argparse.Namespace) -> int:
    """Recent runs as a table, newest first: start, duration, status, records, failures."""
    from newsspider.history.table import table

    try:
        folders = report_folders(args)
    except ValueError as error:
        return _fail("history", str(error))
    loaded = _load("history", folders, args.last, bool(args.spiders))
    runs = sorted((run for runs, _ in loaded.values() for run in runs), key=started_key)
    if not runs:
        where = ", ".join(str(folder) for folder in folders.values()) or "data/*/runs"
        sys.stderr.write(f"newsspider history: no run report in {where}\n")
        return EXIT_NOTHING
    print(table(runs[::-1]))
    return exitcodes.OK


def cmd_report(args: argparse.Namespace) -> int:
    """One self-contained HTML page of charts of each site's runs, written atomically."""
    from newsspider.history.page import page

    try:
        folders = report_folders(args)
        output = check_inside(args.output, Path("."), "--output")
    except (ValueError, UnsafePath) as error:
        return _fail("report", str(error))
    loaded = _load("report", folders, args.last, bool(args.spiders))
    if not any(runs for runs, _ in loaded.values()):
        where = ", ".join(str(folder) for folder in folders.values()) or "data/*/runs"
        sys.stderr.write(f"newsspider report: no run report in {where}\n")
        return EXIT_NOTHING
    html = page(loaded, datetime.now(timezone.utc))
    try:
        write_atomically(output, html.encode("utf-8"))
    except OSError as error:
        return _fail("report", f"cannot write {str(output)!r}: {error.strerror or error}")
    total = sum(len(runs) for runs, _ in loaded.values())
    print(f"{output}: {total} run(s) of {len(loaded)} site(s)", file=sys.stderr)
    return exitcodes.OK


def add_commands(commands: Any) -> None:
    """Add ``history`` and ``report`` to ``newsspider``'s subcommands."""
    for name, handler, help_text, default_last in (
        ("history", cmd_history, "a table of recent runs from their run reports", 20),
        ("report", cmd_report, "an HTML page of charts of the runs of each site", 500),
    ):
        command = commands.add_parser(name, help=help_text, description=handler.__doc__)
        command.add_argument("spiders", nargs="*", metavar="SPIDER", help="default: every spider")
        command.add_argument(
            "-n",
            "--last",
            type=int,
            default=default_last,
            metavar="N",
            help=f"the last N runs of each site (default: {default_last})",
        )
        command.add_argument(
            "-s",
            "--set",
            action="append",
            default=[],
            metavar="NAME=VALUE",
            help="a setting, as for the crawl: NEWSSPIDER_REPORT_DIR=… reads reports elsewhere",
        )
        if name == "report":
            command.add_argument(
                "-o", "--output", default="report.html", help="default: report.html"
            )
        command.set_defaults(handler=handler)
