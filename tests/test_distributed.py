"""Distributed crawling: several `scrapy crawl` workers on one real Redis frontier.

Each worker is a real subprocess in its own folder (its own "machine"); the
fixture site and a real ``redis-server`` run on loopback.
"""

from __future__ import annotations

import json
import os
import pickle
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import redis

from newsspider import exitcodes
from newsspider.demo_site import DemoSite
from newsspider.distributed import Keys
from newsspider.runlock import RunLock
from newsspider.schema import file_errors
from newsspider.state.redis import RedisStateStore
from tests.conftest import FAST, run_crawl
from tests.redis_server import RedisServer, free_port
from tests.test_cron import article_ids, ids_of

# Quick to notice a dead worker and to end once the frontier is empty.
DISTRIBUTED = ["-s", "NEWSSPIDER_REDIS_IDLE_TIMEOUT=1", "-s", "NEWSSPIDER_REDIS_WORKER_TTL=2"]
# The test server keeps its data in memory only: persistence is not these tests' subject.
VOLATILE = ["-s", "NEWSSPIDER_REDIS_ALLOW_VOLATILE=true"]
DISTRIBUTED += VOLATILE
# Slow enough that workers overlap on a 74-article site: one alone would drain the
# queue as fast as it fills, and an idle worker looks at it only every 5 s.
PACED = ["-s", "CONCURRENT_REQUESTS=1", "-s", "DOWNLOAD_DELAY=0.05"]
PACED += ["-s", "RANDOMIZE_DOWNLOAD_DELAY=False"]


def worker_args(redis_url: str, worker: str, base_url: str) -> list[str]:
    return [
        "-a",
        f"base_url={base_url}",
        "-s",
        f"NEWSSPIDER_REDIS_URL={redis_url}",
        "-s",
        f"NEWSSPIDER_WORKER_ID={worker}",
        *DISTRIBUTED,
    ]


def start_worker(workdir: Path, *args: str) -> subprocess.Popen[str]:
    workdir.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "SCRAPY_SETTINGS_MODULE": "newsspider.settings"}
    command = [sys.executable, "-m", "scrapy", "crawl", "maghress", *FAST, *args]
    command += ["-s", f"NEWSSPIDER_STATS_FILE={workdir / 'stats.json'}"]
    return subprocess.Popen(
        command, cwd=workdir, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )


def finish(worker: subprocess.Popen[str], timeout: float = 180) -> str:
    _out, err = worker.communicate(timeout=timeout)
    assert worker.returncode == exitcodes.OK, err[-3000:]
    return err


