"""The mirror over real HTTP on loopback, for `make demo` and end-to-end crawls.

A stdlib ``ThreadingHTTPServer`` in a daemon thread: no dependency, no port to choose (port 0
asks the OS for a free one), and every request is recorded so tests can assert on what a
crawl actually fetched. Each request renders from ``demo.site`` as it is at that moment, so a
test can drive the site between two crawls (``server.site.add_article(...)``,
``server.site.set_faults(...)``) while it keeps serving.

:class:`DemoFamily` serves several family sites side by side, one port each: ``*.localhost``
names do not resolve everywhere and a crawler sends ``Host: 127.0.0.1:port``, so the port is
what tells the sites apart.

The network-level path faults of :meth:`FixtureSite.add_path_fault` are carried out here: ``slow``
sleeps before answering (the request is rendered and recorded when it arrives), ``reset``
drops the connection with a TCP RST (recorded with status 0), ``truncate`` sends half the
body under the full Content-Length and closes.
"""

from __future__ import annotations

import json
import socket
import struct
import threading
from collections.abc import Sequence
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType

from newsspider.atomic import atomic_writer

from .loading import DEFAULT_SITE
from .site import FixtureSite, load_site


class _Server(ThreadingHTTPServer):
    # stop() must return even if a client still holds a connection open.
    daemon_threads = True
    block_on_close = False


class DemoSite:
    """A fixture site (default: Maghress) served on ``host:port`` (port 0: any free port)
    until :meth:`stop`."""

    def __init__(
        self, site: FixtureSite | None = None, host: str = "127.0.0.1", port: int = 0
    ) -> None:
        self.site = site if site is not None else load_site()
        self.host = host
        self._port = port
        # (method, path with query, status) in arrival order; appended under a lock before the
        # response is written, so a client that got its response always finds it here.
        self.requests: list[tuple[str, str, int]] = []
        self._lock = threading.Lock()
        # Set by stop(): a ``slow`` fault stops waiting and drops its connection.
        self._stopping = threading.Event()
        self._httpd: _Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        if self._httpd is None:
            raise RuntimeError("DemoSite is not started")
        return self._httpd.server_address[1]

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:54321`` (no trailing slash)."""
        return f"http://{self.host}:{self.port}"

    def url(self, path: str = "/") -> str:
        return self.base_url + path

    def bind(self) -> _Server:
        """Open the listening socket (used by :meth:`start` and by :func:`serve`)."""
        if self._httpd is None:
            self._httpd = _Server((self.host, self._port), _handler_for(self))
        return self._httpd

    def start(self) -> DemoSite:
        self._stopping.clear()
        httpd = self.bind()
        if self._thread is None:
            self._thread = threading.Thread(
                # A short poll: stop() returns within 50 ms, and tests start many servers.
                target=httpd.serve_forever,
                kwargs={"poll_interval": 0.05},
                name=f"demo-site-{self.port}",
                daemon=True,
            )
            self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        if self._httpd is None:
            return
        if self._thread is not None:
            self._httpd.shutdown()
            self._thread.join()
            self._thread = None
        self._httpd.server_close()
        self._httpd = None

    def record(self, method: str, path: str, status: int) -> None:
        with self._lock:
            self.requests.append((method, path, status))

    def clear_requests(self) -> None:
        """Forget the requests recorded so far (e.g. between two crawl runs)."""
        with self._lock:
            self.requests.clear()

    def __enter__(self) -> DemoSite:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()


def _handler_for(demo: DemoSite) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        # HTTP/1.0: one request per connection, so nothing lingers after stop().
        protocol_version = "HTTP/1.0"
        server_version = "Apache"  # what the real site's front end announces, not Python's
        sys_version = ""

        def do_GET(self) -> None:
            self._respond(send_body=True)

        def do_HEAD(self) -> None:
            self._respond(send_body=False)

        def _respond(self, send_body: bool) -> None:
            host = self.headers.get("Host") or f"{demo.host}:{demo.port}"
            network = demo.site.take_network_faults(self.path)
            # Recorded on arrival, even when a ``slow`` fault then keeps the client waiting
            # (a crawl that gave up on it still finds the request here when it ends).
            asked = {name.title(): value for name, value in self.headers.items()}
            response = None if network.reset else demo.site.render(self.path, host, asked)
            demo.record(self.command, self.path, 0 if response is None else response.status)
            if network.delay > 0 and demo._stopping.wait(network.delay):
                self._reset()  # the server is stopping: do not answer late
                return
            if response is None:
                self._reset()
                return
            body = response.body
            if network.truncate:
                # The full length is announced, half of it arrives, then the connection ends.
                body = body[: len(body) // 2]
                self.close_connection = True
            try:
                self.send_response(response.status)
                for name, value in response.headers.items():
                    self.send_header(name, value)
                self.end_headers()
                if send_body:
                    self.wfile.write(body)
            except ConnectionError:
                # The client gave up (a download size limit, a timeout): nothing to report.
                self.close_connection = True

        def _reset(self) -> None:
            """Drop the connection abruptly: SO_LINGER 0 makes close() send a TCP RST."""
            self.close_connection = True
            linger = struct.pack("ii", 1, 0)
            try:
                self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, linger)
                # The read buffer holds a reference to the socket: close it too, or close()
                # would not close anything and the server would end the connection politely.
                self.rfile.close()
                self.connection.close()
            except OSError:
                pass

        def log_message(self, format: str, *args: object) -> None:
            """Silent: test and demo output should not drown in access logs."""

    return Handler


class DemoFamily:
    """Several family sites side by side, each a :class:`DemoSite` on its own port.

    ``port`` 0 gives each site any free port; another ``port`` is the first site's, the next
    sites take the ports that follow. ``family["djazairess"]`` is that site's server.
    """

    def __init__(
        self,
        names: Sequence[str] = (DEFAULT_SITE,),
        host: str = "127.0.0.1",
        port: int = 0,
        synthetic: int = 0,
        page_kb: int = 0,
    ) -> None:
        if not names or len(set(names)) != len(names):
            raise ValueError(f"name each site once: {list(names)}")
        self.servers = {
            name: DemoSite(
                load_site(synthetic=synthetic, page_kb=page_kb, site=name),
                host=host,
                port=port + number if port else 0,
            )
            for number, name in enumerate(names)
        }

    def __getitem__(self, name: str) -> DemoSite:
        return self.servers[name]

    @property
    def mirrors(self) -> dict[str, str]:
        """Each site's base URL: what ``newsspider run --mirrors FILE`` reads."""
        return {name: server.base_url for name, server in self.servers.items()}

    def bind(self) -> None:
        """Open every listening socket, so that ports are known before anything is served."""
        try:
            for server in self.servers.values():
                server.bind()
        except OSError:
            self.stop()
            raise

    def start(self) -> DemoFamily:
        self.bind()
        for server in self.servers.values():
            server.start()
        return self

    def stop(self) -> None:
        for server in self.servers.values():
            server.stop()

    def __enter__(self) -> DemoFamily:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()


