"""Scrapy's robots.txt middleware, whose refusals are typed ``RobotsDisallowed``.

Scrapy raises a plain ``IgnoreRequest`` for a disallowed URL; the spider counts
it as ``newsspider/dropped/robots_disallowed`` (a choice, not a site failure).
"""

from __future__ import annotations

from scrapy import Request
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.robotstxt import RobotParser
from scrapy.utils.httpobj import urlparse_cached
from twisted.internet.defer import Deferred

from newsspider.exceptions import RobotsDisallowed


class TypedRobotsTxtMiddleware(RobotsTxtMiddleware):
    async def robot_parser(self, request: Request) -> RobotParser | None:
        """The host's parser, also for requests that waited while robots.txt loaded.

        Scrapy hands each waiting request the same Deferred, turned into a future
        (``Deferred.asFuture``), which makes the Deferred fire with None for every
        later waiter: of three original articles on one host requested at once, only
        the first was checked (a Disallowed page was fetched).  Once loaded, the
        parser is in ``_parsers``; None there still means robots.txt could not be read.
        """
        parser = await super().robot_parser(request)
        if parser is None:
            loaded = self._parsers.get(urlparse_cached(request).netloc)
            if not isinstance(loaded, Deferred):
                return loaded
        return parser

    def process_request_2(self, rp: RobotParser | None, request: Request) -> None:
        try:
            super().process_request_2(rp, request)
        except IgnoreRequest as error:  # Scrapy raises it here only for a disallowed URL
            raise RobotsDisallowed(str(error)) from error
