"""normalise → validate → de-duplicate, each on its own, with real Scrapy stats, on
records as the project's dataclasses, as dicts and as another item class."""

from __future__ import annotations

from dataclasses import fields
from typing import Any

import pytest
import scrapy
from hypothesis import given
from hypothesis import strategies as st
from itemadapter import ItemAdapter
from scrapy.exceptions import DropItem
from scrapy.utils.test import get_crawler
from w3lib.url import safe_url_string

from newsspider.items import ARTICLE_SCHEMA, HEADLINES_SCHEMA, Article, Headlines
from newsspider.pipelines import record_of
from newsspider.pipelines.dedupe import DedupePipeline
from newsspider.pipelines.normalize import _SAFE_URL, NormalizePipeline, safe_url
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


def item_class(record: type[Any]) -> type[scrapy.Item]:
    """A ``scrapy.Item`` with the fields of ``record``: another spider's item class."""
    declared = {field.name: scrapy.Field() for field in fields(record)}
    return type(f"{record.__name__}Item", (scrapy.Item,), declared)


ITEM_CLASSES = {Article: item_class(Article), Headlines: item_class(Headlines)}
KINDS = ["dataclass", "dict", "scrapy.Item"]


def as_kind(record: Article | Headlines, kind: str) -> Any:
    """``record`` as the item kind a spider may yield; the pipelines must treat them alike."""
    if kind == "dict":
        return ItemAdapter(record).asdict()
    if kind == "scrapy.Item":
        return ITEM_CLASSES[type(record)](ItemAdapter(record).asdict())
    return record


