"""``newsspider compact [--before DATE] [SPIDER…]``: the committed files of past days
as one file per day and kind.

A cron run every 10 minutes commits an articles file and a strips file each
time, ~290 files a day.  Compacting a day writes ``articles-20261130.jsonl``
(``-<worker>`` in distributed mode; ``.gz`` when one of the day's files is
gzipped) with the lines of the day's files in run order, then removes them.
Only the cron stream's feeds named by ``%(run_id)s`` are compacted; never a
file of today (UTC) or later, never a ``.part`` file, and always under the
spider's run lock, so no crawl runs meanwhile.

Every step can be killed (``checkpoint`` names them, for the tests):

1. ``staged``: the lines go to ``NAME.compacting``, fsynced;
2. ``journaled``: ``NAME.compacting.json`` (written atomically) names the
   files it holds and the SHA-256 of the new file;
3. ``replaced``: ``NAME.compacting`` replaces ``NAME``;
4. ``removed``: the files it holds are removed;
5. the journal is removed.

A later ``compact`` or crawl first finishes what a journal describes: ``NAME`` with the
journal's hash means step 3 happened, so the files it holds go; otherwise they
and ``NAME`` are as before, and the journal and staging file go.  So every record
is in a committed file at every moment, and in one only once a run ends.

The state keeps ids, not file names, but for ids staged for a file whose run was
killed between its rename and their promotion: ``recover`` settles those first,
as the next crawl would, so no id is forgotten once its file is merged away.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path

from scrapy.settings import BaseSettings

from newsspider import exitcodes
from newsspider.atomic import create_fresh, fsync_dir, write_atomically
from newsspider.distributed import redis_url, run_suffix
from newsspider.feeds import (
    DAY_STAMP,
    RUN_STAMP,
    URI_PARAM,
    feed_file_template,
    stream_feeds,
)
from newsspider.lines import GZ_SUFFIX, DamagedFile, read_lines, split_name, writer_for
from newsspider.runlock import RunLock, RunLocked, lock_path
from newsspider.state import (
    StateDamaged,
    StateTooNew,
    StateUnavailable,
    open_state,
    state_path,
)

STAGING = ".compacting"
JOURNAL = ".compacting.json"
# A run's file is named by its start; a compacted one by the day alone.
RUN_OR_DAY = f"(?P<day>{DAY_STAMP})(?:{RUN_STAMP.removeprefix(DAY_STAMP)})?"

Checkpoint = Callable[[str], None]


@dataclass(frozen=True)
class Day:
    output: Path
    inputs: list[Path]  # in run order; ``output`` among them when it exists already


@dataclass
class Done:
    days: int = 0
    files: int = 0  # input files removed
    records: int = 0
    finished: int = 0  # compactions a kill had interrupted, finished


def _no_checkpoint(step: str) -> None:
    """Production runs through every step without a stop."""


def feed_days(settings: BaseSettings, spider: str) -> list[tuple[Path, re.Pattern[str], str]]:
    """Folder, file-name pattern (with its ``day``) and compacted-name template of
    each cron-stream feed a day can be compacted for: names made of ``%(name)s`` and
    ``%(run_id)s`` only (a batch feed's files are no one day's kind)."""
    suffix = run_suffix(settings)
    found = []
    for uri in stream_feeds(settings):
        template = feed_file_template(uri)
        if template is None:
            continue
        path = Path(template)
        stem, ext = split_name(path.name)
        head, run_id, tail = stem.replace("%(name)s", spider).partition("%(run_id)s")
        if not run_id or URI_PARAM.search(head + tail):
            continue
        ext = ext.removesuffix(GZ_SUFFIX)
        pattern = re.compile(
            re.escape(head)
            + RUN_OR_DAY
            + re.escape(suffix + tail)
            + r"(?:\.salvaged-\d+)?"
            + re.escape(ext)
            + r"(?:\.gz)?"
        )
        folder = Path(str(path.parent).replace("%(name)s", spider))
        found.append((folder, pattern, f"{head}{{day}}{suffix}{tail}{ext}"))
    return found


def plan(settings: BaseSettings, spider: str, before: date) -> list[Day]:
    """The days before ``before`` with something to compact, each kind apart."""
    last = before.strftime("%Y%m%d")
    days = []
    for folder, pattern, named in feed_days(settings, spider):
        if not folder.is_dir():
            continue
        by_day: dict[str, list[Path]] = {}
        for name in sorted(os.listdir(folder)):
            path = folder / name
            match = pattern.fullmatch(name)
            if match and match["day"] < last and path.is_file() and not path.is_symlink():
                by_day.setdefault(match["day"], []).append(path)
        for day, inputs in sorted(by_day.items()):
            gz = GZ_SUFFIX if any(p.name.endswith(GZ_SUFFIX) for p in inputs) else ""
            output = folder / (named.format(day=day) + gz)
            if inputs != [output]:
                days.append(Day(output, inputs))
    return days


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def compact_day(day: Day, checkpoint: Checkpoint = _no_checkpoint) -> int:
    """Compact one day of one kind (the steps above); the number of records."""
    folder = day.output.parent
    staging = day.output.with_name(day.output.name + STAGING)
    journal = day.output.with_name(day.output.name + JOURNAL)
    records = 0
    try:
        with create_fresh(staging) as handle:
            with writer_for(day.output, handle) as target:
                for path in day.inputs:
                    for line in read_lines(path):
                        target.write(line if line.endswith(b"\n") else line + b"\n")
                        records += 1
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        staging.unlink(missing_ok=True)
        raise
    checkpoint("staged")
    entry = {
        "output": day.output.name,
        "sha256": sha256(staging),
        "inputs": [path.name for path in day.inputs],
    }
    write_atomically(journal, json.dumps(entry, indent=1).encode())
    checkpoint("journaled")
    os.replace(staging, day.output)
    fsync_dir(folder)
    checkpoint("replaced")
    _remove_inputs(day.output, day.inputs, checkpoint)
    journal.unlink()
    fsync_dir(folder)
    return records


def _remove_inputs(output: Path, inputs: list[Path], checkpoint: Checkpoint) -> None:
    for path in inputs:
        if path != output:
            path.unlink(missing_ok=True)
            checkpoint("removed one")
    fsync_dir(output.parent)
    checkpoint("removed")


def finish_interrupted(folder: Path, ours: list[re.Pattern[str]]) -> int:
    """Settle what a killed ``compact`` left in ``folder`` of the files ``ours`` names;
    the journals finished.  Another spider's or worker's, under its own lock, may be
    at work in the same folder."""

    def owned(name: str, suffix: str) -> bool:
        return any(pattern.fullmatch(name.removesuffix(suffix)) for pattern in ours)

    finished = 0
    for journal in sorted(folder.glob(f"*{JOURNAL}")):
        if not owned(journal.name, JOURNAL):
            continue
        entry = json.loads(journal.read_text("utf-8"))
        output = folder / entry["output"]
        if output.exists() and sha256(output) == entry["sha256"]:
            _remove_inputs(output, [folder / name for name in entry["inputs"]], _no_checkpoint)
            finished += 1
        journal.unlink()
    for staging in folder.glob(f"*{STAGING}"):  # its journal never written, or settled above
        if owned(staging.name, STAGING):
            staging.unlink()
    fsync_dir(folder)
    return finished


def settle(settings: BaseSettings, spider: str) -> int:
    """Finish the compactions of ``spider`` (of this worker) a kill interrupted; the
    caller holds the run lock.  ``compact`` does it first, and so does each crawl:
    until then, a day's records are both in its new file and in the old ones."""
    ours: dict[Path, list[re.Pattern[str]]] = {}
    for folder, pattern, _ in feed_days(settings, spider):
        ours.setdefault(folder, []).append(pattern)
    return sum(finish_interrupted(f, patterns) for f, patterns in ours.items() if f.is_dir())


