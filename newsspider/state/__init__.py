"""The incremental state: which article ids earlier runs wrote, and when runs succeeded.

- ``base``: the interface every store offers (``State``) and the body hash;
- ``sqlite``: a SQLite file under ``data/state/`` (the default);
- ``redis``: the same contract in Redis, shared by every worker, in
  distributed mode (``NEWSSPIDER_REDIS_URL``); only then imported.

Ids are marked written only once the file holding them is complete on disk
(``newsspider.feeds`` tells us), so a crash can cost a re-fetch, never a lost
or doubled record.  Each store carries a schema version and migrates an older
state in place when it opens it.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from urllib.parse import urlsplit
from weakref import WeakKeyDictionary

from scrapy.crawler import Crawler
from scrapy.settings import BaseSettings

from newsspider.distributed import Keys, RedisUnreachable, redis_url, run_suffix, worker_id
from newsspider.state.base import (
    State,
    StateDamaged,
    StateTooNew,
    StateUnavailable,
    body_hash,
)
from newsspider.state.sqlite import StateStore, check_file

__all__ = [
    "State",
    "StateDamaged",
    "StateStore",
    "StateTooNew",
    "StateUnavailable",
    "body_hash",
    "check_state",
    "open_state",
    "state_dir",
    "state_for",
    "state_path",
]

# Below this, a run would fail half-way (its lock, the state's journal, its files
# and report): it does not start.
MIN_FREE_BYTES = 1 << 20


def state_dir(settings: BaseSettings) -> Path:
    return Path(settings.get("NEWSSPIDER_STATE_DIR") or "data/state")


def state_path(settings: BaseSettings, spider_name: str) -> Path:
    return state_dir(settings) / f"{spider_name}.sqlite"


_STORES: WeakKeyDictionary[Crawler, State] = WeakKeyDictionary()


def state_for(crawler: Crawler) -> State | None:
    """The one state store of a crawl, shared by spider, pipeline and extensions.

    None when ``NEWSSPIDER_STATE_ENABLED`` is off.  Raises ``StateTooNew`` for a
    state written by a newer newsspider.
    """
    if not crawler.settings.getbool("NEWSSPIDER_STATE_ENABLED"):
        return None
    if crawler not in _STORES:
        name = crawler.spidercls.name
        assert name, "a spider with a name"
        _STORES[crawler] = open_state(crawler.settings, name)
    return _STORES[crawler]


def open_state(settings: BaseSettings, spider_name: str) -> State:
    """The spider's state store: in Redis in distributed mode, else its SQLite file."""
    if url := redis_url(settings):
        from newsspider.state.redis import RedisStateStore, connect

        keys = Keys.of(settings, spider_name)
        return RedisStateStore(connect(url), keys, worker_id(settings), _shown(url, keys))
    return StateStore(state_path(settings, spider_name))


def check_state(settings: BaseSettings, spider_name: str) -> None:
    """Refuse, before a run starts, a state this run must not use.

    Raises StateTooNew for one written by a newer newsspider (a ValueError:
    exit 2); StateDamaged (exit 9) for a SQLite state that cannot be read, or that
    is new while committed files of the spider exist: the run would write them all
    again; StateUnavailable (exit 3) for a full disk or a state that cannot be
    opened; RedisUnreachable (exit 3).  A Redis state that lost its data is not
    refused: each worker marks the ids of its own committed files written again
    when it joins (``distributed/frontier.py``), as after a restart mid-run.
    Migrating is the run's business, under its lock.
    """
    if not settings.getbool("NEWSSPIDER_STATE_ENABLED"):
        return
    from newsspider.feeds import (  # feeds imports the state: not at the top
        committed_files,
        stream_feeds,
    )

    files = committed_files(stream_feeds(settings), spider_name, run_suffix(settings))
    _check_free_space([state_dir(settings), *{path.parent for path in files}])
    if url := redis_url(settings):
        from redis import RedisError

        from newsspider.state.redis import connect, stored_version

        keys = Keys.of(settings, spider_name)
        server = connect(url)
        try:
            stored_version(server, keys, _shown(url, keys))
        except RedisError as error:
            raise RedisUnreachable(
                f"Redis at {url.rpartition('@')[2]} does not answer: {error}"
            ) from None
        finally:
            server.close()
        return
    if check_file(state_path(settings, spider_name)) and files:
        raise StateDamaged(f"state lost: {len(files)} output files exist", spider_name, "")


def _check_free_space(folders: list[Path]) -> None:
    for folder in folders:
        try:
            free = shutil.disk_usage(folder).free
        except OSError:  # not created yet: its parent's disk is checked with the state's
            continue
        if free < MIN_FREE_BYTES:
            raise StateUnavailable(
                f"no space left on device: {free} bytes free in {folder} "
                f"(a run needs at least {MIN_FREE_BYTES >> 20} MiB)"
            )


def _shown(url: str, keys: Keys) -> str:
    """Where the run report says a Redis state is, without the password."""
    parts = urlsplit(url)
    host = parts.netloc.rpartition("@")[2]
    return f"{parts._replace(netloc=host).geturl()} {keys.namespace}:*"
