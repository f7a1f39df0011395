"""Feed storage that never shows a torn line under a final file name.

Scrapy's file storage appends to the final path as items arrive, so a killed
run leaves a half-written last line where readers look.  This one writes to
``NAME.part`` and renames it to ``NAME`` only after the exporter finished and
the data reached the disk.  ``salvage`` turns the ``.part`` file a killed run
left into a final file of its complete lines.
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from scrapy import Spider
from scrapy.extensions.feedexport import FileFeedStorage

PART_SUFFIX = ".part"


def part_path(path: Path) -> Path:
    return path.with_name(path.name + PART_SUFFIX)


def _fsync_dir(directory: Path) -> None:
    """Make a rename in ``directory`` durable (POSIX needs the directory synced)."""
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class AtomicFileFeedStorage(FileFeedStorage):
    """``FileFeedStorage`` through ``NAME.part``; ``committed`` once the rename is done."""

    committed: bool = False

    def open(self, spider: Spider) -> IO[bytes]:
        final = Path(self.path)
        final.parent.mkdir(parents=True, exist_ok=True)
        part = part_path(final)
        if self.write_mode == "ab" and final.exists():
            # Appending (`-o`): start from the complete earlier file.
            shutil.copyfile(final, part)
        return part.open(self.write_mode)

    def store(self, file: IO[bytes]) -> None:
        file.flush()
        os.fsync(file.fileno())
        file.close()
        final = Path(self.path)
        os.replace(part_path(final), final)
        _fsync_dir(final.parent)
        self.committed = True


@dataclass(frozen=True)
class Salvaged:
    part: Path
    final: Path
    kept: int
    dropped: int


def salvage(part: Path) -> Salvaged:
    """Keep the complete JSON lines of a killed run's ``.part`` file, under a final name.

    A line cut by the kill (no newline, or not JSON) is dropped.  If the final
    name is taken, the salvaged file gets ``.salvaged`` before its extension.
    """
    kept_lines: list[bytes] = []
    dropped = 0
    with part.open("rb") as handle:
        for line in handle:
            try:
                complete = line.endswith(b"\n") and isinstance(json.loads(line), dict)
            except ValueError:
                complete = False
            if complete:
                kept_lines.append(line)
            else:
                dropped += 1
    final = part.with_name(part.name.removesuffix(PART_SUFFIX))
    if final.exists():
        final = final.with_name(f"{final.stem}.salvaged{final.suffix}")
    staging = part.with_name(part.name + ".salvage")
    with staging.open("wb") as handle:
        handle.writelines(kept_lines)
        handle.flush()
        os.fsync(handle.fileno())
    if kept_lines:
        os.replace(staging, final)
    else:
        staging.unlink()
    part.unlink()
    _fsync_dir(part.parent)
    return Salvaged(part, final, len(kept_lines), dropped)