def compact(
    settings: BaseSettings, spider: str, before: date, checkpoint: Checkpoint = _no_checkpoint
) -> Done:
    """Compact a spider's days before ``before`` under its run lock (RunLocked if a
    run holds it)."""
    lock = RunLock.acquire(lock_path(settings, spider))
    done = Done()
    try:
        if settings.getbool("NEWSSPIDER_STATE_ENABLED") and (
            redis_url(settings) or state_path(settings, spider).exists()
        ):
            store = open_state(settings, spider)
            try:
                store.recover()
            finally:
                store.close()
        done.finished = settle(settings, spider)
        for day in plan(settings, spider, before):
            done.records += compact_day(day, checkpoint)
            done.days += 1
            done.files += len([path for path in day.inputs if path != day.output])
    finally:
        lock.release()
    return done


def cmd_compact(args: argparse.Namespace) -> int:
    """Compact the committed files of each spider named (default: every one)."""
    from scrapy.spiderloader import get_spider_loader

    from newsspider.commands import project_settings

    try:
        settings = project_settings(args.set)
    except ValueError as error:
        return _error(str(error), exitcodes.USAGE)
    known = get_spider_loader(settings).list()
    if unknown := [name for name in args.spider if name not in known]:
        return _error(f"no spider named {unknown[0]!r} (known: {', '.join(known)})")
    today = datetime.now(timezone.utc).date()
    before = args.before or today
    if before > today:
        return _error(f"--before {before}: after today, whose files are still being written")
    failures: tuple[type[Exception], ...] = (OSError, DamagedFile, StateUnavailable)
    if redis_url(settings):
        from redis import RedisError

        failures += (RedisError,)
    statuses = []
    for spider in args.spider or known:
        try:
            done = compact(settings, spider, before)
        except RunLocked as error:
            statuses.append(
                _error(f"{spider}: another run is in progress: {error}", exitcodes.LOCKED)
            )
            continue
        except StateDamaged as error:
            statuses.append(_error(f"{spider}: {error}", exitcodes.STATE_DAMAGED))
            continue
        except StateTooNew as error:
            statuses.append(_error(f"{spider}: {error}", exitcodes.USAGE))
            continue
        except failures as error:
            statuses.append(_error(f"{spider}: {error}", exitcodes.FAILED))
            continue
        finished = f"; {done.finished} interrupted compaction(s) finished" if done.finished else ""
        print(
            f"{spider}: {done.files} file(s) compacted into {done.days} file(s) of a day, "
            f"{done.records} record(s), before {before}{finished}"
        )
        statuses.append(exitcodes.OK)
    return int(exitcodes.most_severe(statuses))


def _error(message: str, status: int = exitcodes.USAGE) -> int:
    sys.stderr.write(f"newsspider compact: error: {message}\n")
    return int(status)


def add_command(commands: argparse._SubParsersAction) -> None:
    compact = commands.add_parser(
        "compact",
        help="past days' committed files as one file per day and kind (crash-safe)",
    )
    compact.add_argument("spider", nargs="*", help="default: every spider")
    compact.add_argument(
        "--before",
        type=date.fromisoformat,
        metavar="YYYY-MM-DD",
        help="compact the days before this one (UTC; default and latest: today)",
    )
    compact.add_argument("-s", "--set", action="append", default=[], metavar="NAME=VALUE")
    compact.set_defaults(handler=cmd_compact)
