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

from pathlib import Path
from urllib.parse import urlsplit
from weakref import WeakKeyDictionary

from scrapy.crawler import Crawler
from scrapy.settings import BaseSettings

from newsspider.distributed import Keys, RedisUnreachable, redis_url, worker_id
from newsspider.state.base import State, StateTooNew, body_hash
from newsspider.state.sqlite import StateStore, check_file

__all__ = [
    "State",
    "StateStore",
    "StateTooNew",
    "body_hash",
    "check_state",
    "state_dir",
    "state_for",
    "state_path",
]


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
        if url := redis_url(crawler.settings):
            from newsspider.state.redis import RedisStateStore, connect

            keys = Keys.of(crawler.settings, name)
            shown = _shown(url, keys)
            store: State = RedisStateStore(connect(url), keys, worker_id(crawler.settings), shown)
        else:
            store = StateStore(state_path(crawler.settings, name))
        _STORES[crawler] = store
    return _STORES[crawler]


def check_state(settings: BaseSettings, spider_name: str) -> None:
    """Refuse, before a run starts, a state written by a newer newsspider.

    Reads the version only: migrating is the run's business, under its lock.
    Raises StateTooNew (a ValueError: exit 2), RedisUnreachable (exit 3).
    """
    if not settings.getbool("NEWSSPIDER_STATE_ENABLED"):
        return
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
    else:
        check_file(state_path(settings, spider_name))


def _shown(url: str, keys: Keys) -> str:
    """Where the run report says a Redis state is, without the password."""
    parts = urlsplit(url)
    host = parts.netloc.rpartition("@")[2]
    return f"{parts._replace(netloc=host).geturl()} {keys.namespace}:*"
