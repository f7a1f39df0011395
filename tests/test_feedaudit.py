"""The feed audit: records a feed could not open or store are lost, and the run fails.

Real in-process crawls: the project's feed storage and FeedExporter, real
files under tmp_path, made to fail the way a disk does (a folder that is a
file, a final name taken by a folder).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from scrapy.extensions.feedexport import ItemFilter

from newsspider import exitcodes
from newsspider.extensions.runreport import report_for
from tests.inprocess import RecordsSpider, crawl_records
from tests.test_pipelines import article, strip

ARTICLES = [article(id=f"maghress:fr:libe:{n}") for n in range(1, 6)]
STRIPS = [
    strip([{"title": "A", "url": "http://h/a/1"}], id=f"maghress:fr:headlines:{n}") for n in (1, 2)
]
RECORDS = [ARTICLES[0], STRIPS[0], *ARTICLES[1:], STRIPS[1]]


def feeds(articles: Path, headlines: Path) -> dict[str, Any]:
    return {
        "FEEDS": {
            str(articles): {"format": "jsonlines", "item_classes": ["newsspider.items.Article"]},
            str(headlines): {"format": "jsonlines", "item_classes": ["newsspider.items.Headlines"]},
        }
    }


def settings(tmp_path: Path, **more: Any) -> dict[str, Any]:
    return {
        "ITEM_PIPELINES": {},
        "NEWSSPIDER_STATE_ENABLED": False,
        "NEWSSPIDER_REPORT_DIR": str(tmp_path / "runs"),
        **more,
    }


def test_every_record_stored_nothing_lost(tmp_path: Path) -> None:
    articles, headlines = tmp_path / "out" / "articles.jsonl", tmp_path / "out" / "headlines.jsonl"
    crawler = crawl_records(RECORDS, settings(tmp_path, **feeds(articles, headlines)))
    stats = crawler.stats.get_stats()
    assert "newsspider/feeds/lost_records" not in stats
    assert stats["newsspider/records/article"] == 5
    assert stats["newsspider/records/headlines"] == 2
    assert sorted(stats["newsspider/feeds/files"]) == [str(articles), str(headlines)]
    assert len(articles.read_text().splitlines()) == 5
    assert len(headlines.read_text().splitlines()) == 2


def test_a_feed_that_cannot_be_opened_loses_its_records_and_fails_the_run(tmp_path: Path) -> None:
    (tmp_path / "blocker").write_text("a file where the feed's folder should be")
    articles = tmp_path / "blocker" / "articles.jsonl"
    headlines = tmp_path / "out" / "headlines.jsonl"
    crawler = crawl_records(RECORDS, settings(tmp_path, **feeds(articles, headlines)))
    stats = crawler.stats.get_stats()
    assert stats["newsspider/feeds/lost_records"] == 5, "the five articles, not the strips"
    assert stats["newsspider/feeds/files"] == [str(headlines)]
    report = report_for(crawler)
    assert report is not None and report.exit_code == exitcodes.FAILED
    assert report.reason == "5 record(s) did not reach their output file"
    written = json.loads((tmp_path / "runs" / f"{RecordsSpider.run_id}.json").read_text())
    assert written["exit_code"] == 3 and written["files"] == [str(headlines)]


def test_a_feed_that_cannot_be_stored_loses_its_records(tmp_path: Path) -> None:
    articles, headlines = tmp_path / "out" / "articles.jsonl", tmp_path / "out" / "headlines.jsonl"
    (headlines / "taken").mkdir(parents=True)  # the final name is a folder: the rename fails
    crawler = crawl_records(RECORDS, settings(tmp_path, **feeds(articles, headlines)))
    stats = crawler.stats.get_stats()
    assert stats["feedexport/failed_count/AtomicFileFeedStorage"] == 1
    assert stats["newsspider/feeds/lost_records"] == 2
    assert stats["newsspider/feeds/files"] == [str(articles)]
    assert report_for(crawler).exit_code == exitcodes.FAILED


def test_batches_of_one_feed_are_summed(tmp_path: Path) -> None:
    """``%(batch_id)d`` files: a feed is several slots, each stored on its own."""
    template = tmp_path / "out" / "articles-%(batch_id)d.jsonl"
    options = {"format": "jsonlines", "item_classes": ["newsspider.items.Article"]}
    more = {"FEEDS": {str(template): {**options, "batch_item_count": 2}}}
    crawler = crawl_records(RECORDS, settings(tmp_path, **more))
    stats = crawler.stats.get_stats()
    assert "newsspider/feeds/lost_records" not in stats
    files = sorted(Path(name) for name in stats["newsspider/feeds/files"])
    assert [len(path.read_text().splitlines()) for path in files] == [2, 2, 1]


class FrenchLibeOnly(ItemFilter):
    """A filter that reads the record, not only its class: asked for every record."""

    def accepts(self, item: Any) -> bool:
        return getattr(item, "id", "").endswith((":1", ":2"))


def test_a_filter_on_content_is_asked_for_every_record(tmp_path: Path) -> None:
    (tmp_path / "blocker").write_text("")
    chosen = {"format": "jsonlines", "item_filter": FrenchLibeOnly}
    more = {"FEEDS": {str(tmp_path / "blocker" / "chosen.jsonl"): chosen}}
    crawler = crawl_records(RECORDS, settings(tmp_path, **more))
    # Articles 1 and 2 and strips 1 and 2 matched, and the file could not be opened.
    assert crawler.stats.get_value("newsspider/feeds/lost_records") == 4


def test_a_record_the_exporter_refuses_is_not_counted_as_written(
    tmp_path: Path, capsys: Any
) -> None:
    """A lone surrogate that got past extraction: the UTF-8 exporter raises on that record.
    The summary counts the four articles in the file, not the five scraped."""
    articles, headlines = tmp_path / "out" / "articles.jsonl", tmp_path / "out" / "headlines.jsonl"
    refused = article(id="maghress:fr:libe:3", title="Titre \ud800")
    records = [ARTICLES[0], STRIPS[0], ARTICLES[1], refused, *ARTICLES[3:], STRIPS[1]]
    crawler = crawl_records(records, settings(tmp_path, **feeds(articles, headlines)))
    stats = crawler.stats.get_stats()
    assert len(articles.read_text().splitlines()) == 4
    assert stats["newsspider/feeds/lost_records"] == 1
    assert stats["newsspider/records/article"] == 4
    assert stats["newsspider/records/headlines"] == 2
    summary = capsys.readouterr().err.strip().splitlines()[-1]
    assert "; 4 new article(s), 2 strip(s), " in summary, summary


def test_a_feed_of_both_kinds_that_lost_records_counts_neither_kind_too_high(
    tmp_path: Path,
) -> None:
    """One file for both kinds: which kind the lost record was is unknown, so each
    kind loses it (the count is a floor, never more than what is in the file)."""
    both = tmp_path / "out" / "all.jsonl"
    refused = strip([{"title": "A \udfff", "url": "http://h/a/1"}], id="maghress:fr:headlines:9")
    more = {"FEEDS": {str(both): {"format": "jsonlines"}}}
    crawler = crawl_records([*RECORDS, refused], settings(tmp_path, **more))
    stats = crawler.stats.get_stats()
    assert len(both.read_text().splitlines()) == 7
    assert stats["newsspider/feeds/lost_records"] == 1
    assert stats["newsspider/records/article"] == 4
    assert stats["newsspider/records/headlines"] == 2
