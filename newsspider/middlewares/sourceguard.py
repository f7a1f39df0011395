"""Requests for original articles (``follow_source=true``) go only to public addresses.

The original article's URL comes from a page we do not control: a link, or a
redirect, to ``http://10.0.0.1/admin`` or to a public-looking name that resolves
to 127.0.0.1 would make the crawler fetch from inside the network it runs in.
So each source request, and each redirect of one, is checked on the addresses
its host resolves to (not on its name): every one must be global (not private,
loopback, link-local, shared or reserved), and the scheme http(s).  So is the
robots.txt that ``RobotsTxtMiddleware`` asks of an original's host, and each of its
redirects: a robots.txt answering 302 to ``http://10.0.0.1/robots.txt`` was fetched
(the offsite filter lets every robots.txt pass, and it carries no mark).  Refusals are
typed ``UnsafeAddress``.  ``NEWSSPIDER_SOURCE_ALLOW_LOOPBACK`` admits 127.0.0.0/8
and ::1 (the tests' second loopback server); off by default.

Scrapy resolves the name again when it connects, so a name that changes its
answer between the two (DNS rebinding) is not caught here.
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.httpobj import urlparse_cached
from twisted.internet.threads import deferToThread

from newsspider.exceptions import UnsafeAddress

# The request meta key that marks a request for an original article.
SOURCE_REQUEST = "newsspider_source_article"


def refused_address(address: str, *, allow_loopback: bool) -> bool:
    """Whether a resolved address is one a source request must not reach."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])  # fe80::1%eth0: drop the zone
    if allow_loopback and ip.is_loopback:
        return False
    return not ip.is_global or ip.is_multicast


class SourceGuardMiddleware:
    def __init__(self, allow_loopback: bool) -> None:
        self.allow_loopback = allow_loopback
        # The hosts (``netloc``) of the original articles asked for in this run.
        self.source_hosts: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SourceGuardMiddleware:
        return cls(crawler.settings.getbool("NEWSSPIDER_SOURCE_ALLOW_LOOPBACK"))

    def guarded(self, request: Request) -> bool:
        """An original article, or the robots.txt of an original's host (its redirects too)."""
        if request.meta.get(SOURCE_REQUEST):
            self.source_hosts.add(urlparse_cached(request).netloc)
            return True
        if not request.meta.get("dont_obey_robotstxt"):
            return False
        first = request.meta.get("redirect_urls", [request.url])[0]
        return urlsplit(first).netloc in self.source_hosts

    async def process_request(self, request: Request) -> None:
        if not self.guarded(request):
            return
        parts = urlparse_cached(request)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise UnsafeAddress(f"not an http(s) URL: {request.url}")
        port = parts.port or (443 if parts.scheme == "https" else 80)
        try:
            found = await maybe_deferred_to_future(
                deferToThread(socket.getaddrinfo, parts.hostname, port, 0, socket.SOCK_STREAM)
            )
        except OSError as error:
            raise UnsafeAddress(f"{parts.hostname} does not resolve: {error}") from error
        addresses = sorted({str(entry[4][0]) for entry in found})
        refused = [a for a in addresses if refused_address(a, allow_loopback=self.allow_loopback)]
        if refused:
            raise UnsafeAddress(f"{parts.hostname} resolves to {', '.join(refused)}")
