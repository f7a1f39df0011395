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
- Each worker renews an ``alive`` key every few seconds.  A worker whose key
  expired is dead: the first survivor to notice takes its in-flight hash
  (``RENAME``, so only one does) and queues its requests again.  A restarted
  worker does the same with what its own previous process left.
- Workers end when the frontier has been empty, with nothing in flight
  anywhere, for ``NEWSSPIDER_REDIS_IDLE_TIMEOUT`` seconds (a scrapy-redis
  spider would otherwise wait forever).
- The first worker to arrive when no frontier is active starts a new one:
  it clears the previous run's fingerprints, so a cron run fetches the home
  pages and listings again, while every worker of one run shares them.
"""

from __future__ import annotations

import hashlib
import logging
import time
from typing import Any

import redis
from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DontCloseSpider
from scrapy.http import Response
from scrapy.utils.misc import load_object
from scrapy_redis.scheduler import Scheduler
from twisted.internet import task

from newsspider.distributed import Keys, worker_id
from newsspider.distributed.state import CLEAN, PREVIOUS_CLEAN
from newsspider.items import Article

logger = logging.getLogger(__name__)

# The pop script reads a sorted set; articles go before listing pages by priority.
PRIORITY_QUEUE = "scrapy_redis.queue.PriorityQueue"
TOKEN = "newsspider_frontier_token"  # Request.meta: which in-flight entry a request is

# Queue a request unless its fingerprint was seen, in one round trip.
# KEYS: duplicate filter, queue; ARGV: fingerprint ('' to skip the filter), score, request.
_PUSH = """
if ARGV[1] ~= '' and redis.call('SADD', KEYS[1], ARGV[1]) == 0 then return 0 end
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[3])
return 1
"""

# Pop the best request and record it as in flight, atomically: a kill between
# the two would lose it.  ARGV: tokens of requests done since the last pop, acked
# in the same round trip.
_POP = """
if #ARGV > 0 then redis.call('HDEL', KEYS[2], unpack(ARGV)) end
local found = redis.call('ZRANGE', KEYS[1], 0, 0)
if #found == 0 then return false end
redis.call('ZREMRANGEBYRANK', KEYS[1], 0, 0)
redis.call('HSET', KEYS[2], redis.sha1hex(found[1]), found[1])
return found[1]
"""


class FrontierScheduler(Scheduler):
    def __init__(self, *args: Any, crawler: Crawler, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        settings = crawler.settings
        self.crawler = crawler
        self.stats = crawler.stats
        self.worker = worker_id(settings)
        assert crawler.spidercls.name
        self.keys = Keys.of(settings, crawler.spidercls.name)
        self.idle_timeout = settings.getfloat("NEWSSPIDER_REDIS_IDLE_TIMEOUT")
        self.ttl_ms = int(settings.getfloat("NEWSSPIDER_REDIS_WORKER_TTL") * 1000)
        self.taken: dict[str, Request] = {}  # token → request this process is working on
        self.idle_since: float | None = None
        self.heartbeat = task.LoopingCall(self._beat)
        self._pop = self.server.register_script(_POP)
        self._push = self.server.register_script(_PUSH)

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
        return scheduler

    # lifecycle

    def open(self, spider: Spider) -> None:
        self.spider = spider
        self.queue = load_object(self.queue_cls)(
            server=self.server, spider=spider, key=self.queue_key, serializer=self.serializer
        )
        self.df = self.df or load_object(self.dupefilter_cls).from_spider(spider)
        with self.server.lock(self.keys("join"), timeout=60, blocking_timeout=60):
            self._recover_dead(include_self=True)
            workers = self.server.scard(self.keys.workers)
            if not workers and not len(self.queue):
                self._new_frontier()
            else:
                logger.info(
                    "worker %s joins a frontier of %d queued requests and %d other worker(s)",
                    self.worker,
                    len(self.queue),
                    workers,
                )
            self.server.sadd(self.keys.workers, self.worker)
            self.server.set(self.keys.alive(self.worker), "1", px=self.ttl_ms)
        self.heartbeat.start(max(self.ttl_ms / 3000, 0.2), now=False)
        if self.stats is not None:
            self.stats.set_value("newsspider/redis/worker", 1)

    def _new_frontier(self) -> None:
        """No worker and no queue: the last run is over, this worker starts the next."""
        self.df.clear()
        previous = self.server.get(self.keys(CLEAN)) or b"1"
        self.server.mset({self.keys(PREVIOUS_CLEAN): previous, self.keys(CLEAN): "1"})
        self._count("new_frontier")
        logger.info("worker %s starts a new frontier at %s", self.worker, self.keys())

    def close(self, reason: str) -> None:
        if self.heartbeat.running:
            self.heartbeat.stop()
        if reason == "finished":
            self._ack(*self.taken)
        # A shutdown mid-crawl: what was taken and not exported goes back in the queue.
        left = self._requeue(self.keys.inflight(self.worker))
        if left:
            logger.warning("%d unfinished request(s) put back in the frontier", left)
        self.server.srem(self.keys.workers, self.worker)
        self.server.delete(self.keys.alive(self.worker))

    # the queue

    def enqueue_request(self, request: Request) -> bool:
        # A retry or a redirect of a taken request: once the new one is queued,
        # the taken one is done.
        token = request.meta.pop(TOKEN, None)
        fingerprint = "" if request.dont_filter else self.df.request_fingerprint(request)
        data = self.queue._encode_request(request)
        queued = bool(
            self._push(
                keys=[self.df.key, self.queue.key], args=[fingerprint, -request.priority, data]
            )
        )
        if queued:
            self._inc("scheduler/enqueued")
        else:
            self.df.log(request, self.spider)
        if token:
            self._ack(token)
        return queued

    def next_request(self) -> Request | None:
        done = self._finished()
        data = self._pop(keys=[self.queue.key, self.keys.inflight(self.worker)], args=done)
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
        return len(self.queue) > 0

    # done-ness

    def item_scraped(self, item: Any, response: Response | None) -> None:
        """An exported article is done now, not at the next pop: the smaller the gap,
        the smaller the chance that a kill makes a survivor write it again."""
        request = getattr(response, "request", None)
        if isinstance(item, Article) and request and (token := request.meta.get(TOKEN)):
            self._ack(token)

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
        if not tokens:
            return
        self.server.hdel(self.keys.inflight(self.worker), *tokens)
        for token in tokens:
            self.taken.pop(token, None)

    # liveness

    def _beat(self) -> None:
        try:
            self.server.set(self.keys.alive(self.worker), "1", px=self.ttl_ms)
            self.server.sadd(self.keys.workers, self.worker)
            self._recover_dead(include_self=False)
        except redis.RedisError as error:  # the next beat tries again
            logger.warning("heartbeat to Redis failed: %s", error)
            self._count("heartbeat_errors")

    def _recover_dead(self, *, include_self: bool) -> None:
        """Queue again what dead workers had taken (and, at start, our own last process)."""
        for raw in self.server.smembers(self.keys.workers):
            worker = raw.decode()
            itself = worker == self.worker
            if itself and not include_self:
                continue
            if not itself and self.server.exists(self.keys.alive(worker)):
                continue
            requeued = self._requeue(self.keys.inflight(worker))
            self.server.srem(self.keys.workers, worker)
            self.server.set(self.keys(CLEAN), "0")  # its .part file is not committed
            self._count("recovered_requests", requeued)
            self._count("dead_workers")
            logger.warning(
                "worker %s is gone: %d request(s) it had taken are back in the frontier",
                worker,
                requeued,
            )

    def _requeue(self, inflight: str) -> int:
        claimed = f"{inflight}:recovering:{self.worker}"
        try:
            self.server.rename(inflight, claimed)  # one survivor wins; the rest find nothing
        except redis.ResponseError:  # "no such key": nothing was in flight
            return 0
        entries = self.server.hvals(claimed)
        for data in entries:
            self.queue.push(self.queue._decode_request(data))
        self.server.delete(claimed)
        return len(entries)

    # ending

    def spider_idle(self) -> None:
        """End only when the frontier stayed empty, with nothing in flight on any
        worker, for the idle timeout: another worker's page may still add to it."""
        if len(self.queue):
            raise DontCloseSpider
        others = [w for w in self.server.smembers(self.keys.workers) if w.decode() != self.worker]
        if any(self.server.hlen(self.keys.inflight(w.decode())) for w in others):
            self.idle_since = None
            raise DontCloseSpider
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
