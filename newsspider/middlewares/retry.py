"""Scrapy's retries, with a wait before each one.

Scrapy re-sends a failed request at once; against a site in a 503 burst that
only adds load and fails again.  This waits ``base × 2^(attempt-1)`` seconds
(capped, with jitter, at least the site's ``Retry-After``) before handing the
retry back, without blocking other requests.
"""

from __future__ import annotations

import asyncio
import random

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.http import Response


def backoff_delay(attempt: int, base: float, cap: float, retry_after: float = 0.0) -> float:
    """Seconds to wait before retry number ``attempt`` (1, 2, …)."""
    exponential = base * 2 ** (attempt - 1)
    return min(cap, max(retry_after, exponential * random.uniform(0.75, 1.25)))


def _retry_after(response: Response | None) -> float:
    value = response.headers.get(b"Retry-After") if response is not None else None
    try:
        return float(value) if value else 0.0
    except ValueError:  # an HTTP date: rare here, and the exponential wait covers it
        return 0.0


class BackoffRetryMiddleware(RetryMiddleware):
    base: float  # seconds before the first retry, doubled for each next one
    cap: float  # the longest wait

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> BackoffRetryMiddleware:
        middleware = super().from_crawler(crawler)
        middleware.base = crawler.settings.getfloat("NEWSSPIDER_RETRY_BACKOFF_BASE")
        middleware.cap = crawler.settings.getfloat("NEWSSPIDER_RETRY_BACKOFF_MAX")
        return middleware

    async def process_response(  # type: ignore[override]
        self, request: Request, response: Response, spider: object = None
    ) -> Request | Response:
        result = super().process_response(request, response)
        if isinstance(result, Request):
            await self._wait(result, response)
        return result

    async def process_exception(  # type: ignore[override]
        self, request: Request, exception: Exception, spider: object = None
    ) -> Request | Response | None:
        result = super().process_exception(request, exception)
        if isinstance(result, Request):
            await self._wait(result, None)
        return result

    async def _wait(self, retry: Request, response: Response | None) -> None:
        attempt = retry.meta.get("retry_times", 1)
        delay = backoff_delay(attempt, self.base, self.cap, _retry_after(response))
        if delay > 0:
            await asyncio.sleep(delay)
