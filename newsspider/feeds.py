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
A feed whose name ends in ``.gz``, or every file feed with ``NEWSSPIDER_GZIP``,
is gzipped record by record on its way to the ``.part`` file
(``newsspider.lines``); the rest is the same.

A feed's URI is a template (``%(name)s``, ``%(run_id)s``, Scrapy's
``%(batch_id)d`` and ``%(batch_time)s``, one file per batch): the same
knowledge names the files a feed can write (salvage, the cron stream's files)
and gives the sample path the checks before a run probe.  ``stream_feeds``
says which feeds are the cron stream the incremental state follows.
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import stat
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import IO, Any
from urllib.parse import urlsplit

from itemadapter import ItemAdapter
from scrapy import Spider
from scrapy.crawler import Crawler
from scrapy.extensions.feedexport import FileFeedStorage
from scrapy.settings import BaseSettings

from newsspider.atomic import create_fresh, create_new, fsync_dir
from newsspider.exporters import RecordLinesExporter
from newsspider.items import ARTICLE_SCHEMA
from newsspider.lines import GZ_SUFFIX, GzipLines, gzipped, salvage_lines, split_name, writer_for
from newsspider.state.base import body_hash

PART_SUFFIX = ".part"
# Any file of a feed may be gzipped (``NEWSSPIDER_GZIP`` on for some runs only).
MAYBE_GZ = r"(?:\.gz)?"

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
        # Created, never reused: a .part of that name is a file salvage could not
        # take, or a planted link; the feed then fails rather than write through it.
        super().__init__(io.FileIO(create_new(path), "wb"))
        # The articles written, noted by ``JsonLinesExporter``; None while no
        # JSON Lines exporter writes here (``-O out.json``): then nothing is marked.
        self.articles: list[ArticleEntry] | None = None

    def write(self, data: Any) -> int:
        written = super().write(data)
        self.flush()
        return written


class JsonLinesExporter(RecordLinesExporter):
    """Scrapy's JSON Lines exporter, noting each article it writes to our storage.

    The incremental state learns a file's ids from these notes, so it never reads
    the file back.  Behind a post-processing wrapper (``gzip``) the file is not
    ours and nothing is noted: such a feed marks nothing, as any other format.
    """

    def __init__(self, file: Any, **kwargs: Any) -> None:
        super().__init__(file, **kwargs)
        self.articles: list[ArticleEntry] | None = None
        if isinstance(file, (LineFlushedFile, GzipLines)):
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
        self.feed_options = feed_options or {}
        asked = crawler is not None and crawler.settings.getbool("NEWSSPIDER_GZIP")
        self.gzip = gzipped(self.path, self.feed_options, asked)
        self.path += GZ_SUFFIX if self.gzip and not self.path.endswith(GZ_SUFFIX) else ""

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
        raw = LineFlushedFile(part_path(final))
        return GzipLines(raw, self.feed_options) if self.gzip else raw  # type: ignore[return-value]

    def store(self, file: IO[bytes]) -> None:
        if isinstance(file, GzipLines):
            file.finish()
        file.flush()
        os.fsync(file.fileno())
        file.close()
        final = Path(self.path)
        part = part_path(final)
        self._send(feed_file_ready, final=final, articles=self._articles(file))
        if self.write_mode == "ab" and final.exists():
            staging = final.with_name(final.name + ".appending")
            with create_fresh(staging) as target:
                for source in (final, part):
                    with source.open("rb") as lines:
                        shutil.copyfileobj(lines, target)
                target.flush()
                os.fsync(target.fileno())
            os.replace(staging, final)
            part.unlink()
        else:
            os.replace(part, final)
        fsync_dir(final.parent)
        self.committed = True
        self._send(feed_file_committed, final=final)

    @staticmethod
    def _articles(file: IO[bytes]) -> list[ArticleEntry] | None:
        return file.articles if isinstance(file, (LineFlushedFile, GzipLines)) else None

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
    stem, suffix = split_name(final.name)
    candidates = [final] + [final.with_name(f"{stem}.salvaged-{n}{suffix}") for n in range(1, 1000)]
    for candidate in candidates:
        try:
            os.link(staging, candidate)
        except FileExistsError:
            continue
        staging.unlink()
        return candidate
    raise FileExistsError(f"no free name beside {final}")


def _open_part(part: Path) -> IO[bytes]:
    """A killed run's ``.part`` for reading, if it is a plain file: a link, a folder or
    a FIFO (which would block the run) planted under such a name is an ``OSError``."""
    fd = os.open(part, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise OSError(f"not a regular file: {part}")
    return os.fdopen(fd, "rb")


def salvage(part: Path) -> Salvaged:
    """Keep the complete JSON lines of a killed run's ``.part`` file, under a final name.

    A line cut by the kill (no newline, or not JSON) is dropped; a gzipped one is
    read as far as its data goes, and salvaged gzipped.  An existing file is never
    overwritten: the salvaged one then gets ``.salvaged-N``.
    """
    kept_lines: list[bytes] = []
    articles: list[ArticleEntry] = []
    dropped = 0
    with _open_part(part) as handle:
        for line in salvage_lines(handle):
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
        named = part.with_name(part.name.removesuffix(PART_SUFFIX))
        with create_fresh(staging) as handle:
            with writer_for(named, handle) as lines:
                lines.writelines(kept_lines)
            handle.flush()
            os.fsync(handle.fileno())
        final = _claim(staging, named)
    part.unlink()
    fsync_dir(part.parent)
    return Salvaged(part, final, len(kept_lines), dropped, articles)


# A run id is the run's UTC start to the millisecond (to the second before), plus
# ``-<worker>`` in distributed mode: ``20261124T081502.123Z``, sortable, no ':'.
RUN_STAMP = r"\d{8}T\d{6}(?:\.\d{3})?Z"
SAMPLE_RUN_ID = "20000101T000000.000Z"
# The UTC day of the runs a compacted file holds (``articles-20261124.jsonl``).
DAY_STAMP = r"\d{8}"
# Scrapy's feed URI parameters, printf style: ``%(name)s``, ``%(batch_id)05d``…
URI_PARAM = re.compile(r"%\((\w+)\)([-+ #0]*\d*(?:\.\d+)?)([diouxXeEfFgGcrsa])")
# ``%(time)s`` and ``%(batch_time)s``: UTC ISO time with "-" for ":", as Scrapy writes them.
ISO_TIME = r"\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d(?:\.\d{1,6})?\+00-00"


def feed_file_template(uri: str) -> str | None:
    """The path template of a file feed (``-o out.jsonl``, ``file:///…``); None for the
    other storages (``stdout:``, ``s3://``…)."""
    scheme = urlsplit(uri).scheme
    if scheme == "file":
        return uri.removeprefix("file://")
    return uri if scheme == "" else None


def sample_feed_path(uri: str, spider_name: str) -> Path | None:
    """The file a feed would write, with sample values for what the run fixes later
    (its id, time and batch number): what the checks before a run can probe."""
    template = feed_file_template(uri)
    if template is None:
        return None
    now = datetime.now(timezone.utc).isoformat().replace(":", "-")
    sample = {"name": spider_name, "run_id": SAMPLE_RUN_ID, "time": now, "batch_time": now}

    def value(match: re.Match[str]) -> str:
        name, flags, conversion = match.groups()
        if conversion in "diouxXeEfFgGc":
            return f"%{flags}{conversion}" % 1  # %(batch_id)05d → 00001
        return f"%{flags}{conversion}" % sample.get(name, "x")

    return Path(URI_PARAM.sub(value, template))


def _param_regex(match: re.Match[str], spider_name: str, run_suffix: str) -> str:
    name, _flags, conversion = match.groups()
    if name == "name":
        return re.escape(spider_name)
    if name == "run_id":
        return RUN_STAMP + re.escape(run_suffix)
    if name in ("time", "batch_time"):
        return ISO_TIME
    if conversion in "diouxX":
        return r"\s*-?\d+"  # %(batch_id)d, padded or not
    return ".+"


def feed_file_patterns(
    feed_uris: Iterable[str], spider_name: str, run_suffix: str = ""
) -> list[tuple[Path, re.Pattern[str]]]:
    """Folder and name pattern of the files this spider's file feeds write.

    ``data/%(name)s/articles-%(run_id)s.jsonl`` → ``data/maghress`` and
    ``articles-<stamp><run_suffix>\\.jsonl``; ``out-%(batch_id)d.jsonl`` →
    ``.`` and ``out-<number>\\.jsonl``, one name per batch.
    """
    found = []
    for uri in feed_uris:
        template = feed_file_template(str(uri))
        if template is None:
            continue
        path = Path(template)
        folder = Path(str(path.parent).replace("%(name)s", spider_name))
        regex = _name_regex(path.name, spider_name, run_suffix) + MAYBE_GZ
        found.append((folder, re.compile(regex)))
    return found


def _name_regex(template: str, spider_name: str, run_suffix: str, days: bool = False) -> str:
    """A regex of the file names a feed's name template gives; with ``days``, the
    compacted files of a day too (``%(run_id)s`` a day: ``newsspider.compact``)."""
    regex, last = "", 0
    for match in URI_PARAM.finditer(template):
        regex += re.escape(template[last : match.start()])
        if days and match.group(1) == "run_id":
            regex += f"(?:{RUN_STAMP}|{DAY_STAMP}){re.escape(run_suffix)}"
        else:
            regex += _param_regex(match, spider_name, run_suffix)
        last = match.end()
    return regex + re.escape(template[last:])


def run_stamp(moment: datetime) -> str:
    return moment.strftime("%Y%m%dT%H%M%S.") + f"{moment.microsecond // 1000:03d}Z"


def unused_run_id(settings: BaseSettings, spider_name: str, suffix: str = "") -> str:
    """A run id no file of the spider's feeds or reports carries yet: two runs started in
    the same millisecond (or a clock set back) never share files or a report."""
    moment = datetime.now(timezone.utc)
    while _run_id_taken(settings, spider_name, run_id := run_stamp(moment) + suffix):
        moment += timedelta(milliseconds=1)
    return run_id


def _run_id_taken(settings: BaseSettings, spider_name: str, run_id: str) -> bool:
    reports = Path(str(settings.get("NEWSSPIDER_REPORT_DIR") or ".") % {"name": spider_name})
    if (reports / f"{run_id}.json").exists():
        return True
    for uri in settings.getdict("FEEDS"):
        template = feed_file_template(str(uri))
        if template is None or "%(run_id)s" not in Path(template).name:
            continue
        path = Path(template)
        folder = Path(str(path.parent).replace("%(name)s", spider_name))
        before = path.name.split("%(run_id)s")[0].replace("%(name)s", spider_name)
        if folder.is_dir() and any(name.startswith(before + run_id) for name in os.listdir(folder)):
            return True
    return False


def feed_part_patterns(
    feed_uris: Iterable[str], spider_name: str, run_suffix: str = ""
) -> list[tuple[Path, re.Pattern[str]]]:
    """Folder and name pattern of the ``.part`` files this spider's file feeds can leave:
    salvage touches these and nothing else there — not the live files of another
    worker on the same disk."""
    return [
        (folder, re.compile(pattern.pattern + re.escape(PART_SUFFIX)))
        for folder, pattern in feed_file_patterns(feed_uris, spider_name, run_suffix)
    ]


def in_feeds(path: Path, patterns: list[tuple[Path, re.Pattern[str]]]) -> bool:
    """Whether ``path`` is a file of one of the feeds ``patterns`` describe."""
    folder = path.parent.resolve()
    return any(
        folder == where.resolve() and pattern.fullmatch(path.name) for where, pattern in patterns
    )


def stream_feeds(settings: BaseSettings, incremental: bool | None = None) -> list[str]:
    """The feeds whose files the incremental state follows: the cron stream.

    ``NEWSSPIDER_STATE_FEEDS`` names them; when it is empty, every feed of FEEDS
    is.  ``incremental`` (the spider argument) overrides: true makes every feed of
    the run follow the state, false none (what ``scrapy crawl -o/-O`` sets unless
    told otherwise: a one-off export must not consume what cron has not written).
    """
    feeds = [str(uri) for uri in settings.getdict("FEEDS")]
    if incremental is not None:
        return feeds if incremental else []
    if named := settings.getlist("NEWSSPIDER_STATE_FEEDS"):
        return [uri for uri in feeds if uri in named]
    return feeds


def committed_files(feed_uris: Iterable[str], spider_name: str, run_suffix: str = "") -> list[Path]:
    """The final files of this spider's (or this worker's) runs, salvaged, gzipped and
    compacted ones included: the feeds named by ``%(run_id)s`` (a fixed ``-o`` file is
    no run's).  What its state must know, and what ``newsspider state rebuild`` reads."""
    found: set[Path] = set()
    for uri in feed_uris:
        template = feed_file_template(str(uri))
        if template is None or "%(run_id)s" not in Path(template).name:
            continue
        path = Path(template)
        folder = Path(str(path.parent).replace("%(name)s", spider_name))
        if not folder.is_dir():
            continue
        stem, suffix = split_name(path.name)
        pattern = re.compile(
            _name_regex(stem, spider_name, run_suffix, days=True)
            + r"(?:\.salvaged-\d+)?"
            + re.escape(suffix.removesuffix(GZ_SUFFIX))
            + MAYBE_GZ
        )
        found.update(
            path
            for path in folder.iterdir()
            if pattern.fullmatch(path.name) and path.is_file() and not path.is_symlink()
        )
    return sorted(found)


def parts_to_salvage(
    feed_uris: Iterable[str], spider_name: str, run_suffix: str = ""
) -> list[Path]:
    """The ``.part`` files of this spider's (or this worker's) feeds that an earlier run left."""
    found: set[Path] = set()
    for folder, pattern in feed_part_patterns(feed_uris, spider_name, run_suffix):
        if folder.is_dir():
            found.update(p for p in folder.glob(f"*{PART_SUFFIX}") if pattern.fullmatch(p.name))
    return sorted(found)
