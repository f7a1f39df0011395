"""Scrapy's robots.txt middleware, whose refusals are typed ``RobotsDisallowed``.

Scrapy raises a plain ``IgnoreRequest`` for a disallowed URL; the spider counts
it as ``newsspider/dropped/robots_disallowed`` (a choice, not a site failure).
"""

from __future__ import annotations

from scrapy import Request
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.robotstxt import RobotParser

from newsspider.exceptions import RobotsDisallowed


class TypedRobotsTxtMiddleware(RobotsTxtMiddleware):
    def process_request_2(self, rp: RobotParser | None, request: Request) -> None:
        try:
            super().process_request_2(rp, request)
        except IgnoreRequest as error:  # Scrapy raises it here only for a disallowed URL
            raise RobotsDisallowed(str(error)) from error