def wait_for(condition, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def committed(*workdirs: Path) -> list[Path]:
    return sorted(p for w in workdirs for p in w.glob("data/maghress/articles-*.jsonl"))


def stats_of(workdir: Path) -> dict:
    return json.loads((workdir / "stats.json").read_text(encoding="utf-8"))


def assert_each_article_once(ids: list[str], server: DemoSite) -> None:
    """The files hold every article of the site, none twice."""
    assert Counter(ids).most_common(1)[0][1] == 1, "an article written twice"
    assert set(ids) == ids_of(server.site.articles), "an article was lost"


def article_fetches(server: DemoSite) -> Counter[str]:
    paths = {article.path for article in server.site.articles}
    return Counter(path for method, path, _status in server.requests if path in paths)


def test_two_workers_share_the_work_and_a_rerun_writes_only_new(
    tmp_path: Path, redis_url: str
) -> None:
    client = redis.Redis.from_url(redis_url)
    one, two = tmp_path / "one", tmp_path / "two"
    with DemoSite() as server:
        # Started together, so that a loaded machine, slow to start the second
        # process, does not leave the first one the whole (paced) crawl.
        first = start_worker(one, *worker_args(redis_url, "one", server.base_url), *PACED)
        second = start_worker(two, *worker_args(redis_url, "two", server.base_url), *PACED)
        wait_for(lambda: client.sismember("newsspider:maghress:workers", "one"))
        finish(first), finish(second)

        files = committed(one, two)
        ids = article_ids(files)
        assert_each_article_once(ids, server)
        per_worker = {w.name: len(article_ids(committed(w))) for w in (one, two)}
        assert all(per_worker.values()), f"each worker did part of the work: {per_worker}"
        assert all(f.name.endswith(("-one.jsonl", "-two.jsonl")) for f in files)
        assert max(article_fetches(server).values()) == 1, "an article page fetched twice"
        assert client.hlen("newsspider:maghress:written") == len(ids)
        for path in files:
            assert list(file_errors(path)) == []

        added = [server.site.add_article("fr"), server.site.add_article("ar")]
        added.append(server.site.add_article("fr", source="libe"))
        server.clear_requests()
        first = start_worker(one, *worker_args(redis_url, "one", server.base_url))
        second = start_worker(two, *worker_args(redis_url, "two", server.base_url))
        finish(first), finish(second)
        new_files = [p for p in committed(one, two) if p not in files]
        assert sorted(article_ids(new_files)) == sorted(ids_of(added))
        assert sum(article_fetches(server).values()) == len(added)


def test_a_worker_killed_mid_crawl_loses_nothing(tmp_path: Path, redis_url: str) -> None:
    one, two = tmp_path / "one", tmp_path / "two"
    with DemoSite() as server:
        victim = start_worker(one, *worker_args(redis_url, "one", server.base_url), *PACED)
        survivor = start_worker(two, *worker_args(redis_url, "two", server.base_url), *PACED)
        part = lambda: list(one.glob("data/maghress/articles-*.jsonl.part"))  # noqa: E731
        wait_for(lambda: part() and part()[0].read_bytes().count(b"\n") >= 5)
        victim.send_signal(signal.SIGKILL)
        victim.wait(timeout=30)
        finish(survivor)
        stats = stats_of(two)
        assert stats["newsspider/redis/dead_workers"] == 1
        assert not committed(one), "the killed worker committed nothing"
        # Before any restart: what the victim had exported plus what the survivor
        # wrote is the whole site — the requests it had in flight were not lost.
        exported = [json.loads(line)["id"] for line in part()[0].read_bytes().splitlines()]
        survived = article_ids(committed(two))
        assert set(exported) | set(survived) == ids_of(server.site.articles)
        assert not set(exported) & set(survived), "the survivor wrote an exported article again"

        # The killed worker comes back: it salvages its .part file and finds no work left.
        rerun = run_crawl(one, *worker_args(redis_url, "one", server.base_url))
        assert rerun.returncode == exitcodes.OK, rerun.stderr[-3000:]
        assert "salvaged" in rerun.stderr
        assert not part()
        files = committed(one, two)
        ids = article_ids(files)
        assert_each_article_once(ids, server)
        for path in files:
            assert list(file_errors(path)) == [], f"torn or bad line in {path}"
        report = json.loads(sorted(one.glob("data/maghress/runs/*-one.json"))[-1].read_text())
        assert report["state"]["previous_run_clean"] is False, "a death makes the run unclean"
        assert report["records"].get("article", 0) == 0, "nothing left to write"


def test_a_dead_workers_requests_go_to_the_next_worker(tmp_path: Path, redis_url: str) -> None:
    """A worker that died holding a request (no heartbeat, an in-flight entry):
    the next worker queues it again, though nothing else links to that page."""
    from scrapy import Request

    from newsspider.spiders.maghress import MaghressSpider

    client = redis.Redis.from_url(redis_url)
    with DemoSite() as server:
        orphan, asked = server.site.articles[3], server.site.articles[4]
        spider = MaghressSpider(base_url=server.base_url)
        request = Request(server.url(orphan.path), callback=spider.parse_article, priority=10)
        data = pickle.dumps(request.to_dict(spider=spider), protocol=-1)
        client.sadd("newsspider:maghress:workers", "ghost")
        # In flight as the pop script leaves it: the queue score, a newline, the request.
        client.hset("newsspider:maghress:inflight:ghost", "token", b"-10\n" + data)

        run = run_crawl(
            tmp_path,
            *worker_args(redis_url, "one", server.base_url),
            "-a",
            f"urls={server.url(asked.path)}",
        )
        assert run.returncode == exitcodes.OK, run.stderr[-3000:]
        assert "worker ghost is gone: 1 request(s)" in run.stderr
        assert sorted(article_ids(committed(tmp_path))) == sorted(ids_of([orphan, asked]))
        assert run.stats["newsspider/redis/recovered_requests"] == 1
        assert not client.exists("newsspider:maghress:inflight:ghost")
        assert not client.sismember("newsspider:maghress:workers", "ghost")
        assert client.get("newsspider:maghress:clean") == b"0", "a death makes the run unclean"


def test_a_worker_whose_redis_goes_away_ends_with_exit_3(tmp_path: Path) -> None:
    """No hang, no traceback: it stops taking requests and closes as failed; what
    it had taken stays in its in-flight hash for the next worker."""
    with RedisServer() as own, DemoSite() as server:
        worker = start_worker(tmp_path, *worker_args(own.url, "one", server.base_url), *PACED)
        part = lambda: list(tmp_path.glob("data/maghress/articles-*.jsonl.part"))  # noqa: E731
        wait_for(lambda: part() and part()[0].read_bytes().count(b"\n") >= 3)
        own.stop()
        _out, err = worker.communicate(timeout=120)
    assert worker.returncode == exitcodes.FAILED, err[-3000:]
    assert "the run closed early (redis_unavailable)" in err
    assert "Traceback" not in err, err[-3000:]
    assert committed(tmp_path), "what it wrote is kept in a final file"


def test_a_worker_arriving_while_the_last_run_winds_down_starts_a_new_run(
    tmp_path: Path, redis_url: str
) -> None:
    client = redis.Redis.from_url(redis_url)
    one, two = tmp_path / "one", tmp_path / "two"
    with DemoSite() as server:
        lingering = ["-s", "NEWSSPIDER_REDIS_IDLE_TIMEOUT=10"]
        first = start_worker(one, *worker_args(redis_url, "one", server.base_url), *lingering)
        wait_for(lambda: client.exists("newsspider:maghress:draining"), timeout=120)
        server.site.add_article("fr")  # published while the last run winds down
        server.site.add_article("ar")
        second = run_crawl(two, *worker_args(redis_url, "two", server.base_url), *lingering)
        finish(first)
    assert second.returncode == exitcodes.OK, second.stderr[-3000:]
    assert second.stats["newsspider/redis/new_frontier"] == 1, "not a join of the finished run"
    assert_each_article_once(article_ids(committed(one, two)), server)  # the added ones too


def test_redis_state_counts_only_committed_files(tmp_path: Path, redis_url: str) -> None:
    server = redis.Redis.from_url(redis_url)
    keys = Keys("newsspider", "maghress")
    store = RedisStateStore(server, keys, "one", "test")
    final = tmp_path / "articles.jsonl"
    store.stage([("a", "h")], final)
    assert not store.is_known("a"), "staged is not written"
    assert store.recover() == 0, "no final file: a crash before the rename"
    store.stage([("a", "h"), ("b", None)], final)
    final.write_text("…")
    assert store.recover() == 2, "the file made it: a crash after the rename"
    assert store.mark_written([("b", None), ("c", "x")]) == 1
    other = RedisStateStore(server, keys, "two", "test")
    assert other.is_known("a") and other.body_hash("a") == "h" and other.body_hash("b") is None
    assert len(other) == 3

    assert store.previous_clean, "nothing ever ran: clean"
    store.record_run("2026-01-02T00:00:00Z", 0)
    store.record_run("2026-01-01T00:00:00Z", 0)
    store.record_run("2026-01-03T00:00:00Z", 3)
    assert other.last_success() == "2026-01-02T00:00:00Z"
    store.end_run(False)
    assert server.get("newsspider:maghress:clean") == b"0"


def test_distributed_settings_are_checked_before_the_run(tmp_path: Path, redis_url: str) -> None:
    never = ["-a", "base_url=http://127.0.0.1:9"]
    down = run_crawl(
        tmp_path, *never, "-s", f"NEWSSPIDER_REDIS_URL=redis://127.0.0.1:{free_port()}/0"
    )
    assert down.returncode == exitcodes.FAILED
    assert down.stderr.count("\n") == 1 and "does not answer" in down.stderr
    for setting, words in [
        ("NEWSSPIDER_REDIS_URL=http://127.0.0.1:6379", "NEWSSPIDER_REDIS_URL"),
        ("NEWSSPIDER_REDIS_WORKER_TTL=0", "NEWSSPIDER_REDIS_WORKER_TTL"),
        ("NEWSSPIDER_REDIS_IDLE_TIMEOUT=soon", "NEWSSPIDER_REDIS_IDLE_TIMEOUT"),
    ]:
        url = (
            []
            if setting.startswith("NEWSSPIDER_REDIS_URL")
            else ["-s", f"NEWSSPIDER_REDIS_URL={redis_url}"]
        )
        run = run_crawl(tmp_path, *never, *url, "-s", setting)
        assert run.returncode == exitcodes.USAGE, run.stderr[-2000:]
        assert run.stderr.count("\n") == 1 and words in run.stderr, run.stderr

    # A server that keeps its data in memory only: a restart would lose the state.
    args = ["-s", f"NEWSSPIDER_REDIS_URL={redis_url}", "-s", "NEWSSPIDER_WORKER_ID=one"]
    volatile = run_crawl(tmp_path, *never, *args)
    assert volatile.returncode == exitcodes.USAGE, volatile.stderr[-2000:]
    assert volatile.stderr.count("\n") == 1, volatile.stderr
    assert "keeps its data in memory only" in volatile.stderr
    assert "NEWSSPIDER_REDIS_ALLOW_VOLATILE" in volatile.stderr

    # A worker id that another machine is running: a configuration mistake.  The server
    # now has a save policy: accepted as it is, so the next check speaks.
    client = redis.Redis.from_url(redis_url)
    client.config_set("save", "3600 1")
    try:
        client.set("newsspider:maghress:alive:one", "elsewhere:123", px=30_000)
        taken = run_crawl(tmp_path, *never, *args)
    finally:
        client.config_set("save", "")
    assert taken.returncode == exitcodes.USAGE, taken.stderr[-2000:]
    assert taken.stderr.count("\n") == 1 and "running on elsewhere:123" in taken.stderr
    client.delete("newsspider:maghress:alive:one")

    # One process per worker id on a machine; another id may run beside it.
    lock = RunLock.acquire(tmp_path / "data" / "state" / "maghress-one.lock")
    try:
        run = run_crawl(tmp_path, *never, *args, *VOLATILE)
        assert run.returncode == exitcodes.LOCKED, run.stderr[-2000:]
    finally:
        lock.release()


def test_without_the_setting_nothing_imports_redis(tmp_path: Path) -> None:
    probe = """
import sys
from scrapy.utils.reactor import install_reactor
install_reactor("twisted.internet.asyncioreactor.AsyncioSelectorReactor")
from scrapy.utils.project import get_project_settings
from scrapy.utils.test import get_crawler
import newsspider.commands.crawl, newsspider.cli, newsspider.extensions.incremental
from newsspider.spiders.maghress import MaghressSpider
from newsspider.state import state_for
settings = get_project_settings()
settings.set("NEWSSPIDER_STATE_DIR", sys.argv[1])
crawler = get_crawler(MaghressSpider, settings.copy_to_dict())  # add-ons applied
assert type(state_for(crawler)).__name__ == "StateStore"
print(sorted(m for m in sys.modules if m.split(".")[0] in ("redis", "scrapy_redis")))
"""
    env = {**os.environ, "SCRAPY_SETTINGS_MODULE": "newsspider.settings"}
    done = subprocess.run(
        [sys.executable, "-c", probe, str(tmp_path)],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "[]"
