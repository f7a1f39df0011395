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


def test_normalize_bounds_the_title_and_encodes_urls() -> None:
    long_title = "Une très longue dépêche " * 30  # 720 characters, 24 a sentence
    item = NormalizePipeline().process_item(
        article(title=long_title, source_url=" https://x.ma/é a.html ")
    )
    # Cut before character 500, at the last space: 20 sentences and "Une très longue".
    assert item.title == "Une très longue dépêche " * 20 + "Une très longue…"
    assert item.source_url == "https://x.ma/%C3%A9%20a.html"
    assert NormalizePipeline().process_item(article(source_url="")).source_url is None


def test_normalize_encodes_strip_urls() -> None:
    item = NormalizePipeline().process_item(
        strip([{"title": "A", "url": "http://h/é/1"}, {"title": "B", "url": "http://h/b/2"}])
    )
    assert item.headlines == [
        {"title": "A", "url": "http://h/%C3%A9/1"},
        {"title": "B", "url": "http://h/b/2"},
    ]


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"title": None}, "missing_title"),
        ({"body": None}, "missing_body"),
        ({"published": "19/10/2019"}, "bad_published"),
        ({"source_url": "javascript:alert(1)"}, "bad_source_url"),
        # A UTF-8 page read as windows-1252, and an Arabic one read as windows-1256.
        (
            {"title": "Libération : l’été où le référendum a échoué".encode().decode("cp1252")},
            "mojibake",
        ),
        ({"body": "المغرب يشيد بالدحض الأممي".encode().decode("cp1256")}, "mojibake"),
    ],
)
def test_validate_drops_with_a_counted_reason(changes: dict[str, object], reason: str) -> None:
    crawler = get_crawler()
    crawler.stats.open_spider()
    pipeline = ValidatePipeline.from_crawler(crawler)
    with pytest.raises(DropItem, match=reason):
        pipeline.process_item(article(**changes))
    assert crawler.stats.get_value(f"newsspider/dropped/{reason}") == 1


@pytest.mark.parametrize(
    ("titles", "reason"),
    [
        ([], "empty_headlines"),
        (["Ã‰lections : le dÃ©bat", "Ã€ Rabat, la rÃ©union"], "mojibake"),
        (["Élections : le débat", "À Rabat, la réunion"], None),
    ],
)
def test_validate_drops_a_strip_that_is_empty_or_garbled(
    titles: list[str], reason: str | None
) -> None:
    crawler = get_crawler()
    crawler.stats.open_spider()
    pipeline = ValidatePipeline.from_crawler(crawler)
    record = strip(
        [{"title": title, "url": f"http://h/fr/libe/{n}"} for n, title in enumerate(titles)]
    )
    if reason is None:
        assert pipeline.process_item(record) is record
        return
    with pytest.raises(DropItem, match=reason):
        pipeline.process_item(record)
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


def test_dedupe_articles_by_id() -> None:
    crawler = get_crawler()
    crawler.stats.open_spider()
    pipeline = DedupePipeline.from_crawler(crawler)
    pipeline.process_item(article())
    with pytest.raises(DropItem):
        pipeline.process_item(article(url="https://maghress.com/fr/libe/1"))
    assert pipeline.process_item(article(id="maghress:fr:libe:2")).id == "maghress:fr:libe:2"
    assert crawler.stats.get_value("newsspider/dropped/duplicate") == 1
    # Strips are the spider's to deduplicate (tests/test_spider.py): they pass.
    assert pipeline.process_item(strip([], id="s:1")).id == "s:1"
    assert pipeline.process_item(strip([], id="s:1")).id == "s:1"
