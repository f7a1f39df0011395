"""The incremental state in Redis, shared by every worker of a spider.

The same contract as the SQLite store (``newsspider.state.sqlite``): an id
counts as written only once a final file on some worker's disk holds it, so a
worker killed mid-run costs a re-fetch, never a lost record.  Known ids are
read once when a worker starts; during a run the shared duplicate filter keeps
workers off each other's articles.  Imported only in distributed mode: a run
without ``NEWSSPIDER_REDIS_URL`` never loads redis.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable
from datetime import datetime, timezone
from functools import cached_property
from pathlib import Path
from typing import cast

import redis

from newsspider.distributed import REDIS_PARAMS, Keys
from newsspider.feeds import article_entry
from newsspider.lines import read_lines
from newsspider.state.base import KnownIds, StateTooNew, Validators

logger = logging.getLogger(__name__)

# ISO times compare as strings (their first 19 characters, whatever the offset's
# spelling).  A start later than now (ARGV[2]) came from a wrong clock: replaced.
_KEEP_LATEST = """
local current = redis.call('GET', KEYS[1])
if not current or ARGV[1] > current or string.sub(current, 1, 19) > ARGV[2] then
  redis.call('SET', KEYS[1], ARGV[1])
end
"""


def _now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S")


def _first_release(server: redis.Redis, keys: Keys) -> None:
    """0 → 1: the first release's keys stay as they are; only the version is new."""


# MIGRATIONS[n] takes a spider's state from version n to n + 1; the version is
# ``Keys.state_version``, missing before versions were recorded (0).  A change to
# what the state holds is one more step at the end, never an edit above.
MIGRATIONS: tuple[Callable[[redis.Redis, Keys], None], ...] = (_first_release,)
VERSION = len(MIGRATIONS)


def stored_version(server: redis.Redis, keys: Keys, shown_as: str) -> int:
    """The schema version of a spider's state; a newer one than ours is refused."""
    found = int(server.get(keys.state_version) or 0)
    if found > VERSION:
        raise StateTooNew(shown_as, found, VERSION)
    return found


def migrate(server: redis.Redis, keys: Keys, shown_as: str) -> None:
    """Bring the state to ``VERSION``.  Workers start together: one migrates, under
    a lock, and the others find the version already set."""
    if stored_version(server, keys, shown_as) == VERSION:
        return
    with server.lock(keys.state_lock, timeout=60, blocking_timeout=60):
        for version in range(stored_version(server, keys, shown_as), VERSION):
            MIGRATIONS[version](server, keys)
            server.set(keys.state_version, version + 1)


def remark(server: redis.Redis, keys: Keys, files: Iterable[Path]) -> int:
    """Mark written again the articles of a worker's committed files that the state
    lost (Redis restarted without its data, or was flushed); the number it lacked.

    By the state's own contract an id is written once a final file holds it, so
    the files are the truth to rebuild from: this reads them, the one way to learn
    what a lost Redis knew.  Ids the state still has keep their body hash (another
    worker may have written a newer revision).  A line that is not a record is
    skipped: final files are whole, salvaged ones too.
    """
    entries: dict[str, str | None] = {}
    for path in files:
        for line in read_lines(path):  # gzipped or not
            try:
                record = json.loads(line)
            except ValueError:
                continue
            if isinstance(record, dict) and (entry := article_entry(record)):
                entries[entry[0]] = entry[1]  # files in run order: the latest revision wins
    added, rows = 0, list(entries.items())
    for start in range(0, len(rows), 1000):
        batch = server.pipeline(transaction=False)
        for record_id, hashed in rows[start : start + 1000]:
            batch.hsetnx(keys.written, record_id, hashed or "")
        added += sum(batch.execute())
    return added


