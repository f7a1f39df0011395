"""Where a run may write: relative paths cannot climb out of their folder.

A setting or argument that reaches the filesystem could otherwise point a run
at ``../../home/user/.bashrc``.  Relative paths of newsspider's settings must
stay inside ``data/``; ``-o``/``-O`` files, inside the current folder.  An
absolute path is the user's explicit choice and is taken as given.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from scrapy.settings import BaseSettings

DATA_DIR = Path("data")
# Settings that name files or folders; values may hold %(name)s (the spider).
PATH_SETTINGS = (
    "NEWSSPIDER_STATE_DIR",
    "NEWSSPIDER_REPORT_DIR",
    "NEWSSPIDER_STATS_FILE",
    "LOG_FILE",
)


class UnsafePath(ValueError):
    """A relative path that leaves the folder it must stay in."""


def check_inside(value: str, folder: Path, what: str) -> Path:
    path = Path(value)
    if path.is_absolute():
        return path
    root = folder.resolve()
    if not (Path.cwd() / path).resolve().is_relative_to(root):
        shown = "data/" if folder == DATA_DIR else "the current folder"
        raise UnsafePath(
            f"{what}: {value!r} leaves {shown}; give an absolute path to write elsewhere"
        )
    return path


def check_settings_paths(settings: BaseSettings, spider_name: str) -> None:
    """Every path setting and file feed stays where it must, or is absolute."""
    params = defaultdict(str, name=spider_name)
    for name in PATH_SETTINGS:
        value = settings.get(name)
        if value:
            check_inside(str(value) % params, DATA_DIR, f"setting {name}")
    for uri in settings.getdict("FEEDS"):
        if "://" in uri and not uri.startswith("file://"):
            continue
        check_inside(uri.removeprefix("file://") % params, Path("."), f"output {uri}")
