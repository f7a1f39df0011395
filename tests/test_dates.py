"""Tests for newsspider.extract.dates.parse_date."""

from __future__ import annotations

import sys
import time
import types
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsspider.extract import dates
from newsspider.extract.dates import MONTHS, parse_date

NOW = datetime(2024, 6, 1, 12, 0, tzinfo=timezone.utc)
PLUS1 = timezone(timedelta(hours=1))
CASABLANCA = ZoneInfo("Africa/Casablanca")  # +01:00 in October 2019


def p(text: str | None, **kwargs: object) -> str | None:
    kwargs.setdefault("now", NOW)
    return parse_date(text, **kwargs)  # type: ignore[arg-type]


# --- month names ----------------------------------------------------------------------

FRENCH = [
    ("19 octobre 2019", "2019-10-19"),
    ("1er janvier 2020", "2020-01-01"),
    ("le 5 février 2021", "2021-02-05"),
    ("5 fevrier 2021", "2021-02-05"),
    ("8 mars 2019", "2019-03-08"),
    ("22 avril 2019", "2019-04-22"),
    ("1 mai 2019", "2019-05-01"),
    ("30 juin 2019", "2019-06-30"),
    ("14 juillet 2019", "2019-07-14"),
    ("15 août 2019", "2019-08-15"),
    ("15 aout 2019", "2019-08-15"),
    ("25 septembre 2019", "2019-09-25"),
    ("7 novembre 2019", "2019-11-07"),
    ("3 décembre 2018", "2018-12-03"),
    ("3 decembre 2018", "2018-12-03"),
    ("12 janv. 2020", "2020-01-12"),
    ("12 févr. 2020", "2020-02-12"),
    ("9 sept. 2019", "2019-09-09"),
    ("9 oct. 2019", "2019-10-09"),
    ("9 nov. 2019", "2019-11-09"),
    ("9 déc. 2019", "2019-12-09"),
    ("Samedi 19 Octobre 2019", "2019-10-19"),
    ("lundi 1er avril 2019", "2019-04-01"),
    ("mar. 19 OCT. 2019", "2019-10-19"),
    ("19 octobre, 2019", "2019-10-19"),
    ("19 de\u0301cembre 2019", "2019-12-19"),  # decomposed accent
]

ENGLISH = [
    ("October 19, 2019", "2019-10-19"),
    ("Oct 19, 2019", "2019-10-19"),
    ("Saturday, October 19, 2019", "2019-10-19"),
    ("19 October 2019", "2019-10-19"),
    ("19th of October 2019", "2019-10-19"),
    ("1st Jan 2020", "2020-01-01"),
    ("May 5 2019", "2019-05-05"),
    ("Sept. 3, 2019", "2019-09-03"),
    ("December 31, 2019", "2019-12-31"),
    ("19-Aug-2019", "2019-08-19"),
]

ARABIC_SETS = {
    "standard": "يناير فبراير مارس أبريل مايو يونيو يوليو أغسطس سبتمبر أكتوبر نوفمبر ديسمبر",
    "moroccan": "يناير فبراير مارس أبريل ماي يونيو يوليوز غشت شتنبر أكتوبر نونبر دجنبر",
    "maghreb": "جانفي فيفري مارس أفريل ماي جوان جويلية أوت سبتمبر أكتوبر نوفمبر ديسمبر",
    "levantine": "كانون_الثاني شباط آذار نيسان أيار حزيران تموز آب أيلول تشرين_الأول "
    "تشرين_الثاني كانون_الأول",
}
ARABIC_MONTHS = [
    (region, number, name.replace("_", " "))
    for region, names in ARABIC_SETS.items()
    for number, name in enumerate(names.split(), start=1)
]

