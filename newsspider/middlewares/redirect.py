"""Scrapy's redirects, with loops reported instead of silently lost.

A page that redirects to a URL already in its own redirect chain would be
dropped by the duplicate filter without a word: the article vanishes from the
run.  Here the loop is an ``IgnoreRequest("redirect loop …")``, so the
request's errback records it (``newsspider/dropped/too_many_redirects``).
"""

from __future__ import annotations

from typing import Any

from scrapy import Request
from scrapy.downloadermiddlewares.redirect import RedirectMiddleware
from scrapy.exceptions import IgnoreRequest


class LoopAwareRedirectMiddleware(RedirectMiddleware):
    def _redirect(
        self, redirected: Request, request: Request, *args: Any, **kwargs: Any
    ) -> Request:
        chain = [*request.meta.get("redirect_urls", []), request.url]
        if redirected.url in chain:
            raise IgnoreRequest(f"redirect loop: max redirections reached at {redirected.url}")
        return super()._redirect(redirected, request, *args, **kwargs)
