"""The collector tuning of a crawl (``extensions/collector.py``), in real in-process crawls."""

from __future__ import annotations

import asyncio
import gc
import weakref
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.utils.test import get_crawler

from tests.inprocess import PROJECT, RecordsSpider, crawl_records
from tests.test_feedaudit import RECORDS


class CollectorProbe:
    """The collector's threshold and frozen count each time the crawl scrapes an item."""

    def __init__(self) -> None:
        self.seen: list[tuple[tuple[int, int, int], int]] = []

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CollectorProbe:
        probe = cls()
        crawler.signals.connect(probe.item_scraped, signal=signals.item_scraped)
        return probe

    def item_scraped(self) -> None:
        self.seen.append((gc.get_threshold(), gc.get_freeze_count()))


@pytest.fixture
def collector() -> Iterator[None]:
    """Python's collector as it was, after the test."""
    saved = gc.get_threshold()
    gc.unfreeze()
    yield
    gc.unfreeze()
    gc.set_threshold(*saved)


def _settings(tmp_path: Path, **settings: object) -> dict[str, Any]:
    return {
        **PROJECT,
        "NEWSSPIDER_STATE_ENABLED": False,
        "NEWSSPIDER_REPORT_DIR": str(tmp_path / "runs"),
        "FEEDS": {str(tmp_path / "out.jsonl"): {"format": "jsonlines"}},
        "EXTENSIONS": {**PROJECT["EXTENSIONS"], f"{__name__}.CollectorProbe": 950},
        **settings,
    }


def _crawl(tmp_path: Path, **settings: object) -> CollectorProbe:
    """A crawl of RECORDS; what the collector looked like during it."""
    crawler = crawl_records(RECORDS, _settings(tmp_path, **settings))
    assert crawler.extensions is not None
    probe = next(m for m in crawler.extensions.middlewares if isinstance(m, CollectorProbe))
    assert len(probe.seen) == len(RECORDS)
    return probe


def test_a_crawl_freezes_start_up_and_collects_the_young_less_often(
    tmp_path: Path, collector: None
) -> None:
    gc.set_threshold(700, 10, 10)
    probe = _crawl(tmp_path)
    for threshold, frozen in probe.seen:
        assert threshold == (10_000, 10, 10)
        assert frozen > 10_000  # the modules and settings of a Scrapy process
    assert len((tmp_path / "out.jsonl").read_text().splitlines()) == len(RECORDS)


def test_a_threshold_of_zero_leaves_the_collector_alone(tmp_path: Path, collector: None) -> None:
    gc.set_threshold(700, 10, 10)
    probe = _crawl(tmp_path, NEWSSPIDER_GC_THRESHOLD=0)
    assert set(probe.seen) == {((700, 10, 10), 0)}
    assert gc.get_threshold() == (700, 10, 10)
    assert gc.get_freeze_count() == 0


class _Cycle:
    """A host's object that only the collector frees (it refers to itself)."""

    def __init__(self) -> None:
        self.me = self


def test_after_a_crawl_the_collector_is_as_it_was(tmp_path: Path, collector: None) -> None:
    # A process that runs crawls (the library, the add-on) keeps its own objects: what
    # was alive when the crawl started and is garbage after it must be freed again.
    gc.set_threshold(700, 10, 10)
    cycle = _Cycle()
    freed = weakref.ref(cycle)
    _crawl(tmp_path)
    del cycle
    gc.collect()
    assert freed() is None
    assert gc.get_threshold() == (700, 10, 10)
    assert gc.get_freeze_count() == 0


def test_overlapping_crawls_leave_the_collector_as_it_was(tmp_path: Path, collector: None) -> None:
    gc.set_threshold(700, 10, 10)
    short, long = (get_crawler(RecordsSpider, _settings(tmp_path / n)) for n in "ab")

    async def both() -> None:
        await asyncio.gather(
            short.crawl_async(records=RECORDS), long.crawl_async(records=RECORDS * 4)
        )

    asyncio.run(both())
    assert gc.get_threshold() == (700, 10, 10)
    assert gc.get_freeze_count() == 0
