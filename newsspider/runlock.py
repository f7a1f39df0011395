"""One run of a spider at a time: an advisory lock file beside the state.

Cron starts a run every few minutes whether or not the last one finished; two
runs of the same spider would fetch the same pages and race on the state.  The
lock is a ``flock`` on ``<state dir>/<spider>.lock``: the kernel drops it when
the process dies, even after ``kill -9``, so a stale lock never blocks cron.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path
from typing import ClassVar

from scrapy.settings import BaseSettings

from newsspider.distributed import redis_url, worker_id
from newsspider.state import state_dir


def lock_path(settings: BaseSettings, spider_name: str) -> Path:
    """One run per spider on a machine; in distributed mode, one per worker id."""
    if redis_url(settings):
        return state_dir(settings) / f"{spider_name}-{worker_id(settings)}.lock"
    return state_dir(settings) / f"{spider_name}.lock"


class RunLocked(RuntimeError):
    """Another process holds the lock."""


class RunLock:
    # Locks this process holds, by path: flock conflicts between two descriptors
    # of the same process, so the crawl command and the extension share one.
    held: ClassVar[dict[Path, RunLock]] = {}

    def __init__(self, path: Path, fd: int) -> None:
        self.path = path
        self.fd = fd

    @classmethod
    def acquire(cls, path: Path) -> RunLock:
        path = path.resolve()
        if path in cls.held:
            return cls.held[path]
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.read(fd, 32).decode(errors="replace").strip() or "unknown"
            os.close(fd)
            raise RunLocked(f"another run holds {path} (pid {holder})") from None
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        lock = cls.held[path] = cls(path, fd)
        return lock

    def release(self) -> None:
        if self.held.pop(self.path, None) is not None:
            fcntl.flock(self.fd, fcntl.LOCK_UN)
            os.close(self.fd)
