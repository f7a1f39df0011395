"""The state's schema version: an older state is migrated in place, a newer one refused.

``tests/data/state-v0.sqlite`` was written by the SQLite store of the release
before versions (commit 4397296), with:

    store = StateStore(path); store.begin_run()
    store.mark_written([(LIBE, body_hash(LIBE_BODY)), (HESPRESS, body_hash(HESPRESS_BODY)),
                        (LEMATIN, None)])
    store.mark_written([(LIBE, body_hash(LIBE_REVISED))])
    store.stage([(PENDING, body_hash(PENDING_BODY))], Path(PENDING_FILE))
    store.record_run("2026-03-01T05:00:00Z", 0); store.record_run("2026-03-01T06:00:00Z", 4)
    store.end_run(False); store.close()
"""

from __future__ import annotations

import re
import shutil
import sqlite3
from pathlib import Path

import pytest
import redis
from scrapy import Spider
from scrapy.utils.test import get_crawler

from newsspider import exitcodes
from newsspider.distributed import Keys
from newsspider.state import StateStore, StateTooNew, body_hash, check_state, state_for
from newsspider.state import sqlite as sqlite_state
from newsspider.state.base import Validators
from newsspider.state.redis import VERSION as REDIS_VERSION
from newsspider.state.redis import RedisStateStore
from tests.conftest import run_crawl

V0_FILE = Path(__file__).parent / "data" / "state-v0.sqlite"
V1_FILE = Path(__file__).parent / "data" / "state-v1.sqlite"
LIBE, HESPRESS, LEMATIN = (
    "maghress:fr:libe:1001",
    "maghress:ar:hespress:2002",
    "maghress:fr:lematin:3003",
)
PENDING, PENDING_FILE = "maghress:fr:libe:4004", "data/maghress/articles-20260301T060000Z.jsonl"
LIBE_REVISED = "Le conseil a voté le budget rectifié."
HESPRESS_BODY = "صادق المجلس على الميزانية."
PENDING_BODY = "Un article en attente."
# sha1 of each body, its first 20 hex digits: the fingerprint must never change,
# or every known article would look changed at the source.
LIBE_HASH, HESPRESS_HASH = "4562db59711fba2468b0", "c7f7d89a125cd44018be"
PENDING_HASH = "a683d1ba3a7fe1933ffa"


class MaghressNamed(Spider):
    name = "maghress"


def user_version(path: Path) -> int:
    db = sqlite3.connect(path)
    try:
        return db.execute("PRAGMA user_version").fetchone()[0]
    finally:
        db.close()


def v0_copy(tmp_path: Path) -> Path:
    path = tmp_path / "maghress.sqlite"
    shutil.copyfile(V0_FILE, path)
    assert user_version(path) == 0
    return path


def test_body_hash_is_the_one_older_states_hold() -> None:
    assert body_hash(LIBE_REVISED) == LIBE_HASH
    assert body_hash(HESPRESS_BODY) == HESPRESS_HASH
    assert body_hash(PENDING_BODY) == PENDING_HASH
    assert body_hash("") is None and body_hash(None) is None


def test_a_state_file_written_before_versions_is_migrated_in_place(tmp_path: Path) -> None:
    path = v0_copy(tmp_path)
    store = StateStore(path)
    assert store.hashes == {LIBE: LIBE_HASH, HESPRESS: HESPRESS_HASH, LEMATIN: None}
    assert store.previous_clean is False, "the last run was not complete"
    assert store.last_success() == "2026-03-01T05:00:00Z"
    runs = store.db.execute("SELECT started, exit_code FROM runs ORDER BY started").fetchall()
    assert runs == [("2026-03-01T05:00:00Z", 0), ("2026-03-01T06:00:00Z", 4)]
    revisions = dict(store.db.execute("SELECT id, revision FROM written"))
    assert revisions == {LIBE: 2, HESPRESS: 1, LEMATIN: 1}
    staged = store.db.execute("SELECT id, body_hash, file FROM staged").fetchall()
    assert staged == [(PENDING, PENDING_HASH, PENDING_FILE)]
    assert store.rss_validators() == {}, "no feed polled yet"
    store.close()
    assert user_version(path) == sqlite_state.VERSION == 2

    again = StateStore(path)  # already current: opened as is
    assert again.hashes == {LIBE: LIBE_HASH, HESPRESS: HESPRESS_HASH, LEMATIN: None}
    again.close()
    assert user_version(path) == 2


def test_a_state_file_of_version_1_gets_the_feeds_table(tmp_path: Path) -> None:
    """``tests/data/state-v1.sqlite`` was written by the SQLite store of the release
    before feed polling (commit 3edd9b2), with:

        store = StateStore(path); store.begin_run()
        store.mark_written([(LIBE, body_hash("Le conseil a voté le budget.")),
                            (HESPRESS, body_hash(HESPRESS_BODY)), (LEMATIN, None)])
        store.record_run("2026-11-30T05:00:00Z", 0); store.end_run(True); store.close()
    """
    path = tmp_path / "maghress.sqlite"
    shutil.copyfile(V1_FILE, path)
    assert user_version(path) == 1
    store = StateStore(path)
    assert store.hashes == {LIBE: "0304337f30449b6802f6", HESPRESS: HESPRESS_HASH, LEMATIN: None}
    assert store.previous_clean is True, (
        "the last run was complete: feeds may be asked conditionally"
    )
    assert store.last_success() == "2026-11-30T05:00:00Z"
    assert store.rss_validators() == {}
    feed = "http://127.0.0.1:8000/fr/libe/rss"
    store.remember_rss(feed, Validators('"abc"', "Wed, 13 Nov 2019 08:15:00 GMT"))
    store.close()
    assert user_version(path) == 2
    again = StateStore(path)
    assert again.rss_validators() == {feed: ('"abc"', "Wed, 13 Nov 2019 08:15:00 GMT")}
    again.close()


