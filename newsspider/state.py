"""The incremental state: which article ids earlier runs wrote, and when runs succeeded.

A SQLite file under ``data/state/`` by default; in distributed mode
(``NEWSSPIDER_REDIS_URL``) the same contract in Redis, shared by every worker
(``newsspider.distributed.state``).  Ids are marked written only
once the file holding them is complete on disk (``newsspider.feeds`` tells us),
so a crash can cost a re-fetch, never a lost or doubled record.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Iterable
from datetime import datetime, timezone
from pathlib import Path
from typing import Protocol
from urllib.parse import urlsplit
from weakref import WeakKeyDictionary

from scrapy.crawler import Crawler
from scrapy.settings import BaseSettings

from newsspider.distributed import Keys, redis_url, worker_id

_SCHEMA = """
CREATE TABLE IF NOT EXISTS written (
    id TEXT PRIMARY KEY,
    body_hash TEXT,
    revision INTEGER NOT NULL DEFAULT 1,
    first_written TEXT NOT NULL,
    last_written TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS staged (
    id TEXT NOT NULL,
    body_hash TEXT,
    file TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS runs (
    started TEXT PRIMARY KEY,
    finished TEXT NOT NULL,
    exit_code INTEGER NOT NULL
);
"""


def state_dir(settings: BaseSettings) -> Path:
    return Path(settings.get("NEWSSPIDER_STATE_DIR") or "data/state")


def state_path(settings: BaseSettings, spider_name: str) -> Path:
    return state_dir(settings) / f"{spider_name}.sqlite"


def lock_path(settings: BaseSettings, spider_name: str) -> Path:
    """One run per spider on a machine; in distributed mode, one per worker id."""
    if redis_url(settings):
        return state_dir(settings) / f"{spider_name}-{worker_id(settings)}.lock"
    return state_dir(settings) / f"{spider_name}.lock"


def _now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


class KnownIds:
    """Article id → body hash of what earlier runs wrote, in memory: the spider asks
    for every link of every page, so a lookup must cost a dict access."""

    hashes: dict[str, str | None]

    def __len__(self) -> int:
        return len(self.hashes)

    def is_known(self, record_id: str) -> bool:
        return record_id in self.hashes

    def body_hash(self, record_id: str) -> str | None:
        return self.hashes.get(record_id)


class StateStore(KnownIds):
    """Known article ids backed by SQLite."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=FULL")
        self.db.executescript(_SCHEMA)
        self.hashes: dict[str, str | None] = dict(
            self.db.execute("SELECT id, body_hash FROM written")
        )
        # Read once at open, before this run marks itself as in progress.
        self.previous_clean = self.previous_run_clean()

    def mark_written(self, entries: Iterable[tuple[str, str | None]]) -> int:
        """Remember ``(id, body_hash)`` pairs durably; returns how many were new."""
        rows = list(entries)
        if not rows:
            return 0
        now = _now()
        new = sum(1 for record_id, _ in rows if record_id not in self.hashes)
        with self.db:
            self.db.execute("BEGIN")
            self.db.executemany(
                "INSERT INTO written (id, body_hash, first_written, last_written) VALUES (?, ?, ?, ?)"
                " ON CONFLICT(id) DO UPDATE SET body_hash = excluded.body_hash,"
                " revision = revision + (written.body_hash IS NOT excluded.body_hash),"
                " last_written = excluded.last_written",
                [(record_id, body_hash, now, now) for record_id, body_hash in rows],
            )
        self.hashes.update(rows)
        return new

    # Two-phase marking: ids are staged with their file before it is renamed to
    # its final name, and count as written once it is.  A crash in between is
    # settled at the next start by whether the final file exists.

    def stage(self, entries: Iterable[tuple[str, str | None]], final: Path) -> None:
        with self.db:
            self.db.execute("BEGIN")
            self.db.executemany(
                "INSERT INTO staged (id, body_hash, file) VALUES (?, ?, ?)",
                [(record_id, digest, str(final)) for record_id, digest in entries],
            )

    def promote(self, final: Path) -> int:
        """The staged ids of ``final`` are written; returns how many were new."""
        rows = self.db.execute(
            "SELECT id, body_hash FROM staged WHERE file = ?", (str(final),)
        ).fetchall()
        new = self.mark_written(rows)
        self.db.execute("DELETE FROM staged WHERE file = ?", (str(final),))
        return new

    def recover(self) -> int:
        """Settle staging left by a crash: promote files that made it, forget the rest."""
        files = [Path(row[0]) for row in self.db.execute("SELECT DISTINCT file FROM staged")]
        promoted = sum(self.promote(final) for final in files if final.exists())
        self.db.execute("DELETE FROM staged")
        return promoted

    # A listing may stop at a page of known articles only if the run before
    # walked every listing to its end: after a crash or a failed listing page,
    # the next run catches up instead (see the spider).

    def previous_run_clean(self) -> bool:
        row = self.db.execute("SELECT value FROM meta WHERE key = 'clean'").fetchone()
        return row is None or row[0] == "1"

    def begin_run(self) -> None:
        self.set_clean(False)  # until this run proves otherwise (a kill -9 leaves it so)

    def end_run(self, complete: bool) -> None:
        self.set_clean(complete)

    def set_clean(self, clean: bool) -> None:
        with self.db:
            self.db.execute(
                "INSERT OR REPLACE INTO meta (key, value) VALUES ('clean', ?)",
                ("1" if clean else "0",),
            )

    def record_run(self, started: str, exit_code: int) -> None:
        with self.db:
            self.db.execute(
                "INSERT OR REPLACE INTO runs (started, finished, exit_code) VALUES (?, ?, ?)",
                (started, _now(), exit_code),
            )

    def last_success(self) -> str | None:
        """Start time (ISO, UTC) of the newest run that ended with exit code 0."""
        row = self.db.execute("SELECT MAX(started) FROM runs WHERE exit_code = 0").fetchone()
        return row[0] if row else None

    def close(self) -> None:
        self.db.close()


def body_hash(body: str | None) -> str | None:
    """Fingerprint of an article's text: a change at the source changes it."""
    return hashlib.sha1(body.encode()).hexdigest()[:20] if body else None


class State(Protocol):
    """What the spider, the pipeline and the extensions need of a state store."""

    path: Path | str
    previous_clean: bool

    def __len__(self) -> int: ...
    def is_known(self, record_id: str) -> bool: ...
    def body_hash(self, record_id: str) -> str | None: ...
    def mark_written(self, entries: Iterable[tuple[str, str | None]]) -> int: ...
    def stage(self, entries: Iterable[tuple[str, str | None]], final: Path) -> None: ...
    def promote(self, final: Path) -> int: ...
    def recover(self) -> int: ...
    def begin_run(self) -> None: ...
    def end_run(self, complete: bool) -> None: ...
    def record_run(self, started: str, exit_code: int) -> None: ...
    def last_success(self) -> str | None: ...
    def close(self) -> None: ...


_STORES: WeakKeyDictionary[Crawler, State] = WeakKeyDictionary()


def state_for(crawler: Crawler) -> State | None:
    """The one state store of a crawl, shared by spider, pipeline and extensions.

    None when ``NEWSSPIDER_STATE_ENABLED`` is off.
    """
    if not crawler.settings.getbool("NEWSSPIDER_STATE_ENABLED"):
        return None
    if crawler not in _STORES:
        name = crawler.spidercls.name
        assert name, "a spider with a name"
        if url := redis_url(crawler.settings):
            from newsspider.distributed.state import RedisStateStore, connect

            keys = Keys.of(crawler.settings, name)
            shown = f"{_without_password(url)} {keys()}:*"
            store: State = RedisStateStore(connect(url), keys, worker_id(crawler.settings), shown)
        else:
            store = StateStore(state_path(crawler.settings, name))
        _STORES[crawler] = store
    return _STORES[crawler]


def _without_password(url: str) -> str:
    parts = urlsplit(url)
    host = parts.netloc.rpartition("@")[2]
    return parts._replace(netloc=host).geturl()
