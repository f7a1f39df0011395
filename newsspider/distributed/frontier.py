"""scrapy-redis's scheduler, made fit for a fleet of cron workers.

scrapy-redis gives the shared priority queue and duplicate filter.  Used as is,
a worker killed with ``kill -9`` loses every request it had taken: the queue
pops a request for good (``ZRANGE`` + ``ZREMRANGEBYRANK``), and its fingerprint
stays in the duplicate filter, so no worker fetches that page again in the
run — a listing page lost that way hides every article behind it.  So:

- A request is popped and recorded in the worker's in-flight hash in one Lua
  script; it leaves the hash when it is done: its record exported (and, with
  ``LineFlushedFile``, in the OS), or its callback finished, or the retry or
  redirect it turned into is queued.
- Each worker renews an ``alive`` key every TTL/3 seconds.  A worker whose key
  expired is dead: the first survivor to notice queues its in-flight requests
  again, in one Lua script that checks the key is still gone.  A restarted
  worker does the same with what its own previous process left.
- Workers end when the frontier has been empty, with nothing in flight
  anywhere, for ``NEWSSPIDER_REDIS_IDLE_TIMEOUT`` seconds (a scrapy-redis
  spider would otherwise wait forever).  A worker that starts while the
  frontier is empty and the last run's workers are only waiting to end starts
  a new one, as does the first worker of a run: it clears the previous run's
  fingerprints, so a cron run fetches the home pages and listings again.
- If Redis fails, the worker stops taking requests and closes with the reason
  ``redis_unavailable`` (exit 3); what it had taken stays in its in-flight
  hash for the next worker to queue again.
- redis-py reconnects silently to a Redis that restarted: the frontier (queue,
  fingerprints, in-flight requests) and the state may be gone without an error.
  Each worker notes the server's ``run_id`` and sets its ``marked`` key when it
  joins.  Every push and pop checks the marker (in its script); the heartbeat,
  the idle check and the end of the run also compare the ``run_id`` (a restart
  that kept the data may still have lost the last writes).  Either change stops
  the worker from taking requests: it closes with the reason ``redis_restarted``
  (exit 11), the run unclean.
  A worker that starts and finds its marker gone puts the ids of its committed
  files back into the state first (``state.redis.remark``): the next run does
  not write again what its files hold.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import socket
import time
from typing import Any

import redis
from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import CloseSpider, DontCloseSpider
from scrapy.http import Response
from scrapy.utils.misc import load_object
from scrapy_redis.scheduler import Scheduler
from twisted.internet import task

from newsspider.distributed import Keys, held_elsewhere, run_suffix, worker_id
from newsspider.distributed.scripts import LOST, POP, PUSH, RECOVER
from newsspider.feeds import committed_files, stream_feeds
from newsspider.items import Article
from newsspider.state.redis import remark

logger = logging.getLogger(__name__)

# The pop script reads a sorted set; articles go before listing pages by priority.
PRIORITY_QUEUE = "scrapy_redis.queue.PriorityQueue"
TOKEN = "newsspider_frontier_token"  # Request.meta: which in-flight entry a request is
REDIS_FAILED = "redis_unavailable"  # the close reason when Redis fails mid-run
REDIS_RESTARTED = "redis_restarted"  # … when it restarted or lost its data mid-run
RESTARTED = "Redis restarted during the run (its run_id changed)"
LOST_DATA = "Redis lost its data during the run (this worker's marker is gone)"


class WorkerIdInUse(RuntimeError):
    """Another machine runs a worker with this ``NEWSSPIDER_WORKER_ID``."""


class RedisRestarted(redis.RedisError):
    """Redis restarted (its ``run_id`` changed) or lost its data (this worker's marker
    is gone) since the worker joined: what the frontier held may be lost."""


class FrontierScheduler(Scheduler):
    def __init__(self, *args: Any, crawler: Crawler, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        settings = crawler.settings
        self.crawler = crawler
        self.settings = settings
        self.stats = crawler.stats
        self.worker = worker_id(settings)
        self.server_run: str | None = None  # Redis's run_id when this worker joined
        # Who holds the alive key: a restart on this host takes over, another host may not.
        self.holder = f"{socket.gethostname()}:{os.getpid()}"
        assert crawler.spidercls.name
        self.keys = Keys.of(settings, crawler.spidercls.name)
        self.idle_timeout = settings.getfloat("NEWSSPIDER_REDIS_IDLE_TIMEOUT")
        self.ttl_ms = int(settings.getfloat("NEWSSPIDER_REDIS_WORKER_TTL") * 1000)
        self.taken: dict[str, Request] = {}  # token → request this process is working on
        self.idle_since: float | None = None
        self.failed: redis.RedisError | None = None
        self.heartbeat = task.LoopingCall(self._beat)
        self._push = self.server.register_script(PUSH)
        self._pop = self.server.register_script(POP)
        self._recover = self.server.register_script(RECOVER)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> FrontierScheduler:
        plain = Scheduler.from_settings(crawler.settings)
        scheduler = cls(
            server=plain.server,
            persist=True,  # each run starts a new frontier itself (open); never flush on close
            queue_key=plain.queue_key,
            queue_cls=PRIORITY_QUEUE,
            dupefilter=plain.df,
            dupefilter_key=plain.dupefilter_key,
            dupefilter_cls=plain.dupefilter_cls,
            serializer=plain.serializer,
            crawler=crawler,
        )
        crawler.signals.connect(scheduler.item_scraped, signal=signals.item_scraped)
        crawler.signals.connect(scheduler.spider_idle, signal=signals.spider_idle)
        # The worker leaves once the engine stopped, i.e. after every spider_closed
        # handler, the feed exports' commits included: a worker of the next run
        # that waited for it then sees the ids it wrote.
        crawler.signals.connect(scheduler.leave, signal=signals.engine_stopped)
        return scheduler

    # lifecycle

    def open(self, spider: Spider) -> None:
        self.spider = spider
        self.queue = load_object(self.queue_cls)(
            server=self.server, spider=spider, key=self.queue_key, serializer=self.serializer
        )
        self.df: Any = self.df or load_object(self.dupefilter_cls).from_spider(spider)
        self._wait_for_last_run()
        with self.server.lock(self.keys.join_lock, timeout=60, blocking_timeout=60):
            holder = self.server.get(self.keys.alive(self.worker))
            if held_elsewhere(holder):  # checked by `scrapy crawl` already; a race
                raise WorkerIdInUse(
                    f"worker id {self.worker!r} is in use on {holder.decode()}: "
                    "give each worker its own NEWSSPIDER_WORKER_ID"
                )
            self._mark_files()
            self._recover_dead(include_self=True)
            workers = self.server.scard(self.keys.workers)
            drained = self.server.exists(self.keys.draining) and not self._busy()
            if not len(self.queue) and (not workers or drained):
                self._new_frontier()
            else:
                logger.info(
                    "worker %s joins a frontier of %d queued requests and %d other worker(s)",
                    self.worker,
                    len(self.queue),
                    workers,
                )
            self.server.sadd(self.keys.workers, self.worker)
            self._renew()
        self.heartbeat.start(max(self.ttl_ms / 3000, 0.2), now=False)
        if self.stats is not None:
            self.stats.set_value("newsspider/redis/worker", 1)

    def _wait_for_last_run(self) -> None:
        """The last run's frontier is drained but its workers are still waiting out
        their idle time, their files not yet committed: wait for them to end, so
        that this run's state knows what they wrote (else it would write it again).
        The bound assumes they share this worker's settings (idle timeout, TTL)."""
        deadline = time.monotonic() + self.idle_timeout + self.ttl_ms / 1000 + 15
        waited = False
        while (
            self.server.exists(self.keys.draining)
            and self._alive_workers()
            and not len(self.queue)
            and not self._busy()
            and time.monotonic() < deadline
        ):
            if not waited:
                logger.info("worker %s waits for the last run's workers to end", self.worker)
                waited = True
            time.sleep(0.5)

    def _mark_files(self) -> None:
        """Set this worker's marker and note the server's run.  A marker gone means Redis
        lost its data since this worker last ran: the ids of its committed files go back
        into the state, and the runs are unclean (listings are walked to their end)."""
        marker = self.keys.marked(self.worker)
        if not self.server.exists(marker) and self.settings.getbool("NEWSSPIDER_STATE_ENABLED"):
            feeds = stream_feeds(self.settings)
            files = committed_files(feeds, self.spider.name, run_suffix(self.settings))
            if lost := remark(self.server, self.keys, files):
                self.server.mset({self.keys.clean: "0", self.keys.previous_clean: "0"})
                self._count("remarked_ids", lost)
                message = "Redis had lost the state: %d id(s) of %d file(s) marked written again"
                logger.warning(message, lost, len(files))
        self.server.set(marker, self.holder)
        self.server_run = self._server_run()

    def _server_run(self) -> str | None:
        """The server's ``run_id``, new at each start; None where INFO is forbidden."""
        try:
            return self.server.info("server").get("run_id")
        except redis.ResponseError:
            return None

    def _check_server(self) -> None:
        """Raise RedisRestarted if Redis restarted or lost its data since this worker joined."""
        if self._server_run() != self.server_run or not self.server.exists(
            self.keys.marked(self.worker)
        ):
            raise self._lost()

    def _lost(self) -> RedisRestarted:
        """A restart if the server's run changed, else data lost without one (a flush)."""
        return RedisRestarted(RESTARTED if self._server_run() != self.server_run else LOST_DATA)

    def _alive_workers(self) -> list[str]:
        workers = [w.decode() for w in self.server.smembers(self.keys.workers)]
        return [w for w in workers if w != self.worker and self.server.exists(self.keys.alive(w))]

    def _new_frontier(self) -> None:
        """The last run is over (or only waiting to end): this worker starts the next."""
        self.df.clear()
        previous = self.server.get(self.keys.clean) or b"1"
        self.server.mset({self.keys.previous_clean: previous, self.keys.clean: "1"})
        self.server.delete(self.keys.draining)
        self._count("new_frontier")
        logger.info("worker %s starts a new frontier at %s", self.worker, self.keys.namespace)

    def close(self, reason: str) -> None:
        if not self.failed:
            try:
                self._check_server()  # a restart since the last heartbeat fails the run too
            except redis.RedisError as error:
                self._fail(error)
        if self.failed:
            return  # what was taken stays in flight; the next worker queues it again
        try:
            if reason == "finished":
                self._ack(*self.taken)
            # A shutdown mid-crawl: what was taken and not exported goes back in the queue.
            if left := self.server.hvals(self.keys.inflight(self.worker)):
                for entry in left:
                    score, _, data = entry.partition(b"\n")
                    self.server.zadd(self.queue.key, {data: float(score)})
                self.server.delete(self.keys.inflight(self.worker))
                logger.warning("%d unfinished request(s) put back in the frontier", len(left))
        except redis.RedisError as error:
            self._fail(error)

    def leave(self) -> None:
        if self.heartbeat.running:
            self.heartbeat.stop()
        if self.failed:
            return
        try:
            self.server.srem(self.keys.workers, self.worker)
            self.server.delete(self.keys.alive(self.worker))
        except redis.RedisError as error:
            logger.error("could not leave the frontier: %s", error)

    # the queue

    def enqueue_request(self, request: Request) -> bool:
        # A retry or a redirect of a taken request: once the new one is queued,
        # the taken one is done.
        token = request.meta.pop(TOKEN, None)
        if self.failed:
            return False
        fingerprint = "" if request.dont_filter else self.df.request_fingerprint(request)
        data = self.queue._encode_request(request)
        keys = [self.df.key, self.queue.key, self.keys.draining, self.keys.marked(self.worker)]
        try:
            pushed = self._push(keys=keys, args=[fingerprint, -request.priority, data])
            if pushed == LOST:
                raise self._lost()
            queued = bool(pushed)
            if token:
                self._ack(token)
        except redis.RedisError as error:
            self._fail(error)  # the parent stays in flight: it will be fetched again
            return False
        if queued:
            self._inc("scheduler/enqueued")
        else:
            self.df.log(request, self.spider)
        return queued

    def next_request(self) -> Request | None:
        if self.failed:
            return None
        done = self._finished()
        try:
            keys = [self.queue.key, self.keys.inflight(self.worker), self.keys.marked(self.worker)]
            data = self._pop(keys=keys, args=done)
            if data == LOST:
                raise self._lost()
        except redis.RedisError as error:
            self._fail(error)
            return None
        for token in done:
            del self.taken[token]
        if data is None:
            return None
        self.idle_since = None
        request = self.queue._decode_request(data)
        token = hashlib.sha1(data).hexdigest()
        request.meta[TOKEN] = token
        self.taken[token] = request
        self._inc("scheduler/dequeued")  # the name Scrapy's scheduler uses: the checks read it
        return request

    def has_pending_requests(self) -> bool:
        if self.failed:
            return False
        try:
            return len(self.queue) > 0
        except redis.RedisError as error:
            self._fail(error)
            return False

    # done-ness

    def item_scraped(self, item: Any, response: Response | None) -> None:
        """An exported article is done now, not at the next pop: the smaller the gap,
        the smaller the chance that a kill makes a survivor write it again."""
        request = getattr(response, "request", None)
        if isinstance(item, Article) and request and (token := request.meta.get(TOKEN)):
            try:
                self._ack(token)
            except redis.RedisError as error:
                self._fail(error)

    def _finished(self) -> list[str]:
        """Tokens of taken requests that left the downloader and the scraper: done."""
        engine = self.crawler.engine
        if not self.taken or engine is None:
            return []
        busy = engine.downloader.active | (
            engine.scraper.slot.active if engine.scraper.slot else set()
        )
        return [token for token, request in self.taken.items() if request not in busy]

    def _ack(self, *tokens: str) -> None:
        if not tokens or self.failed:
            return
        self.server.hdel(self.keys.inflight(self.worker), *tokens)
        for token in tokens:
            self.taken.pop(token, None)

    # liveness

    def _renew(self) -> None:
        self.server.set(self.keys.alive(self.worker), self.holder, px=self.ttl_ms)

    def _beat(self) -> None:
        if self.failed:
            return
        try:
            self._check_server()
            self._renew()
            self.server.sadd(self.keys.workers, self.worker)
            self._recover_dead(include_self=False)
        except redis.RedisError as error:
            self._fail(error)

    def _recover_dead(self, *, include_self: bool) -> None:
        """Queue again what dead workers had taken (and, at start, our own last process,
        also when it is not in the workers' set any more)."""
        workers = {raw.decode() for raw in self.server.smembers(self.keys.workers)}
        for worker in sorted(workers | {self.worker} if include_self else workers):
            itself = worker == self.worker
            if itself and not include_self:
                continue
            requeued = self._recover_worker(worker, itself=itself)
            if requeued < 0 or (worker not in workers and not requeued):
                continue  # alive; or our last process, which left, with nothing in flight
            self.server.set(self.keys.clean, "0")  # its .part files are not committed
            self._count("recovered_requests", requeued)
            self._count("dead_workers")
            logger.warning(
                "worker %s is gone: %d request(s) it had taken are back in the frontier",
                worker,
                requeued,
            )

    def _recover_worker(self, worker: str, *, itself: bool) -> int:
        """Requests put back in the queue from ``worker``'s in-flight hash; -1 if it is alive."""
        keys = [self.keys.alive(worker), self.keys.inflight(worker), self.queue.key]
        keys.append(self.keys.workers)
        return int(self._recover(keys=keys, args=[worker, "1" if itself else "0"]))

    def _busy(self) -> bool:
        """Some worker has a request in flight: it may still add to the frontier."""
        workers = self.server.smembers(self.keys.workers)
        return any(self.server.hlen(self.keys.inflight(w.decode())) for w in workers)

    def _fail(self, error: redis.RedisError) -> None:
        """Redis is gone: take nothing more, let the engine wind down, close as failed."""
        if self.failed is not None:
            return
        self.failed = error
        if not isinstance(error, RedisRestarted):
            logger.error("Redis failed (%s): worker %s stops taking requests", error, self.worker)
            self._count("errors")
            return
        logger.error(
            "%s: worker %s stops taking requests; the next run walks listings to their end",
            error,
            self.worker,
        )
        self._count("restarted")
        # Down again: after a restart that lost the data, the next start re-marks anyway.
        with contextlib.suppress(redis.RedisError):
            self.server.set(self.keys.clean, "0")

    def _close_reason(self) -> str:
        return REDIS_RESTARTED if isinstance(self.failed, RedisRestarted) else REDIS_FAILED

    # ending

    def spider_idle(self) -> None:
        """End only when the frontier stayed empty, with nothing in flight on any
        worker, for the idle timeout: another worker's page may still add to it."""
        if self.failed:
            raise CloseSpider(self._close_reason())
        try:
            self._check_server()  # an empty frontier may be an emptied one
            if len(self.queue):
                raise DontCloseSpider
            if self._busy():
                self.idle_since = None
                raise DontCloseSpider
            # Drained: a worker that starts now starts the next run's frontier.
            self.server.set(self.keys.draining, "1")
        except redis.RedisError as error:
            self._fail(error)
            raise CloseSpider(self._close_reason()) from None
        now = time.monotonic()
        if self.idle_since is None:
            self.idle_since = now
        if now - self.idle_since < self.idle_timeout:
            raise DontCloseSpider

    def _count(self, key: str, value: int = 1) -> None:
        self._inc(f"newsspider/redis/{key}", value)

    def _inc(self, key: str, value: int = 1) -> None:
        if self.stats is not None and value:
            self.stats.inc_value(key, value)
