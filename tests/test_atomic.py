"""Atomic writes: a reader sees the old file or the whole new one, never a torn one."""

from __future__ import annotations

import resource
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from newsspider.atomic import atomic_writer, create_new, fsync_dir, write_atomically


def test_write_creates_then_replaces(tmp_path: Path) -> None:
    path = tmp_path / "report.json"
    write_atomically(path, b'{"run": 1}\n')
    assert path.read_bytes() == b'{"run": 1}\n'
    write_atomically(path, b'{"run": 2}\n')
    assert path.read_bytes() == b'{"run": 2}\n'
    assert [p.name for p in tmp_path.iterdir()] == ["report.json"], "no .part left behind"


def test_nothing_under_the_final_name_until_the_block_ends(tmp_path: Path) -> None:
    path = tmp_path / "merged.jsonl"
    with atomic_writer(path) as handle:
        handle.write(b'{"id": "a"}\n')
        handle.flush()
        assert not path.exists()
        assert (tmp_path / "merged.jsonl.part").read_bytes() == b'{"id": "a"}\n'
    assert path.read_bytes() == b'{"id": "a"}\n'
    assert not (tmp_path / "merged.jsonl.part").exists()


def test_an_error_in_the_block_keeps_the_old_file(tmp_path: Path) -> None:
    path = tmp_path / "merged.jsonl"
    path.write_bytes(b"old\n")
    with pytest.raises(ValueError, match="not a record"), atomic_writer(path) as handle:
        handle.write(b"half of the new")
        raise ValueError("not a record")
    assert path.read_bytes() == b"old\n"
    assert not (tmp_path / "merged.jsonl.part").exists()


# A child process whose files may not grow past 1 KiB: the write fails half-way
# (EFBIG), as on a full disk.  SIGXFSZ is ignored so the error is an exception.
WRITE_TOO_MUCH = """
import sys
from pathlib import Path
from newsspider.atomic import write_atomically
try:
    write_atomically(Path(sys.argv[1]), b"new line\\n" * 100_000)
except OSError as error:
    print(type(error).__name__, error.errno)
    sys.exit(1)
"""


def _limit_file_size() -> None:
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (1024, 1024))


def test_a_failure_mid_write_leaves_the_old_file_whole(tmp_path: Path) -> None:
    path = tmp_path / "stats.json"
    path.write_bytes(b'{"old": true}\n')
    child = subprocess.run(
        [sys.executable, "-c", WRITE_TOO_MUCH, str(path)],
        capture_output=True,
        text=True,
        preexec_fn=_limit_file_size,
    )
    assert child.returncode == 1, child.stderr
    assert child.stdout.startswith("OSError 27"), "EFBIG: the write itself failed"
    assert path.read_bytes() == b'{"old": true}\n'
    assert sorted(p.name for p in tmp_path.iterdir()) == ["stats.json"]


def test_fsync_dir_on_a_real_folder(tmp_path: Path) -> None:
    (tmp_path / "a").write_text("x")
    fsync_dir(tmp_path)
    with pytest.raises(FileNotFoundError):
        fsync_dir(tmp_path / "missing")


def test_a_link_planted_at_the_temporary_name_is_never_written_through(tmp_path: Path) -> None:
    victim = tmp_path / "victim"
    victim.write_bytes(b"precious\n")
    path = tmp_path / "data" / "report.json"
    path.parent.mkdir()
    (path.parent / "report.json.part").symlink_to(victim)
    write_atomically(path, b'{"run": 1}\n')
    assert victim.read_bytes() == b"precious\n"
    assert path.read_bytes() == b'{"run": 1}\n' and not path.is_symlink()
    assert sorted(p.name for p in path.parent.iterdir()) == ["report.json"]


def test_create_new_never_opens_an_existing_name(tmp_path: Path) -> None:
    victim = tmp_path / "victim"
    victim.write_bytes(b"precious\n")
    (tmp_path / "link").symlink_to(victim)
    (tmp_path / "dangling").symlink_to(tmp_path / "nowhere")
    for taken in (victim, tmp_path / "link", tmp_path / "dangling"):
        with pytest.raises(FileExistsError):
            create_new(taken)
    assert victim.read_bytes() == b"precious\n" and not (tmp_path / "nowhere").exists()


def test_without_replace_an_earlier_file_is_kept(tmp_path: Path) -> None:
    """A run report: two runs with one id must not leave one report for both."""
    path = tmp_path / "20260101T000000.000Z.json"
    write_atomically(path, b"first\n", replace=False)
    with pytest.raises(FileExistsError):
        write_atomically(path, b"second\n", replace=False)
    assert path.read_bytes() == b"first\n"
    link = tmp_path / "planted.json"
    link.symlink_to(tmp_path / "elsewhere.json")
    with pytest.raises(FileExistsError):
        write_atomically(link, b"report\n", replace=False)
    assert not (tmp_path / "elsewhere.json").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == [path.name, "planted.json"]
