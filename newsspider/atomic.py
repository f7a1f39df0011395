"""Write a file so that readers see the old one or the whole new one, never a torn one.

The data goes to ``NAME.part`` in the same folder (a rename is atomic only
within one file system), is flushed and fsynced, replaces ``NAME`` by
``os.replace``, and the folder is fsynced so that the rename survives a power
cut.  A failure on the way (disk full, a file too big, an exception of the
caller's) removes the ``.part`` file and leaves ``NAME`` as it was.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

PART_SUFFIX = ".part"


def fsync_dir(directory: Path) -> None:
    """Make a rename in ``directory`` durable (POSIX needs the directory synced)."""
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_file(path: Path) -> None:
    with path.open("rb+") as handle:
        os.fsync(handle.fileno())


@contextmanager
def atomic_writer(path: Path) -> Iterator[BinaryIO]:
    """A binary file to write ``path``'s new content to, in place once the block ends.

    For output too big to hold in memory (``newsspider merge -o``); an
    exception in the block leaves ``path`` untouched and re-raises.
    """
    part = path.with_name(path.name + PART_SUFFIX)
    try:
        with part.open("wb") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(part, path)
    except BaseException:
        part.unlink(missing_ok=True)
        raise
    fsync_dir(path.parent)


def write_atomically(path: Path, data: bytes) -> None:
    """``path`` holds ``data``, or (on any error) what it held before."""
    with atomic_writer(path) as handle:
        handle.write(data)
