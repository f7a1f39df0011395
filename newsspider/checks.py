"""The health checks that decide a run's exit status: data and pure functions of the stats.

Each check names the stats it reads, the settings it takes as limits (their
defaults live in ``settings.py`` only) and the exit status it gives, so an
alert can be traced and tuned from the run report alone.  The first failing
check decides; ``CHECKS`` is ordered from the most severe status to the least,
like ``exitcodes.ExitStatus``.  Nothing here needs a running crawler:
``scrapy crawl`` checks the limits before the first request, the run report
evaluates the checks at the end, and tests feed them plain dicts.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from newsspider.exitcodes import ExitStatus

if TYPE_CHECKING:
    from scrapy.settings import BaseSettings

Stats = Mapping[str, Any]


def share(raw: Any) -> float:
    """A fraction from 0 to 1 (a ratio of failures, of articles found)."""
    try:
        value = float(raw)
    except (TypeError, ValueError):
        value = -1.0
    if not 0.0 <= value <= 1.0:
        raise ValueError(f"expected a number from 0 to 1, got {raw!r}")
    return value


def count(raw: Any) -> int:
    """A whole number of at least 0 (a number of articles)."""
    try:
        value = int(raw)
    except (TypeError, ValueError):
        value = -1
    if value < 0:
        raise ValueError(f"expected a whole number of at least 0, got {raw!r}")
    return value


@dataclass(frozen=True)
class Limit:
    """A setting a check takes, and how its value is read (``share`` or ``count``)."""

    setting: str
    read: Callable[[Any], float]


@dataclass(frozen=True)
class Check:
    """One health check: ``evaluate(stats, *limit values)`` → why it fails, or None."""

    name: str
    exit_code: ExitStatus
    reads: tuple[str, ...]  # the stats it reads
    limits: tuple[Limit, ...]  # the settings it takes, in ``evaluate``'s order
    evaluate: Callable[..., str | None]


def _sum(stats: Stats, prefix: str) -> int:
    return sum(v for k, v in stats.items() if k.startswith(prefix) and isinstance(v, int))


def run_failed(stats: Stats) -> str | None:
    """An exception in the spider, the site unreachable, or a run closed early.

    A run a stop signal closed (``shutdown``) is judged by ``interrupted``, not here.
    """
    reason = stats.get("finish_reason", "finished")
    signalled = bool(stats.get("newsspider/interrupted/signal"))
    # A run a signal stopped, or a worker that closed because Redis restarted: the
    # next checks say so.
    if (
        reason != "finished"
        and not (signalled and reason == "shutdown")
        and not stats.get("newsspider/redis/restarted")
    ):
        return f"the run closed early ({reason})"
    exceptions = _sum(stats, "spider_exceptions/")
    if exceptions:
        return f"{exceptions} exception(s) in the spider"
    lost = stats.get("newsspider/feeds/lost_records", 0)
    if lost:
        return f"{lost} record(s) did not reach their output file"
    if stats.get("newsspider/report/unwritable"):
        return "the run report could not be written"
    if errors := stats.get("newsspider/state/errors", 0):
        return f"the state could not record {errors} output file(s)"
    if unsalvaged := stats.get("newsspider/state/salvage_failed", 0):
        return f"{unsalvaged} .part file(s) of an interrupted run could not be salvaged"
    pages = stats.get("downloader/response_count", 0) - stats.get("robotstxt/response_count", 0)
    # A distributed worker whose peers took every request had nothing to fetch.
    idle_worker = stats.get("newsspider/redis/worker") and not stats.get("scheduler/dequeued")
    if pages <= 0 and not idle_worker and not signalled:
        return "the site did not answer (no page fetched)"
    return None


def redis_restarted(stats: Stats) -> str | None:
    """Distributed mode: Redis restarted, or lost its data, during the run; the
    frontier's queue and the requests in flight may be gone with it."""
    if stats.get("newsspider/redis/restarted"):
        return "Redis restarted or lost its data during the run; the next run walks listings to their end"
    return None


def interrupted(stats: Stats) -> str | None:
    """A stop signal (SIGTERM, SIGINT) ended the run: once, Scrapy stops gracefully and
    the files are complete; twice, the process stops at once and leaves its ``.part`` files."""
    name = stats.get("newsspider/interrupted/signal")
    if not name:
        return None
    if stats.get("newsspider/interrupted/forced"):
        return f"{name} and a second signal, stopped at once: the next run salvages its files"
    return f"{name}, stopped gracefully: what it fetched is written"


