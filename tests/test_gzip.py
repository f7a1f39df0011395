"""Gzipped output (``.jsonl.gz``): written record by record, salvaged after a kill,
read by ``validate``, ``merge`` and ``state rebuild`` (newsspider/lines.py, feeds.py)."""

from __future__ import annotations

import gzip
import io
import json
import os
import signal
from pathlib import Path

from scrapy import signals
from scrapy.settings import Settings
from scrapy.utils.conf import feed_process_params_from_cli

from newsspider import exitcodes
from newsspider.commands.crawl import gz_format
from newsspider.demo_site import DemoSite
from newsspider.feeds import AtomicFileFeedStorage, JsonLinesExporter, committed_files, salvage
from newsspider.lines import salvage_lines
from newsspider.schema import file_errors
from newsspider.state import StateStore
from newsspider.state.repair import read_ids
from tests.conftest import FAST, run_crawl
from tests.inprocess import RecordsSpider, crawl_records
from tests.test_cli import newsspider
from tests.test_cron import _wait_for, ids_of, report_of
from tests.test_feedaudit import ARTICLES, RECORDS
from tests.test_incremental import FIRST, SECOND, make_crawler, opened
from tests.test_pipelines import article
from tests.test_process import SLOW, _start

RUN = RecordsSpider.run_id
THIRD = article(id="maghress:fr:libe:3", body="Troisième article, assez long. " * 40)


def gunzipped_ids(path: Path) -> list[str]:
    return [json.loads(line)["id"] for line in gzip.open(path)]


def test_gzip_setting_writes_every_file_feed_gzipped_and_the_state_knows_its_ids(
    tmp_path: Path,
) -> None:
    out = tmp_path / "out"
    settings = {
        "NEWSSPIDER_GZIP": True,
        "NEWSSPIDER_STATE_DIR": str(tmp_path / "state"),
        "NEWSSPIDER_REPORT_DIR": str(tmp_path / "runs"),
        "FEEDS": {
            str(out / "articles-%(run_id)s.jsonl"): {
                "format": "jsonlines",
                "item_classes": ["newsspider.items.Article"],
            },
            # Named .gz already: not gzipped twice, not named .gz.gz.
            str(out / "headlines-%(run_id)s.jsonl.gz"): {
                "format": "jsonlines",
                "item_classes": ["newsspider.items.Headlines"],
            },
        },
    }
    crawler = crawl_records(RECORDS, settings)
    assert sorted(p.name for p in out.iterdir()) == [
        f"articles-{RUN}.jsonl.gz",
        f"headlines-{RUN}.jsonl.gz",
    ]
    articles = out / f"articles-{RUN}.jsonl.gz"
    assert gunzipped_ids(articles) == [a.id for a in ARTICLES]
    assert list(file_errors(articles)) == []
    report = json.loads((tmp_path / "runs" / f"{RUN}.json").read_text())
    assert report["files"] == [str(articles), str(out / f"headlines-{RUN}.jsonl.gz")]
    assert crawler.stats.get_value("newsspider/state/new") == len(ARTICLES)
    store = StateStore(tmp_path / "state" / "records.sqlite")
    assert set(store.hashes) == {a.id for a in ARTICLES}, "the ids noted as they were exported"
    store.close()
    # The state's files are found gzipped too: rebuild and the lost-state check read them.
    assert committed_files(settings["FEEDS"], "records") == [
        articles,
        out / f"headlines-{RUN}.jsonl.gz",
    ]
    assert set(read_ids([articles])[0]) == {a.id for a in ARTICLES}


