"""The incremental state in Redis, shared by every worker of a spider.

The same contract as the SQLite store (``newsspider.state.StateStore``): an id
counts as written only once a final file on some worker's disk holds it, so a
worker killed mid-run costs a re-fetch, never a lost record.  Known ids are
read once when a worker starts; during a run the shared duplicate filter keeps
workers off each other's articles.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

import redis

from newsspider.distributed import Keys
from newsspider.state import KnownIds

CLEAN, PREVIOUS_CLEAN, LAST_SUCCESS = "clean", "previous_clean", "last_success"


class RedisStateStore(KnownIds):
    def __init__(self, server: redis.Redis, keys: Keys, worker: str, shown_as: str) -> None:
        self.server = server
        self.keys = keys
        self.worker = worker
        self.path = shown_as  # what the run report shows as the state's location
        self.hashes: dict[str, str | None] = {
            key.decode(): value.decode() or None
            for key, value in server.hscan_iter(keys.written, count=1000)
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
        files = [Path(name.decode()) for name in self.server.hkeys(staged)]
        promoted = sum(self.promote(final) for final in files if final.exists())
        self.server.delete(staged)
        return promoted

    # Clean or not is a property of a frontier, not of one worker: the frontier
    # scheduler copies "clean" to "previous_clean" when a new frontier starts, and
    # any worker that ends early, or dies, makes the current one unclean.

    @property
    def previous_clean(self) -> bool:
        return self.server.get(self.keys(PREVIOUS_CLEAN)) != b"0"

    def begin_run(self) -> None:
        """Nothing to do: joining the frontier is the scheduler's business."""

    def end_run(self, complete: bool) -> None:
        if not complete:
            self.server.set(self.keys(CLEAN), "0")

    def record_run(self, started: str, exit_code: int) -> None:
        if exit_code == 0 and started > (self.last_success() or ""):
            self.server.set(self.keys(LAST_SUCCESS), started)

    def last_success(self) -> str | None:
        value = self.server.get(self.keys(LAST_SUCCESS))
        return value.decode() if value else None

    def close(self) -> None:
        self.server.close()


def connect(url: str) -> redis.Redis:
    """A client that fails in seconds, not minutes, when the server is away."""
    return redis.Redis.from_url(url, socket_connect_timeout=10, socket_timeout=30)
