"""The collector tuning of a crawl (``extensions/collector.py``), in a real in-process crawl."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.inprocess import crawl_records
from tests.test_feedaudit import RECORDS


@pytest.fixture
def collector() -> Iterator[None]:
    """Python's collector as it was, after the test."""
    saved = gc.get_threshold()
    gc.unfreeze()
    yield
    gc.unfreeze()
    gc.set_threshold(*saved)


def _crawl(tmp_path: Path, **settings: object) -> None:
    crawl_records(
        RECORDS,
        {
            "NEWSSPIDER_STATE_ENABLED": False,
            "NEWSSPIDER_REPORT_DIR": str(tmp_path / "runs"),
            "FEEDS": {str(tmp_path / "out.jsonl"): {"format": "jsonlines"}},
            **settings,
        },
    )


def test_a_crawl_freezes_start_up_and_collects_the_young_less_often(
    tmp_path: Path, collector: None
) -> None:
    gc.set_threshold(700, 10, 10)
    _crawl(tmp_path)
    assert gc.get_threshold() == (10_000, 10, 10)
    assert gc.get_freeze_count() > 10_000  # the modules and settings of a Scrapy process
    assert len((tmp_path / "out.jsonl").read_text().splitlines()) == len(RECORDS)


def test_a_threshold_of_zero_leaves_the_collector_alone(tmp_path: Path, collector: None) -> None:
    gc.set_threshold(700, 10, 10)
    _crawl(tmp_path, NEWSSPIDER_GC_THRESHOLD=0)
    assert gc.get_threshold() == (700, 10, 10)
    assert gc.get_freeze_count() == 0
