"""The feed storage never shows a partial file under its final name, and hands the
incremental state the ids its exporter wrote."""

from __future__ import annotations

import dataclasses
import io
import os
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest
from scrapy import Spider
from scrapy.exporters import JsonItemExporter, JsonLinesItemExporter
from scrapy.extensions.feedexport import FeedExporter
from scrapy.utils.test import get_crawler

from newsspider import settings as project_settings
from newsspider.feeds import (
    AtomicFileFeedStorage,
    JsonLinesExporter,
    feed_file_committed,
    feed_file_ready,
    part_path,
    run_stamp,
    salvage,
    unused_run_id,
)
from newsspider.items import ArticleWithSource, NewsArticle
from tests.test_pipelines import article, strip


def test_file_appears_complete_only_when_stored(tmp_path: Path) -> None:
    final = tmp_path / "out" / "articles.jsonl"
    storage = AtomicFileFeedStorage(str(final), feed_options={"overwrite": True})
    handle = storage.open(Spider("s"))
    handle.write(b'{"a": 1}\n{"a": ')
    assert not final.exists(), "a half-written file must not carry the final name"
    assert (tmp_path / "out" / "articles.jsonl.part").exists()
    handle.write(b"2}\n")
    storage.store(handle)
    assert final.read_bytes() == b'{"a": 1}\n{"a": 2}\n'
    assert not (tmp_path / "out" / "articles.jsonl.part").exists()


def test_append_mode_keeps_the_earlier_file(tmp_path: Path) -> None:
    final = tmp_path / "articles.jsonl"
    final.write_bytes(b'{"a": 1}\n')
    storage = AtomicFileFeedStorage(str(final))
    handle = storage.open(Spider("s"))
    handle.write(b'{"a": 2}\n')
    handle.flush()
    assert final.read_bytes() == b'{"a": 1}\n', "the earlier file stays untouched until the end"
    part = tmp_path / "articles.jsonl.part"
    assert part.read_bytes() == b'{"a": 2}\n', "only this run's lines: a salvage repeats nothing"
    storage.store(handle)
    assert final.read_bytes() == b'{"a": 1}\n{"a": 2}\n'
    assert not part.exists()


def test_overwrite_mode_replaces(tmp_path: Path) -> None:
    final = tmp_path / "articles.jsonl"
    final.write_bytes(b'{"old": 1}\n')
    storage = AtomicFileFeedStorage(f"file://{final}", feed_options={"overwrite": True})
    handle = storage.open(Spider("s"))
    handle.write(b'{"new": 1}\n')
    storage.store(handle)
    assert final.read_bytes() == b'{"new": 1}\n'


def test_each_exported_line_reaches_the_os_at_once(tmp_path: Path) -> None:
    """No flush, no close: a kill -9 now would still leave the line for salvage."""
    storage = AtomicFileFeedStorage(str(tmp_path / "a.jsonl"), feed_options={"overwrite": True})
    handle = storage.open(Spider("s"))
    handle.write(b'{"a": 1}\n')
    assert (tmp_path / "a.jsonl.part").read_bytes() == b'{"a": 1}\n'
    storage.store(handle)


def test_the_project_exports_json_lines_through_the_noting_exporter(tmp_path: Path) -> None:
    crawler = get_crawler(
        settings_dict={
            "FEEDS": {str(tmp_path / "a.jsonl"): {"format": "jsonlines"}},
            "FEED_EXPORTERS": project_settings.FEED_EXPORTERS,
        }
    )
    exporters = FeedExporter.from_crawler(crawler).exporters
    assert exporters["jsonlines"] is JsonLinesExporter and exporters["jl"] is JsonLinesExporter
    assert exporters["json"] is JsonItemExporter, "other formats stay Scrapy's"


def test_the_exporter_writes_what_scrapys_writes() -> None:
    items = [article(title="Titre « accentué »", body="سطر.\n\nآخر."), strip([])]
    ours, scrapys = io.BytesIO(), io.BytesIO()
    for exporter in (
        JsonLinesExporter(ours, encoding="utf-8"),
        JsonLinesItemExporter(scrapys, encoding="utf-8"),
    ):
        for item in items:
            exporter.export_item(item)
    assert ours.getvalue() == scrapys.getvalue()
    assert ours.getvalue().count(b"\n") == 2


def _record_kinds() -> list[Any]:
    base = dataclasses.asdict(article(title="Titre", body="Un.\n\nDeux."))
    base.pop("schema")
    source = {"url": "https://www.libe.ma/x", "title": "T", "body": "B", "authors": ["A"]}
    return [
        article(source_url=None, published=None),
        ArticleWithSource(**base, source_article=source),
        NewsArticle(**base, authors=["Nadia B.", "R. Alami"]),
        strip([{"title": "عنوان", "url": "https://www.maghress.com/hespress/1"}]),
    ]


@pytest.mark.parametrize("options", [{}, {"fields_to_export": ["id", "title"]}])
def test_every_record_kind_is_written_as_scrapy_writes_it(options: dict[str, Any]) -> None:
    """Our records skip Scrapy's per-field lookups; the lines are the same, and
    a feed's ``fields`` option still picks the fields."""
    ours, scrapys = io.BytesIO(), io.BytesIO()
    for exporter in (
        JsonLinesExporter(ours, encoding="utf-8", **options),
        JsonLinesItemExporter(scrapys, encoding="utf-8", **options),
    ):
        for item in _record_kinds():
            exporter.export_item(item)
    assert ours.getvalue() == scrapys.getvalue()
    lines = ours.getvalue().decode("utf-8").splitlines()
    assert len(lines) == 4
    if options:
        assert all(line.startswith('{"id": ') and '"body"' not in line for line in lines)
    else:
        assert '"authors": ["Nadia B.", "R. Alami"]' in lines[2]


