"""``newsspider compact``: past days' committed files as one file per day and kind.

Real processes: the command as a user runs it, in a folder laid out as cron runs
leave it; and a compaction killed with SIGKILL at each of its steps, after which
every record is still in a committed file and a second ``compact`` converges.
"""

from __future__ import annotations

import gzip
import json
import os
import signal
import subprocess
import sys
from datetime import date, datetime, timezone
from pathlib import Path

import pytest
from scrapy.settings import Settings

from newsspider import exitcodes
from newsspider.compact import compact, sha256
from newsspider.feeds import committed_files
from newsspider.runlock import RunLock, lock_path
from newsspider.state import StateStore
from newsspider.state.repair import read_ids
from tests.inprocess import RecordsSpider, crawl_records
from tests.test_cli import newsspider
from tests.test_feedaudit import RECORDS

TODAY = datetime.now(timezone.utc).strftime("%Y%m%d")
FEEDS = ["data/%(name)s/articles-%(run_id)s.jsonl", "data/%(name)s/headlines-%(run_id)s.jsonl"]


def line(kind: str, record_id: str) -> bytes:
    schema = "newsspider.article/1" if kind == "a" else "newsspider.headlines/1"
    return json.dumps({"schema": schema, "id": record_id}).encode() + b"\n"


# File → the records in it (a: article, h: strip), as a week of cron runs leaves them.
LAYOUT = {
    "articles-20261129T080000.000Z.jsonl": [("a", "a1"), ("a", "a2")],
    "articles-20261129T081000.000Z.jsonl": [("a", "a3"), ("a", "s1")],
    "articles-20261129T090000.000Z.salvaged-1.jsonl": [("a", "a4")],
    "headlines-20261129T080000.000Z.jsonl": [("h", "h1")],
    "headlines-20261129T081000.000Z.jsonl": [("h", "h2")],
    "articles-20261130T230000.000Z.jsonl.gz": [("a", "a5")],
    "articles-20261130T231000.000Z.jsonl": [("a", "a6")],
}
# Never touched: today's run, a killed run's .part, another worker's, no feed's.
LEFT_ALONE = {
    f"articles-{TODAY}T000000.000Z.jsonl": [("a", "t1")],
    "articles-20261129T100000.000Z.jsonl.part": [("a", "p1")],
    "articles-20261129T080000.000Z-w2.jsonl": [("a", "w1")],
    "notes.jsonl": [("a", "n1")],
}
COMPACTED = {
    "articles-20261129.jsonl": ["a1", "a2", "a3", "s1", "a4"],
    "headlines-20261129.jsonl": ["h1", "h2"],
    "articles-20261130.jsonl.gz": ["a5", "a6"],
}


def lay_out(workdir: Path) -> Path:
    """The files, and a state that knows their articles but for the two of a file whose
    run was killed between its rename and the promotion of its ids (still staged)."""
    folder = workdir / "data" / "maghress"
    folder.mkdir(parents=True)
    for name, records in {**LAYOUT, **LEFT_ALONE}.items():
        data = b"".join(line(kind, record_id) for kind, record_id in records)
        (folder / name).write_bytes(gzip.compress(data) if name.endswith(".gz") else data)
    store = StateStore(workdir / "data" / "state" / "maghress.sqlite")
    store.mark_written([(i, None) for i in ("a1", "a2", "a4", "a5", "a6", "t1", "w1")])
    store.stage([("a3", None), ("s1", None)], Path("data/maghress") / list(LAYOUT)[1])
    store.close()
    return folder


def ids_in(path: Path) -> list[str]:
    data = path.read_bytes()
    text = gzip.decompress(data) if path.name.endswith(".gz") else data
    return [json.loads(record)["id"] for record in text.splitlines()]


def committed_ids(workdir: Path) -> list[str]:
    """Every record of the spider's committed files, as rebuild and the state see them."""
    cwd = os.getcwd()
    os.chdir(workdir)
    try:
        return [i for path in committed_files(FEEDS, "maghress") for i in ids_in(path)]
    finally:
        os.chdir(cwd)


def state_knows(workdir: Path) -> set[str]:
    store = StateStore(workdir / "data" / "state" / "maghress.sqlite")
    try:
        return set(store.hashes)
    finally:
        store.close()


