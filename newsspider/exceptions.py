"""Why a request was not answered, as exception types.

Scrapy says "ignore this request" with one exception, ``IgnoreRequest``, whatever
the reason.  Our downloader middlewares (``newsspider/middlewares/``) raise these
subclasses instead, so the spider's errback tells the reasons apart by type,
never by reading the message.
"""

from __future__ import annotations

from scrapy.exceptions import IgnoreRequest
from scrapy.spidermiddlewares.httperror import HttpError


class RobotsDisallowed(IgnoreRequest):
    """The site's robots.txt forbids the URL."""


class Offsite(IgnoreRequest):
    """The URL is on a host the spider does not crawl (e.g. a redirect elsewhere)."""


class UnsafeAddress(IgnoreRequest):
    """An original article's URL (``follow_source``) leads to a private, loopback,
    link-local or reserved address, or is not http(s): never fetched."""


class BodyTooLarge(IgnoreRequest):
    """The body grew past ``DOWNLOAD_MAXSIZE`` while being decompressed (a gzip bomb:
    a few KB on the wire, gigabytes once inflated).  The page is lost: a failure."""


class UndecodableBody(IgnoreRequest):
    """The body is not in the ``Content-Encoding`` it announces (gzip that is not).
    The page is lost: a failure."""


class TooManyRedirects(IgnoreRequest):
    """The redirect chain grew past ``REDIRECT_MAX_TIMES``."""


class RedirectLoop(TooManyRedirects):
    """A redirect back to a URL of its own chain: it would never end."""


# The stats name of each kind of ignored request: the first type that matches wins,
# so a subclass goes above its base.  Any other IgnoreRequest is "ignored".
IGNORED_BECAUSE: tuple[tuple[type[IgnoreRequest], str], ...] = (
    (RobotsDisallowed, "robots_disallowed"),
    (Offsite, "offsite"),
    (UnsafeAddress, "unsafe_address"),
    (TooManyRedirects, "too_many_redirects"),
    (BodyTooLarge, "body_too_large"),
    (UndecodableBody, "undecodable_body"),
    (IgnoreRequest, "ignored"),
)


def failure_reason(error: BaseException) -> str:
    """The ``newsspider/dropped/<reason>`` of a request that failed for good."""
    # HttpError is an IgnoreRequest too: the status is the reason.
    if isinstance(error, HttpError):
        return f"http_{error.response.status}"
    for kind, reason in IGNORED_BECAUSE:
        if isinstance(error, kind):
            return reason
    return f"download_error/{type(error).__name__}"
