"""Spider arguments: every bad value gets its own one-line error, before any request."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from newsspider.params import ArgumentError, parse_args
from newsspider.sites import SITES
from tests.conftest import run_crawl

MAGHRESS = SITES["maghress"]

BAD_ARGUMENTS = [
    ({"lang": "de"}, "argument lang: expected one of ar, fr or 'both', got 'de'"),
    ({"lang": ""}, "argument lang: expected one of ar, fr or 'both', got ''"),
    (
        {"sources": "../etc"},
        "argument sources: not a newspaper slug (letters, digits, - and _): '../etc'",
    ),
    (
        {"sources": ","},
        "argument sources: expected comma-separated newspaper slugs, e.g. libe,hespress",
    ),
    ({"since": "19/10/2019"}, "argument since: expected a date as YYYY-MM-DD, got '19/10/2019'"),
    ({"until": "yesterday"}, "argument until: expected a date as YYYY-MM-DD, got 'yesterday'"),
    ({"since": "2020-01-02", "until": "2020-01-01"}, "argument until: must not be before since"),
    ({"max_pages": "0"}, "argument max_pages: expected a whole number ≥ 1, got '0'"),
    ({"max_pages": "ten"}, "argument max_pages: expected a whole number ≥ 1, got 'ten'"),
    (
        {"base_url": "ftp://example.org"},
        "argument base_url: expected http(s)://host[:port], got 'ftp://example.org'",
    ),
    (
        {"base_url": "localhost:8000"},
        "argument base_url: expected http(s)://host[:port], got 'localhost:8000'",
    ),
    (
        {"base_url": "http://127.0.0.1:8000/mirror"},
        "argument base_url: a mirror must be served at the root of its host, got 'http://127.0.0.1:8000/mirror'",
    ),
    (
        {"base_url": "http://127.0.0.1:99999"},
        "argument base_url: bad port in 'http://127.0.0.1:99999'",
    ),
    (
        {"urls": "https://www.maghress.com/fr/libe"},
        "argument urls: not a maghress article URL: 'https://www.maghress.com/fr/libe'",
    ),
    (
        {"urls": "javascript:alert(1)"},
        "argument urls: not a maghress article URL: 'javascript:alert(1)'",
    ),
    (
        {"urls": "https://evil.example/fr/libe/1"},
        "argument urls: 'https://evil.example/fr/libe/1' is neither on maghress.com nor on base_url",
    ),
    (
        {"urls": "@/nonexistent/list.txt"},
        "argument urls: cannot read '/nonexistent/list.txt': No such file or directory",
    ),
    ({"urls": " , "}, "argument urls: no URL given"),
    (
        {"base_url": "http://[::1"},
        "argument base_url: expected http(s)://host[:port], got 'http://[::1'",
    ),
    ({"full": "maybe"}, "argument full: expected true or false, got 'maybe'"),
    (
        {"follow_source": "sometimes"},
        "argument follow_source: expected true or false, got 'sometimes'",
    ),
    ({"incremental": "auto"}, "argument incremental: expected true or false, got 'auto'"),
    ({"since": "auto-ish"}, "argument since: expected a date as YYYY-MM-DD, got 'auto-ish'"),
    (
        {"colour": "blue"},
        "unknown argument 'colour' (known: lang, sources, since, until, mode, max_pages, urls, base_url, full, incremental, follow_source)",
    ),
    ({"mode": "rss"}, "argument mode: expected listings or feeds, got 'rss'"),
    ({"mode": ""}, "argument mode: expected listings or feeds, got ''"),
]


@pytest.mark.parametrize(
    ("raw", "message"), BAD_ARGUMENTS, ids=[m.split(":")[0] for _, m in BAD_ARGUMENTS]
)
def test_bad_argument_gets_its_exact_error(raw: dict[str, str], message: str) -> None:
    with pytest.raises(ArgumentError) as caught:
        parse_args(MAGHRESS, raw)
    assert str(caught.value) == message


@pytest.mark.parametrize(
    ("since", "message"),
    [
        ("2026-12-01", None),
        ("2019-10-19", None),
        ("auto", None),
        (
            "2026-12-02",
            "argument since: 2026-12-02 is in the future (today is 2026-12-01 on maghress's clock)",
        ),
        (
            "2027-01-01",
            "argument since: 2027-01-01 is in the future (today is 2026-12-01 on maghress's clock)",
        ),
    ],
)
def test_since_in_the_future_is_refused(since: str, message: str | None) -> None:
    """It would skip every article: a cron run collecting nothing, forever, with exit 0."""
    today = date(2026, 12, 1)
    if message is None:
        parse_args(MAGHRESS, {"since": since}, today=today)
        return
    with pytest.raises(ArgumentError) as caught:
        parse_args(MAGHRESS, {"since": since}, today=today)
    assert str(caught.value) == message


def test_without_today_the_day_is_the_sites_now() -> None:
    """``since`` is a day on the site's clock, so "today" is too."""
    today = datetime.now(MAGHRESS.zone).date()
    assert parse_args(MAGHRESS, {"since": today.isoformat()}).since == today
    with pytest.raises(ArgumentError, match="is in the future"):
        parse_args(MAGHRESS, {"since": (today + timedelta(days=1)).isoformat()})


