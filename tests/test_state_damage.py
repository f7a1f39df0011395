"""A damaged or lost state is refused before the crawl (exit 9), a full disk is exit 3,
and ``newsspider state rebuild | reset`` are the two ways out.

The crawls are real ``scrapy crawl`` processes on the real state file; the full
disk is a real one (a small tmpfs, mounted in a user namespace of the crawl's own).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from scrapy.utils.test import get_crawler

from newsspider import exitcodes
from newsspider.demo_site import DemoSite
from newsspider.state import StateDamaged, StateStore, StateUnavailable, check_state, open_state
from newsspider.state.repair import rebuild, reset
from tests.conftest import run_crawl

LIBE = ("-a", "lang=fr", "-a", "sources=libe")
FIX = (
    "rebuild it with `newsspider state rebuild maghress`, "
    "or start afresh with `newsspider state reset maghress`"
)


def newsspider(workdir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "SCRAPY_SETTINGS_MODULE": "newsspider.settings"}
    command = [sys.executable, "-m", "newsspider.cli", *args]
    return subprocess.run(command, cwd=workdir, env=env, capture_output=True, text=True)


def article_ids(files: list[Path]) -> list[str]:
    records = [json.loads(line) for path in files for line in path.open(encoding="utf-8")]
    return [r["id"] for r in records if r["schema"] == "newsspider.article/1"]


def truncate_to_zero(path: Path) -> None:
    path.write_bytes(b"")


def delete(path: Path) -> None:
    path.unlink()


def truncate_to_half(path: Path) -> None:
    os.truncate(path, path.stat().st_size // 2)


def garbage_header(path: Path) -> None:
    with path.open("r+b") as handle:
        handle.write(b"not a database, whatever it was" * 3)


LOST = f"state lost: 2 output files exist; {FIX}"
DAMAGE: list[tuple[Callable[[Path], None], str]] = [
    (truncate_to_zero, LOST),
    (delete, LOST),
    (
        truncate_to_half,
        f"state damaged: data/state/maghress.sqlite: database disk image is malformed; {FIX}",
    ),
    (garbage_header, f"state damaged: data/state/maghress.sqlite: file is not a database; {FIX}"),
]


def test_a_damaged_or_lost_state_stops_the_run_until_rebuilt_or_reset(tmp_path: Path) -> None:
    with DemoSite() as server:
        base = ("-a", f"base_url={server.base_url}", *LIBE)
        first = run_crawl(tmp_path, *base)
        assert first.returncode == exitcodes.OK, first.stderr[-2000:]
        libe = [a for a in server.site.articles if a.lang == "fr" and a.source == "libe"]
        committed = first.files("maghress/*.jsonl")
        assert len(committed) == 2 and len(article_ids(committed)) == len(libe)

        state = tmp_path / "data" / "state" / "maghress.sqlite"
        good = state.read_bytes()
        for damage, line in DAMAGE:
            state.write_bytes(good)
            damage(state)
            after = state.read_bytes() if state.exists() else None
            server.clear_requests()
            run = run_crawl(tmp_path, *base)
            assert run.returncode == exitcodes.STATE_DAMAGED, (damage.__name__, run.stderr)
            assert run.stderr == f"scrapy crawl maghress: error: {line}\n", damage.__name__
            assert server.requests == [], "nothing is fetched"
            assert run.files("maghress/*.jsonl") == committed, "nothing is written"
            after_run = state.read_bytes() if state.exists() else None
            assert after_run == after, "the damaged state is left as it was"

        # The garbage header is still there: rebuild it from the two committed files.
        done = newsspider(tmp_path, "state", "rebuild", "maghress")
        assert done.returncode == exitcodes.OK, done.stderr
        assert done.stdout.startswith(
            f"read 2 file(s) in data/maghress: {len(libe) + 1} line(s), "
            f"{len(libe)} article id(s), 0 unreadable line(s)\n"
            "data/state/maghress.sqlite rebuilt from them (the old file is kept as "
            "data/state/maghress.sqlite.old-"
        ), done.stdout
        [aside] = state.parent.glob("maghress.sqlite.old-*")
        assert aside.read_bytes().startswith(b"not a database"), "kept aside, never deleted"

        added = server.site.add_article("fr", source="libe")
        run = run_crawl(tmp_path, *base)
        assert run.returncode == exitcodes.OK, run.stderr[-2000:]
        new_files = [p for p in run.files("maghress/articles-*.jsonl") if p not in committed]
        assert article_ids(new_files) == [f"maghress:fr:libe:{added.id}"]

        # Lost again, and this time started afresh on purpose.
        state.unlink()
        done = newsspider(tmp_path, "state", "reset", "maghress")
        assert done.returncode == exitcodes.OK, done.stderr
        assert done.stdout == (
            "data/state/maghress.sqlite reset to an empty state; the 4 output file(s) in "
            "data/maghress are ignored: the next run writes every article again\n"
        )
        again = run_crawl(tmp_path, *base)
        assert again.returncode == exitcodes.OK, again.stderr[-2000:]
        assert again.stats["newsspider/records/article"] == len(libe) + 1, "written again"


# Mounts a 512 KiB tmpfs on the data folder, fills it, and runs the crawl there: a
# user namespace of its own, so no root is needed and nothing outside is touched.
FULL_DISK = (
    'mount -t tmpfs -o size=512k tmpfs "$1" || exit 99; '
    'head -c 1M /dev/zero > "$1/filler" 2>/dev/null; shift; exec "$@"'
)


def test_a_full_disk_at_start_is_a_failed_run_not_a_bad_argument(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    wrapper = ["unshare", "--user", "--map-root-user", "--mount", "sh", "-c", FULL_DISK]
    with DemoSite() as server:
        run = run_crawl(
            tmp_path, "-a", f"base_url={server.base_url}", wrapper=[*wrapper, "sh", str(data)]
        )
        assert server.requests == []
    assert run.returncode == exitcodes.FAILED, run.stderr
    assert run.stderr == (
        "scrapy crawl maghress: error: no space left on device: "
        "0 bytes free in data/state (a run needs at least 1 MiB)\n"
    )


# In process: which states are refused, what rebuild reads, and the Redis state.


def settings_in(tmp_path: Path, **more: object):
    feeds = {
        str(tmp_path / "out" / "%(name)s" / "articles-%(run_id)s.jsonl"): {"format": "jsonlines"},
        str(tmp_path / "out" / "all.jsonl"): {"format": "jsonlines"},  # a fixed -o file
    }
    values = {
        "NEWSSPIDER_STATE_ENABLED": True,
        "NEWSSPIDER_STATE_DIR": str(tmp_path / "state"),
        "FEEDS": feeds,
        **more,
    }
    (tmp_path / "state").mkdir(exist_ok=True)
    return get_crawler(settings_dict=values).settings


ARTICLE = {"schema": "newsspider.article/1", "id": "maghress:fr:libe:1", "body": "Un."}
STRIP = {"schema": "newsspider.headlines/1", "id": "abc"}


def write_outputs(tmp_path: Path) -> Path:
    folder = tmp_path / "out" / "maghress"
    folder.mkdir(parents=True)
    lines = [ARTICLE, STRIP, {**ARTICLE, "id": "maghress:fr:libe:2", "body": None}]
    (folder / "articles-20260101T000000Z.jsonl").write_text(
        "".join(json.dumps(r) + "\n" for r in lines) + "{torn\n"
    )
    revised = {**ARTICLE, "body": "Deux."}  # a later revision of article 1
    (folder / "articles-20260102T000000.250Z.salvaged-1.jsonl").write_text(json.dumps(revised))
    # Not committed files of this spider's runs: a .part, a link, another name.
    (folder / "articles-20260103T000000Z.jsonl.part").write_text(json.dumps(ARTICLE) + "\n")
    (folder / "articles-20260104T000000Z.jsonl").symlink_to(folder / "notes.jsonl")
    (folder / "notes.jsonl").write_text(json.dumps({**ARTICLE, "id": "elsewhere"}) + "\n")
    (tmp_path / "out" / "all.jsonl").write_text(json.dumps({**ARTICLE, "id": "o"}) + "\n")
    return folder


def test_a_new_state_is_refused_only_beside_committed_files(tmp_path: Path) -> None:
    settings = settings_in(tmp_path)
    check_state(settings, "maghress")  # nothing written yet: a first run
    write_outputs(tmp_path)
    with pytest.raises(StateDamaged) as refused:
        check_state(settings, "maghress")
    assert str(refused.value) == f"state lost: 2 output files exist; {FIX}"
    check_state(settings, "other")  # another spider's state and files
    (tmp_path / "state" / "maghress.sqlite").touch()  # empty: what a truncation leaves
    with pytest.raises(StateDamaged, match="state lost: 2 output files"):
        check_state(settings, "maghress")


def test_a_state_with_tables_but_nothing_in_them_is_new(tmp_path: Path) -> None:
    """A one-off export run after the state was lost may create its tables: still lost,
    until a reset says it is empty on purpose."""
    settings = settings_in(tmp_path)
    write_outputs(tmp_path)
    StateStore(tmp_path / "state" / "maghress.sqlite").close()  # the tables, nothing else
    with pytest.raises(StateDamaged, match="state lost: 2 output files"):
        check_state(settings, "maghress")
    reset(settings, "maghress")
    check_state(settings, "maghress")


def test_rebuild_learns_ids_and_hashes_from_the_committed_files_only(tmp_path: Path) -> None:
    settings = settings_in(tmp_path)
    write_outputs(tmp_path)
    done = rebuild(settings, "maghress")
    assert [p.name for p in done.files] == [
        "articles-20260101T000000Z.jsonl",
        "articles-20260102T000000.250Z.salvaged-1.jsonl",
    ]
    assert (done.lines, done.unreadable, done.ids) == (5, 1, 2)
    store = StateStore(tmp_path / "state" / "maghress.sqlite")
    # sha1("Deux.")[:20]: the later revision's body.
    assert store.hashes == {
        "maghress:fr:libe:1": "86c9ade07aa5692bf58e",
        "maghress:fr:libe:2": None,
    }
    assert store.previous_clean is False, "the next run walks every listing to its end"
    meta = dict(store.db.execute("SELECT key, value FROM meta"))
    assert meta["rebuilt"].endswith("Z: 2 file(s), 2 article id(s)")
    store.close()
    check_state(settings, "maghress")


def test_reset_starts_empty_on_purpose(tmp_path: Path) -> None:
    settings = settings_in(tmp_path)
    write_outputs(tmp_path)
    store = StateStore(tmp_path / "state" / "maghress.sqlite")
    store.mark_written([("maghress:fr:libe:9", None)])
    store.close()
    done = reset(settings, "maghress")
    assert done.kept_aside is not None and done.kept_aside.name.startswith("maghress.sqlite.old-")
    store = StateStore(tmp_path / "state" / "maghress.sqlite")
    assert len(store) == 0
    meta = dict(store.db.execute("SELECT key, value FROM meta"))
    assert meta["reset"].endswith("Z: 2 output file(s) ignored")
    store.close()
    check_state(settings, "maghress")  # not refused again


def test_a_damaged_file_is_refused_by_the_store_itself(tmp_path: Path) -> None:
    """A crawl started without ``scrapy crawl`` (CrawlerProcess) gets the same meaning."""
    path = tmp_path / "maghress.sqlite"
    path.write_bytes(b"SQLite format 3\x00" + b"\xff" * 200)
    with pytest.raises(StateDamaged, match=r"maghress\.sqlite: file is not a database"):
        StateStore(path)
    with pytest.raises(StateDamaged, match="state damaged"):
        check_state(settings_in(tmp_path, NEWSSPIDER_STATE_DIR=str(tmp_path)), "maghress")


def test_a_state_that_cannot_be_opened_is_unavailable_not_damaged(tmp_path: Path) -> None:
    (tmp_path / "state" / "maghress.sqlite").mkdir(parents=True)  # a folder in its place
    with pytest.raises(StateUnavailable, match="cannot open the state"):
        check_state(settings_in(tmp_path), "maghress")


def test_a_redis_state_that_lost_its_keys_is_not_refused_and_the_commands_repair_it(
    tmp_path: Path, redis_url: str
) -> None:
    """Redis mode: a lost state is not refused before the run — each worker marks the
    ids of its own files written again when it joins (tests/test_redis_restart.py) —
    and ``state rebuild`` / ``state reset`` work there too."""
    settings = settings_in(tmp_path, NEWSSPIDER_REDIS_URL=redis_url, NEWSSPIDER_WORKER_ID="one")
    folder = tmp_path / "out" / "maghress"
    folder.mkdir(parents=True)
    (folder / "articles-20260101T000000.000Z-one.jsonl").write_text(json.dumps(ARTICLE) + "\n")
    (folder / "articles-20260101T000000.000Z-two.jsonl").write_text(json.dumps(ARTICLE) + "\n")
    check_state(settings, "maghress")
    assert rebuild(settings, "maghress").ids == 1
    store = open_state(settings, "maghress")
    assert store.is_known("maghress:fr:libe:1")
    store.close()
    reset(settings, "maghress")
    check_state(settings, "maghress")
    store = open_state(settings, "maghress")
    assert len(store) == 0 and store.last_success() is None
    store.close()


def test_the_demo_starts_from_an_empty_folder(tmp_path: Path) -> None:
    """Its scratch state beside an earlier demo's files would be a lost state."""
    earlier = tmp_path / "data" / "demo" / "articles-20260101T000000Z.jsonl"
    earlier.parent.mkdir(parents=True)
    earlier.write_text(json.dumps(ARTICLE) + "\n")
    env = {**os.environ, "SCRAPY_SETTINGS_MODULE": "newsspider.settings"}
    done = subprocess.run(
        [sys.executable, "-m", "newsspider.demo"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == exitcodes.OK, done.stderr[-2000:]
    assert not earlier.exists()
    # Two sites, one with an English section (content/*.json, content/masress/*.json).
    assert "  maghress: 74 articles (ar 20, fr 54), 2 headline strips;" in done.stdout
    assert "  masress: 8 articles (ar 4, en 4), 2 headline strips;" in done.stdout
    assert '"id": "masress:en:ahram-online:452310"' in done.stdout