def test_a_new_state_file_starts_at_the_current_version(tmp_path: Path) -> None:
    StateStore(tmp_path / "new.sqlite").close()
    assert user_version(tmp_path / "new.sqlite") == sqlite_state.VERSION


def test_each_migration_step_commits_with_its_version(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """How the next issue changes the state: one more step at the end of the list."""
    path = v0_copy(tmp_path)
    note_column = "ALTER TABLE runs ADD COLUMN note TEXT;"
    broken = "ALTER TABLE runs ADD COLUMN report TEXT; ALTER TABLE nowhere ADD COLUMN x TEXT;"
    steps = (*sqlite_state.MIGRATIONS, note_column, broken)
    monkeypatch.setattr(sqlite_state, "MIGRATIONS", steps)
    monkeypatch.setattr(sqlite_state, "VERSION", len(steps))
    with pytest.raises(sqlite3.OperationalError, match="nowhere"):
        StateStore(path)
    assert user_version(path) == len(steps) - 1, "stopped after the last complete step"
    db = sqlite3.connect(path)
    columns = [row[1] for row in db.execute("PRAGMA table_info(runs)")]
    db.close()
    assert columns == ["started", "finished", "exit_code", "note"], "the broken step left nothing"

    monkeypatch.setattr(sqlite_state, "MIGRATIONS", steps[:-1])
    monkeypatch.setattr(sqlite_state, "VERSION", len(steps) - 1)
    store = StateStore(path)
    assert store.hashes[LIBE] == LIBE_HASH
    store.close()


def test_a_state_file_of_a_newer_version_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "state" / "maghress.sqlite"
    path.parent.mkdir()
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE future (x TEXT)")
    db.execute(f"PRAGMA user_version = {sqlite_state.VERSION + 1}")
    db.close()
    before = path.read_bytes()
    with pytest.raises(StateTooNew, match=r"has version 3, newer than this newsspider knows \(2\)"):
        StateStore(path)
    assert path.read_bytes() == before
    crawler = get_crawler(
        settings_dict={"NEWSSPIDER_STATE_ENABLED": True, "NEWSSPIDER_STATE_DIR": str(path.parent)}
    )
    with pytest.raises(StateTooNew):
        check_state(crawler.settings, "maghress")
    check_state(crawler.settings, "other")  # no state yet: nothing to refuse


def test_a_crawl_on_a_newer_state_exits_2_before_any_request(tmp_path: Path) -> None:
    path = tmp_path / "data" / "state" / "maghress.sqlite"
    path.parent.mkdir(parents=True)
    db = sqlite3.connect(path)
    db.execute("PRAGMA user_version = 7")
    db.close()
    run = run_crawl(tmp_path, "-a", "base_url=http://127.0.0.1:9")
    assert run.returncode == exitcodes.USAGE, run.stderr[-2000:]
    assert run.stderr.count("\n") == 1, run.stderr
    assert "has version 7, newer than this newsspider knows" in run.stderr
    assert "upgrade newsspider" in run.stderr


def first_release_keys(server: redis.Redis) -> None:
    """A spider's state in Redis as the release before versions left it."""
    server.hset("newsspider:maghress:written", mapping={LIBE: LIBE_HASH, LEMATIN: ""})
    server.set("newsspider:maghress:last_success", "2026-03-01T05:00:00Z")
    server.set("newsspider:maghress:previous_clean", "0")
    server.hset("newsspider:maghress:staged:one", PENDING_FILE, f'[["{PENDING}", null]]')


def test_a_redis_state_written_before_versions_gets_its_version(redis_url: str) -> None:
    server = redis.Redis.from_url(redis_url)
    first_release_keys(server)
    store = RedisStateStore(server, Keys("newsspider", "maghress"), "one", "test")
    assert server.get("newsspider:maghress:state_version") == str(REDIS_VERSION).encode()
    assert REDIS_VERSION == 1
    assert store.hashes == {LIBE: LIBE_HASH, LEMATIN: None}
    assert store.last_success() == "2026-03-01T05:00:00Z"
    assert store.previous_clean is False
    assert server.hget("newsspider:maghress:staged:one", PENDING_FILE) is not None
    other = RedisStateStore(server, Keys("newsspider", "other"), "one", "test")
    assert len(other) == 0, "each spider has its own state"
    assert server.get("newsspider:other:state_version") == b"1"


def test_a_redis_state_of_a_newer_version_is_refused(redis_url: str) -> None:
    server = redis.Redis.from_url(redis_url)
    first_release_keys(server)
    server.set("newsspider:maghress:state_version", REDIS_VERSION + 1)
    with pytest.raises(StateTooNew, match="newsspider:maghress:\\* has version 2"):
        RedisStateStore(server, Keys("newsspider", "maghress"), "one", "newsspider:maghress:*")
    assert server.get("newsspider:maghress:state_version") == b"2", "left as it was"
    settings = {
        "NEWSSPIDER_STATE_ENABLED": True,
        "NEWSSPIDER_REDIS_URL": redis_url,
        "NEWSSPIDER_WORKER_ID": "one",
    }
    with pytest.raises(StateTooNew, match=re.escape(f"{redis_url} newsspider:maghress:*")):
        check_state(get_crawler(settings_dict=settings).settings, "maghress")
    with pytest.raises(StateTooNew):
        state_for(get_crawler(MaghressNamed, settings))
