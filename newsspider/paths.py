"""Where a run may write: relative paths cannot climb out of their folder.

A setting or argument that reaches the filesystem could otherwise point a run
at ``../../home/user/.bashrc``.  Relative paths of newsspider's settings must
stay inside ``data/``; ``-o``/``-O`` files, inside the current folder.  An
absolute path is the user's explicit choice and is taken as given.  Every file
a run writes is probed before its first request (``check_outputs``).
"""

from __future__ import annotations

import contextlib
import errno
import os
from pathlib import Path

from scrapy.settings import BaseSettings

from newsspider.feeds import SAMPLE_RUN_ID, part_path, sample_feed_path

DATA_DIR = Path("data")
# Settings that name files or folders; values may hold %(name)s (the spider).
PATH_SETTINGS = (
    "NEWSSPIDER_STATE_DIR",
    "NEWSSPIDER_REPORT_DIR",
    "NEWSSPIDER_STATS_FILE",
    "LOG_FILE",
)
FOLDER_SETTINGS = ("NEWSSPIDER_STATE_DIR", "NEWSSPIDER_REPORT_DIR")
# The stats file may be one per run (pruned with the run's report).
RUN_ID_SETTINGS = ("NEWSSPIDER_STATS_FILE",)
BOOLEAN_SETTINGS = (
    "NEWSSPIDER_STATE_ENABLED",
    "NEWSSPIDER_EMIT_REVISIONS",
    "NEWSSPIDER_PROGRESS",
    "NEWSSPIDER_GZIP",
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
    """Every path setting and file feed stays where it must (or is absolute), and
    the folders a run needs can be created: a bad one stops the run before it starts."""
    for name in PATH_SETTINGS:
        value = settings.get(name)
        if not value:
            continue
        allowed = "%(name)s and %(run_id)s" if name in RUN_ID_SETTINGS else "%(name)s"
        try:
            path = check_inside(_filled(name, value, spider_name), DATA_DIR, f"setting {name}")
        except (KeyError, ValueError, TypeError) as error:
            if isinstance(error, UnsafePath):
                raise
            raise UnsafePath(f"setting {name}: only {allowed} may be used in {value!r}") from None
        folder = path if name in FOLDER_SETTINGS else path.parent
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise UnsafePath(
                f"setting {name}: cannot create {str(folder)!r}: {error.strerror}"
            ) from None
    for uri in settings.getdict("FEEDS"):
        if (feed_path := sample_feed_path(str(uri), spider_name)) is not None:
            check_inside(str(feed_path), Path("."), f"output {uri}")


def check_outputs(settings: BaseSettings, spider_name: str) -> None:
    """Every file the run will write can be written, before the first request: a
    crawl must not fetch a whole site and then fail to store it.  Each file feed
    (its ``.part``, where records go first), the log file and the stats file."""
    for uri in settings.getdict("FEEDS"):
        if (path := sample_feed_path(str(uri), spider_name)) is not None:
            probe_file(path, f"output {uri}", written=part_path(path))
    for name in ("LOG_FILE", "NEWSSPIDER_STATS_FILE"):
        if value := settings.get(name):
            probe_file(Path(_filled(name, value, spider_name)), f"setting {name}")


def _filled(setting: str, value: object, spider_name: str) -> str:
    """A path setting's value with the spider's name (and a sample run id, where one
    may be used) in place."""
    names = {"name": spider_name}
    if setting in RUN_ID_SETTINGS:
        names["run_id"] = SAMPLE_RUN_ID
    return str(value) % names


def probe_file(path: Path, what: str, written: Path | None = None) -> None:
    """``path`` can be written: it is no folder, its folder exists or can be created,
    and a file can be created where the run writes (``written``, default ``path``).
    The probe leaves nothing behind: the file and the folders it made are removed.
    Raises UnsafePath (exit 2) naming ``what``."""
    target = written or path
    if path.is_dir():
        raise UnsafePath(f"{what}: {str(path)!r} is a folder")
    made = [folder for folder in [path.parent, *path.parent.parents] if not folder.exists()]
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            handle = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        except FileExistsError:  # a log appended to, a .part left for salvage
            if not os.access(target, os.W_OK):
                raise PermissionError(errno.EACCES, os.strerror(errno.EACCES)) from None
        else:
            os.close(handle)
            target.unlink()
    except OSError as error:
        raise UnsafePath(f"{what}: cannot write {str(path)!r}: {error.strerror}") from None
    finally:
        for folder in made:  # deepest first
            with contextlib.suppress(OSError):
                folder.rmdir()


def check_flags(settings: BaseSettings) -> None:
    """On/off settings must say on or off (Scrapy would raise mid-start otherwise)."""
    for name in BOOLEAN_SETTINGS:
        try:
            settings.getbool(name)
        except ValueError:
            raise ValueError(
                f"setting {name}: expected True or False, got {settings.get(name)!r}"
            ) from None
