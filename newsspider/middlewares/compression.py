"""Scrapy's decompression, whose refusals and failures are typed.

Scrapy refuses a body that inflates past ``DOWNLOAD_MAXSIZE`` with a plain
``IgnoreRequest`` (a gzip bomb looks like any ignored request), and lets a body
that is not in its announced ``Content-Encoding`` fail with the codec's own
error.  Here they are a ``BodyTooLarge`` and an ``UndecodableBody``, counted as
``newsspider/dropped/body_too_large`` and ``…/undecodable_body``: pages lost,
so failed requests (and failed listing pages), never silently "ignored".
"""

from __future__ import annotations

from scrapy import Request
from scrapy.downloadermiddlewares.httpcompression import HttpCompressionMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response

from newsspider.exceptions import BodyTooLarge, UndecodableBody


class TypedHttpCompressionMiddleware(HttpCompressionMiddleware):
    def process_response(  # type: ignore[override]
        self, request: Request, response: Response
    ) -> Request | Response:
        try:
            return super().process_response(request, response)
        except IgnoreRequest as error:  # Scrapy raises it here only past DOWNLOAD_MAXSIZE
            raise BodyTooLarge(str(error)) from error
        # Each codec fails its own way (OSError, EOFError, zlib.error, brotli.error,
        # zstd's ZstdError…), and decoding is all the work done here.
        except Exception as error:
            encoding = (response.headers.get("Content-Encoding") or b"").decode("latin-1")
            raise UndecodableBody(f"not {encoding or 'encoded'} as announced: {error}") from error
