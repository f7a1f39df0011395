"""Scrapy's offsite filter, deciding by the crawled server, whose refusals are typed ``Offsite``.

Scrapy compares host names only (``allowed_domains``), so a redirect from a
mirror at ``127.0.0.1:8000`` to ``127.0.0.1:8001`` was fetched: another server,
whose pages became records.  Here a request goes out only to the server the
crawl reads (``policy.fetchable``: the mirror's scheme, host and port, or the
live site's hosts).  The filter runs when a request is scheduled (a redirect is
dropped there, before any download) and again in the downloader before the
request is sent; either way the refusal is an ``Offsite``, counted as
``newsspider/dropped/offsite`` (a choice, not a site failure).
"""

from __future__ import annotations

from scrapy import Request, Spider
from scrapy.downloadermiddlewares.offsite import OffsiteMiddleware
from scrapy.exceptions import IgnoreRequest

from newsspider.exceptions import Offsite
from newsspider.policy import fetchable


class TypedOffsiteMiddleware(OffsiteMiddleware):
    def should_follow(self, request: Request, spider: Spider) -> bool:
        crawl = getattr(spider, "crawl_origin", None)
        site = getattr(spider, "site", None)
        if crawl is None or site is None:  # not a spider of the family: Scrapy's host rule
            return super().should_follow(request, spider)
        return fetchable(request.url, crawl, site)

    def process_request(self, request: Request) -> None:  # type: ignore[override]
        # The robots.txt of another host is asked for only by RobotsTxtMiddleware, which
        # runs after this filter: for a request that passed it (an original article of
        # follow_source, allowed off-site).  Without it, robots.txt would never be read there.
        if request.meta.get("dont_obey_robotstxt") and request.url.endswith("/robots.txt"):
            return
        try:
            super().process_request(request)
        except IgnoreRequest as error:  # Scrapy raises it only for an off-site request
            raise Offsite(str(error)) from error
