"""Scrapy's redirects, with loops reported and every "too many" typed.

A page that redirects to a URL already in its own redirect chain would be
dropped by the duplicate filter without a word: the article vanishes from the
run.  Here the loop is a ``RedirectLoop``, and a chain past
``REDIRECT_MAX_TIMES`` (HTTP or ``<meta http-equiv=refresh>``) a
``TooManyRedirects``, so the request's errback records both as
``newsspider/dropped/too_many_redirects``.
"""

from __future__ import annotations

import codecs
import re
from typing import Any

from scrapy import Request
from scrapy.downloadermiddlewares.redirect import (
    BaseRedirectMiddleware,
    MetaRefreshMiddleware,
    RedirectMiddleware,
)
from scrapy.exceptions import IgnoreRequest
from scrapy.http import HtmlResponse, Response, TextResponse
from w3lib.encoding import html_to_unicode

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
    """Scrapy's ``<meta http-equiv=refresh>`` redirects, with the typed limit.

    Scrapy looks for the refresh in the first 4096 characters of ``response.text``,
    which decodes the whole ~110 KB page for it (the spider decodes the page its
    own way).  A refresh needs the word "refresh" in those characters: when they
    do not hold it, the answer is known without decoding the rest.
    """

    def process_response(  # type: ignore[override]
        self, request: Request, response: Response
    ) -> Request | Response:
        if isinstance(response, HtmlResponse) and "refresh" not in head_text(response).lower():
            return response
        return super().process_response(request, response)


# What scrapy.utils.response.get_meta_refresh reads of ``response.text``.
REFRESH_SCAN_CHARS = 4096
# A character is at most 4 bytes in UTF-8, one in a single-byte encoding.
_HEAD_BYTES = 4 * REFRESH_SCAN_CHARS + 64
# Encodings whose decoding of a prefix is the prefix of the whole decoding, up to
# the character the cut runs through (stateful ones such as UTF-7 or ISO-2022
# are decoded whole, as Scrapy does).
_CUTTABLE = re.compile(r"utf-8|ascii|latin-1|cp125\d|iso8859-\d+")


def head_text(response: TextResponse) -> str:
    """``response.text[:REFRESH_SCAN_CHARS]``, decoding only the bytes it needs."""
    body = response.body
    if len(body) > _HEAD_BYTES and _CUTTABLE.fullmatch(codecs.lookup(response.encoding).name):
        # As ``TextResponse.text`` decodes (BOM first, then the response's encoding).
        head = html_to_unicode(f"charset={response.encoding}", body[:_HEAD_BYTES])[1]
        # A cut through a character changes only the last characters decoded.
        if len(head) >= REFRESH_SCAN_CHARS + 16:
            return head[:REFRESH_SCAN_CHARS]
    return response.text[:REFRESH_SCAN_CHARS]