ARABIC_VARIANTS = [
    ("19 ابريل 2019", "2019-04-19"),
    ("19 إبريل 2019", "2019-04-19"),
    ("19 اغسطس 2019", "2019-08-19"),
    ("19 اكتوبر 2019", "2019-10-19"),
    ("19 يونيه 2019", "2019-06-19"),
    ("19 أكتـــوبر 2019", "2019-10-19"),  # tatweel
    ("19 أَكْتُوبَر 2019", "2019-10-19"),  # diacritics
    ("الأحد 20 أكتوبر 2019", "2019-10-20"),
    ("يوم السبت 19 أكتوبر 2019", "2019-10-19"),
    ("19 أكتوبر 2019م", "2019-10-19"),
    ("19 أكتوبر، 2019", "2019-10-19"),
    ("19 كانون  الثاني 2020", "2020-01-19"),  # two spaces
    ("19 تشرين الأول/أكتوبر 2019", "2019-10-19"),
    ("19 أكتوبر (تشرين الأول) 2019", "2019-10-19"),
    ("\u200f19 أكتوبر 2019\u200f", "2019-10-19"),  # RLM marks
]


@pytest.mark.parametrize(("text", "expected"), FRENCH + ENGLISH + ARABIC_VARIANTS)
def test_month_names(text: str, expected: str) -> None:
    assert p(text) == expected


@pytest.mark.parametrize(("region", "number", "name"), ARABIC_MONTHS)
def test_every_arabic_month(region: str, number: int, name: str) -> None:
    assert p(f"19 {name} 2019") == f"2019-{number:02d}-19", region


def test_month_table_is_consistent() -> None:
    """Keys that normalise alike must agree, and every month must be reachable."""
    seen: dict[str, int] = {}
    for name, number in MONTHS.items():
        key = dates._key(name)
        assert seen.setdefault(key, number) == number, name
    assert set(MONTHS.values()) == set(range(1, 13))


# --- numeric and ISO --------------------------------------------------------------------

NUMERIC = [
    ("19 - 10 - 2019", "2019-10-19"),
    ("19-10-2019", "2019-10-19"),
    ("19/10/2019", "2019-10-19"),
    ("19.10.2019", "2019-10-19"),
    ("1/2/2020", "2020-02-01"),  # day first
    ("01 - 02 - 2020", "2020-02-01"),
    ("2019/10/19", "2019-10-19"),
    ("2019.10.19", "2019-10-19"),
    ("١٩ - ١٠ - ٢٠١٩", "2019-10-19"),  # Arabic-Indic digits
    ("۱۹ - ۱۰ - ۲۰۱۹", "2019-10-19"),  # Extended Arabic-Indic digits
    ("٢٩ - ٠٢ - ٢٠٢٠", "2020-02-29"),
]

ISO = [
    ("2019-10-19", "2019-10-19"),
    ("2019-10-19T09:30:00+01:00", "2019-10-19T09:30:00+01:00"),
    ("2019-10-19T09:30:00Z", "2019-10-19T09:30:00+00:00"),
    ("2019-10-19t09:30:00z", "2019-10-19T09:30:00+00:00"),
    ("2019-10-19T09:30:00.123Z", "2019-10-19T09:30:00+00:00"),
    ("2019-10-19T09:30:00.123456789+01:00", "2019-10-19T09:30:00+01:00"),
    ("2019-10-19T09:30+0100", "2019-10-19T09:30:00+01:00"),
    ("2019-10-19T09:30:00-05", "2019-10-19T09:30:00-05:00"),
    ("2019-10-19T09:30:00", "2019-10-19"),  # no offset, no tz: date only
    ("2019-10-19 09:30:00", "2019-10-19"),
    ('<time datetime="2019-10-19T09:30:00+01:00">19 octobre</time>', "2019-10-19T09:30:00+01:00"),
    ('{"datePublished": "2019-10-19T09:30:00Z"}', "2019-10-19T09:30:00+00:00"),
]

