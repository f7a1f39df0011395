"""JSON Lines files, plain or gzipped (``.jsonl.gz``): one way to write and read them.

Output is gzipped when its name ends in ``.gz`` or ``NEWSSPIDER_GZIP`` is on.
Each record is compressed and flushed to the OS as it is exported (a zlib sync
flush: a few bytes per record, the dictionary is kept), so a ``kill -9`` loses
no exported record of a gzipped file either: ``salvage`` decompresses the
``.part`` file as far as it goes and keeps its complete lines.  Readers
(``validate``, ``merge``, ``state rebuild``, ``compact``) tell a gzipped file by
its first bytes, not its name: a salvaged or renamed file reads all the same.
"""

from __future__ import annotations

import gzip
import io
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from scrapy.extensions.postprocessing import GzipPlugin

GZIP_MAGIC = b"\x1f\x8b"
GZ_SUFFIX = ".gz"


def gzipped(path: str, feed_options: dict[str, Any], asked: bool) -> bool:
    """Whether a file feed is gzipped: by its name or ``NEWSSPIDER_GZIP`` (``asked``),
    unless the feed's own postprocessing plugins compress it already."""
    return "postprocessing" not in feed_options and (path.endswith(GZ_SUFFIX) or asked)


def split_name(name: str) -> tuple[str, str]:
    """``articles-X.jsonl.gz`` → ``articles-X``, ``.jsonl.gz``: where ``.salvaged-N`` goes."""
    gz = GZ_SUFFIX if name.endswith(GZ_SUFFIX) else ""
    path = Path(name.removesuffix(gz))
    return path.stem, path.suffix + gz


class GzipLines(io.IOBase):
    """A binary file that gzips each write (one exported JSON line) into ``raw`` and
    flushes it there at once; ``finish`` writes the gzip trailer.

    Scrapy's ``GzipPlugin`` compresses (with its ``gzip_compresslevel``,
    ``gzip_mtime``, ``gzip_filename`` feed options); the flush after each record
    is what this adds: the plugin alone keeps up to a block of records in zlib's
    buffer, lost to a kill.
    """

    def __init__(self, raw: Any, feed_options: dict[str, Any] | None = None) -> None:
        super().__init__()
        self.raw = raw
        self.plugin = GzipPlugin(raw, {"gzip_mtime": 0, **(feed_options or {})})
        self.articles = None  # noted by the exporter, as on ``raw``

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        written = self.plugin.write(data)
        self.plugin.gzipfile.flush()  # zlib's sync flush, then ``raw``'s own
        return written

    def fileno(self) -> int:
        return int(self.raw.fileno())

    def finish(self) -> None:
        """The gzip trailer (CRC and size), once: the stream is complete."""
        if not self.plugin.gzipfile.closed:
            self.plugin.close()
            self.raw.flush()

    def close(self) -> None:
        self.finish()
        self.raw.close()
        super().close()


def is_gzipped(handle: IO[bytes]) -> bool:
    """Whether an open file (at its start) holds gzip data; it is left at its start."""
    head = handle.read(2)
    handle.seek(0)
    return head == GZIP_MAGIC


def open_lines(path: Path) -> IO[bytes]:
    """``path`` for reading its lines, decompressed if it is gzipped.  A gzipped file
    cut short raises ``EOFError`` after its last complete data."""
    handle = path.open("rb")
    if is_gzipped(handle):
        return gzip.GzipFile(fileobj=handle, mode="rb")  # type: ignore[return-value]
    return handle


class DamagedFile(ValueError):
    """A gzipped file whose data stops short or is damaged: no committed file is."""


def read_lines(path: Path) -> Iterator[bytes]:
    """The lines of a committed JSON Lines file, gzipped or not; DamagedFile if its
    gzip data stops short (after the lines before)."""
    with open_lines(path) as handle:
        try:
            yield from handle
        except (EOFError, OSError, zlib.error) as error:
            raise DamagedFile(f"{path}: gzip data damaged or cut short ({error})") from None


def salvage_lines(handle: IO[bytes]) -> Iterator[bytes]:
    """Every line of a killed run's file, the cut last one included, as far as its
    data goes: a gzip stream cut short (no trailer, half a block) is decompressed
    up to where it stops, never raising."""
    if not is_gzipped(handle):
        yield from handle
        return
    inflate = zlib.decompressobj(zlib.MAX_WBITS | 16)
    pending = b""
    while chunk := handle.read(1 << 16):
        try:
            pending += inflate.decompress(chunk)
        except zlib.error:  # garbage after the last flushed record
            break
        *lines, pending = pending.split(b"\n")
        yield from (line + b"\n" for line in lines)
        if inflate.eof:  # one member: what follows is no record of ours
            break
    if pending:
        yield pending


@contextmanager
def writer_for(path: Path, handle: IO[bytes]) -> Iterator[IO[bytes]]:
    """Where to write the lines of ``path``: ``handle`` itself, or a gzip stream over
    it if the name ends in ``.gz``, ended with the block (``handle`` stays open, to
    be fsynced)."""
    if not path.name.endswith(GZ_SUFFIX):
        yield handle
        return
    with gzip.GzipFile(fileobj=handle, mode="wb", mtime=0) as stream:
        yield stream  # type: ignore[misc]
