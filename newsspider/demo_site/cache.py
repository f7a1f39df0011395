"""The render cache: rendered pages, bounded in pages and bytes, dropped at every change.

A 10,000-article site crawled end to end keeps a flat memory footprint. Entries belong to
one version of the test controls (``Snapshot.version``): a page rendered from an older
version, while a test changed the site, is never stored.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable

from .response import Response

# Read at every insertion, so a benchmark may raise them for a whole run.
CACHE_PAGES = 4096
CACHE_BYTES = 64 * 1024 * 1024


class PageCache:
    """A least-recently-used cache of responses, for one version of the controls at a time."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._version = -1
        self._pages: OrderedDict[Hashable, Response] = OrderedDict()
        self._bytes = 0

    @property
    def stats(self) -> tuple[int, int]:
        """(pages, bytes) held."""
        with self._lock:
            return len(self._pages), self._bytes

    def get(self, version: int, key: Hashable) -> Response | None:
        with self._lock:
            if version != self._version:
                return None
            found = self._pages.get(key)
            if found is not None:
                self._pages.move_to_end(key)
            return found

    def put(self, version: int, key: Hashable, response: Response) -> None:
        with self._lock:
            if version < self._version:
                return
            if version > self._version:
                self._pages.clear()
                self._bytes = 0
                self._version = version
            replaced = self._pages.pop(key, None)  # two threads rendered the same page
            if replaced is not None:
                self._bytes -= len(replaced.body)
            self._pages[key] = response
            self._bytes += len(response.body)
            while len(self._pages) > 1 and (
                len(self._pages) > CACHE_PAGES or self._bytes > CACHE_BYTES
            ):
                _, evicted = self._pages.popitem(last=False)
                self._bytes -= len(evicted.body)
