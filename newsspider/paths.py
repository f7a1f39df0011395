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
FOLDER_SETTINGS = ("NEWSSPIDER_STATE_DIR", "NEWSSPIDER_REPORT_DIR")
BOOLEAN_SETTINGS = ("NEWSSPIDER_STATE_ENABLED", "NEWSSPIDER_EMIT_REVISIONS", "NEWSSPIDER_PROGRESS")


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
    """Every path setting and file feed stays where it must (or is absolute), and
    the folders a run needs can be created: a bad one stops the run before it starts."""
    for name in PATH_SETTINGS:
        value = settings.get(name)
        if not value:
            continue
        try:
            path = check_inside(str(value) % {"name": spider_name}, DATA_DIR, f"setting {name}")
        except (KeyError, ValueError, TypeError) as error:
            if isinstance(error, UnsafePath):
                raise
            raise UnsafePath(f"setting {name}: only %(name)s may be used in {value!r}") from None
        folder = path if name in FOLDER_SETTINGS else path.parent
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise UnsafePath(
                f"setting {name}: cannot create {str(folder)!r}: {error.strerror}"
            ) from None
    params = defaultdict(str, name=spider_name)
    for uri in settings.getdict("FEEDS"):
        if "://" in uri and not uri.startswith("file://"):
            continue
        check_inside(uri.removeprefix("file://") % params, Path("."), f"output {uri}")


def check_flags(settings: BaseSettings) -> None:
    """On/off settings must say on or off (Scrapy would raise mid-start otherwise)."""
    for name in BOOLEAN_SETTINGS:
        try:
            settings.getbool(name)
        except ValueError:
            raise ValueError(
                f"setting {name}: expected True or False, got {settings.get(name)!r}"
            ) from None
