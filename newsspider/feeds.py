"""Feed storage that never shows a torn line under a final file name.

Scrapy's file storage appends to the final path as items arrive, so a killed
run leaves a half-written last line where readers look.  This one writes the
run's records to ``NAME.part`` and, once the exporter is done and the data is on
disk, renames it to ``NAME`` (with ``-o``, appends it to ``NAME`` through a
copy that is renamed over it).  Around that commit it sends two signals, so the
incremental state can stage the file's article ids before the rename and count
them written after it.  The ids are the ones the JSON Lines exporter noted as it
wrote each record: the file is never read back for them.  ``salvage`` turns the
``.part`` file a killed run left into a final file of its complete lines (and
is the one place that learns ids by reading a file: that run's memory is gone).
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from itemadapter import ItemAdapter
from scrapy import Spider
from scrapy.crawler import Crawler
from scrapy.exporters import JsonLinesItemExporter
from scrapy.extensions.feedexport import FileFeedStorage

from newsspider.atomic import fsync_dir, fsync_file
from newsspider.items import ARTICLE_SCHEMA
from newsspider.state.base import body_hash

PART_SUFFIX = ".part"

# Sent from ``store()``: the .part file is complete and fsynced, not yet renamed
# (``final``, and ``articles``: the ``(id, body hash)`` of each article record in
# it, or None when the feed is not JSON Lines); then the final file is in place
# (``final``).
feed_file_ready = object()
feed_file_committed = object()

ArticleEntry = tuple[str, str | None]  # (article id, body hash): what the state keeps


def article_entry(record: Mapping[str, Any]) -> ArticleEntry | None:
    """What the state keeps of a record: its id and body hash, if it is an article."""
    if record.get("schema") != ARTICLE_SCHEMA:
        return None
    return record["id"], body_hash(record.get("body"))


def part_path(path: Path) -> Path:
    return path.with_name(path.name + PART_SUFFIX)


class LineFlushedFile(io.BufferedWriter):
    """Each write (one JSON line from the exporter) goes to the OS at once.

    A ``kill -9`` then loses no exported line: salvage finds every record the
    run had written, and a distributed worker may acknowledge a request as done
    as soon as its record is exported.  One write call per record costs
    microseconds; the fsync stays at the end of the run.
    """

    def __init__(self, path: Path) -> None:
        super().__init__(io.FileIO(path, "wb"))
        # The articles written, noted by ``JsonLinesExporter``; None while no
        # JSON Lines exporter writes here (``-O out.json``): then nothing is marked.
        self.articles: list[ArticleEntry] | None = None

    def write(self, data: Any) -> int:
        written = super().write(data)
        self.flush()
        return written


class JsonLinesExporter(JsonLinesItemExporter):
    """Scrapy's JSON Lines exporter, noting each article it writes to our storage.

    The incremental state learns a file's ids from these notes, so it never reads
    the file back.  Behind a post-processing wrapper (``gzip``) the file is not
    ours and nothing is noted: such a feed marks nothing, as any other format.
    """

    def __init__(self, file: Any, **kwargs: Any) -> None:
        super().__init__(file, **kwargs)
        self.articles: list[ArticleEntry] | None = None
        if isinstance(file, LineFlushedFile):
            self.articles = file.articles = []

    def export_item(self, item: Any) -> None:
        super().export_item(item)
        if self.articles is not None and (entry := article_entry(ItemAdapter(item))):
            self.articles.append(entry)


class AtomicFileFeedStorage(FileFeedStorage):
    """``FileFeedStorage`` through ``NAME.part``; ``committed`` once the final file is in place."""

    def __init__(
        self,
        uri: str,
        *,
        feed_options: dict[str, Any] | None = None,
        crawler: Crawler | None = None,
    ) -> None:
        super().__init__(uri, feed_options=feed_options)
        self.crawler = crawler
        self.committed = False

    @classmethod
    def from_crawler(
        cls, crawler: Crawler, uri: str, *, feed_options: dict[str, Any] | None = None
    ) -> AtomicFileFeedStorage:
        return cls(uri, feed_options=feed_options, crawler=crawler)

    def open(self, spider: Spider) -> IO[bytes]:
        final = Path(self.path)
        final.parent.mkdir(parents=True, exist_ok=True)
        # Only this run's records go to the .part file, in both modes: a salvage
        # of it never repeats what an earlier run appended to NAME.
        return LineFlushedFile(part_path(final))

    def store(self, file: IO[bytes]) -> None:
        file.flush()
        os.fsync(file.fileno())
        file.close()
        final = Path(self.path)
        part = part_path(final)
        self._send(feed_file_ready, final=final, articles=self._articles(file))
        if self.write_mode == "ab" and final.exists():
            staging = final.with_name(final.name + ".appending")
            shutil.copyfile(final, staging)
            with staging.open("ab") as target, part.open("rb") as source:
                shutil.copyfileobj(source, target)
            fsync_file(staging)
            os.replace(staging, final)
            part.unlink()
        else:
            os.replace(part, final)
        fsync_dir(final.parent)
        self.committed = True
        self._send(feed_file_committed, final=final)

    @staticmethod
    def _articles(file: IO[bytes]) -> list[ArticleEntry] | None:
        return file.articles if isinstance(file, LineFlushedFile) else None

    def _send(self, signal: object, **kwargs: Any) -> None:
        if self.crawler is not None:
            self.crawler.signals.send_catch_log(signal, **kwargs)


@dataclass(frozen=True)
class Salvaged:
    part: Path
    final: Path | None  # None when not one line was complete
    kept: int
    dropped: int
    articles: list[ArticleEntry]  # those of the kept lines


def _claim(staging: Path, final: Path) -> Path:
    """Give ``staging`` the name ``final``, or ``NAME.salvaged-N.ext`` if that is taken.

    ``os.link`` fails when the name exists, so an earlier file is never replaced.
    """
    candidates = [final] + [
        final.with_name(f"{final.stem}.salvaged-{n}{final.suffix}") for n in range(1, 1000)
    ]
    for candidate in candidates:
        try:
            os.link(staging, candidate)
        except FileExistsError:
            continue
        staging.unlink()
        return candidate
    raise FileExistsError(f"no free name beside {final}")


def salvage(part: Path) -> Salvaged:
    """Keep the complete JSON lines of a killed run's ``.part`` file, under a final name.

    A line cut by the kill (no newline, or not JSON) is dropped.  An existing
    file is never overwritten: the salvaged one then gets ``.salvaged-N``.
    """
    kept_lines: list[bytes] = []
    articles: list[ArticleEntry] = []
    dropped = 0
    with part.open("rb") as handle:
        for line in handle:
            try:
                record = json.loads(line) if line.endswith(b"\n") else None
            except ValueError:
                record = None
            if isinstance(record, dict):
                kept_lines.append(line)
                if entry := article_entry(record):
                    articles.append(entry)
            else:
                dropped += 1
    final: Path | None = None
    if kept_lines:
        staging = part.with_name(part.name + ".salvage")
        with staging.open("wb") as handle:
            handle.writelines(kept_lines)
            handle.flush()
            os.fsync(handle.fileno())
        final = _claim(staging, part.with_name(part.name.removesuffix(PART_SUFFIX)))
    part.unlink()
    fsync_dir(part.parent)
    return Salvaged(part, final, len(kept_lines), dropped, articles)


# A run id is the run's UTC start, plus ``-<worker>`` in distributed mode.
RUN_STAMP = r"\d{8}T\d{6}Z"


def feed_part_patterns(
    feed_uris: Iterable[str], spider_name: str, run_suffix: str = "", suffix: str = PART_SUFFIX
) -> list[tuple[Path, re.Pattern[str]]]:
    """Folder and name pattern of the ``.part`` files this spider's file feeds can leave.

    ``data/%(name)s/articles-%(run_id)s.jsonl`` → ``data/maghress`` and
    ``articles-<stamp><run_suffix>\\.jsonl\\.part``: salvage touches these and
    nothing else there — not the live files of another worker on the same disk.
    """
    found = []
    for uri in feed_uris:
        if "://" in uri and not uri.startswith("file://"):
            continue
        path = Path(uri.removeprefix("file://"))
        folder = Path(str(path.parent).replace("%(name)s", spider_name))
        pieces = re.split(r"(%\([a-z_]+\)[sd])", path.name)
        regex = "".join(
            re.escape(spider_name)
            if piece == "%(name)s"
            else RUN_STAMP + re.escape(run_suffix)
            if piece == "%(run_id)s"
            else ".+"
            if piece.startswith("%(")
            else re.escape(piece)
            for piece in pieces
        )
        found.append((folder, re.compile(regex + re.escape(suffix))))
    return found


def parts_to_salvage(
    feed_uris: Iterable[str], spider_name: str, run_suffix: str = ""
) -> list[Path]:
    """The ``.part`` files of this spider's (or this worker's) feeds that an earlier run left."""
    found: set[Path] = set()
    for folder, pattern in feed_part_patterns(feed_uris, spider_name, run_suffix):
        if folder.is_dir():
            found.update(p for p in folder.glob(f"*{PART_SUFFIX}") if pattern.fullmatch(p.name))
    return sorted(found)


_SALVAGED = re.compile(r"\.salvaged-\d+(?=\.[^.]+$)")  # what ``_claim`` adds to a taken name


def committed_files(feed_uris: Iterable[str], spider_name: str, run_suffix: str = "") -> list[Path]:
    """The final files of this spider's (or this worker's) feeds, salvaged ones included."""
    found: set[Path] = set()
    for folder, pattern in feed_part_patterns(feed_uris, spider_name, run_suffix, suffix=""):
        if folder.is_dir():
            found.update(
                p for p in folder.iterdir() if pattern.fullmatch(_SALVAGED.sub("", p.name))
            )
    return sorted(found)