@pytest.fixture(params=KINDS)
def kind(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def test_normalize_bounds_the_title_and_encodes_urls(kind: str) -> None:
    long_title = "Une très longue dépêche " * 30  # 720 characters, 24 a sentence
    item = NormalizePipeline().process_item(
        as_kind(article(title=long_title, source_url=" https://x.ma/é a.html "), kind)
    )
    # Cut before character 500, at the last space: 20 sentences and "Une très longue".
    assert ItemAdapter(item)["title"] == "Une très longue dépêche " * 20 + "Une très longue…"
    assert ItemAdapter(item)["source_url"] == "https://x.ma/%C3%A9%20a.html"
    cleared = NormalizePipeline().process_item(as_kind(article(source_url=""), kind))
    assert ItemAdapter(cleared)["source_url"] is None


def test_normalize_encodes_strip_urls(kind: str) -> None:
    item = NormalizePipeline().process_item(
        as_kind(
            strip([{"title": "A", "url": "http://h/é/1"}, {"title": "B", "url": "http://h/b/2"}]),
            kind,
        )
    )
    assert ItemAdapter(item)["headlines"] == [
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
def test_validate_drops_with_a_counted_reason(
    changes: dict[str, object], reason: str, kind: str
) -> None:
    crawler = get_crawler()
    crawler.stats.open_spider()
    pipeline = ValidatePipeline.from_crawler(crawler)
    with pytest.raises(DropItem, match=reason):
        pipeline.process_item(as_kind(article(**changes), kind))
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
    titles: list[str], reason: str | None, kind: str
) -> None:
    crawler = get_crawler()
    crawler.stats.open_spider()
    pipeline = ValidatePipeline.from_crawler(crawler)
    record = as_kind(
        strip([{"title": title, "url": f"http://h/fr/libe/{n}"} for n, title in enumerate(titles)]),
        kind,
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


def test_validate_counts_missing_optional_fields(kind: str) -> None:
    crawler = get_crawler()
    crawler.stats.open_spider()
    pipeline = ValidatePipeline.from_crawler(crawler)
    kept = pipeline.process_item(as_kind(article(published=None, source_url=None), kind))
    assert ItemAdapter(kept)["title"] == "Titre"
    assert crawler.stats.get_value("newsspider/missing/published") == 1
    assert crawler.stats.get_value("newsspider/missing/source_url") == 1
    assert crawler.stats.get_value("newsspider/missing/source_name") is None


def test_dedupe_articles_by_id(kind: str) -> None:
    crawler = get_crawler()
    crawler.stats.open_spider()
    pipeline = DedupePipeline.from_crawler(crawler)
    pipeline.process_item(as_kind(article(), kind))
    with pytest.raises(DropItem):
        pipeline.process_item(as_kind(article(url="https://maghress.com/fr/libe/1"), kind))
    other = as_kind(article(id="maghress:fr:libe:2"), kind)
    assert pipeline.process_item(other) is other
    assert crawler.stats.get_value("newsspider/dropped/duplicate") == 1
    # Strips are the spider's to deduplicate (tests/test_spider.py): they pass.
    headlines = as_kind(strip([], id="s:1"), kind)
    assert pipeline.process_item(headlines) is headlines
    assert pipeline.process_item(headlines) is headlines


def test_items_of_another_spider_pass_every_pipeline_untouched() -> None:
    """Records are told by their ``schema``: an item without it is not ours."""
    crawler = get_crawler()
    crawler.stats.open_spider()
    other = {"id": "maghress:fr:libe:1", "title": None, "body": None}
    dedupe = DedupePipeline.from_crawler(crawler)
    for pipeline in (NormalizePipeline(), ValidatePipeline.from_crawler(crawler), dedupe, dedupe):
        assert pipeline.process_item(other) is other
    assert other == {"id": "maghress:fr:libe:1", "title": None, "body": None}
    assert crawler.stats.get_stats() == {}


def test_every_pipeline_reads_an_item_through_one_adapter() -> None:
    first, second = article(id="maghress:fr:libe:1"), strip([])
    adapter = record_of(first, ARTICLE_SCHEMA)
    assert adapter is not None and adapter["id"] == "maghress:fr:libe:1"
    assert record_of(first, ARTICLE_SCHEMA) is adapter
    assert record_of(first, HEADLINES_SCHEMA) is None
    other = record_of(second, HEADLINES_SCHEMA)
    assert other is not None and other.item is second
    assert record_of(second, ARTICLE_SCHEMA) is None
    assert record_of({"schema": ARTICLE_SCHEMA, "id": "x"}, ARTICLE_SCHEMA) is not None
    assert record_of(object(), ARTICLE_SCHEMA) is None
    # A pipeline that changes the item: the next one reads it as it is now.
    record = {"schema": HEADLINES_SCHEMA}
    assert record_of(record, ARTICLE_SCHEMA) is None
    record["schema"] = ARTICLE_SCHEMA
    assert record_of(record, ARTICLE_SCHEMA) is not None


# Every ASCII character and a few others, in each part of a URL: the fast path of
# ``safe_url`` must answer what ``safe_url_string`` answers, whichever it takes.
URL_CHARS = [chr(code) for code in range(128)] + ["é", "\xa0", "\u200b", "İ", "ſ", "🙂"]
URL_SHAPES = [
    "https://{c}ex.ma/a",
    "http://ex.ma{c}/a",
    "https://e{c}x.ma/a",
    "https://ex.ma/{c}",
    "https://ex.ma/a{c}b?q=1",
    "https://ex.ma/a?{c}",
    "https://ex.ma/a?q={c}#f",
    "https://ex.ma/a#{c}",
    "http{c}://ex.ma/a",
    "{c}https://ex.ma/a",
    "https://ex.ma/a{c}",
]


def assert_safe_url_is_safe_url_string(url: str) -> None:
    try:
        expected = safe_url_string(url)
    except ValueError:  # a bad port: the fast path must not take it either
        with pytest.raises(ValueError):
            safe_url(url)
        return
    assert safe_url(url) == expected, url


@pytest.mark.parametrize("shape", URL_SHAPES)
def test_safe_url_is_safe_url_string_for_every_character(shape: str) -> None:
    for char in URL_CHARS:
        assert_safe_url_is_safe_url_string(shape.format(c=char))


_HOST_LABEL = st.text(alphabet="abcxyz09-AZé_", min_size=0, max_size=8)
# Half the parts of characters the fast path takes, so that it is taken often.
_PART = st.one_of(
    st.text(alphabet="aZ09-._~:/@!$&'()*+,;=%?#"),
    st.lists(st.sampled_from([*URL_CHARS, "%2", "%2F", "%zz"])).map("".join),
)


@given(
    scheme=st.sampled_from(["http", "https", "HTTP", "ftp", "mailto", ""]),
    labels=st.lists(_HOST_LABEL, min_size=1, max_size=4),
    port=st.sampled_from(["", ":80", ":8080", ":99999", ":", ":x"]),
    path=_PART,
    query=st.one_of(st.just(None), _PART),
    fragment=st.one_of(st.just(None), _PART),
)
def test_safe_url_is_safe_url_string(
    scheme: str,
    labels: list[str],
    port: str,
    path: str,
    query: str | None,
    fragment: str | None,
) -> None:
    url = f"{scheme}://{'.'.join(labels)}{port}/{path}"
    url += "" if query is None else f"?{query}"
    url += "" if fragment is None else f"#{fragment}"
    assert_safe_url_is_safe_url_string(url)


def test_safe_url_takes_the_fast_path_for_a_plain_source_link() -> None:
    """The fast path is taken at all (else the tests above prove nothing)."""
    url = "https://www.libe.ma/Le-Maroc-a-l-honneur_a112233.html?utm=1&x=(2)#top"
    assert _SAFE_URL.fullmatch(url) is not None
    assert safe_url(url) == safe_url_string(url) == url
