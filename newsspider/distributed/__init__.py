"""Distributed crawling on Redis: several workers, one frontier, each article once.

Off unless ``NEWSSPIDER_REDIS_URL`` is set; then the add-on switches on
scrapy-redis's scheduler and duplicate filter (through ``frontier.py``) and
the incremental state moves to the same Redis (``newsspider.state.redis``).
Nothing here imports redis: the modules that do are loaded only in
distributed mode.

Every key of a spider lives under ``<NEWSSPIDER_REDIS_PREFIX>:<spider>:`` and
is named in ``Keys``.
"""

from __future__ import annotations

import re
import socket
from dataclasses import dataclass
from typing import cast

from scrapy.settings import BaseSettings

_UNSAFE = re.compile(r"[^A-Za-z0-9_.-]+")
# Fail in seconds, well inside a worker's TTL, and never repeat a command after a
# timeout: a repeated pop would take a request twice.
REDIS_PARAMS = {"socket_connect_timeout": 5, "socket_timeout": 5, "retry_on_timeout": False}


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
    """Every Redis key of one spider's frontier and state: no key is named elsewhere."""

    prefix: str
    spider: str

    @classmethod
    def of(cls, settings: BaseSettings, spider: str) -> Keys:
        return cls(str(settings.get("NEWSSPIDER_REDIS_PREFIX") or "newsspider"), spider)

    def _key(self, *parts: str) -> str:
        return ":".join((self.prefix, self.spider, *parts))

    @property
    def namespace(self) -> str:  # what every key of this spider starts with
        return self._key()

    # the frontier

    @property
    def requests(self) -> str:  # scrapy-redis's priority queue (a sorted set)
        return self._key("requests")

    @property
    def dupefilter(self) -> str:  # scrapy-redis's fingerprints of this frontier (a set)
        return self._key("dupefilter")

    @property
    def workers(self) -> str:  # the workers of the current frontier (a set)
        return self._key("workers")

    def alive(self, worker: str) -> str:  # expires unless the worker's heartbeat renews it
        return self._key("alive", worker)

    def inflight(self, worker: str) -> str:  # requests taken by a worker, not yet done (a hash)
        return self._key("inflight", worker)

    @property
    def join_lock(self) -> str:  # held while a worker joins the frontier or starts a new one
        return self._key("join")

    @property
    def draining(self) -> str:  # set once the frontier is drained: the next worker starts anew
        return self._key("draining")

    def marked(self, worker: str) -> str:  # set by a worker at start: its files are in ``written``
        return self._key("marked", worker)  # gone once Redis lost its data (restart, flush)

    # the state

    @property
    def written(self) -> str:  # article id → body hash of every committed record (a hash)
        return self._key("written")

    def staged(self, worker: str) -> str:  # final file → ids, between ready and committed
        return self._key("staged", worker)

    @property
    def rss(self) -> str:  # feed URL → [ETag, Last-Modified] of its last answer (a hash)
        return self._key("rss")

    @property
    def clean(self) -> str:  # "0" once the current frontier lost work (a death, an early end)
        return self._key("clean")

    @property
    def previous_clean(self) -> str:  # ``clean`` of the last frontier, copied when one starts
        return self._key("previous_clean")

    @property
    def last_success(self) -> str:  # start (ISO, UTC) of the newest run that exited 0
        return self._key("last_success")

    @property
    def state_version(self) -> str:  # the state's schema version; missing means 0
        return self._key("state_version")

    @property
    def state_lock(self) -> str:  # held while a worker migrates the state
        return self._key("state_lock")


def held_elsewhere(holder: bytes | None) -> bool:
    """An ``alive`` key ("host:pid") set by another host: that worker id is in use there.

    One of this host is this worker's previous process (the run lock makes sure
    it is gone): its successor takes over.
    """
    if not holder:
        return False
    return holder.decode().partition(":")[0] != socket.gethostname()


class RedisUnreachable(RuntimeError):
    """The frontier's Redis server does not answer."""


def volatile(config: dict[str, str]) -> bool:
    """Neither an append-only file nor a snapshot policy (``CONFIG GET appendonly``,
    ``save``): a restart empties the server, the state of every earlier run with it."""
    return config.get("appendonly", "no") != "yes" and not config.get("save", "").strip()


def check_redis(settings: BaseSettings, spider: str) -> None:
    """Distributed settings make sense, the server answers and keeps its data across a
    restart (unless ``NEWSSPIDER_REDIS_ALLOW_VOLATILE``), and no other machine runs
    this worker id, before the first request.

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
        from redis import Redis, RedisError, ResponseError
    except ImportError:
        raise ValueError(
            "setting NEWSSPIDER_REDIS_URL needs scrapy-redis: pip install 'newsspider[redis]'"
        ) from None
    try:
        client = Redis.from_url(url, socket_connect_timeout=5, socket_timeout=5)
    except ValueError as error:
        raise ValueError(f"setting NEWSSPIDER_REDIS_URL: {error}") from None
    where = url.rpartition("@")[2]
    try:
        client.ping()
        # redis-py's types cover its async client too: this one answers bytes and str.
        holder = cast(
            "bytes | None", client.get(Keys.of(settings, spider).alive(worker_id(settings)))
        )
        if not settings.getbool("NEWSSPIDER_REDIS_ALLOW_VOLATILE"):
            config = cast(
                "dict[str, str]", {**client.config_get("appendonly"), **client.config_get("save")}
            )
    except ResponseError as error:  # CONFIG renamed or forbidden (managed servers)
        raise ValueError(
            f"cannot tell whether Redis at {where} keeps its data across a restart "
            f"(CONFIG GET: {error}); set NEWSSPIDER_REDIS_ALLOW_VOLATILE=true if it does"
        ) from None
    except RedisError as error:
        raise RedisUnreachable(f"Redis at {where} does not answer: {error}") from None
    finally:
        client.close()
    if not settings.getbool("NEWSSPIDER_REDIS_ALLOW_VOLATILE") and volatile(config):
        raise ValueError(
            f"Redis at {where} keeps its data in memory only (appendonly no, no save policy): "
            "a restart would lose the state; set appendonly yes, or "
            "NEWSSPIDER_REDIS_ALLOW_VOLATILE=true for a throwaway server"
        )
    if held_elsewhere(holder):
        raise ValueError(
            f"setting NEWSSPIDER_WORKER_ID: worker {worker_id(settings)!r} is running on "
            f"{holder.decode() if holder else ''}; give each worker its own id"
        )
