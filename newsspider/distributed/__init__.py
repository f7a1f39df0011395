"""Distributed crawling on Redis: several workers, one frontier, each article once.

Off unless ``NEWSSPIDER_REDIS_URL`` is set; then the add-on switches on
scrapy-redis's scheduler and duplicate filter (through ``frontier.py``) and
the incremental state moves to the same Redis (``state.py``).  Nothing here
imports redis: the modules that do are loaded only in distributed mode.

Every key of a spider lives under ``<NEWSSPIDER_REDIS_PREFIX>:<spider>:``.
"""

from __future__ import annotations

import re
import socket
from dataclasses import dataclass

from scrapy.settings import BaseSettings

_UNSAFE = re.compile(r"[^A-Za-z0-9_.-]+")


def redis_url(settings: BaseSettings) -> str:
    """The Redis server of the shared frontier, or "" when running alone."""
    return str(settings.get("NEWSSPIDER_REDIS_URL") or "").strip()


def worker_id(settings: BaseSettings) -> str:
    """This worker's name: ``NEWSSPIDER_WORKER_ID``, else the host name.

    It names the worker's files (``articles-<start>-<worker>.jsonl``) and its
    lock, so a restarted worker salvages its own ``.part`` files and no other's.
    """
    chosen = str(settings.get("NEWSSPIDER_WORKER_ID") or "").strip() or socket.gethostname()
    return _UNSAFE.sub("-", chosen).strip("-.") or "worker"


def run_suffix(settings: BaseSettings) -> str:
    """What a worker adds to its run id (and so to its file names): ``-<worker>``."""
    return f"-{worker_id(settings)}" if redis_url(settings) else ""


@dataclass(frozen=True)
class Keys:
    """The Redis keys of one spider's frontier and state."""

    prefix: str
    spider: str

    @classmethod
    def of(cls, settings: BaseSettings, spider: str) -> Keys:
        return cls(str(settings.get("NEWSSPIDER_REDIS_PREFIX") or "newsspider"), spider)

    def __call__(self, *parts: str) -> str:
        return ":".join((self.prefix, self.spider, *parts))

    @property
    def requests(self) -> str:  # scrapy-redis's priority queue (a sorted set)
        return self("requests")

    @property
    def dupefilter(self) -> str:  # scrapy-redis's fingerprints of this frontier (a set)
        return self("dupefilter")

    @property
    def workers(self) -> str:  # the workers of the current frontier (a set)
        return self("workers")

    def alive(self, worker: str) -> str:  # expires unless the worker's heartbeat renews it
        return self("alive", worker)

    def inflight(self, worker: str) -> str:  # requests taken by a worker, not yet done (a hash)
        return self("inflight", worker)

    @property
    def written(self) -> str:  # article id → body hash of every committed record (a hash)
        return self("written")

    def staged(self, worker: str) -> str:  # final file → ids, between ready and committed
        return self("staged", worker)


def held_elsewhere(holder: bytes | None) -> bool:
    """An ``alive`` key ("host:pid") set by another host: that worker id is in use there.

    One of this host is this worker's previous process (the run lock makes sure
    it is gone): its successor takes over.
    """
    return bool(holder) and holder.decode().partition(":")[0] != socket.gethostname()


class RedisUnreachable(RuntimeError):
    """The frontier's Redis server does not answer."""


def check_redis(settings: BaseSettings, spider: str) -> None:
    """Distributed settings make sense, the server answers, and no other machine
    runs this worker id, before the first request.

    Raises ValueError for a bad setting (exit 2), RedisUnreachable (exit 3).
    """
    url = redis_url(settings)
    if not url:
        return
    for name in ("NEWSSPIDER_REDIS_IDLE_TIMEOUT", "NEWSSPIDER_REDIS_WORKER_TTL"):
        try:
            if float(settings.get(name)) <= 0:
                raise ValueError
        except (TypeError, ValueError):
            raise ValueError(
                f"setting {name}: expected a number of seconds > 0, got {settings.get(name)!r}"
            ) from None
    try:
        import scrapy_redis  # noqa: F401
        from redis import Redis, RedisError
    except ImportError:
        raise ValueError(
            "setting NEWSSPIDER_REDIS_URL needs scrapy-redis: pip install 'newsspider[redis]'"
        ) from None
    try:
        client = Redis.from_url(url, socket_connect_timeout=5, socket_timeout=5)
    except ValueError as error:
        raise ValueError(f"setting NEWSSPIDER_REDIS_URL: {error}") from None
    try:
        client.ping()
        holder = client.get(Keys.of(settings, spider).alive(worker_id(settings)))
    except RedisError as error:
        raise RedisUnreachable(
            f"Redis at {url.rpartition('@')[2]} does not answer: {error}"
        ) from None
    finally:
        client.close()
    if held_elsewhere(holder):
        raise ValueError(
            f"setting NEWSSPIDER_WORKER_ID: worker {worker_id(settings)!r} is running on "
            f"{holder.decode()}; give each worker its own id"
        )