class MirrorsNotWritten(OSError):
    """The mirrors file of :func:`serve` could not be written (nothing is served)."""


def serve(
    port: int = 8000,
    host: str = "127.0.0.1",
    synthetic: int = 0,
    page_kb: int = 0,
    sites: Sequence[str] = (DEFAULT_SITE,),
    mirrors_out: Path | None = None,
) -> None:
    """Serve fixture sites in the foreground until Ctrl-C, printing one line per site with its
    base URL (``synthetic``, ``page_kb``: see :func:`load_site`; ``port``: see
    :class:`DemoFamily`). ``mirrors_out`` gets the JSON ``{site: base URL}`` once every port
    is bound, written whole (a script waiting for the file never reads half of it)."""
    family = DemoFamily(sites, host=host, port=port, synthetic=synthetic, page_kb=page_kb)
    family.bind()
    if mirrors_out is not None:
        try:
            with atomic_writer(mirrors_out) as out:
                out.write(json.dumps(family.mirrors, indent=1).encode() + b"\n")
        except OSError as error:
            family.stop()
            raise MirrorsNotWritten(error.errno, error.strerror, str(mirrors_out)) from error
    # Serving Maghress alone is the classic banner; otherwise each line names its site.
    named = list(sites) != [DEFAULT_SITE]
    for name, server in family.servers.items():
        label = f"{name}; Ctrl-C to stop" if named else "Ctrl-C to stop"
        print(f"Demo site at {server.base_url}/ ({label})", flush=True)
    try:
        family.start()
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        family.stop()
