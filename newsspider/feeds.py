"""Feed storage that never shows a torn line under a final file name.

Scrapy's file storage appends to the final path as items arrive, so a killed
run leaves a half-written last line where readers look.  This one writes to
``NAME.part`` and renames it to ``NAME`` only after the exporter finished and
the data reached the disk.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import IO

from scrapy import Spider
from scrapy.extensions.feedexport import FileFeedStorage

PART_SUFFIX = ".part"


def part_path(path: Path) -> Path:
    return path.with_name(path.name + PART_SUFFIX)


class AtomicFileFeedStorage(FileFeedStorage):
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
        return None
