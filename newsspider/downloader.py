"""Scrapy's HTTP/1.1 download handler, with a cap on the bytes of a response's headers.

Twisted's response parser bounds each header line (16 KiB, ``LineReceiver.MAX_LENGTH``)
but not their number, and ``DOWNLOAD_MAXSIZE`` counts body bytes only: a server
streaming header lines forever grew a crawler to 1.2 GB in 30 s.  Scrapy has no
setting for it and no public hook — ``HTTP11ClientProtocol.request()`` builds its
parser itself, and Scrapy's handler already swaps that parser's class for its
lenient one right after.  This handler goes one step further down the same path:
its connections are our protocol, whose parsers are ``CappedHeaderParser``, a
subclass of Scrapy's that counts the bytes of the status line and headers of
each response and gives up past ``NEWSSPIDER_MAX_HEADER_BYTES``.

The request then fails with ``HeadersTooLarge`` (``newsspider/dropped/download_error/
HeadersTooLarge``), not retried: the same server would send the same headers.
Private classes of Scrapy and Twisted are named here, so ``tests/test_downloader.py``
checks both that the project's handler is this one and, on a real socket, that the
cap holds: an upgrade that bypasses it fails that test.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, Any, cast

from scrapy import Request
from scrapy.core.downloader.handlers.http11 import (
    HTTP11DownloadHandler,
    _LenientHTTP11ClientFactory,
    _LenientHTTP11ClientProtocol,
    _LenientHTTPClientParser,
)
from scrapy.exceptions import DownloadFailedError
from scrapy.http import Response
from twisted.web.client import ResponseFailed

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.settings import BaseSettings
    from twisted.internet.defer import Deferred
    from twisted.internet.interfaces import IAddress
    from twisted.web._newclient import Request as TxRequest
    from twisted.web.iweb import IResponse


class HeadersTooLarge(Exception):
    """A response's status line and headers went past ``NEWSSPIDER_MAX_HEADER_BYTES``."""


class CappedHeaderParser(_LenientHTTPClientParser):
    """Scrapy's response parser, counting the bytes of the lines before the body.

    One parser reads one response (the protocol makes a new one per request), so
    the count is per response, also on a kept-alive connection.
    """

    max_header_bytes = 0  # set by the protocol right after it swaps the class in
    header_bytes = 0

    def lineReceived(self, line: bytes) -> None:
        # Only the status line and the headers come as lines: the body is raw data.
        self.header_bytes += len(line) + 1  # with the "\n" the line reader took off
        if self.header_bytes > self.max_header_bytes:
            # HTTP11ClientProtocol.dataReceived catches it, drops the connection
            # and fails the response with it (in a ResponseFailed).
            raise HeadersTooLarge(
                f"response headers over {self.max_header_bytes} bytes (NEWSSPIDER_MAX_HEADER_BYTES)"
            )
        super().lineReceived(line)


class CappedHeaderClientProtocol(_LenientHTTP11ClientProtocol):
    def __init__(self, quiescentCallback: Any, max_header_bytes: int) -> None:
        super().__init__(quiescentCallback)
        self.max_header_bytes = max_header_bytes

    def request(self, request: TxRequest) -> Deferred[IResponse]:
        response = super().request(request)
        # As in Scrapy's protocol: the parser request() just made is there, and no
        # byte of the response has been read yet.
        parser = self._parser
        assert parser is not None
        parser.__class__ = CappedHeaderParser
        cast(CappedHeaderParser, parser).max_header_bytes = self.max_header_bytes
        return response


class CappedHeaderClientFactory(_LenientHTTP11ClientFactory):
    def __init__(self, quiescentCallback: Any, metadata: Any, max_header_bytes: int) -> None:
        super().__init__(quiescentCallback, metadata)
        self.max_header_bytes = max_header_bytes

    def buildProtocol(self, addr: IAddress | None) -> CappedHeaderClientProtocol:
        return CappedHeaderClientProtocol(self._quiescentCallback, self.max_header_bytes)


def max_header_bytes(settings: BaseSettings) -> int:
    """``NEWSSPIDER_MAX_HEADER_BYTES``, checked: ``scrapy crawl`` calls this before the
    first request, so a bad value is one line and exit 2, not a handler that fails to
    load and a run whose every request fails."""
    raw = settings.get("NEWSSPIDER_MAX_HEADER_BYTES")
    try:
        cap = int(raw)
    except (TypeError, ValueError):
        cap = 0
    if cap <= 0:
        raise ValueError(f"setting NEWSSPIDER_MAX_HEADER_BYTES: expected bytes > 0, got {raw!r}")
    return cap


class CappedHeadersDownloadHandler(HTTP11DownloadHandler):
    """``DOWNLOAD_HANDLERS`` for http and https (``settings.py``)."""

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        cap = max_header_bytes(crawler.settings)
        # The pool calls its factory class with (quiescentCallback, metadata): a partial
        # does, though typeshed wants the class itself.
        self._pool._factory = partial(CappedHeaderClientFactory, max_header_bytes=cap)  # type: ignore[assignment]

    async def download_request(self, request: Request) -> Response:
        try:
            return await super().download_request(request)
        except DownloadFailedError as error:
            # Scrapy wraps Twisted's ResponseFailed, whose reasons hold ours: raise
            # it by its own type, so the failure is counted as what it is.
            cause = error.__cause__
            reasons = cause.reasons if isinstance(cause, ResponseFailed) else []
            for reason in reasons:
                if isinstance(reason.value, HeadersTooLarge):
                    raise reason.value from error
            raise