def test_defaults_crawl_both_sections_of_the_live_site() -> None:
    args = parse_args(MAGHRESS, {})
    assert args.langs == ("ar", "fr")
    assert args.base_url == "https://www.maghress.com"
    assert args.max_pages == 10
    assert (args.sources, args.since, args.until, args.urls) == (None, None, None, ())
    assert not args.full and not args.since_auto
    assert args.mode == "listings", "listings are walked unless feeds are asked for"


def test_since_auto_and_full() -> None:
    args = parse_args(MAGHRESS, {"since": "auto", "full": "yes"})
    assert args.since_auto and args.since is None and args.full


def test_incremental_is_unset_unless_given() -> None:
    """Unset: the feeds decide (the cron stream uses the state, -o/-O exports do not)."""
    assert parse_args(MAGHRESS, {}).incremental is None
    assert parse_args(MAGHRESS, {"incremental": "true"}).incremental is True
    assert parse_args(MAGHRESS, {"incremental": "no"}).incremental is False


def test_good_values_are_parsed() -> None:
    args = parse_args(
        MAGHRESS,
        {
            "lang": "fr",
            "sources": "libe, hespress",
            "since": "2019-10-01",
            "until": "2019-10-31",
            "max_pages": "3",
            "base_url": "http://127.0.0.1:8000/",
            "mode": "Feeds",
        },
    )
    assert args.langs == ("fr",)
    assert args.mode == "feeds"
    assert args.sources == frozenset({"libe", "hespress"})
    assert (args.since, args.until) == (date(2019, 10, 1), date(2019, 10, 31))
    assert args.max_pages == 3
    assert args.base_url == "http://127.0.0.1:8000"
    assert args.in_window("2019-10-19") and not args.in_window("2019-09-30")
    assert args.in_window(None), "an unknown date is not a reason to skip"


def test_urls_from_file_move_to_the_mirror(tmp_path: Path) -> None:
    listing = tmp_path / "urls.txt"
    listing.write_text(
        "# articles to refetch\nhttps://www.maghress.com/fr/libe/32145\n\nhttp://maghress.com/hespress/1\n",
        encoding="utf-8",
    )
    args = parse_args(MAGHRESS, {"urls": f"@{listing}", "base_url": "http://127.0.0.1:8000"})
    assert args.urls == ("http://127.0.0.1:8000/fr/libe/32145", "http://127.0.0.1:8000/hespress/1")


@pytest.mark.parametrize(
    ("argument", "message"),
    [
        ("lang=xx", "argument lang: expected one of ar, fr or 'both', got 'xx'"),
        ("max_pages=-1", "argument max_pages: expected a whole number ≥ 1, got '-1'"),
        ("mode=poll", "argument mode: expected listings or feeds, got 'poll'"),
    ],
)
def test_scrapy_crawl_rejects_bad_argument_in_one_line(
    tmp_path: Path, demo_site, argument: str, message: str
) -> None:
    before = len(demo_site.requests)
    run = run_crawl(tmp_path, "-a", f"base_url={demo_site.base_url}", "-a", argument)
    assert run.returncode == 2
    hint = " (the arguments: newsspider run maghress --help)"
    assert run.stderr.strip().splitlines() == [f"scrapy crawl maghress: error: {message}{hint}"]
    assert "Traceback" not in run.stderr
    assert len(demo_site.requests) == before, "no request may be made with a bad argument"
    assert not (tmp_path / "data").exists(), "no output file for a run that did not start"


def test_scrapy_crawl_refuses_since_in_the_future(tmp_path: Path, demo_site) -> None:
    before = len(demo_site.requests)
    run = run_crawl(tmp_path, "-a", f"base_url={demo_site.base_url}", "-a", "since=2999-01-01")
    assert run.returncode == 2
    [line] = run.stderr.strip().splitlines()
    assert line.startswith(
        "scrapy crawl maghress: error: argument since: 2999-01-01 is in the future (today is "
    )
    assert len(demo_site.requests) == before, "no request may be made with a bad argument"