def assert_compacted(workdir: Path, folder: Path) -> None:
    assert sorted(os.listdir(folder)) == sorted([*COMPACTED, *LEFT_ALONE])
    for name, ids in COMPACTED.items():
        assert ids_in(folder / name) == ids, name
    for name, records in LEFT_ALONE.items():
        assert (folder / name).read_bytes() == b"".join(line(k, i) for k, i in records)
    every = [i for records in LAYOUT.values() for _, i in records] + ["t1"]
    assert sorted(committed_ids(workdir)) == sorted(every), "each record once, none lost"
    assert read_ids([folder / name for name in COMPACTED])[0].keys() == {
        "a1", "a2", "a3", "s1", "a4", "a5", "a6"
    }  # fmt: skip
    assert {"a1", "a2", "a3", "s1", "a4", "a5", "a6", "t1"} <= state_knows(workdir)


def test_compact_makes_one_file_per_past_day_and_kind(tmp_path: Path) -> None:
    folder = lay_out(tmp_path)
    done = newsspider("compact", "maghress", cwd=tmp_path)
    assert done.returncode == exitcodes.OK, done.stderr
    today = datetime.now(timezone.utc).date()
    assert done.stdout == (
        f"maghress: 7 file(s) compacted into 3 file(s) of a day, 9 record(s), before {today}\n"
    )
    assert_compacted(tmp_path, folder)
    # The state settled the ids staged for a file that is now merged away.
    assert {"a3", "s1"} <= state_knows(tmp_path)
    again = newsspider("compact", "maghress", cwd=tmp_path)
    assert again.stdout.startswith("maghress: 0 file(s) compacted into 0 file(s) of a day")
    assert_compacted(tmp_path, folder)


def test_compact_before_a_day_leaves_that_day(tmp_path: Path) -> None:
    folder = lay_out(tmp_path)
    done = newsspider("compact", "--before", "2026-11-30", "maghress", cwd=tmp_path)
    assert done.returncode == exitcodes.OK, done.stderr
    names = set(os.listdir(folder))
    assert {"articles-20261129.jsonl", "headlines-20261129.jsonl"} <= names
    assert {"articles-20261130T230000.000Z.jsonl.gz", "articles-20261130T231000.000Z.jsonl"} <= (
        names
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--before", "2999-01-01"], "--before 2999-01-01: after today, whose files are"),
        (["nosuchspider"], "no spider named 'nosuchspider' (known: "),
    ],
)
def test_compact_refuses_bad_input_before_touching_anything(
    tmp_path: Path, args: list[str], message: str
) -> None:
    folder = lay_out(tmp_path)
    before = sorted(os.listdir(folder))
    done = newsspider("compact", *args, cwd=tmp_path)
    assert done.returncode == exitcodes.USAGE
    assert done.stderr.startswith(f"newsspider compact: error: {message}")
    assert sorted(os.listdir(folder)) == before


def test_compact_waits_for_no_crawl(tmp_path: Path) -> None:
    folder = lay_out(tmp_path)
    before = sorted(os.listdir(folder))
    lock = RunLock.acquire(tmp_path / "data" / "state" / "maghress.lock")
    try:
        done = newsspider("compact", "maghress", cwd=tmp_path)
    finally:
        lock.release()
    assert done.returncode == exitcodes.LOCKED
    assert "newsspider compact: error: maghress: another run is in progress" in done.stderr
    assert sorted(os.listdir(folder)) == before


# Runs the compaction and kills its own process (SIGKILL: no cleanup runs) at a step.
KILLED_AT = """
import os, signal, sys
from datetime import date, datetime, timezone
from scrapy.utils.project import get_project_settings
from newsspider.compact import compact, sha256

def checkpoint(step):
    if step == sys.argv[1]:
        os.kill(os.getpid(), signal.SIGKILL)

compact(get_project_settings(), "maghress", datetime.now(timezone.utc).date(), checkpoint)
"""