PUBLISHED_LINES = [
    ("Publié dans Libération le 19 - 10 - 2019", "2019-10-19"),
    ("نشر في هسبريس يوم 19 - 10 - 2019", "2019-10-19"),
    ("نشر في هسبريس يوم ١٩ - ١٠ - ٢٠١٩", "2019-10-19"),
    ("Published in Morocco World News on 19 - 10 - 2019", "2019-10-19"),
    ("Publié dans Médias 24 le 19 - 10 - 2019", "2019-10-19"),
    ("Publié dans Le Matin le 1er octobre 2019", "2019-10-01"),
    ("نشر في الشروق يوم 19 أوت 2019", "2019-08-19"),
    ("  Publié dans\n\tLibération\u00a0le 19\u00a0-\u00a010\u00a0-\u00a02019  ", "2019-10-19"),
]


@pytest.mark.parametrize(("text", "expected"), NUMERIC + ISO + PUBLISHED_LINES)
def test_numeric_iso_and_published_lines(text: str, expected: str) -> None:
    assert p(text) == expected


# --- times and timezones ----------------------------------------------------------------

TIMES = [
    ("19 - 10 - 2019 à 10:30", "2019-10-19T10:30:00+01:00"),
    ("19 octobre 2019 à 10h30", "2019-10-19T10:30:00+01:00"),
    ("19 octobre 2019 à 10 h 30", "2019-10-19T10:30:00+01:00"),
    ("19 - 10 - 2019 - 10:30", "2019-10-19T10:30:00+01:00"),
    ("19/10/2019 10:30:15", "2019-10-19T10:30:15+01:00"),
    ("19 أكتوبر 2019 الساعة 10:30", "2019-10-19T10:30:00+01:00"),
    ("19 أكتوبر 2019 - على الساعة ١٠:٣٠", "2019-10-19T10:30:00+01:00"),
    ("October 19, 2019 at 10:30 pm", "2019-10-19T22:30:00+01:00"),
    ("October 19, 2019 at 12:05 AM", "2019-10-19T00:05:00+01:00"),
    ("2019-10-19 à 10:30", "2019-10-19T10:30:00+01:00"),
    ("2019-10-19T09:30:00", "2019-10-19T09:30:00+01:00"),  # naive ISO gets tz
    ("2019-10-19T09:30:00Z", "2019-10-19T09:30:00+00:00"),  # explicit offset wins
    ("19 - 10 - 2019 à 25:61", "2019-10-19"),  # impossible time ignored
    ("19 - 10 - 2019", "2019-10-19"),  # no time: date only even with tz
]


@pytest.mark.parametrize(("text", "expected"), TIMES)
def test_times_with_tz(text: str, expected: str) -> None:
    assert p(text, tz=PLUS1) == expected


@pytest.mark.parametrize(("text", "_with_tz"), TIMES)
def test_times_without_tz_give_date_only(text: str, _with_tz: str) -> None:
    result = p(text)
    assert result is not None
    assert result == "2019-10-19" or result.endswith("+00:00")


def test_zoneinfo_and_pytz_zones() -> None:
    pytz = pytest.importorskip("pytz")
    expected = "2019-10-19T10:30:00+01:00"
    assert p("19 - 10 - 2019 à 10:30", tz=CASABLANCA) == expected
    # pytz zones must be localized, not .replace()d (which would give the LMT offset)
    assert p("19 - 10 - 2019 à 10:30", tz=pytz.timezone("Africa/Casablanca")) == expected


