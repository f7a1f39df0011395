"""What every state store offers, whichever server holds it.

The spider, the incremental pipeline and the extensions see only ``State``;
``KnownIds`` is the in-memory view of known ids both stores share.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path
from typing import NamedTuple, Protocol


def body_hash(body: str | None) -> str | None:
    """Fingerprint of an article's text: a change at the source changes it."""
    return hashlib.sha1(body.encode()).hexdigest()[:20] if body else None


class Validators(NamedTuple):
    """What a feed's last answer said of its version (``ETag``, ``Last-Modified``): sent
    back as ``If-None-Match`` / ``If-Modified-Since``, they let an unchanged feed answer
    304, headers only.  Either may be None (a server that sends neither still has its
    feed remembered: ``mode=feeds`` polls the newspaper feeds the state knows)."""

    etag: str | None
    last_modified: str | None


class StateTooNew(ValueError):
    """The state was written by a newer newsspider: its layout is unknown here.

    A ValueError, like a bad setting: the run must not start, and the fix is an
    upgrade (or another ``NEWSSPIDER_STATE_DIR`` / ``NEWSSPIDER_REDIS_PREFIX``),
    never a retry.
    """

    def __init__(self, where: str, found: int, known: int) -> None:
        super().__init__(
            f"the state at {where} has version {found}, newer than this newsspider "
            f"knows ({known}): upgrade newsspider"
        )
        self.found = found
        self.known = known


class StateDamaged(RuntimeError):
    """The state cannot be read, or is lost while the spider's committed files exist.

    A run would write the whole archive again, so none starts (exit 9) until
    someone rebuilds the state from the files or resets it on purpose.
    """

    def __init__(self, problem: str, spider: str, options: str = "") -> None:
        extra = f" {options}" if options else ""
        super().__init__(
            f"{problem}; rebuild it with `newsspider state rebuild {spider}{extra}`, "
            f"or start afresh with `newsspider state reset {spider}{extra}`"
        )


class StateUnavailable(RuntimeError):
    """The state cannot be opened or written now (a full disk, permissions), through no
    fault of its own: the run fails (exit 3) and the next one may do better."""


class KnownIds:
    """Article id → body hash of what earlier runs wrote, in memory: the spider asks
    for every link of every page, so a lookup must cost a dict access."""

    hashes: dict[str, str | None]

    def __len__(self) -> int:
        return len(self.hashes)

    def is_known(self, record_id: str) -> bool:
        return record_id in self.hashes

    def body_hash(self, record_id: str) -> str | None:
        return self.hashes.get(record_id)


class State(Protocol):
    """What the spider, the pipeline and the extensions need of a state store.

    Ids count as written only once a final file holds them: ``stage`` them with
    their file before its rename, ``promote`` them after it; ``recover`` settles
    what a crash left between the two.
    """

    # Read-only here: each store sets its own (a file's Path, a Redis URL and key).
    @property
    def path(self) -> Path | str: ...
    @property
    def previous_clean(self) -> bool: ...

    def __len__(self) -> int: ...
    def is_known(self, record_id: str) -> bool: ...
    def body_hash(self, record_id: str) -> str | None: ...
    def mark_written(self, entries: Iterable[tuple[str, str | None]]) -> int: ...
    def stage(self, entries: Iterable[tuple[str, str | None]], final: Path) -> None: ...
    def promote(self, final: Path) -> int: ...
    def recover(self) -> int: ...
    def begin_run(self) -> None: ...
    def end_run(self, complete: bool) -> None: ...
    def record_run(self, started: str, exit_code: int) -> None: ...
    def last_success(self) -> str | None: ...
    def rss_validators(self) -> dict[str, Validators]: ...
    def remember_rss(self, url: str, validators: Validators) -> None: ...
    def forget_rss(self, url: str) -> None: ...
    def close(self) -> None: ...