class RedisStateStore(KnownIds):
    def __init__(self, server: redis.Redis, keys: Keys, worker: str, shown_as: str) -> None:
        self.server = server
        self.keys = keys
        self.worker = worker
        self.path = shown_as  # what the run report shows as the state's location
        migrate(server, keys, shown_as)

    @cached_property
    def hashes(self) -> dict[str, str | None]:  # type: ignore[override]
        """Read at first use, which is after the scheduler joined the frontier: a
        run that waited for the last one to end then knows what it wrote."""
        return {
            key.decode(): value.decode() or None
            for key, value in self.server.hscan_iter(self.keys.written, count=1000)
        }

    def mark_written(self, entries: Iterable[tuple[str, str | None]]) -> int:
        rows = dict(entries)
        if not rows:
            return 0
        new = self.server.hset(
            self.keys.written, mapping={key: value or "" for key, value in rows.items()}
        )
        self.hashes.update(rows)
        return int(new)

    def stage(self, entries: Iterable[tuple[str, str | None]], final: Path) -> None:
        self.server.hset(self.keys.staged(self.worker), str(final), json.dumps(list(entries)))

    def promote(self, final: Path) -> int:
        staged = self.keys.staged(self.worker)
        rows = self.server.hget(staged, str(final))
        new = self.mark_written(tuple(row) for row in json.loads(rows)) if rows else 0
        self.server.hdel(staged, str(final))
        return new

    def recover(self) -> int:
        """Settle what this worker staged before a crash (its files are on its own disk)."""
        staged = self.keys.staged(self.worker)
        files = [Path(name.decode()) for name in cast("list[bytes]", self.server.hkeys(staged))]
        promoted = sum(self.promote(final) for final in files if final.exists())
        self.server.delete(staged)
        return promoted

    # Clean or not is a property of a frontier, not of one worker: the frontier
    # scheduler copies "clean" to "previous_clean" when a new frontier starts, and
    # any worker that ends early, or dies, makes the current one unclean.

    @cached_property
    def previous_clean(self) -> bool:
        """Read once, after the scheduler joined or started the frontier (the spider's
        start): every listing page asks, and the answer is the run's."""
        return self.server.get(self.keys.previous_clean) != b"0"

    def begin_run(self) -> None:
        """Nothing to do: joining the frontier is the scheduler's business."""

    def end_run(self, complete: bool) -> None:
        if not complete:
            self.server.set(self.keys.clean, "0")

    def record_run(self, started: str, exit_code: int) -> None:
        if exit_code == 0:  # workers finish in any order: keep the latest start
            self.server.eval(_KEEP_LATEST, 1, self.keys.last_success, started, _now())

    def last_success(self) -> str | None:
        """As the SQLite store's: a start later than now is not trusted."""
        value = cast("bytes | None", self.server.get(self.keys.last_success))
        started = value.decode() if value else None
        if started and started[:19] > (now := _now()):
            logger.warning(
                "the state holds a successful run started at %s, later than now (%sZ): "
                "ignored (the clock was wrong then, or is now)",
                started,
                now,
            )
            return None
        return started

    # The feeds ``mode=feeds`` polls, shared by the workers: whichever fetched a feed
    # remembers its answer's validators.  A key of its own, which an older newsspider
    # never reads: no new state version.

    def rss_validators(self) -> dict[str, Validators]:
        return {
            url.decode(): Validators(*json.loads(value))
            for url, value in self.server.hscan_iter(self.keys.rss, count=1000)
        }

    def remember_rss(self, url: str, validators: Validators) -> None:
        self.server.hset(self.keys.rss, url, json.dumps(list(validators)))

    def forget_rss(self, url: str) -> None:
        self.server.hdel(self.keys.rss, url)

    def reset(self) -> None:
        """Forget every id, run and staging of the spider (its version stays: the
        state is not new, so a run does not take it for one lost)."""
        staged = self.server.scan_iter(match=self.keys.staged("*"), count=1000)
        self.server.delete(
            self.keys.written,
            self.keys.last_success,
            self.keys.clean,
            self.keys.previous_clean,
            self.keys.rss,
            *staged,
        )
        self.hashes.clear()

    def close(self) -> None:
        self.server.close()


def connect(url: str) -> redis.Redis:
    """A client that fails in seconds, not minutes, when the server is away."""
    return redis.Redis.from_url(url, **REDIS_PARAMS)
