"""The incremental state in a SQLite file: ``data/state/<spider>.sqlite`` by default.

The file carries its schema version (``PRAGMA user_version``); opening a file
of an older version migrates it in place, one step per version, and a file of
a newer version is refused.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterable
from datetime import datetime, timezone
from pathlib import Path

from newsspider.state.base import (
    KnownIds,
    StateDamaged,
    StateTooNew,
    StateUnavailable,
    Validators,
)

logger = logging.getLogger(__name__)

# MIGRATIONS[n] takes a file from version n to n + 1, in one transaction with
# the new version number.  Files written before versions were recorded read 0
# and already hold the tables of the first step (hence IF NOT EXISTS).  A change
# to what the state holds is one more step at the end, never an edit above.
MIGRATIONS: tuple[str, ...] = (
    # 0 → 1: the first release's tables.
    """
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
    """,
    # 1 → 2: the feeds mode=feeds polls, with the validators of their last answer.
    """
    CREATE TABLE rss_feeds (
        url TEXT PRIMARY KEY,
        etag TEXT,
        last_modified TEXT,
        checked TEXT NOT NULL
    );
    """,
)
VERSION = len(MIGRATIONS)


def _now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def file_version(db: sqlite3.Connection, path: Path) -> int:
    """The schema version of an open state file; a newer one than ours is refused."""
    found = int(db.execute("PRAGMA user_version").fetchone()[0])
    if found > VERSION:
        raise StateTooNew(str(path), found, VERSION)
    return found


def state_error(error: sqlite3.Error, path: Path) -> Exception:
    """What an SQLite error on the state file means for a run: the file is damaged
    (exit 9), or it cannot be used now (exit 3).  The file is named after its spider;
    any other error (a migration's SQL, say) is a bug, and stays itself."""
    code = (getattr(error, "sqlite_errorcode", None) or 0) & 0xFF  # the primary result code
    if code in (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB):
        return StateDamaged(f"state damaged: {path}: {error}", path.stem)
    if code == sqlite3.SQLITE_FULL:
        return StateUnavailable(f"no space left on device for the state {path}")
    if code in (sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_READONLY, sqlite3.SQLITE_PERM):
        return StateUnavailable(f"cannot open the state {path}: {error}")
    return error


def check_file(path: Path) -> bool:
    """Whether the state file is new (missing, empty, without tables), before a run starts.

    Raises StateTooNew for a file of a newer newsspider, StateDamaged for one SQLite
    cannot read whole (its integrity checked page by page: about the cost of the
    run's own read of every id), StateUnavailable when it cannot be opened.
    """
    if not path.exists():
        return True
    try:
        db = sqlite3.connect(path)
        try:
            file_version(db, path)
            problems = [row[0] for row in db.execute("PRAGMA quick_check(3)")]
            if problems != ["ok"]:
                raise StateDamaged(f"state damaged: {path}: {'; '.join(problems)}", path.stem)
            if db.execute("SELECT 1 FROM sqlite_master WHERE name = 'written'").fetchone() is None:
                return True
            # Tables but nothing in them is new too: a one-off export (which follows no
            # state) may have created them after the state was lost.  A state emptied on
            # purpose (``newsspider state reset``) says so in its meta table.
            (filled,) = db.execute(
                "SELECT EXISTS (SELECT 1 FROM written) OR EXISTS (SELECT 1 FROM runs)"
                " OR EXISTS (SELECT 1 FROM meta WHERE key IN ('reset', 'rebuilt'))"
            ).fetchone()
            return not filled
        finally:
            db.close()
    except sqlite3.Error as error:
        if (meaning := state_error(error, path)) is error:
            raise
        raise meaning from None


def migrate(db: sqlite3.Connection, path: Path) -> None:
    """Bring the file to ``VERSION``, one step per transaction: a crash mid-way
    leaves it at the last complete step, and the next open goes on from there."""
    for version in range(file_version(db, path), VERSION):
        try:
            db.executescript(
                f"BEGIN IMMEDIATE;{MIGRATIONS[version]}PRAGMA user_version = {version + 1};COMMIT;"
            )
        except BaseException:
            if db.in_transaction:
                db.execute("ROLLBACK")
            raise


class StateStore(KnownIds):
    """Known article ids backed by SQLite."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self.db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        except sqlite3.Error as error:
            raise state_error(error, path) from error
        try:
            file_version(self.db, path)  # refused before anything is written to it
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=FULL")
            migrate(self.db, path)
            self.hashes: dict[str, str | None] = dict(
                self.db.execute("SELECT id, body_hash FROM written")
            )
            # Read once at open, before this run marks itself as in progress.
            self.previous_clean = self.previous_run_clean()
        except BaseException as error:
            self.db.close()
            if isinstance(error, sqlite3.Error) and state_error(error, path) is not error:
                raise state_error(error, path) from error
            raise

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
        self.set_meta("clean", "1" if clean else "0")

    def set_meta(self, key: str, value: str) -> None:
        with self.db:
            self.db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))

    def record_run(self, started: str, exit_code: int) -> None:
        with self.db:
            self.db.execute(
                "INSERT OR REPLACE INTO runs (started, finished, exit_code) VALUES (?, ?, ?)",
                (started, _now(), exit_code),
            )

    def last_success(self) -> str | None:
        """Start time (ISO, UTC) of the newest run that ended with exit code 0.

        A start later than now is not trusted: one run under a clock a year ahead
        would otherwise make ``since=auto`` stop every later run at page 1.
        """
        now = _now()[:19]  # starts are ISO; their first 19 characters compare as times
        query = "SELECT MAX(started) FROM runs WHERE exit_code = 0 AND substr(started, 1, 19) {} ?"
        (future,) = self.db.execute(query.format(">"), (now,)).fetchone()
        if future:
            logger.warning(
                "the state holds a successful run started at %s, later than now (%sZ): "
                "ignored (the clock was wrong then, or is now)",
                future,
                now,
            )
        (latest,) = self.db.execute(query.format("<="), (now,)).fetchone()
        return latest

    # The feeds ``mode=feeds`` polls: which (the newspaper feeds a menu listed) and what
    # their last answer's validators were.

    def rss_validators(self) -> dict[str, Validators]:
        rows = self.db.execute("SELECT url, etag, last_modified FROM rss_feeds")
        return {url: Validators(etag, modified) for url, etag, modified in rows}

    def remember_rss(self, url: str, validators: Validators) -> None:
        with self.db:
            self.db.execute(
                "INSERT OR REPLACE INTO rss_feeds (url, etag, last_modified, checked)"
                " VALUES (?, ?, ?, ?)",
                (url, validators.etag, validators.last_modified, _now()),
            )

    def forget_rss(self, url: str) -> None:
        with self.db:
            self.db.execute("DELETE FROM rss_feeds WHERE url = ?", (url,))

    def close(self) -> None:
        self.db.close()
