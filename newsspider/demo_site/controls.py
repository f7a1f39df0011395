"""The test controls of a fixture site: everything a test may change while the server runs.

The clock, the faults, the per-path faults and their counts, robots.txt, hostile and
duplicate links, a replaced feed and the articles tests published all live in one
:class:`Controls`, behind one lock. Renderers never see the lock: they read a
:class:`Snapshot`, an immutable copy made once per change, so a page rendered while a test
changes the site is rendered wholly before or wholly after the change.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from types import MappingProxyType
from typing import Any
from urllib.parse import urlsplit

from .content import LANGS, AddedArticle
from .faults import (
    NETWORK_KINDS,
    REPLACING_KINDS,
    TRANSFORMING_KINDS,
    NetworkFaults,
    PathFault,
    make_fault,
)


@dataclass(frozen=True)
class Faults:
    """Switchable misbehaviour of the site, for tests of how a crawl reports bad runs."""

    error_share: float = 0.0  # this share of article pages answers error_status
    error_status: int = 500
    unknown_layout: bool = False  # article pages in a markup no extractor knows
    hide_dates: bool = False  # no date on article pages, teasers or feeds
    unknown_strip: bool = False  # the headline strip in a markup no extractor knows

    def fails(self, path: str) -> bool:
        """Whether the article at ``path`` answers ``error_status``: a stable hash of the path,
        so the same pages fail on every attempt and retries cannot help."""
        if self.error_share <= 0:
            return False
        digest = hashlib.sha256(f"fault:{path}".encode()).digest()
        return int.from_bytes(digest[:8], "big") / 2**64 < self.error_share


@dataclass(frozen=True)
class Snapshot:
    """The controls as they were at one change; ``version`` grows with every change."""

    version: int
    clock: date
    faults: Faults
    robots: tuple[str, ...] | None  # Disallow lines; None: the default robots.txt
    hostile: tuple[str, ...]  # hrefs added to every HTML page
    duplicates: bool  # articles also linked under variant URLs
    rss: Mapping[str, bytes]  # lang -> bytes served at the section's feed instead
    added: tuple[AddedArticle, ...]  # articles tests published, oldest first


@dataclass(frozen=True)
class ContentFaults:
    """The path faults that apply to one request, taken (counted) together with the snapshot
    the page is rendered from."""

    snapshot: Snapshot
    replacement: PathFault | None = None  # answers instead of the page
    transforms: tuple[PathFault, ...] = ()  # applied to the rendered page, in order


class Controls:
    """The mutable state of one fixture site; every read and write holds ``_lock``."""

    def __init__(self, clock: date) -> None:
        self._lock = threading.Lock()
        self._version = 0
        self._clock = clock
        self._faults = Faults()
        self._path_faults: dict[tuple[str, str], PathFault] = {}
        # (fault path, kind, request path) -> requests of that path the fault has answered.
        self._fault_hits: dict[tuple[str, str, str], int] = {}
        self._robots: tuple[str, ...] | None = None
        self._hostile: tuple[str, ...] = ()
        self._duplicates = False
        self._rss: dict[str, bytes] = {}
        self._added: tuple[AddedArticle, ...] = ()
        self._snapshot: Snapshot | None = None

    def snapshot(self) -> Snapshot:
        with self._lock:
            return self._current()

    def _current(self) -> Snapshot:
        """The snapshot of the current state, made once per change (callers hold the lock)."""
        if self._snapshot is None:
            self._snapshot = Snapshot(
                version=self._version,
                clock=self._clock,
                faults=self._faults,
                robots=self._robots,
                hostile=self._hostile,
                duplicates=self._duplicates,
                rss=MappingProxyType(dict(self._rss)),
                added=self._added,
            )
        return self._snapshot

    def _changed(self) -> None:
        """Callers hold the lock."""
        self._version += 1
        self._snapshot = None

    # -- clock and faults

    @property
    def clock(self) -> date:
        with self._lock:
            return self._clock

    def set_clock(self, day: date) -> None:
        if isinstance(day, datetime):
            day = day.date()
        with self._lock:
            self._clock = day
            self._changed()

    def advance_clock(self, days: int = 1) -> date:
        with self._lock:
            self._clock += timedelta(days=days)
            self._changed()
            return self._clock

    @property
    def faults(self) -> Faults:
        with self._lock:
            return self._faults

    def set_faults(
        self,
        error_share: float = 0.0,
        error_status: int = 500,
        unknown_layout: bool = False,
        hide_dates: bool = False,
        unknown_strip: bool = False,
    ) -> Faults:
        if not 0.0 <= error_share <= 1.0:
            raise ValueError(f"error_share must be between 0 and 1, not {error_share}")
        if not 400 <= error_status <= 599:
            raise ValueError(f"error_status must be a 4xx or 5xx status, not {error_status}")
        faults = Faults(
            float(error_share), int(error_status), unknown_layout, hide_dates, unknown_strip
        )
        with self._lock:
            self._faults = faults
            self._changed()
        return faults

    def clear_faults(self) -> None:
        with self._lock:
            self._faults = Faults()
            self._path_faults.clear()
            self._fault_hits.clear()
            self._robots = None
            self._hostile = ()
            self._duplicates = False
            self._rss.clear()
            self._changed()

    # -- path faults

    def add_path_fault(self, path: str, kind: str, **params: Any) -> None:
        fault = make_fault(path, kind, params)
        with self._lock:
            self._path_faults.pop((fault.path, kind), None)
            self._path_faults[(fault.path, kind)] = fault
            for key in [k for k in self._fault_hits if k[:2] == (fault.path, kind)]:
                del self._fault_hits[key]
            self._changed()

    def remove_path_fault(self, path: str, kind: str | None = None) -> None:
        with self._lock:
            for key in [k for k in self._path_faults if k[0] == path and kind in (None, k[1])]:
                del self._path_faults[key]
            for hit in [k for k in self._fault_hits if k[0] == path and kind in (None, k[1])]:
                del self._fault_hits[hit]
            self._changed()

    @property
    def path_faults(self) -> list[PathFault]:
        with self._lock:
            return [replace(f, params=dict(f.params)) for f in self._path_faults.values()]

    def _take_fault(self, path: str, kind: str) -> PathFault | None:
        """The fault of ``kind`` that applies to this request of ``path``, counting it
        against its ``times`` (callers hold the lock)."""
        matching = [f for (_, k), f in self._path_faults.items() if k == kind and f.matches(path)]
        if not matching:
            return None
        fault = max(matching, key=lambda f: f.specificity)
        if fault.times is not None:
            key = (fault.path, kind, path)
            done = self._fault_hits.get(key, 0)
            if done >= fault.times:
                return None
            self._fault_hits[key] = done + 1
        return fault

    def take_network_faults(self, path: str) -> NetworkFaults:
        request_path = urlsplit(path).path
        with self._lock:
            if not self._path_faults:
                return NetworkFaults()
            found = {kind: self._take_fault(request_path, kind) for kind in NETWORK_KINDS}
        slow = found["slow"]
        return NetworkFaults(
            delay=float(slow.params["seconds"]) if slow else 0.0,
            reset=found["reset"] is not None,
            truncate=found["truncate"] is not None,
        )

    def take_content_faults(self, path: str) -> ContentFaults:
        """The snapshot to render ``path`` from, and the content-level faults that apply to
        this request: the first replacing one (status, redirect, content) ends there, else
        every transforming one counts."""
        with self._lock:
            snapshot = self._current()
            if not self._path_faults:
                return ContentFaults(snapshot)
            request_path = urlsplit(path).path
            for kind in REPLACING_KINDS:
                fault = self._take_fault(request_path, kind)
                if fault is not None:
                    return ContentFaults(snapshot, replacement=fault)
            transforms = tuple(
                fault
                for kind in TRANSFORMING_KINDS
                if (fault := self._take_fault(request_path, kind)) is not None
            )
            return ContentFaults(snapshot, transforms=transforms)

    # -- the hostile web

    def set_robots(self, disallow: list[str] | None) -> None:
        if disallow is not None:
            if isinstance(disallow, str):
                raise TypeError("disallow is a list of paths, not a string")
            if any(not isinstance(p, str) or "\n" in p or "\r" in p for p in disallow):
                raise ValueError("each Disallow path is one line of text")
        with self._lock:
            self._robots = None if disallow is None else tuple(disallow)
            self._changed()

    def set_hostile_links(self, urls: list[str]) -> None:
        if isinstance(urls, str) or any(not isinstance(u, str) for u in urls):
            raise TypeError("urls is a list of strings")
        with self._lock:
            self._hostile = tuple(urls)
            self._changed()

    def set_duplicate_links(self, on: bool) -> None:
        with self._lock:
            self._duplicates = bool(on)
            self._changed()

    def serve_rss(self, lang: str, body: bytes | None) -> None:
        if lang not in LANGS:
            raise ValueError(f"unknown language {lang!r}")
        if body is not None and not isinstance(body, (bytes, bytearray, memoryview)):
            raise TypeError("body must be bytes or None")
        with self._lock:
            if body is None:
                self._rss.pop(lang, None)
            else:
                self._rss[lang] = bytes(body)
            self._changed()

    # -- new articles

    def add_article(self, build: Callable[[Snapshot], AddedArticle]) -> AddedArticle:
        """Publish the article ``build`` makes from the current snapshot. It runs under the
        lock, so two tests adding at once get distinct numbers and ids."""
        with self._lock:
            added = build(self._current())
            self._added += (added,)
            self._changed()
            return added