def unknown_source(stats: Stats) -> str | None:
    """``sources=`` names a newspaper that no menu lists: under cron such a run would
    collect nothing of it forever.  Judged only once the menu of every requested
    section was read (not by ``urls=`` runs, nor by a distributed worker that parsed
    no home page); ``lang=fr sources=hespress`` fails too, hespress being Arabic."""
    requested = stats.get("newsspider/sources/requested") or []
    sections = stats.get("newsspider/sources/sections") or []
    read = stats.get("newsspider/sources/menus_read") or []
    if not requested or not sections or not set(sections) <= set(read):
        return None
    missing = sorted(set(requested) - set(stats.get("newsspider/sources/listed") or []))
    if not missing:
        return None
    menus = "menu of section" if len(sections) == 1 else "menus of sections"
    return f"sources={','.join(missing)}: not in the newspapers {menus} {', '.join(sections)}"


def no_articles(stats: Stats, min_yield: float) -> str | None:
    """Every listing page lost (the site down, or answering pages with nothing in
    them), listings with no article links, or article pages that gave too few articles.
    In ``mode=feeds`` each feed is the one way to its articles: one lost (failed, not
    a feed, or listing no item) fails the run, as all listing pages lost do."""
    if lost_feeds := stats.get("newsspider/rss/lost", 0):
        return f"{lost_feeds} feed(s) lost: failed, not a feed, or listing no item"
    listings = stats.get("newsspider/listing_pages", 0)
    if (lost := stats.get("newsspider/failed_listing_pages", 0)) and not listings:
        return f"no listing page could be read ({lost} lost)"
    failed = stats.get("newsspider/failed_requests", 0)
    if failed and not listings and not stats.get("newsspider/article_pages", 0):
        return f"no page could be read ({failed} lost)"
    if listings and not stats.get("newsspider/article_links", 0):
        return "listing pages held no article link"
    pages = stats.get("newsspider/article_pages", 0)
    found = _sum(stats, "newsspider/layout/")
    if pages and found / pages < min_yield:
        return f"{found} article(s) found on {pages} article page(s)"
    return None


def no_headlines(stats: Stats, max_missing: float, min_pages: int) -> str | None:
    """Pages that should show the headline strip and did not, section by section: its
    markup changed, and one of the two record kinds would vanish without a word (for
    one section, even when the other's many pages still show theirs)."""
    prefix = "newsspider/strip/pages/"
    for key in sorted(k for k in stats if k.startswith(prefix)):
        section = key.removeprefix(prefix)
        pages = stats[key]
        missing = stats.get(f"newsspider/strip/missing/{section}", 0)
        # A cron run that fetched three pages of a section says little of a layout change.
        if pages >= max(min_pages, 1) and missing / pages > max_missing:
            return (
                f"{missing} of {pages} pages of section {section} without a headline strip "
                f"({missing / pages:.0%})"
            )
    return None


def mojibake(stats: Stats, max_share: float) -> str | None:
    """Articles dropped because their title or body was garbled by a wrong decoding."""
    dropped = stats.get("newsspider/dropped/mojibake", 0)
    articles = max(stats.get("newsspider/validated/articles", 0), 1)
    if dropped and dropped / articles > max_share:
        return f"{dropped} article(s) garbled by a wrong decoding, not written"
    return None


def error_rate(stats: Stats, max_rate: float, min_requests: int) -> str | None:
    """Requests that failed for good (after their retries: server errors, network
    failures, pages that gave nothing) over requests made.  An article the site
    removed (404/410, ``newsspider/gone``) is no failure: its teaser outlives it."""
    failed = stats.get("newsspider/failed_requests", 0)
    requests = max(stats.get("scheduler/dequeued", 0), 1)
    # One failure among two requests says little of the site: small runs are not judged
    # (a run where nothing could be read is caught by no_articles).
    if requests < min_requests:
        return None
    if failed / requests > max_rate:
        return f"{failed} of {requests} requests failed ({failed / requests:.0%})"
    return None


def _coverage(field: str) -> Callable[[Stats, float, int], str | None]:
    def check(stats: Stats, max_missing: float, min_articles: int) -> str | None:
        articles = stats.get("newsspider/validated/articles", 0)
        missing = stats.get(f"newsspider/missing/{field}", 0)
        # A cron run with two new articles, one undated, says nothing of coverage.
        if articles < max(min_articles, 1):
            return None
        if missing / articles > max_missing:
            return f"{missing} of {articles} articles without {field} ({missing / articles:.0%})"
        return None

    check.__doc__ = f"Share of validated articles without {field}."
    return check


