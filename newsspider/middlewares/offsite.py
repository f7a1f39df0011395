"""Scrapy's offsite filter, whose refusals are typed ``Offsite``.

It runs when a request is scheduled (a redirect to another host is dropped
there) and again before download; either way the refusal is an ``Offsite``,
counted as ``newsspider/dropped/offsite`` (a choice, not a site failure).
"""

from __future__ import annotations

from scrapy import Request
from scrapy.downloadermiddlewares.offsite import OffsiteMiddleware
from scrapy.exceptions import IgnoreRequest

from newsspider.exceptions import Offsite


class TypedOffsiteMiddleware(OffsiteMiddleware):
    def process_request(self, request: Request) -> None:  # type: ignore[override]
        try:
            super().process_request(request)
        except IgnoreRequest as error:  # Scrapy raises it only for an off-site request
            raise Offsite(str(error)) from error