@pytest.mark.parametrize("step", ["staged", "journaled", "replaced", "removed one", "removed"])
def test_a_compaction_killed_at_any_step_loses_nothing_and_a_rerun_converges(
    tmp_path: Path, step: str
) -> None:
    folder = lay_out(tmp_path)
    env = {**os.environ, "SCRAPY_SETTINGS_MODULE": "newsspider.settings"}
    killed = subprocess.run(
        [sys.executable, "-c", KILLED_AT, step], cwd=tmp_path, env=env, timeout=120
    )
    assert killed.returncode == -signal.SIGKILL
    every = {i for records in LAYOUT.values() for _, i in records} | {"t1"}
    assert set(committed_ids(tmp_path)) == every, "a record is in no committed file"

    done = newsspider("compact", "maghress", cwd=tmp_path)
    assert done.returncode == exitcodes.OK, done.stderr
    assert_compacted(tmp_path, folder)
    # Nothing left of the killed compaction: no journal, no staging file.
    assert not [name for name in os.listdir(folder) if ".compacting" in name]


def test_a_worker_leaves_alone_the_compaction_another_worker_is_running(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Workers on one disk share the spider's folder, each compacting its own files under
    its own lock: one worker's compaction must not settle (delete) the journal and the
    staging file of the other's, still at work."""
    monkeypatch.chdir(tmp_path)
    folder = tmp_path / "data" / "maghress"
    folder.mkdir(parents=True)
    theirs = folder / "articles-20261129T080000.000Z-w2.jsonl"
    theirs.write_bytes(line("a", "w1"))
    staging = folder / "articles-20261129-w2.jsonl.compacting"
    staging.write_bytes(line("a", "w1"))
    journal = folder / "articles-20261129-w2.jsonl.compacting.json"
    journal.write_text(json.dumps({"output": "articles-20261129-w2.jsonl", "sha256": "0" * 64,
                                   "inputs": [theirs.name]}))  # fmt: skip
    mine = folder / "articles-20261129T090000.000Z-w1.jsonl"
    mine.write_bytes(line("a", "m1"))
    common = {"FEEDS": {FEEDS[0]: {"format": "jsonlines"}}, "NEWSSPIDER_STATE_ENABLED": False}
    common["NEWSSPIDER_REDIS_URL"] = "redis://127.0.0.1:1/0"  # named only: no state in it
    w1 = Settings({**common, "NEWSSPIDER_WORKER_ID": "w1"})
    w2 = Settings({**common, "NEWSSPIDER_WORKER_ID": "w2"})
    held = RunLock.acquire(lock_path(w2, "maghress"))  # w2's compaction, at its step 2
    try:
        done = compact(w1, "maghress", date(2026, 11, 30))
    finally:
        held.release()
    assert (done.days, done.finished) == (1, 0)
    assert ids_in(folder / "articles-20261129-w1.jsonl") == ["m1"]
    assert staging.exists() and journal.exists() and theirs.exists(), "w2's, at work"


def test_the_next_crawl_finishes_a_compaction_killed_after_writing_the_days_file(
    tmp_path: Path,
) -> None:
    """Killed between writing the day's file and removing the files it holds, a
    compaction leaves each of those records twice among the committed files: the
    next crawl (under the same lock) finishes it, not the next ``compact`` a day later."""
    out = tmp_path / "out"
    out.mkdir()
    runs = ["articles-20261129T080000.000Z.jsonl", "articles-20261129T081000.000Z.jsonl"]
    (out / runs[0]).write_bytes(line("a", "a1"))
    (out / runs[1]).write_bytes(line("a", "a2"))
    day = out / "articles-20261129.jsonl"
    day.write_bytes(line("a", "a1") + line("a", "a2"))  # step 3 done: the day's file
    journal = out / "articles-20261129.jsonl.compacting.json"
    entry = {"output": day.name, "sha256": sha256(day), "inputs": runs}
    journal.write_text(json.dumps(entry))
    feeds = [str(out / "articles-%(run_id)s.jsonl")]
    settings = {
        "NEWSSPIDER_STATE_DIR": str(tmp_path / "state"),
        "NEWSSPIDER_REPORT_DIR": str(tmp_path / "runs"),
        "FEEDS": {feeds[0]: {"format": "jsonlines"}},
    }
    crawl_records(RECORDS, settings)
    assert not journal.exists() and not any((out / name).exists() for name in runs)
    ids = [i for path in committed_files(feeds, RecordsSpider.name) for i in ids_in(path)]
    assert ids.count("a1") == ids.count("a2") == 1
