"""A Redis that restarts or loses its data: the run says so, and no article is
written twice after it.

redis-py reconnects silently: without these checks a worker went on against an
empty frontier and exited 0 with articles unwritten, and the next run, on an
empty state, wrote the whole archive again.  Real worker processes, a real
``redis-server`` restarted empty, the fixture site on loopback.
"""

from __future__ import annotations

import json
import signal
import subprocess
import time
from pathlib import Path

import pytest
import redis

from newsspider import exitcodes
from newsspider.demo_site import DemoSite
from newsspider.distributed import Keys, volatile
from newsspider.feeds import committed_files
from newsspider.items import ARTICLE_SCHEMA, HEADLINES_SCHEMA
from newsspider.state.base import body_hash
from newsspider.state.redis import remark
from tests.conftest import run_crawl
from tests.redis_server import RedisServer
from tests.test_cron import article_ids
from tests.test_distributed import (
    PACED,
    assert_each_article_once,
    committed,
    start_worker,
    stats_of,
    wait_for,
    worker_args,
)


def stop_mid_crawl(worker: subprocess.Popen[str], workdir: Path, lose_data) -> str:
    """Once the worker exported a few articles, ``lose_data()`` (the worker paused
    meanwhile); what it wrote on stderr once it ended with exit 11."""
    part = lambda: list(workdir.glob("data/maghress/articles-*.jsonl.part"))  # noqa: E731
    wait_for(lambda: part() and part()[0].read_bytes().count(b"\n") >= 3)
    worker.send_signal(signal.SIGSTOP)
    try:
        # Stopped ("T" in /proc), and Redis has answered the command it may have just sent.
        wait_for(lambda: Path(f"/proc/{worker.pid}/stat").read_text().split()[2] == "T")
        time.sleep(0.2)
        lose_data()
    finally:
        worker.send_signal(signal.SIGCONT)
    _out, err = worker.communicate(timeout=120)
    assert worker.returncode == exitcodes.REDIS_RESTARTED, err[-3000:]
    assert "Traceback" not in err, err[-3000:]
    [summary] = [line for line in err.splitlines() if line.startswith("newsspider maghress")]
    assert "exit 11 (Redis restarted or lost its data during the run: " in summary, summary
    assert stats_of(workdir)["newsspider/redis/restarted"] == 1
    return err


def test_a_redis_that_restarts_empty_fails_the_run_and_nothing_is_written_twice(
    tmp_path: Path,
) -> None:
    """redis-py reconnects silently to a restarted Redis: the worker went on against an
    empty frontier, exited 0 with articles unwritten, and the next run, on the empty
    state, wrote the whole archive again.

    The worker is paused while Redis restarts (or is flushed), so that none of its
    commands falls in the gap (one that does fails the run with exit 3, as above): as
    in the reported case, its next command finds a closed connection, and redis-py
    reconnects."""
    with RedisServer() as own, DemoSite() as server:
        args = worker_args(own.url, "one", server.base_url)
        # 1. Restarted mid-crawl: the run_id changed.
        err = stop_mid_crawl(start_worker(tmp_path, *args, *PACED), tmp_path, own.restart)
        assert "Redis restarted during the run (its run_id changed)" in err
        first = article_ids(committed(tmp_path))
        assert 3 <= len(first) < len(server.site.articles), "it stopped mid-crawl"

        # 2. Restarted empty again before the next run: the state lost what the worker's
        # files hold, and it marks them written again.  Then flushed mid-crawl: no
        # restart, but the worker's marker is gone.
        own.restart()
        flush = lambda: own.client().flushall()  # noqa: E731
        err = stop_mid_crawl(start_worker(tmp_path, *args, *PACED), tmp_path, flush)
        assert "Redis lost its data during the run" in err
        assert stats_of(tmp_path)["newsspider/redis/remarked_ids"] == len(first)
        second = [i for i in article_ids(committed(tmp_path)) if i not in first]
        assert len(second) >= 3 and not set(first) & set(second), "none written again"

        # 3. The next run, after the flush: the state holds what the second run committed
        # after it; the first run's ids come back from its file.
        rerun = run_crawl(tmp_path, *args)
    assert rerun.returncode == exitcodes.OK, rerun.stderr[-3000:]
    assert rerun.stats["newsspider/redis/remarked_ids"] == len(first)
    assert "Redis had lost the state" in rerun.stderr
    report = json.loads(sorted(tmp_path.glob("data/maghress/runs/*-one.json"))[-1].read_text())
    assert report["state"]["previous_run_clean"] is False, "listings walked to their end"
    assert_each_article_once(article_ids(committed(tmp_path)), server)


def test_a_worker_reads_back_only_its_own_committed_files(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    folder = tmp_path / "data" / "maghress"
    folder.mkdir(parents=True)
    names = [
        "articles-20260101T000000Z-one.jsonl",
        "articles-20260101T000000Z-one.salvaged-1.jsonl",  # salvaged beside a taken name
        "headlines-20260102T000000Z-one.jsonl",
        "articles-20260103T000000Z-one.jsonl.part",  # not committed: salvage's business
        "articles-20260101T000000Z-two.jsonl",  # another worker's
        "articles-20260101T000000Z.jsonl",  # a single-machine run's
        "notes.txt",
    ]
    for name in names:
        (folder / name).write_text("")
    feeds = ["data/%(name)s/articles-%(run_id)s.jsonl", "data/%(name)s/headlines-%(run_id)s.jsonl"]
    assert committed_files(feeds, "maghress", "-one") == [
        Path("data/maghress") / n for n in names[:3]
    ]
    assert committed_files(feeds, "other", "-one") == []


def test_ids_a_lost_state_had_are_marked_again_from_the_files(
    tmp_path: Path, redis_url: str
) -> None:
    server = redis.Redis.from_url(redis_url)
    keys = Keys("newsspider", "maghress")
    older, newer = tmp_path / "articles-1-one.jsonl", tmp_path / "articles-2-one.jsonl"
    older.write_text(
        json.dumps({"schema": ARTICLE_SCHEMA, "id": "a", "body": "premier jet"})
        + "\n"
        + json.dumps({"schema": ARTICLE_SCHEMA, "id": "b", "body": "b"})
        + "\n"
    )
    newer.write_text(
        json.dumps({"schema": ARTICLE_SCHEMA, "id": "a", "body": "seconde version"})
        + "\n"
        + json.dumps({"schema": HEADLINES_SCHEMA, "id": "strip", "headlines": []})
        + "\n"
        + json.dumps({"schema": ARTICLE_SCHEMA, "id": "c", "body": None})
        + "\n"
    )
    server.hset(keys.written, "b", "kept")  # another worker wrote a newer revision
    assert remark(server, keys, [older, newer]) == 2, "a and c were lost; b was not"
    assert server.hgetall(keys.written) == {
        b"a": body_hash("seconde version").encode(),  # the latest file's revision
        b"b": b"kept",
        b"c": b"",
    }
    assert remark(server, keys, [older, newer]) == 0


@pytest.mark.parametrize(
    ("config", "refused"),
    [
        ({"appendonly": "no", "save": ""}, True),
        ({"appendonly": "no", "save": "  "}, True),
        ({"appendonly": "yes", "save": ""}, False),
        ({"appendonly": "no", "save": "3600 1 300 100"}, False),
    ],
)
def test_a_server_that_keeps_nothing_on_disk_is_volatile(config: dict, refused: bool) -> None:
    assert volatile(config) is refused