def test_each_exported_record_reaches_the_disk_before_the_file_is_complete(
    tmp_path: Path,
) -> None:
    """What a ``kill -9`` leaves: the .part file as the OS has it, no gzip trailer.
    Every record exported so far decompresses from it, and salvage keeps them all."""
    final = tmp_path / "data" / "maghress" / "articles-20260101T000000Z.jsonl.gz"
    crawler = make_crawler(tmp_path, FEEDS={str(final): {"format": "jsonlines"}})
    _state, spider = opened(crawler)
    storage = AtomicFileFeedStorage.from_crawler(
        crawler, str(final), feed_options={"overwrite": True}
    )
    file = storage.open(spider)
    exporter = JsonLinesExporter(file, encoding="utf-8")
    exporter.start_exporting()
    part = final.with_name(final.name + ".part")
    for item in (FIRST, SECOND):
        exporter.export_item(item)
    two = part.read_bytes()  # read by another handle, as after the kill
    assert [json.loads(line)["id"] for line in salvage_lines(io.BytesIO(two))] == [
        FIRST.id,
        SECOND.id,
    ]
    exporter.export_item(THIRD)
    three = part.read_bytes()
    crawler.signals.send_catch_log(signals.engine_stopped)
    file.close()

    # Killed half-way through the third record's compressed bytes.
    part.write_bytes(three[: (len(two) + len(three)) // 2])
    result = salvage(part)
    assert (result.kept, result.dropped) == (2, 1)
    assert result.final == final
    assert gunzipped_ids(final) == [FIRST.id, SECOND.id]
    assert [entry[0] for entry in result.articles] == [FIRST.id, SECOND.id]


def test_a_gzip_crawl_killed_mid_write_loses_and_doubles_nothing(tmp_path: Path) -> None:
    """A real crawl with NEWSSPIDER_GZIP killed with SIGKILL: the next run salvages its
    .part file; validate and merge read the gzipped files; every article once."""
    gz = ["-s", "NEWSSPIDER_GZIP=True"]
    with DemoSite() as server:
        command = ["scrapy", "crawl", "maghress", *FAST, *SLOW, *gz]
        command += ["-a", f"base_url={server.base_url}", "-s", f"LOG_FILE={tmp_path / 'k.log'}"]
        crawl = _start(tmp_path, command)
        parts = lambda: list(tmp_path.glob("data/maghress/articles-*.jsonl.gz.part"))  # noqa: E731
        # Gzipped, a few KB already hold a dozen articles.
        _wait_for(lambda: parts() and parts()[0].stat().st_size > 8_000)
        os.kill(crawl.pid, signal.SIGKILL)
        crawl.communicate(timeout=30)
        rerun = run_crawl(tmp_path, "-a", f"base_url={server.base_url}", *gz)
        assert rerun.returncode == exitcodes.OK, rerun.stderr[-2000:]
    assert not parts()
    finals = rerun.files("maghress/articles-*.jsonl.gz")
    assert len(finals) == 2, "the salvaged file and the rerun's file"
    [salvaged] = [s for s in report_of(rerun)["state"]["salvaged"] if "articles" in s["part"]]
    assert salvaged["kept"] > 10 and salvaged["final"].endswith(".jsonl.gz")
    union = [record_id for path in finals for record_id in gunzipped_ids(path)]
    assert len(union) == len(set(union)), "an article was written twice"
    assert set(union) == ids_of(server.site.articles), "an article was lost"

    names = [str(path.relative_to(tmp_path)) for path in finals]
    validated = newsspider("validate", *names, cwd=tmp_path)
    assert (validated.returncode, validated.stdout) == (0, "")
    merged = newsspider("merge", *names, "-o", "all.jsonl", cwd=tmp_path)
    assert merged.returncode == 0, merged.stderr
    assert merged.stderr == f"{len(union)} record(s) kept, 0 repeat(s) dropped\n"
    merged_ids = [json.loads(line)["id"] for line in (tmp_path / "all.jsonl").open()]
    assert merged_ids == union
    # A .gz output name: merged gzipped.
    assert newsspider("merge", *names, "-o", "all.jsonl.gz", cwd=tmp_path).returncode == 0
    assert gunzipped_ids(tmp_path / "all.jsonl.gz") == union


def test_validate_and_merge_refuse_a_gzip_file_cut_short(tmp_path: Path) -> None:
    record = {"schema": "newsspider.article/1", "id": "a"}
    whole = gzip.compress(json.dumps(record).encode() + b"\n")
    (tmp_path / "cut.jsonl.gz").write_bytes(whole[:-6])  # the trailer cut
    done = newsspider("validate", "cut.jsonl.gz", cwd=tmp_path)
    assert done.returncode == 1
    assert done.stdout.splitlines()[-1] == (
        "cut.jsonl.gz:2: <file>: gzip data damaged or cut short "
        "(Compressed file ended before the end-of-stream marker was reached)"
    )
    merged = newsspider("merge", "cut.jsonl.gz", "-o", "out.jsonl", cwd=tmp_path)
    assert merged.returncode == exitcodes.USAGE
    assert merged.stderr.startswith(
        "newsspider merge: error: cut.jsonl.gz: gzip data damaged or cut"
    )
    assert not (tmp_path / "out.jsonl").exists(), "merge writes nothing from a bad input"


def test_an_output_named_gz_is_json_lines_gzipped() -> None:
    """``scrapy crawl maghress -O out.jsonl.gz``: Scrapy alone would refuse a "gz" format."""
    outputs = gz_format(["out.jsonl.gz", "out.jsonl", "s.jl.gz:jsonlines", "x.csv.gz"])
    assert outputs == ["out.jsonl.gz:jsonl", "out.jsonl", "s.jl.gz:jsonlines", "x.csv.gz:csv"]
    feeds = feed_process_params_from_cli(Settings(), outputs[:1])
    assert feeds == {"out.jsonl.gz": {"format": "jsonl"}}
    assert gz_format(None) is None


def test_state_rebuild_from_a_gzip_file_cut_short_fails_and_keeps_the_state(
    tmp_path: Path,
) -> None:
    """A damaged output file is no usage error (exit 2 says "fix the command"): the
    rebuild fails (exit 3), names the file and leaves the state as it was."""
    record = {"schema": "newsspider.article/1", "id": "maghress:fr:libe:1"}
    whole = gzip.compress(json.dumps(record).encode() + b"\n")
    folder = tmp_path / "data" / "maghress"
    folder.mkdir(parents=True)
    (folder / "articles-20260101T000000Z.jsonl.gz").write_bytes(whole[:-6])
    done = newsspider("state", "rebuild", "maghress", cwd=tmp_path)
    assert done.returncode == exitcodes.FAILED, done.stderr
    assert done.stderr.startswith("newsspider state: error: ")
    assert "articles-20260101T000000Z.jsonl.gz: gzip data damaged or cut short" in done.stderr
    assert len(done.stderr.splitlines()) == 1
    assert not (tmp_path / "data" / "state" / "maghress.sqlite").exists()
