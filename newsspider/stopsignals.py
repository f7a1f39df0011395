"""Which stop signal ended a run, for its report and exit status.

Scrapy turns a first SIGTERM or SIGINT into a graceful stop (the spider closes
with ``finish_reason`` "shutdown", as after ``crawler.stop()``) and a second one
into an unclean stop (the event loop stops at once: no report, ``.part`` files
left).  Neither tells the run which signal came, and after the second the crawl
command has no report to take its exit status from.  ``StopSignals`` wraps the
handlers Scrapy installs: the first signal is noted and handed on, unchanged,
to Scrapy's handler, which keeps deciding what a signal does.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
from collections.abc import Callable
from types import FrameType
from typing import Any

from scrapy.utils.reactor import is_reactor_installed

from newsspider.exitcodes import ExitStatus

WATCHED = (signal.SIGTERM, signal.SIGINT)

Handler = Callable[[int, FrameType | None], Any]


def stop_before_the_crawl(label: str) -> None:
    """Until the crawl's own handlers replace it, a stop signal ends the process with
    one line and the interrupted status (130) — not Python's traceback for SIGINT nor
    a bare -15 for SIGTERM, which cron would mail without a word.  Nothing has been
    fetched or written yet (the checks, the lock), so leaving at once loses nothing."""

    def stop(signum: int, frame: FrameType | None) -> None:
        name = signal.Signals(signum).name
        os.write(2, f"{label}: stopped by {name} before the crawl\n".encode())
        os._exit(int(ExitStatus.INTERRUPTED))  # no handler may run half-way

    for signum in WATCHED:
        signal.signal(signum, stop)


class StopSignals:
    """Notes the stop signals a crawl process receives; ``on_signal(name)`` runs on the
    crawl's event loop (never inside the handler, where the interrupted code may hold
    any state)."""

    def __init__(self, on_signal: Callable[[str], None]) -> None:
        self.received: list[str] = []
        self._on_signal = on_signal
        self._call_from_handler: Callable[..., Any] | None = None

    def install_when_running(self) -> None:
        """Wrap the handlers once the crawl's loop runs: Scrapy installs its own as the
        loop starts (after the reactor's startup, or just before a reactorless loop
        runs), replacing anything installed before."""
        if is_reactor_installed():
            from twisted.internet import reactor

            reactor.callWhenRunning(reactor.callLater, 0, self._wrap_handlers)
            self._call_from_handler = reactor.callFromThread
        else:
            loop = asyncio.get_event_loop()
            loop.call_soon(self._wrap_handlers)
            self._call_from_handler = loop.call_soon_threadsafe

    def _wrap_handlers(self) -> None:
        for signum in WATCHED:
            handler = signal.getsignal(signum)
            if callable(handler):  # SIG_DFL if Scrapy installed nothing: kept as it is
                signal.signal(signum, self._noting(handler))

    def _noting(self, inner: Handler) -> Handler:
        # Scrapy's handler for the first signal installs its own for the second:
        # the first is the one a run is stopped by.
        def noted(signum: int, frame: FrameType | None) -> None:
            name = signal.Signals(signum).name
            self.received.append(name)
            # A reactorless loop is closed once the crawl ended: nothing left to tell.
            with contextlib.suppress(RuntimeError):
                if self._call_from_handler is not None:
                    self._call_from_handler(self._on_signal, name)
            inner(signum, frame)

        return noted
