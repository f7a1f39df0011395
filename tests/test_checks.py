"""The health checks behind the exit status, one stats table per outcome."""

from __future__ import annotations

import pytest
from scrapy.settings import Settings

import newsspider.settings
from newsspider import exitcodes
from newsspider.checks import CHECKS, evaluate, thresholds

project_settings = vars(newsspider.settings)
LIMITS = thresholds(Settings({k: v for k, v in project_settings.items() if k.isupper()}))
HEALTHY = {
    "finish_reason": "finished",
    "downloader/response_count": 100,
    "robotstxt/response_count": 1,
    "scheduler/dequeued": 99,
    "newsspider/listing_pages": 10,
    "newsspider/article_links": 400,
    "newsspider/article_pages": 80,
    "newsspider/layout/span": 80,
    "newsspider/validated/articles": 80,
    "newsspider/missing/published": 2,
}


@pytest.mark.parametrize(
    ("changes", "code", "reason"),
    [
        ({}, exitcodes.OK, "ok"),
        ({"finish_reason": "shutdown"}, exitcodes.FAILED, "the run closed early (shutdown)"),
        ({"spider_exceptions/KeyError": 1}, exitcodes.FAILED, "1 exception(s) in the spider"),
        (
            {"downloader/response_count": 1},
            exitcodes.FAILED,
            "the site did not answer (no page fetched)",
        ),
        (
            {"newsspider/article_links": 0},
            exitcodes.NO_ARTICLES,
            "listing pages held no article link",
        ),
        (
            {"newsspider/layout/span": 10},
            exitcodes.NO_ARTICLES,
            "10 article(s) found on 80 article page(s)",
        ),
        (
            {"newsspider/failed_requests": 20},
            exitcodes.ERROR_RATE,
            "20 of 99 requests failed (20%)",
        ),
        (
            {"newsspider/missing/published": 9},
            exitcodes.COVERAGE,
            "9 of 80 articles without published (11%)",
        ),
        (
            {"newsspider/missing/source_url": 40},
            exitcodes.COVERAGE,
            "40 of 80 articles without source_url (50%)",
        ),
        # The first failing check wins: a failed run says so, not "no articles".
        (
            {"finish_reason": "shutdown", "newsspider/layout/span": 0},
            exitcodes.FAILED,
            "the run closed early (shutdown)",
        ),
        # Too few articles to judge coverage: one undated article of two is no alarm.
        (
            {"newsspider/validated/articles": 2, "newsspider/missing/published": 1},
            exitcodes.OK,
            "ok",
        ),
        # A re-run with nothing new fetched no article page: that is not a failure.
        (
            {
                "newsspider/article_pages": 0,
                "newsspider/layout/span": 0,
                "newsspider/validated/articles": 0,
            },
            exitcodes.OK,
            "ok",
        ),
    ],
)
def test_exit_status_from_stats(changes: dict[str, object], code: int, reason: str) -> None:
    status, why, outcomes = evaluate({**HEALTHY, **changes}, LIMITS)
    assert (status, why) == (code, reason)
    assert len(outcomes) == len(CHECKS)


def test_every_check_names_its_stats_settings_and_docstring() -> None:
    for check in CHECKS:
        assert check.reads, check.name
        assert check.evaluate.__doc__, check.name
        for limit in check.limits:
            assert limit.setting.startswith("NEWSSPIDER_") and limit.setting in project_settings


@pytest.mark.parametrize("value", ["abc", "-0.1", "1.5", ""])
def test_a_bad_threshold_is_a_usage_error(value: str) -> None:
    with pytest.raises(
        ValueError, match="NEWSSPIDER_MAX_ERROR_RATE: expected a number from 0 to 1"
    ):
        thresholds(Settings({**LIMITS, "NEWSSPIDER_MAX_ERROR_RATE": value}))
