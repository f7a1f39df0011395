"""``newsspider state rebuild | reset``: a state from the committed files, or an empty one.

A run refuses a state that is damaged, or new while the spider's committed
files exist (``check_state``): it would write the whole archive again.  The
user then decides: ``rebuild`` learns the ids (and body hashes) from the files,
``reset`` starts empty on purpose, so the next run writes every article again.
Both run under the spider's run lock; a SQLite file they replace is kept aside
(``NAME.sqlite.old-<stamp>``), never deleted.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from scrapy.settings import BaseSettings

from newsspider.distributed import redis_url, run_suffix
from newsspider.feeds import article_entry, committed_files, run_stamp, stream_feeds
from newsspider.lines import read_lines
from newsspider.runlock import RunLock, lock_path
from newsspider.state import StateStore, open_state, state_path
from newsspider.state.base import State


@dataclass(frozen=True)
class Repaired:
    state: str  # where the state is
    files: list[Path]  # the committed files read (rebuild) or ignored (reset)
    lines: int = 0
    unreadable: int = 0  # lines that are not records
    ids: int = 0  # distinct article ids learnt
    kept_aside: Path | None = None  # the SQLite file replaced

    @property
    def folders(self) -> str:
        return ", ".join(sorted({str(path.parent) for path in self.files})) or "no folder"


def read_ids(files: list[Path]) -> tuple[dict[str, str | None], int, int]:
    """Article id → body hash of the records in ``files`` (a later revision wins),
    with the count of lines and of lines that are not records."""
    entries: dict[str, str | None] = {}
    lines = unreadable = 0
    for path in files:
        for line in read_lines(path):
            lines += 1
            try:
                record = json.loads(line)
            except ValueError:
                record = None
            if not isinstance(record, dict):
                unreadable += 1
            elif entry := article_entry(record):
                entries[entry[0]] = entry[1]
    return entries, lines, unreadable


def rebuild(settings: BaseSettings, spider: str) -> Repaired:
    """A state that knows every article of the spider's committed files.

    SQLite: a new file (the old one kept aside).  Redis: the ids are added to the
    shared state; each worker rebuilds from the files on its own disk.  The next
    run walks every listing to its end, as after an unclean run: what the lost
    state knew beyond these files is looked for again.
    """
    files = committed_files(stream_feeds(settings), spider, run_suffix(settings))
    lock = RunLock.acquire(lock_path(settings, spider))
    try:
        entries, lines, unreadable = read_ids(files)
        kept_aside = None if redis_url(settings) else set_aside(state_path(settings, spider))
        store = open_state(settings, spider)
        try:
            store.mark_written(entries.items())
            store.end_run(complete=False)
            _note(store, "rebuilt", f"{len(files)} file(s), {len(entries)} article id(s)")
        finally:
            store.close()
    finally:
        lock.release()
    return Repaired(str(store.path), files, lines, unreadable, len(entries), kept_aside)


def reset(settings: BaseSettings, spider: str) -> Repaired:
    """An empty state, started on purpose: the committed files are ignored, so the
    next run writes every article again, and is not refused as one that lost its state."""
    files = committed_files(stream_feeds(settings), spider, run_suffix(settings))
    lock = RunLock.acquire(lock_path(settings, spider))
    try:
        kept_aside = None if redis_url(settings) else set_aside(state_path(settings, spider))
        store = open_state(settings, spider)
        try:
            if redis_url(settings):  # a SQLite state is a new, empty file by now
                store.reset()  # type: ignore[attr-defined]
            _note(store, "reset", f"{len(files)} output file(s) ignored")
        finally:
            store.close()
    finally:
        lock.release()
    return Repaired(str(store.path), files, kept_aside=kept_aside)


def set_aside(path: Path) -> Path | None:
    """Rename a state file (and its journal) out of the way; None if there was none."""
    if not path.exists():
        return None
    aside = path.with_name(f"{path.name}.old-{run_stamp(datetime.now(timezone.utc))}")
    path.rename(aside)
    for journal in ("-wal", "-shm"):  # SQLite finds them beside the file, by name
        companion = path.with_name(path.name + journal)
        if companion.exists():
            companion.rename(aside.with_name(aside.name + journal))
    return aside


def _note(store: State, what: str, detail: str) -> None:
    """The SQLite state says when and why it was made (the Redis one has no place for it)."""
    if isinstance(store, StateStore):
        moment = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        store.set_meta(what, f"{moment}: {detail}")