MIN_ARTICLES = Limit("NEWSSPIDER_COVERAGE_MIN_ARTICLES", count)

CHECKS: tuple[Check, ...] = (
    Check(
        "run_failed",
        ExitStatus.FAILED,
        (
            "finish_reason",
            "spider_exceptions/*",
            "downloader/response_count",
            "newsspider/feeds/lost_records",
            "newsspider/state/errors",
            "newsspider/state/salvage_failed",
            "newsspider/redis/worker",
            "newsspider/redis/restarted",
            "scheduler/dequeued",
            "newsspider/interrupted/signal",
        ),
        (),
        run_failed,
    ),
    Check(
        "redis_restarted",
        ExitStatus.REDIS_RESTARTED,
        ("newsspider/redis/restarted",),
        (),
        redis_restarted,
    ),
    Check(
        "interrupted",
        ExitStatus.INTERRUPTED,
        ("newsspider/interrupted/signal", "newsspider/interrupted/forced"),
        (),
        interrupted,
    ),
    Check(
        "unknown_source",
        ExitStatus.UNKNOWN_SOURCE,
        (
            "newsspider/sources/requested",
            "newsspider/sources/sections",
            "newsspider/sources/menus_read",
            "newsspider/sources/listed",
        ),
        (),
        unknown_source,
    ),
    Check(
        "no_articles",
        ExitStatus.NO_ARTICLES,
        (
            "newsspider/rss/lost",
            "newsspider/failed_listing_pages",
            "newsspider/failed_requests",
            "newsspider/listing_pages",
            "newsspider/article_links",
            "newsspider/article_pages",
            "newsspider/layout/*",
        ),
        (Limit("NEWSSPIDER_MIN_ARTICLE_YIELD", share),),
        no_articles,
    ),
    Check(
        "no_headlines",
        ExitStatus.NO_HEADLINES,
        ("newsspider/strip/pages/<section>", "newsspider/strip/missing/<section>"),
        (
            Limit("NEWSSPIDER_MAX_MISSING_HEADLINES", share),
            Limit("NEWSSPIDER_HEADLINES_MIN_PAGES", count),
        ),
        no_headlines,
    ),
    Check(
        "mojibake",
        ExitStatus.MOJIBAKE,
        ("newsspider/dropped/mojibake", "newsspider/validated/articles"),
        (Limit("NEWSSPIDER_MAX_MOJIBAKE", share),),
        mojibake,
    ),
    Check(
        "error_rate",
        ExitStatus.ERROR_RATE,
        ("newsspider/failed_requests", "scheduler/dequeued"),
        (
            Limit("NEWSSPIDER_MAX_ERROR_RATE", share),
            Limit("NEWSSPIDER_ERROR_RATE_MIN_REQUESTS", count),
        ),
        error_rate,
    ),
    *(
        Check(
            f"coverage_{field}",
            ExitStatus.COVERAGE,
            (f"newsspider/missing/{field}", "newsspider/validated/articles"),
            (Limit(f"NEWSSPIDER_MAX_MISSING_{field.upper()}", share), MIN_ARTICLES),
            _coverage(field),
        )
        for field in ("published", "source_name", "source_url")
    ),
)


def thresholds(settings: BaseSettings) -> dict[str, float]:
    """Every check's limits by setting name, each checked (a bad one is a usage error)."""
    values = {}
    for check in CHECKS:
        for limit in check.limits:
            try:
                values[limit.setting] = limit.read(settings.get(limit.setting))
            except ValueError as error:
                raise ValueError(f"setting {limit.setting}: {error}") from None
    return values


def evaluate(
    stats: Stats, limits: Mapping[str, float]
) -> tuple[ExitStatus, str, list[dict[str, Any]]]:
    """The exit status, its reason, and every check's outcome for the run report.

    An outcome shows the check's first limit as ``setting``/``threshold``; the
    further ones (the coverage checks' minimum of articles) are listed with the
    stats it ``reads``.
    """
    status, reason = ExitStatus.OK, "ok"
    outcomes = []
    for check in CHECKS:
        values = [limits[limit.setting] for limit in check.limits]
        failure = check.evaluate(stats, *values)
        if failure and status is ExitStatus.OK:
            status, reason = check.exit_code, failure
        outcomes.append(
            {
                "check": check.name,
                "exit_code": int(check.exit_code),
                "reads": [*check.reads, *(limit.setting for limit in check.limits[1:])],
                "setting": check.limits[0].setting if check.limits else None,
                "threshold": values[0] if values else None,
                "failed": failure,
            }
        )
    return status, reason, outcomes
