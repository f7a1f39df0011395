"""Crawls inside the test process: real callbacks, pipelines and extensions, no subprocess.

Two drivers:

- ``spider_for`` / ``crawl``: a family spider (Maghress's unless ``site`` names
  another) on fixture pages rendered without HTTP.  ``spider_for`` builds the spider with Scrapy's test crawler and
  the project's settings; ``response_to`` turns a path of the fixture site into
  the response Scrapy's downloader would build; ``crawl`` walks the site from the
  spider's start requests as the engine would (priority order, duplicate filter,
  HttpError for 4xx/5xx to the errback) and runs every item through the
  project's item pipelines.  No robots.txt, retries, redirects or offsite
  filter: the tests that need those run a real crawl (``tests/test_crawl.py``,
  ``tests/test_hostile.py``).
- ``crawl_records``: a real Scrapy crawl whose spider fetches nothing and yields
  given records from ``start()``, so the item pipelines, the feed exporter and
  every extension run as in a crawl, on Scrapy's reactorless asyncio loop, for
  extensions that need the engine's signals.
"""

from __future__ import annotations

import asyncio
import contextlib
import heapq
import itertools
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any, ClassVar

from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem, NotConfigured
from scrapy.http import Headers, Response
from scrapy.responsetypes import responsetypes
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.utils.conf import build_component_list
from scrapy.utils.misc import build_from_crawler, load_object
from scrapy.utils.test import get_crawler
from twisted.python.failure import Failure

import newsspider.settings
from newsspider.demo_site import FixtureSite, load_site
from newsspider.spiders.maghress import SPIDERS, MaghressFamilySpider

BASE = "http://127.0.0.1:8000"  # never contacted: pages are rendered in-process
SITE = load_site()
_FIXTURES = {"maghress": SITE}
PROJECT = {name: getattr(newsspider.settings, name) for name in dir(newsspider.settings)}
PROJECT = {name: value for name, value in PROJECT.items() if name.isupper()}


def fixture(site: str = "maghress") -> FixtureSite:
    """The fixture of family site ``site``, loaded once per test process."""
    if site not in _FIXTURES:
        _FIXTURES[site] = load_site(site=site)
    return _FIXTURES[site]


def spider_for(
    settings: dict[str, Any] | None = None, site: str = "maghress", **args: str
) -> MaghressFamilySpider:
    """The spider as ``scrapy crawl <site> -a base_url=BASE -a …`` builds it; no state
    unless ``settings`` turn it on (with its own ``NEWSSPIDER_STATE_DIR``)."""
    crawler = get_crawler(
        SPIDERS[site], {**PROJECT, "NEWSSPIDER_STATE_ENABLED": False, **(settings or {})}
    )
    assert crawler.stats is not None
    crawler.stats.open_spider()
    spider = SPIDERS[site].from_crawler(crawler, base_url=BASE, **args)
    crawler.spider = spider
    return spider


def start_requests(spider: MaghressFamilySpider) -> list[Request]:
    async def collect() -> list[Request]:
        return [request async for request in spider.start()]

    loop = asyncio.new_event_loop()  # not the current loop: the reactor's stays as it was
    try:
        return loop.run_until_complete(collect())
    finally:
        loop.close()


def response_to(
    request: Request | str, path: str | None = None, site: str = "maghress"
) -> Response:
    """The response to ``request`` (or a URL), with the ``site`` fixture's page at ``path``
    (default: the request's own path), of the class Scrapy's downloader picks."""
    if isinstance(request, str):
        request = Request(request)
    page = fixture(site).render(path or request.url.removeprefix(BASE))
    headers = Headers(page.headers)
    cls = responsetypes.from_args(headers=headers, url=request.url, body=page.body)
    return cls(
        url=request.url, status=page.status, headers=headers, body=page.body, request=request
    )


def failure_of(request: Request, error: Exception) -> Failure:
    """The failure an errback receives: Scrapy attaches the request to it."""
    failure = Failure(error)
    failure.request = request  # type: ignore[attr-defined]
    return failure


def stats(spider: MaghressFamilySpider) -> dict[str, Any]:
    """The run's ``newsspider/…`` stats, without the prefix."""
    assert spider.crawler.stats is not None
    return {
        key.removeprefix("newsspider/"): value
        for key, value in spider.crawler.stats.get_stats().items()
        if key.startswith("newsspider/")
    }


@dataclass
class Crawl:
    spider: MaghressFamilySpider
    items: list[Any] = field(default_factory=list)  # what the pipelines let through
    paths: list[str] = field(default_factory=list)  # the paths requested, in order

    @property
    def stats(self) -> dict[str, Any]:
        return stats(self.spider)


def crawl(settings: dict[str, Any] | None = None, site: str = "maghress", **args: str) -> Crawl:
    """A whole crawl of the ``site`` fixture, as the engine would run it, in-process."""
    spider = spider_for(settings, site, **args)
    pipelines = []
    names = spider.crawler.settings.getwithbase("ITEM_PIPELINES")
    for name in build_component_list(names):
        with contextlib.suppress(NotConfigured):  # the state's pipeline, when the state is off
            pipelines.append(build_from_crawler(load_object(name), spider.crawler))
    run = Crawl(spider)
    # Highest priority first, the newest request first within one: Scrapy's default queues.
    queue: list[tuple[int, int, Request]] = []
    order = itertools.count()
    seen: set[str] = set()

    def schedule(request: Request) -> None:
        if request.url not in seen or request.dont_filter:
            seen.add(request.url)
            heapq.heappush(queue, (-request.priority, -next(order), request))

    for request in start_requests(spider):
        schedule(request)
    while queue:
        request = heapq.heappop(queue)[2]
        run.paths.append(request.url.removeprefix(BASE))
        response = response_to(request, site=site)
        if response.status >= 400:
            assert request.errback is not None
            request.errback(failure_of(request, HttpError(response)))
            continue
        assert request.callback is not None
        for result in request.callback(response, **request.cb_kwargs) or ():
            if isinstance(result, Request):
                schedule(result)
                continue
            try:
                for pipeline in pipelines:
                    result = pipeline.process_item(result)
            except DropItem:
                continue
            run.items.append(result)
    return run


class RecordsSpider(Spider):
    name = "records"
    run_id = "20260101T000000Z"  # a run id as the spider makes them (salvage matches it)
    records: ClassVar[list[Any]] = []  # replaced by the crawl's argument

    async def start(self) -> AsyncIterator[Any]:
        for record in self.records:
            yield record


def crawl_records(records: list[Any], settings: dict[str, Any]) -> Crawler:
    """Run a crawl of ``records`` with the project's settings plus ``settings``; the crawler after."""
    crawler = get_crawler(RecordsSpider, {**PROJECT, **settings})
    assert not crawler.settings.getbool("TWISTED_REACTOR_ENABLED"), "no reactor in this process"
    asyncio.run(crawler.crawl_async(records=records))
    return crawler
