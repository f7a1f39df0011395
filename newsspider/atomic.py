"""Write a file so that readers see the old one or the whole new one, never a torn one.

The data goes to ``NAME.part`` in the same folder (a rename is atomic only
within one file system), is flushed and fsynced, replaces ``NAME`` by
``os.replace``, and the folder is fsynced so that the rename survives a power
cut.  A failure on the way (disk full, a file too big, an exception of the
caller's) removes the ``.part`` file and leaves ``NAME`` as it was.

Whoever can write in ``data/`` can plant a symlink where a run will write
(``runs/<run_id>.json.part`` → ``~/.bashrc``): every file a run writes is
created by ``create_new``, which never follows a symlink and never opens a file
that already exists.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

PART_SUFFIX = ".part"

# A new file, never an existing one, never through a symlink (O_NOFOLLOW alone would
# still follow one in a parent folder; those are the user's own).
_NEW_FILE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC


def create_new(path: Path) -> int:
    """A descriptor of a file created here and now; FileExistsError if the name is taken
    (by a file, a folder or a symlink, dangling or not)."""
    return os.open(path, _NEW_FILE, 0o644)


def create_fresh(path: Path) -> BinaryIO:
    """``path`` created anew for a temporary file of ours: what a crashed run left under
    that name (or a link planted there) is removed, never written through."""
    path.unlink(missing_ok=True)
    return os.fdopen(create_new(path), "wb")


def fsync_dir(directory: Path) -> None:
    """Make a rename in ``directory`` durable (POSIX needs the directory synced)."""
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextmanager
def atomic_writer(path: Path, *, replace: bool = True) -> Iterator[BinaryIO]:
    """A binary file to write ``path``'s new content to, in place once the block ends.

    For output too big to hold in memory (``newsspider merge -o``); an
    exception in the block leaves ``path`` untouched and re-raises.  With
    ``replace=False`` an existing ``path`` is never replaced (a run report):
    FileExistsError, and the new content is dropped.
    """
    part = path.with_name(path.name + PART_SUFFIX)
    handle = create_fresh(part)
    try:
        with handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        if replace:
            os.replace(part, path)
        else:
            os.link(part, path)  # fails if the name is taken, even by a dangling symlink
            part.unlink()
    except BaseException:
        part.unlink(missing_ok=True)
        raise
    fsync_dir(path.parent)


def write_atomically(path: Path, data: bytes, *, replace: bool = True) -> None:
    """``path`` holds ``data``, or (on any error) what it held before."""
    with atomic_writer(path, replace=replace) as handle:
        handle.write(data)