def test_the_ready_signal_carries_the_articles_written(tmp_path: Path) -> None:
    crawler = get_crawler()
    sent: list[tuple[str, dict[str, Any]]] = []
    crawler.signals.connect(
        lambda **kw: sent.append(("ready", kw)), signal=feed_file_ready, weak=False
    )
    crawler.signals.connect(
        lambda **kw: sent.append(("committed", kw)), signal=feed_file_committed, weak=False
    )
    final = tmp_path / "articles.jsonl"
    storage = AtomicFileFeedStorage.from_crawler(
        crawler, str(final), feed_options={"overwrite": True}
    )
    handle = storage.open(Spider("s"))
    exporter = JsonLinesExporter(handle, encoding="utf-8")
    exporter.export_item(article(id="maghress:fr:libe:7", body="Un.\n\nDeux."))
    exporter.export_item(strip([]))
    exporter.export_item(article(id="maghress:fr:libe:8", body=None))
    storage.store(handle)
    # The hash: the first 20 hex digits of the body's sha1.
    articles = [("maghress:fr:libe:7", "250f09acc6d764f15a35"), ("maghress:fr:libe:8", None)]
    assert [name for name, _ in sent] == ["ready", "committed"]
    assert sent[0][1]["final"] == final and sent[0][1]["articles"] == articles
    assert sent[1][1]["final"] == final


def test_a_file_no_json_lines_exporter_wrote_has_no_articles(tmp_path: Path) -> None:
    crawler = get_crawler()
    sent: list[Any] = []
    crawler.signals.connect(
        lambda articles: sent.append(articles), signal=feed_file_ready, weak=False
    )
    storage = AtomicFileFeedStorage.from_crawler(
        crawler, str(tmp_path / "out.json"), feed_options={"overwrite": True}
    )
    handle = storage.open(Spider("s"))
    exporter = JsonItemExporter(handle, encoding="utf-8")
    exporter.start_exporting()
    exporter.export_item(article())
    exporter.finish_exporting()
    storage.store(handle)
    assert sent == [None], "not JSON Lines: the state marks nothing"


def test_a_link_planted_as_the_part_file_fails_the_feed_untouched(tmp_path: Path) -> None:
    victim = tmp_path / "victim"
    victim.write_bytes(b"precious\n")
    final = tmp_path / "articles-20260101T000000.000Z.jsonl"
    part_path(final).symlink_to(victim)
    storage = AtomicFileFeedStorage(str(final), feed_options={"overwrite": True})
    with pytest.raises(FileExistsError):
        storage.open(Spider("s"))
    assert victim.read_bytes() == b"precious\n"


def test_appending_never_writes_through_a_planted_copy(tmp_path: Path) -> None:
    victim = tmp_path / "victim"
    victim.write_bytes(b"precious\n")
    final = tmp_path / "all.jsonl"
    final.write_bytes(b'{"a": 1}\n')
    (tmp_path / "all.jsonl.appending").symlink_to(victim)
    storage = AtomicFileFeedStorage(str(final))
    handle = storage.open(Spider("s"))
    handle.write(b'{"a": 2}\n')
    storage.store(handle)
    assert final.read_bytes() == b'{"a": 1}\n{"a": 2}\n'
    assert victim.read_bytes() == b"precious\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["all.jsonl", "victim"]


@pytest.mark.parametrize("kind", ["link", "folder", "fifo"])
def test_salvage_reads_only_plain_files(tmp_path: Path, kind: str) -> None:
    victim = tmp_path / "victim.jsonl"
    victim.write_bytes(b'{"id": "a"}\n')
    part = tmp_path / "articles-20260101T000000Z.jsonl.part"
    if kind == "link":
        part.symlink_to(victim)
    elif kind == "folder":
        part.mkdir()
    else:
        os.mkfifo(part)  # opening it for reading would block the run
    with pytest.raises(OSError):
        salvage(part)
    assert part.exists() or part.is_symlink(), "left where it is"
    assert victim.read_bytes() == b'{"id": "a"}\n'
    assert not (tmp_path / "articles-20260101T000000Z.jsonl").exists()


def test_a_run_id_is_never_one_whose_files_exist(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    settings = get_crawler(
        settings_dict={
            "FEEDS": project_settings.FEEDS,
            "NEWSSPIDER_REPORT_DIR": "data/%(name)s/runs",
        }
    ).settings
    moment = datetime(2026, 6, 1, 10, 0, 0, 123456, tzinfo=timezone.utc)
    assert run_stamp(moment) == "20260601T100000.123Z"
    frozen = type("Frozen", (datetime,), {"now": classmethod(lambda cls, tz=None: moment)})
    monkeypatch.setattr("newsspider.feeds.datetime", frozen)
    assert unused_run_id(settings, "maghress") == "20260601T100000.123Z"
    runs = tmp_path / "data" / "maghress" / "runs"
    runs.mkdir(parents=True)
    (runs / "20260601T100000.123Z.json").write_text("{}")
    assert unused_run_id(settings, "maghress") == "20260601T100000.124Z"
    (runs.parent / "headlines-20260601T100000.124Z.jsonl.part").write_text("")
    assert unused_run_id(settings, "maghress") == "20260601T100000.125Z"
    assert unused_run_id(settings, "maghress", "-one") == "20260601T100000.123Z-one"