# --- rejections -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "31 - 02 - 2019",
        "29 - 02 - 2019",
        "00 - 10 - 2019",
        "19 - 13 - 2019",
        "32 octobre 2019",
        "30 février 2020",
        "2019-02-30",
        "2019-10-19T25:00:00Z",
        "2019-10-19T09:30:00+25:00",
        "12 - 05 - 1985",
        "1 janvier 1989",
        "1989-12-31",
        "Publié dans Libération le 31 - 02 - 2019",
    ],
)
def test_invalid_dates(text: str) -> None:
    assert p(text) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("01 - 06 - 2024", "2024-06-01"),
        ("2024-06-01T12:00:00+00:00", "2024-06-01T12:00:00+00:00"),  # exactly now
        ("2024-06-01T14:00:00+02:00", "2024-06-01T14:00:00+02:00"),  # now, other offset
        ("02 - 06 - 2024", "2024-06-02"),  # within one day of slack
        ("2024-06-02T11:00:00Z", "2024-06-02T11:00:00+00:00"),
        ("03 - 06 - 2024", None),
        ("2024-06-02T13:00:00Z", None),
        ("01 - 01 - 2030", None),
        ("1 janvier 2030", None),
        ("October 19, 2099", None),
    ],
)
def test_future_dates(text: str, expected: str | None) -> None:
    assert p(text) == expected
    assert parse_date(text, now=NOW.replace(tzinfo=None)) == expected  # naive now = UTC


def test_default_now_is_current_time() -> None:
    tomorrow = datetime.now(timezone.utc) + timedelta(days=3)
    assert parse_date(tomorrow.strftime("%d - %m - %Y")) is None
    assert parse_date("19 - 10 - 2019") == "2019-10-19"


def test_first_acceptable_date_wins() -> None:
    assert p("Événement le 20 - 12 - 2030, publié le 19 - 10 - 2019") == "2019-10-19"
    assert p("19 - 10 - 2019 / 20 - 10 - 2019") == "2019-10-19"


@pytest.mark.parametrize(
    "text",
    [
        None,
        "",
        "   ",
        "Bonjour tout le monde",
        "Publié dans Libération",
        "نشر في هسبريس",
        "19 octobre",
        "Prix : 12.50 dh",
        "Tél. 06 12 34 56 78",
        "Article 2019 sans date",
    ],
)
def test_no_date(text: str | None) -> None:
    assert p(text) is None


# --- dateparser fallback ----------------------------------------------------------------


def test_fallback_handles_unusual_wording() -> None:
    assert p("2019, October 19") == "2019-10-19"


def test_dateparser_only_for_text_with_a_year(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    fake = types.ModuleType("dateparser")
    fake.parse = lambda text, **_: calls.append(text)  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "dateparser", fake)
    assert p("il y a 2 jours") == "2024-05-30"  # read by the relative table, not dateparser
    assert p("Publié dans Libération") is None
    assert p("Publié dans Libération le 19 - 10 - 2019") == "2019-10-19"
    assert p("31 - 02 - 2019") is None  # recognised but invalid: no second guess
    assert p("x" * 1000 + " 2019") is None  # too long for the fallback
    assert calls == []
    assert p("Article 2019 sans date") is None
    assert calls == ["Article 2019 sans date"]


# --- robustness -------------------------------------------------------------------------

GARBAGE = [
    "a " * 100_000,
    "1 " * 100_000,
    "19" + " " * 200_000,
    "19 octobre" + " " * 200_000,
    "oct 19 " * 30_000,
    "19 - 10 - " * 30_000,
    "2019-10-" * 30_000,
    "تشرين " * 40_000,
    "1" * 200_000,
    "abc 2019 " * 20_000,
    "٣" * 100_000,
]


@pytest.mark.parametrize("text", GARBAGE, ids=lambda t: repr(t[:12]))
def test_long_garbage_is_fast(text: str) -> None:
    start = time.perf_counter()
    assert p(text) is None
    assert time.perf_counter() - start < 2.0


def test_date_at_end_of_long_text() -> None:
    assert p("x " * 50_000 + "Publié le 19 - 10 - 2019") == "2019-10-19"


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_never_raises_and_returns_iso(text: str) -> None:
    result = p(text)
    if result is not None:
        datetime.fromisoformat(result)


@settings(max_examples=100, deadline=None)
@given(st.dates(min_value=date(1990, 1, 1), max_value=date(2024, 6, 1)))
def test_site_form_round_trips(day: date) -> None:
    assert p(f"Publié dans Libération le {day:%d - %m - %Y}") == day.isoformat()
