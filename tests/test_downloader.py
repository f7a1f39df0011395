"""Response headers are capped: a server streaming header lines forever costs one
failed request, not the crawler's memory.

The protocol and parser are tested over Twisted's in-memory transport (no
reactor in this process); the cap as a crawl meets it, on a real loopback
socket, in a ``scrapy crawl`` subprocess.
"""

from __future__ import annotations

import socket
import threading
from types import TracebackType
from typing import Any

import pytest
from scrapy.settings import Settings
from twisted.internet.testing import StringTransport
from twisted.web._newclient import Request as TxRequest
from twisted.web.client import ResponseFailed
from twisted.web.http_headers import Headers

import newsspider.settings
from newsspider import exitcodes
from newsspider.downloader import (
    CappedHeaderClientFactory,
    CappedHeaderParser,
    HeadersTooLarge,
    max_header_bytes,
)
from tests.conftest import run_crawl

CAP = 4096


def connection(cap: int = CAP) -> tuple[Any, StringTransport]:
    factory = CappedHeaderClientFactory(lambda protocol: None, "test", max_header_bytes=cap)
    protocol = factory.buildProtocol(None)
    transport = StringTransport()
    protocol.makeConnection(transport)
    return protocol, transport


def get(protocol: Any) -> list[Any]:
    """Send a GET; the list receives the response or the failure."""
    outcome: list[Any] = []
    request = TxRequest(b"GET", b"/fr/libe/1", Headers({b"host": [b"h"]}), None, persistent=True)
    protocol.request(request).addBoth(outcome.append)
    return outcome


def header_lines(size: int) -> bytes:
    line = b"X-Padding: " + b"x" * 87 + b"\r\n"  # 100 bytes
    return line * (size // len(line))


def test_the_project_downloads_http_with_the_capped_handler() -> None:
    """If an upgrade moved Scrapy's HTTP handling elsewhere, this and the crawl below fail."""
    for scheme in ("http", "https"):
        path = newsspider.settings.DOWNLOAD_HANDLERS[scheme]
        assert path == "newsspider.downloader.CappedHeadersDownloadHandler"
    protocol, _transport = connection()
    get(protocol)
    assert type(protocol._parser) is CappedHeaderParser, "the parser Twisted made was swapped"
    assert protocol._parser.max_header_bytes == CAP


def test_headers_over_the_cap_fail_the_response_and_close_the_connection() -> None:
    protocol, transport = connection()
    outcome = get(protocol)
    protocol.dataReceived(b"HTTP/1.1 200 OK\r\n" + header_lines(CAP // 2))
    assert outcome == [], "under the cap: still reading"
    protocol.dataReceived(header_lines(CAP))
    [failure] = outcome
    assert isinstance(failure.value, ResponseFailed)
    assert [type(reason.value) for reason in failure.value.reasons] == [HeadersTooLarge]
    assert transport.disconnecting, "the connection is dropped, nothing more is read"


def test_the_cap_counts_each_response_of_a_kept_alive_connection() -> None:
    """Two responses of 3/4 of the cap each on one connection: both are fine."""
    protocol, transport = connection()
    for _ in range(2):
        outcome = get(protocol)
        head = b"HTTP/1.1 200 OK\r\n" + header_lines(CAP * 3 // 4) + b"Content-Length: 0\r\n\r\n"
        protocol.dataReceived(head)
        [response] = outcome
        assert response.code == 200
        assert len(response.headers.getRawHeaders(b"x-padding")) == CAP * 3 // 4 // 100
    assert not transport.disconnecting


class HeaderBomb:
    """A loopback HTTP server that answers /robots.txt with 404, and any other path
    with a status line then header lines, forever: until the client closes the
    connection, or ``LIMIT`` bytes, the most a test lets it send."""

    LIMIT = 64 * 1024 * 1024

    def __init__(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.listener.getsockname()[1]}"
        self.paths: list[str] = []
        self.sent = 0  # header bytes sent on the last page request
        self.closed_by_client = False
        self.thread = threading.Thread(target=self._serve, daemon=True)

    def _serve(self) -> None:
        while True:
            try:
                conn, _address = self.listener.accept()
            except OSError:  # closed: the test is over
                return
            with conn:
                conn.settimeout(60)
                self._answer(conn)

    def _answer(self, conn: socket.socket) -> None:
        request = b""
        while b"\r\n\r\n" not in request and (chunk := conn.recv(65536)):
            request += chunk
        if not request:
            return
        path = request.split(b" ", 2)[1].decode()
        self.paths.append(path)
        if path == "/robots.txt":
            conn.sendall(
                b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
            )
            return
        conn.sendall(b"HTTP/1.1 200 OK\r\n")
        chunk = header_lines(64 * 1024)
        self.sent = 0
        try:
            while self.sent < self.LIMIT:
                conn.sendall(chunk)
                self.sent += len(chunk)
        except (BrokenPipeError, ConnectionResetError):
            self.closed_by_client = True

    def __enter__(self) -> HeaderBomb:
        self.thread.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.listener.close()


def test_a_server_streaming_headers_forever_costs_one_failed_request(tmp_path) -> None:
    cap = newsspider.settings.NEWSSPIDER_MAX_HEADER_BYTES
    with HeaderBomb() as bomb:
        page = f"{bomb.url}/fr/libe/1"
        run = run_crawl(
            tmp_path,
            "-a",
            f"base_url={bomb.url}",
            "-a",
            f"urls={page}",
            "-s",
            "DOWNLOAD_TIMEOUT=60",
        )
    stats = run.stats
    assert stats.get("newsspider/dropped/download_error/HeadersTooLarge") == 1, run.stderr[-3000:]
    assert stats["newsspider/failed_requests"] == 1
    assert bomb.paths == ["/robots.txt", "/fr/libe/1"], "the page is not retried"
    # The client closed the connection: the server had sent far more than the cap (the
    # client could have read on), and far less than its limit (it did not).
    assert bomb.closed_by_client
    assert 4 * cap < bomb.sent < bomb.LIMIT // 4
    assert run.returncode == exitcodes.FAILED, "no page fetched"
    assert "Traceback" not in run.stderr


@pytest.mark.parametrize("raw", ["lots", "0", "-5", None])
def test_a_bad_header_cap_is_refused_with_its_name(raw: object) -> None:
    with pytest.raises(ValueError, match="setting NEWSSPIDER_MAX_HEADER_BYTES: expected bytes > 0"):
        max_header_bytes(Settings({"NEWSSPIDER_MAX_HEADER_BYTES": raw}))
    assert max_header_bytes(Settings({"NEWSSPIDER_MAX_HEADER_BYTES": "4096"})) == 4096
