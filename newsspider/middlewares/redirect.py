"""Scrapy's redirects, with loops reported and every "too many" typed.

A page that redirects to a URL already in its own redirect chain would be
dropped by the duplicate filter without a word: the article vanishes from the
run.  Here the loop is a ``RedirectLoop``, and a chain past
``REDIRECT_MAX_TIMES`` (HTTP or ``<meta http-equiv=refresh>``) a
``TooManyRedirects``, so the request's errback records both as
``newsspider/dropped/too_many_redirects``.
"""

from __future__ import annotations

from typing import Any

from scrapy import Request
from scrapy.downloadermiddlewares.redirect import (
    BaseRedirectMiddleware,
    MetaRefreshMiddleware,
    RedirectMiddleware,
)
from scrapy.exceptions import IgnoreRequest

from newsspider.exceptions import RedirectLoop, TooManyRedirects


class TypedRedirectLimit(BaseRedirectMiddleware):
    """Scrapy's redirect limit, raised as ``TooManyRedirects``."""

    def _redirect(self, redirected: Request, request: Request, reason: Any) -> Request:
        try:
            return super()._redirect(redirected, request, reason)
        except IgnoreRequest as error:  # Scrapy raises it here only when the limit is reached
            raise TooManyRedirects(str(error)) from error


class LoopAwareRedirectMiddleware(TypedRedirectLimit, RedirectMiddleware):
    def _redirect(self, redirected: Request, request: Request, reason: Any) -> Request:
        chain = [*request.meta.get("redirect_urls", []), request.url]
        if redirected.url in chain:
            raise RedirectLoop(f"redirect loop back to {redirected.url}")
        return super()._redirect(redirected, request, reason)


class TypedMetaRefreshMiddleware(TypedRedirectLimit, MetaRefreshMiddleware):
    """Scrapy's ``<meta http-equiv=refresh>`` redirects, with the typed limit."""
