"""The health checks behind the exit status, one stats table per outcome."""

from __future__ import annotations

import pytest
from scrapy.settings import Settings

import newsspider.settings
from newsspider import exitcodes
from newsspider.checks import (
    CHECKS,
    error_rate,
    evaluate,
    no_articles,
    run_failed,
    thresholds,
    unknown_source,
)

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
    "newsspider/strip/pages/fr": 60,
    "newsspider/strip/pages/ar": 30,
}


@pytest.mark.parametrize(
    ("changes", "code", "reason"),
    [
        ({}, exitcodes.OK, "ok"),
        ({"finish_reason": "shutdown"}, exitcodes.FAILED, "the run closed early (shutdown)"),
        ({"spider_exceptions/KeyError": 1}, exitcodes.FAILED, "1 exception(s) in the spider"),
        # A stop signal: the spider closes with "shutdown", which is no failure then.
        (
            {"finish_reason": "shutdown", "newsspider/interrupted/signal": "SIGTERM"},
            exitcodes.INTERRUPTED,
            "SIGTERM, stopped gracefully: what it fetched is written",
        ),
        (
            {
                "finish_reason": "shutdown",
                "newsspider/interrupted/signal": "SIGINT",
                "newsspider/interrupted/forced": 1,
                "newsspider/layout/span": 10,  # thin output: not judged, the run did not end
            },
            exitcodes.INTERRUPTED,
            "SIGINT and a second signal, stopped at once: the next run salvages its files",
        ),
        # Stopped before a page came back: interrupted, not a site that did not answer.
        (
            {
                "finish_reason": "shutdown",
                "newsspider/interrupted/signal": "SIGTERM",
                "downloader/response_count": 1,
            },
            exitcodes.INTERRUPTED,
            "SIGTERM, stopped gracefully: what it fetched is written",
        ),
        # Records lost on the way are a failure, signal or not.
        (
            {
                "finish_reason": "shutdown",
                "newsspider/interrupted/signal": "SIGTERM",
                "newsspider/feeds/lost_records": 2,
            },
            exitcodes.FAILED,
            "2 record(s) did not reach their output file",
        ),
        # Another reason to close is a failure even after a signal.
        (
            {"finish_reason": "memusage_exceeded", "newsspider/interrupted/signal": "SIGTERM"},
            exitcodes.FAILED,
            "the run closed early (memusage_exceeded)",
        ),
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
            {"newsspider/strip/missing/fr": 31},
            exitcodes.NO_HEADLINES,
            "31 of 60 pages of section fr without a headline strip (52%)",
        ),
        # One section's strip gone, the other's many pages fine: still a loss.
        (
            {"newsspider/strip/missing/ar": 30},
            exitcodes.NO_HEADLINES,
            "30 of 30 pages of section ar without a headline strip (100%)",
        ),
        # Half the pages without a strip is tolerated; a few pages are not judged.
        ({"newsspider/strip/missing/fr": 30}, exitcodes.OK, "ok"),
        (
            {"newsspider/strip/pages/ar": 9, "newsspider/strip/missing/ar": 9},
            exitcodes.OK,
            "ok",
        ),
        (
            {"newsspider/dropped/mojibake": 1},
            exitcodes.MOJIBAKE,
            "1 article(s) garbled by a wrong decoding, not written",
        ),
        # A garbled article outranks a thin error rate, a missing strip outranks both.
        (
            {"newsspider/dropped/mojibake": 1, "newsspider/failed_requests": 20},
            exitcodes.MOJIBAKE,
            "1 article(s) garbled by a wrong decoding, not written",
        ),
        (
            {"newsspider/dropped/mojibake": 1, "newsspider/strip/missing/fr": 60},
            exitcodes.NO_HEADLINES,
            "60 of 60 pages of section fr without a headline strip (100%)",
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
        # A worker whose Redis restarted closed early for that reason: it says so…
        (
            {"finish_reason": "redis_restarted", "newsspider/redis/restarted": 1},
            exitcodes.REDIS_RESTARTED,
            "Redis restarted or lost its data during the run; the next run walks listings "
            "to their end",
        ),
        # …also when it noticed only at its end, and whatever the other checks say.
        (
            {"newsspider/redis/restarted": 1, "newsspider/failed_requests": 20},
            exitcodes.REDIS_RESTARTED,
            "Redis restarted or lost its data during the run; the next run walks listings "
            "to their end",
        ),
        # …but records lost on top of it are a failed run.
        (
            {
                "finish_reason": "redis_restarted",
                "newsspider/redis/restarted": 1,
                "newsspider/feeds/lost_records": 2,
            },
            exitcodes.FAILED,
            "2 record(s) did not reach their output file",
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
        # A paper the menus do not list fails the run, before any thinner alarm.
        (
            {
                "newsspider/sources/requested": ["libe", "nosuchpaper"],
                "newsspider/sources/sections": ["fr"],
                "newsspider/sources/menus_read": ["fr"],
                "newsspider/sources/listed": ["libe"],
                "newsspider/failed_requests": 20,
            },
            exitcodes.UNKNOWN_SOURCE,
            "sources=nosuchpaper: not in the newspapers menu of section fr",
        ),
        # A site answering every page with nothing usable is no success with 0 articles.
        (
            {
                "newsspider/listing_pages": 0,
                "newsspider/article_pages": 0,
                "newsspider/layout/span": 0,
                "newsspider/validated/articles": 0,
                "newsspider/failed_listing_pages": 2,
                "newsspider/failed_requests": 4,
                "scheduler/dequeued": 4,
            },
            exitcodes.NO_ARTICLES,
            "no listing page could be read (2 lost)",
        ),
        # Removed articles are gone, not failures: no error rate from them.
        ({"newsspider/gone": 40}, exitcodes.OK, "ok"),
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


# Each check alone: (stats, limits) → why it fails, or None.
@pytest.mark.parametrize(
    ("stats", "expected"),
    [
        ({"downloader/response_count": 3}, None),
        ({"finish_reason": "closespider_timeout"}, "the run closed early (closespider_timeout)"),
        (
            {"spider_exceptions/KeyError": 1, "spider_exceptions/ValueError": 2},
            "3 exception(s) in the spider",
        ),
        (
            {"downloader/response_count": 3, "newsspider/feeds/lost_records": 5},
            "5 record(s) did not reach their output file",
        ),
        (
            {"downloader/response_count": 3, "newsspider/report/unwritable": 1},
            "the run report could not be written",
        ),
        (
            {"downloader/response_count": 3, "newsspider/state/errors": 2},
            "the state could not record 2 output file(s)",
        ),
        (
            {"downloader/response_count": 3, "newsspider/state/salvage_failed": 2},
            "2 .part file(s) of an interrupted run could not be salvaged",
        ),
        # robots.txt alone is no page of the site.
        (
            {"downloader/response_count": 1, "robotstxt/response_count": 1},
            "the site did not answer (no page fetched)",
        ),
        # A distributed worker whose peers took every request: idle, not failed…
        ({"newsspider/redis/worker": 1}, None),
        # …but one that dequeued requests and fetched nothing failed.
        (
            {"newsspider/redis/worker": 1, "scheduler/dequeued": 4},
            "the site did not answer (no page fetched)",
        ),
    ],
)
def test_run_failed(stats: dict[str, int], expected: str | None) -> None:
    assert run_failed(stats) == expected


@pytest.mark.parametrize(
    ("stats", "min_yield", "expected"),
    [
        ({"newsspider/article_pages": 10, "newsspider/layout/span": 5}, 0.5, None),
        (
            {"newsspider/article_pages": 10, "newsspider/layout/span": 4},
            0.5,
            "4 article(s) found on 10 article page(s)",
        ),
        # Both layouts count.
        (
            {
                "newsspider/article_pages": 10,
                "newsspider/layout/span": 2,
                "newsspider/layout/article": 3,
            },
            0.5,
            None,
        ),
        ({"newsspider/article_pages": 10, "newsspider/layout/span": 4}, 0.4, None),
        ({"newsspider/listing_pages": 3}, 0.5, "listing pages held no article link"),
        ({}, 0.5, None),
        # Every listing page lost (the site down, or answering 200 with empty pages).
        (
            {"newsspider/failed_listing_pages": 2, "newsspider/failed_requests": 3},
            0.5,
            "no listing page could be read (2 lost)",
        ),
        # One listing page lost among others read: the error rate judges that.
        (
            {
                "newsspider/listing_pages": 1,
                "newsspider/article_links": 50,
                "newsspider/failed_listing_pages": 2,
            },
            0.5,
            None,
        ),
        # urls=: no listing, and every article page lost.
        ({"newsspider/failed_requests": 3}, 0.5, "no page could be read (3 lost)"),
        (
            {
                "newsspider/failed_requests": 3,
                "newsspider/article_pages": 1,
                "newsspider/layout/span": 1,
            },
            0.5,
            None,
        ),
    ],
)
def test_no_articles(stats: dict[str, int], min_yield: float, expected: str | None) -> None:
    assert no_articles(stats, min_yield) == expected


@pytest.mark.parametrize(
    ("stats", "max_rate", "min_requests", "expected"),
    [
        ({"newsspider/failed_requests": 10, "scheduler/dequeued": 100}, 0.1, 20, None),
        (
            {"newsspider/failed_requests": 11, "scheduler/dequeued": 100},
            0.1,
            20,
            "11 of 100 requests failed (11%)",
        ),
        ({"newsspider/failed_requests": 11, "scheduler/dequeued": 100}, 0.2, 20, None),
        # No request dequeued: divided by one, not by zero.
        ({"newsspider/failed_requests": 1}, 0.1, 0, "1 of 1 requests failed (100%)"),
        # One failure among two requests is no alarm below the minimum…
        ({"newsspider/failed_requests": 1, "scheduler/dequeued": 2}, 0.1, 20, None),
        ({"newsspider/failed_requests": 19, "scheduler/dequeued": 19}, 0.1, 20, None),
        # …and judged from it.
        (
            {"newsspider/failed_requests": 3, "scheduler/dequeued": 20},
            0.1,
            20,
            "3 of 20 requests failed (15%)",
        ),
        # Removed articles (404/410) are counted apart, never in the rate.
        ({"newsspider/gone": 50, "scheduler/dequeued": 100}, 0.1, 20, None),
    ],
)
def test_error_rate(
    stats: dict[str, int], max_rate: float, min_requests: int, expected: str | None
) -> None:
    assert error_rate(stats, max_rate, min_requests) == expected


@pytest.mark.parametrize(
    ("stats", "expected"),
    [
        ({}, None),
        # Every requested section's menu read: the sources none of them lists.
        (
            {
                "newsspider/sources/requested": ["hespress"],
                "newsspider/sources/sections": ["fr"],
                "newsspider/sources/menus_read": ["fr"],
            },
            "sources=hespress: not in the newspapers menu of section fr",
        ),
        (
            {
                "newsspider/sources/requested": ["libe", "nosuchpaper", "other"],
                "newsspider/sources/sections": ["ar", "fr"],
                "newsspider/sources/menus_read": ["ar", "fr"],
                "newsspider/sources/listed": ["libe"],
            },
            "sources=nosuchpaper,other: not in the newspapers menus of sections ar, fr",
        ),
        (
            {
                "newsspider/sources/requested": ["hespress", "libe"],
                "newsspider/sources/sections": ["ar", "fr"],
                "newsspider/sources/menus_read": ["ar", "fr"],
                "newsspider/sources/listed": ["hespress", "libe"],
            },
            None,
        ),
        # A menu not read (its home page failed, or a distributed worker that parsed
        # only one home page, or none): not judged.
        (
            {
                "newsspider/sources/requested": ["nosuchpaper"],
                "newsspider/sources/sections": ["ar", "fr"],
                "newsspider/sources/menus_read": ["fr"],
            },
            None,
        ),
        (
            {
                "newsspider/sources/requested": ["nosuchpaper"],
                "newsspider/sources/sections": ["ar", "fr"],
            },
            None,
        ),
    ],
)
def test_unknown_source(stats: dict[str, list[str]], expected: str | None) -> None:
    assert unknown_source(stats) == expected


@pytest.mark.parametrize(
    ("missing", "articles", "max_missing", "min_articles", "expected"),
    [
        (1, 10, 0.1, 10, None),
        (2, 10, 0.1, 10, "2 of 10 articles without source_name (20%)"),
        (2, 10, 0.2, 10, None),
        # Fewer articles than the minimum: not judged, whatever is missing.
        (9, 9, 0.1, 10, None),
        (9, 9, 0.1, 9, "9 of 9 articles without source_name (100%)"),
        (0, 0, 0.1, 0, None),
    ],
)
def test_coverage_takes_both_its_limits(
    missing: int, articles: int, max_missing: float, min_articles: int, expected: str | None
) -> None:
    check = next(c for c in CHECKS if c.name == "coverage_source_name")
    stats = {"newsspider/missing/source_name": missing, "newsspider/validated/articles": articles}
    assert check.evaluate(stats, max_missing, min_articles) == expected
    assert [limit.setting for limit in check.limits] == [
        "NEWSSPIDER_MAX_MISSING_SOURCE_NAME",
        "NEWSSPIDER_COVERAGE_MIN_ARTICLES",
    ]


def test_every_limit_comes_from_the_settings() -> None:
    changed = Settings({**LIMITS, "NEWSSPIDER_COVERAGE_MIN_ARTICLES": "100"})
    assert thresholds(changed)["NEWSSPIDER_COVERAGE_MIN_ARTICLES"] == 100
    with pytest.raises(ValueError, match="NEWSSPIDER_MIN_ARTICLE_YIELD: expected a number"):
        thresholds(
            Settings({k: v for k, v in LIMITS.items() if k != "NEWSSPIDER_MIN_ARTICLE_YIELD"})
        )


@pytest.mark.parametrize("value", ["abc", "-1", "2.5", ""])
def test_a_bad_minimum_of_articles_is_a_usage_error(value: str) -> None:
    with pytest.raises(
        ValueError,
        match="NEWSSPIDER_COVERAGE_MIN_ARTICLES: expected a whole number of at least 0",
    ):
        thresholds(Settings({**LIMITS, "NEWSSPIDER_COVERAGE_MIN_ARTICLES": value}))
