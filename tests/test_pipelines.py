"""normalise → validate → de-duplicate, each on its own, with real Scrapy stats."""

from __future__ import annotations

import pytest
from scrapy.exceptions import DropItem
from scrapy.utils.test import get_crawler

from newsspider.items import Article, Headlines
from newsspider.pipelines.dedupe import DedupePipeline
from newsspider.pipelines.normalize import NormalizePipeline
from newsspider.pipelines.validate import ValidatePipeline


def article(**changes: object) -> Article:
    fields: dict[str, object] = {
        "id": "maghress:fr:libe:1",
        "url": "http://127.0.0.1:1/fr/libe/1",
        "site": "maghress",
        "lang": "fr",
        "title": "Titre",
        "source_name": "Libération",
        "source_id": "libe",
        "source_url": "https://www.libe.ma/a.html",
        "published": "2019-10-19",
        "body": "Un.\n\nDeux.",
        "crawled_at": "2026-01-01T00:00:00Z",
    }
    fields.update(changes)
    return Article(**fields)  # type: ignore[arg-type]


def strip(entries: list[dict[str, str]], id: str = "maghress:fr:headlines:1") -> Headlines:
    return Headlines(
        id=id,
        site="maghress",
        lang="fr",
        page_url="http://127.0.0.1:1/fr",
        crawled_at="2026-01-01T00:00:00Z",
        headlines=entries,
    )


def test_normalize_turns_blank_into_null_and_cleans_text() -> None:
    item = NormalizePipeline().process_item(
        article(title=" Un\u200b  titre ", source_name="  ", source_url="https://x.ma/é a.html")
    )
    assert item.title == "Un titre"
    assert item.source_name is None
    assert item.source_url == "https://x.ma/%C3%A9%20a.html"


def test_normalize_drops_empty_strip_entries() -> None:
    item = NormalizePipeline().process_item(
        strip([{"title": " A ", "url": "http://h/a/1"}, {"title": "", "url": "http://h/b/2"}])
    )
    assert item.headlines == [{"title": "A", "url": "http://h/a/1"}]


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"title": None}, "missing_title"),
        ({"body": None}, "missing_body"),
        ({"published": "19/10/2019"}, "bad_published"),
        ({"source_url": "javascript:alert(1)"}, "bad_source_url"),
    ],
)
def test_validate_drops_with_a_counted_reason(changes: dict[str, object], reason: str) -> None:
    crawler = get_crawler()
    crawler.stats.open_spider()
    pipeline = ValidatePipeline.from_crawler(crawler)
    with pytest.raises(DropItem, match=reason):
        pipeline.process_item(article(**changes))
    assert crawler.stats.get_value(f"newsspider/dropped/{reason}") == 1


def test_validate_logs_each_reason_loudly_once() -> None:
    crawler = get_crawler()
    crawler.stats.open_spider()
    pipeline = ValidatePipeline.from_crawler(crawler)
    levels = []
    for _ in range(3):
        with pytest.raises(DropItem) as caught:
            pipeline.process_item(article(title=None))
        levels.append(caught.value.log_level)
    assert levels == ["WARNING", "DEBUG", "DEBUG"]
    assert crawler.stats.get_value("newsspider/dropped/missing_title") == 3


def test_validate_counts_missing_optional_fields() -> None:
    crawler = get_crawler()
    crawler.stats.open_spider()
    pipeline = ValidatePipeline.from_crawler(crawler)
    kept = pipeline.process_item(article(published=None, source_url=None))
    assert kept.title == "Titre"
    assert crawler.stats.get_value("newsspider/missing/published") == 1
    assert crawler.stats.get_value("newsspider/missing/source_url") == 1
    assert crawler.stats.get_value("newsspider/missing/source_name") is None


def test_dedupe_articles_by_id_and_strips_by_change() -> None:
    crawler = get_crawler()
    crawler.stats.open_spider()
    pipeline = DedupePipeline.from_crawler(crawler)
    pipeline.process_item(article())
    with pytest.raises(DropItem):
        pipeline.process_item(article(url="https://maghress.com/fr/libe/1"))
    first, second = strip([], id="s:1"), strip([], id="s:2")
    pipeline.process_item(first)
    with pytest.raises(DropItem):
        pipeline.process_item(strip([], id="s:1"))
    pipeline.process_item(second)
    # A strip that changes back is a change again.
    assert pipeline.process_item(strip([], id="s:1")).id == "s:1"
    assert crawler.stats.get_value("newsspider/dropped/duplicate") == 1
    assert crawler.stats.get_value("newsspider/headlines/unchanged") == 1
