"""Publication-date extraction for pages of the Maghress family of news aggregators.

The sites are French, Arabic and English, and write dates as «19 - 10 - 2019», with month
names from several regional traditions, as ISO 8601 in newer layouts, or relative to the
moment of the visit («il y a 2 heures», «منذ ساعتين», "yesterday").  This runs once per
crawled page, so the common forms are handled by precompiled regexes; ``dateparser`` is
only a lazily imported fallback for odd text that at least contains a 4-digit year.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime, timedelta, timezone, tzinfo
from functools import lru_cache
from typing import TypeVar
from zoneinfo import ZoneInfo

from newsspider.extract.relative_words import DAY, RELATIVE, Ago, Day, Unit

__all__ = ["MONTHS", "parse_date"]

# Month name -> month number.  Keys are written as they appear on the sites; they go through
# the same normalisation as page text (lower case, Latin accents and Arabic hamza-on-alef
# dropped, runs of spaces equivalent), so «fevrier»/«février» or «ابريل»/«أبريل» need only
# one entry.  A new regional variant is one more line here.  A trailing «.» on an
# abbreviation is accepted by the regex.
MONTHS: dict[str, int] = {
    # French, with the usual abbreviations («sept», «oct», «nov» are shared with English)
    "janvier": 1,
    "janv": 1,
    "février": 2,
    "févr": 2,
    "fév": 2,
    "mars": 3,
    "avril": 4,
    "avr": 4,
    "mai": 5,
    "juin": 6,
    "juillet": 7,
    "juil": 7,
    "août": 8,
    "septembre": 9,
    "sept": 9,
    "octobre": 10,
    "oct": 10,
    "novembre": 11,
    "nov": 11,
    "décembre": 12,
    "déc": 12,
    # English
    "january": 1,
    "jan": 1,
    "february": 2,
    "feb": 2,
    "march": 3,
    "mar": 3,
    "april": 4,
    "apr": 4,
    "may": 5,
    "june": 6,
    "jun": 6,
    "july": 7,
    "jul": 7,
    "august": 8,
    "aug": 8,
    "september": 9,
    "sep": 9,
    "october": 10,
    "november": 11,
    "december": 12,
    "dec": 12,
    # Arabic, standard (Egypt, Gulf); «يونيه»/«يوليه» are Egyptian spellings
    "يناير": 1,
    "فبراير": 2,
    "مارس": 3,
    "أبريل": 4,
    "إبريل": 4,
    "مايو": 5,
    "يونيو": 6,
    "يونيه": 6,
    "يوليو": 7,
    "يوليه": 7,
    "أغسطس": 8,
    "سبتمبر": 9,
    "أكتوبر": 10,
    "نوفمبر": 11,
    "ديسمبر": 12,
    # Arabic, Moroccan (otherwise as standard: يناير فبراير مارس أبريل يونيو أكتوبر)
    "ماي": 5,
    "يوليوز": 7,
    "غشت": 8,
    "شتنبر": 9,
    "نونبر": 11,
    "دجنبر": 12,
    # Arabic, Algerian/Tunisian (also مارس ماي سبتمبر أكتوبر نوفمبر ديسمبر, listed above)
    "جانفي": 1,
    "فيفري": 2,
    "أفريل": 4,
    "جوان": 6,
    "جويلية": 7,
    "أوت": 8,
    # Arabic, Levantine/Iraqi (Syriac names)
    "كانون الثاني": 1,
    "شباط": 2,
    "آذار": 3,
    "نيسان": 4,
    "أيار": 5,
    "حزيران": 6,
    "تموز": 7,
    "آب": 8,
    "أيلول": 9,
    "تشرين الأول": 10,
    "تشرين الثاني": 11,
    "كانون الأول": 12,
}

_MIN_YEAR = 1990
_FUTURE_SLACK = timedelta(days=1)  # pages may be dated in a timezone ahead of ours
_FALLBACK_MAX_CHARS = 256  # dateparser on a whole paragraph is slow and never useful
_DATEPARSER_LANGUAGES = ["fr", "ar", "en"]
_DATEPARSER_SETTINGS = {
    "DATE_ORDER": "DMY",
    "PREFER_DAY_OF_MONTH": "first",
    "RETURN_AS_TIMEZONE_AWARE": False,
    "REQUIRE_PARTS": ["day", "month", "year"],
}


def _translation_tables() -> tuple[dict[int, str | None], dict[int, str | int | None]]:
    """Build (clean, fold) tables: one ``str.translate`` pass each instead of many subs."""
    clean: dict[int, str | None] = {}
    for i in range(10):  # Arabic-Indic and Extended (Persian/Urdu) Arabic-Indic digits
        clean[0x0660 + i] = str(i)
        clean[0x06F0 + i] = str(i)
    drop = [0x0640, 0x0670, 0x061C, 0xFEFF]  # tatweel, dagger alef, ALM, BOM
    drop += range(0x064B, 0x0660)  # harakat (fatha, damma, kasra, shadda, sukun, ...)
    drop += range(0x0300, 0x0370)  # combining accents of decomposed Latin text
    drop += [*range(0x200B, 0x2010), *range(0x202A, 0x202F), *range(0x2066, 0x206A)]  # bidi
    clean.update(dict.fromkeys(drop))
    fold: dict[int, str | int | None] = dict(clean)
    fold.update(str.maketrans("أإآٱàâäéèêëîïôöùûüç", "ااااaaaeeeeiioouuuc"))
    return clean, fold


_CLEAN, _FOLD = _translation_tables()


def _fold(text: str) -> str:
    """Normalise for matching: digits to ASCII, case, accents, alef variants, marks."""
    return text.lower().translate(_FOLD)


def _key(name: str) -> str:
    """A table key as it reads in folded text, runs of spaces as one."""
    return " ".join(_fold(name).split())


_MONTH_LOOKUP: dict[str, int] = {_key(name): num for name, num in MONTHS.items()}
_Meaning = TypeVar("_Meaning", Ago, Unit, Day, int)


def _relative_lookup(kind: type[_Meaning]) -> dict[str, _Meaning]:
    """The relative wordings of one kind (units, day names, …), all languages together."""
    return {
        _key(word): meaning
        for table in RELATIVE.values()
        for word, meaning in table.items()
        if isinstance(meaning, kind)
    }


_AGO_WORDS = _relative_lookup(Ago)
_UNITS = _relative_lookup(Unit)
_DAYS = _relative_lookup(Day)
_NUMBERS = _relative_lookup(int)


def _alternation(names: list[str]) -> str:
    """Longest first, so «septembre» beats «sept» and «تشرين الثاني» is taken whole."""
    ordered = sorted(set(names), key=len, reverse=True)
    return "|".join(r"\s+".join(map(re.escape, name.split())) for name in ordered)


_MON = rf"(?:{_alternation(list(_MONTH_LOOKUP))})(?![^\W\d_])"  # not followed by a letter
_SEP = r"\s*(?:[-/.,،]\s*)?"  # unambiguous: no quadratic backtracking on long blanks
_ISO = (
    r"(?P<iso>(?<![0-9])(?P<iy>[0-9]{4})-(?P<im>[0-9]{2})-(?P<id>[0-9]{2})"
    r"(?:[t ](?P<ih>[0-9]{2}):(?P<imin>[0-9]{2})(?::(?P<isec>[0-9]{2})(?:[.,][0-9]+)?)?"
    r"(?P<ioff>z|[+-][0-9]{2}(?::?[0-9]{2})?)?)?)(?![0-9])"
)
_NUM_DMY = (
    r"(?P<num>(?<![0-9])(?P<nd>[0-9]{1,2})\s*(?P<ns>[-/.])\s*(?P<nm>[0-9]{1,2})"
    r"\s*(?P=ns)\s*(?P<ny>[0-9]{4}))(?![0-9])"
)
_NUM_YMD = (
    r"(?P<ymd>(?<![0-9])(?P<yy>[0-9]{4})\s*(?P<ys>[/.])\s*(?P<ym>[0-9]{1,2})"
    r"\s*(?P=ys)\s*(?P<yd>[0-9]{1,2}))(?![0-9])"
)
_NAME_DMY = (  # 19 octobre 2019, 1er oct. 2019, 19th of October 2019, 19 تشرين الأول/أكتوبر 2019
    rf"(?P<dmy>(?<![0-9])(?P<ad>[0-9]{{1,2}})(?:er|st|nd|rd|th)?{_SEP}(?:of\s+)?"
    rf"(?P<am>{_MON})(?:\s*[/(]\s*{_MON}\s*\)?)?{_SEP}(?P<ay>[0-9]{{4}}))(?![0-9])"
)
_NAME_MDY = (  # October 19, 2019
    rf"(?P<mdy>(?<![^\W\d_])(?P<bm>{_MON})\.?\s*(?P<bd>[0-9]{{1,2}})(?:st|nd|rd|th)?"
    r"(?![0-9])\s*(?:,\s*)?(?P<by>[0-9]{4}))(?![0-9])"
)
# One alternation, so a single scan finds the leftmost date whatever its form.
_DATE_RE = re.compile("|".join((_ISO, _NUM_YMD, _NUM_DMY, _NAME_DMY, _NAME_MDY)))
# A time right after a date: «à 10h30», «- 10:30», «الساعة 10:30», «at 10:30 pm».
_TIME_RE = re.compile(
    r"(?:[\s,،|–—-]|a\b|at\b|vers\b|على|الساعة)*"
    r"(?<![0-9])([0-9]{1,2})\s*(?::|h)\s*([0-9]{2})(?:\s*:\s*([0-9]{2}))?(?![0-9])"
    r"(?:\s*([ap])\.?m\b\.?)?"
)


def _count(group: str) -> str:
    """A count in digits («3», «٣» once folded) or a number word («une», "an")."""
    return (
        rf"(?:(?P<{group}n>[0-9]{{1,4}})(?![0-9])"
        rf"|(?P<{group}w>{_alternation(list(_NUMBERS))})(?!\w))"
    )


def _ago_words(side: Ago) -> str:
    return _alternation([word for word, where in _AGO_WORDS.items() if where is side])


_UNIT = _alternation(list(_UNITS))
# «il y a 2 heures», «منذ ساعتين» (no count: «منذ ساعة» is one hour), "2 hours ago".
_AGO_RE = re.compile(
    rf"(?<!\w)(?:{_ago_words(Ago.BEFORE)})\s*(?:{_count('b')}\s*)?(?P<bu>{_UNIT})(?!\w)"
    rf"|(?<!\w){_count('a')}\s*(?P<au>{_UNIT})(?!\w)\s*(?:{_ago_words(Ago.AFTER)})(?!\w)"
)
# «hier», «أمس à 10:30»: the whole text, or the date slot that ends a published line
# («نشر في الأيام يوم أمس»).  Newspapers are called «Aujourd'hui le Maroc», «اليوم السابع» or
# "Egypt Today": a day word anywhere else in a line is a name.
_DAY_RE = re.compile(
    rf"(?:^[\W_]*|(?<!\w)(?:le|on|يوم)\s+)(?P<day>{_alternation(list(_DAYS))})(?!\w)"
)
_NOTHING_MORE_RE = re.compile(r"[\W_]*")
_ASCII_DIGIT_RE = re.compile(r"[0-9]")
_YEAR_RE = re.compile(r"(?<![0-9])[0-9]{4}(?![0-9])")

_Time = tuple[int, int, int]
_Moment = date | datetime  # a datetime here is always timezone-aware


def parse_date(
    text: str | None, *, now: datetime | None = None, tz: tzinfo | None = None
) -> str | None:
    """Return the first plausible publication date in ``text`` as an ISO 8601 string.

    ``"2019-10-19"`` when only the day is known; ``"2019-10-19T09:30:00+01:00"`` when a time
    and an offset are known (from an ISO value, or a time in the text with ``tz`` given).
    None when there is no date, or it is invalid, before 1990, or more than one day after
    ``now`` (default: current UTC time): a wrong date is worse than none.

    A relative date («il y a 2 heures», «hier», «منذ يومين», "3 days ago") is read against
    ``now``, the crawl time, on the site's clock ``tz`` (default: ``now``'s own zone); an
    absolute date in the same text wins.
    """
    if not text:
        return None
    short = len(text) <= _SPELLED_CACHE_CHARS and isinstance(tz, ZoneInfo | timezone | None)
    norm, spelled = (_cached_spelled if short else _spelled)(text, tz)
    found = False
    for moment in spelled:
        found = True
        if (result := _accept(moment, now)) is not None:
            return result
    if found:  # a recognised but impossible date: do not let dateparser guess another
        return None
    if (relative := _relative(norm, _aware(now), tz)) is not None:
        return _accept(relative, now)
    return _fallback(text, norm, now)


def _spelled(text: str, tz: tzinfo | None) -> tuple[str, Iterable[_Moment | None]]:
    """The folded text, and each date it spells (None: impossible), read when asked for."""
    norm = _fold(text)
    matches = _DATE_RE.finditer(norm) if _ASCII_DIGIT_RE.search(norm) else ()
    return norm, (_from_match(match, norm, tz) for match in matches)


# A listing's teasers and a day's articles show the same few dates («12 - 11 - 2019»): a
# short text is read whole once per zone (not a pytz zone: it fails on a later 31/12/9999);
# whether a date is too far ahead is asked on each page (``_accept``), against its ``now``.
_SPELLED_CACHE_CHARS = 200


@lru_cache(maxsize=2048)
def _cached_spelled(text: str, tz: tzinfo | None) -> tuple[str, tuple[_Moment | None, ...]]:
    norm, spelled = _spelled(text, tz)
    return norm, tuple(spelled)


def _from_match(match: re.Match[str], norm: str, tz: tzinfo | None) -> _Moment | None:
    """Turn one regex match into a date, or an aware datetime when the offset is known."""
    kind = match.lastgroup
    if kind == "iso":
        return _from_iso(match, norm, tz)
    if kind == "ymd":
        y, m, d = match["yy"], match["ym"], match["yd"]
    elif kind == "num":
        y, m, d = match["ny"], match["nm"], match["nd"]
    elif kind == "dmy":
        y, m, d = match["ay"], _MONTH_LOOKUP[_key(match["am"])], match["ad"]
    else:
        y, m, d = match["by"], _MONTH_LOOKUP[_key(match["bm"])], match["bd"]
    return _build(int(y), int(m), int(d), _time_after(norm, match.end()), tz)


def _from_iso(match: re.Match[str], norm: str, tz: tzinfo | None) -> _Moment | None:
    """ISO values keep their own offset; a naive ISO time gets ``tz`` or is dropped."""
    if match["ih"] is None:  # date only; a time may still follow in text form
        y, m, d = int(match["iy"]), int(match["im"]), int(match["id"])
        return _build(y, m, d, _time_after(norm, match.end()), tz)
    offset = match["ioff"] or ""
    if offset == "z":
        offset = "+00:00"
    elif offset:  # ±HH, ±HHMM -> ±HH:MM, which every fromisoformat accepts
        offset = f"{offset[:3]}:{offset.replace(':', '')[3:5] or '00'}"
    stamp = (
        f"{match['iy']}-{match['im']}-{match['id']}"
        f"T{match['ih']}:{match['imin']}:{match['isec'] or '00'}{offset}"
    )
    try:
        moment = datetime.fromisoformat(stamp)
    except ValueError:
        return None
    if moment.year < _MIN_YEAR:
        return None
    if moment.tzinfo is not None:
        return moment
    return _attach(moment, tz) if tz is not None else moment.date()


def _time_after(norm: str, pos: int) -> _Time | None:
    """A valid time of day following a date, else None (an impossible time is ignored)."""
    match = _TIME_RE.match(norm, pos)
    if match is None:
        return None
    hour, minute = int(match[1]), int(match[2])
    second = int(match[3] or 0)
    if match[4] == "p" and hour < 12:
        hour += 12
    elif match[4] == "a" and hour == 12:
        hour = 0
    if hour > 23 or minute > 59 or second > 59:
        return None
    return hour, minute, second


def _build(
    year: int, month: int, day: int, time: _Time | None, tz: tzinfo | None
) -> _Moment | None:
    """Validate the calendar date; keep the time only when it can carry an offset."""
    if year < _MIN_YEAR:
        return None
    try:
        day_date = date(year, month, day)
    except ValueError:
        return None
    if time is None or tz is None:
        return day_date
    return _attach(datetime(year, month, day, *time), tz)


def _attach(naive: datetime, tz: tzinfo) -> datetime:
    """Attach ``tz``; pytz zones need ``localize`` or they yield the LMT offset."""
    localize = getattr(tz, "localize", None)
    return localize(naive) if callable(localize) else naive.replace(tzinfo=tz)


def _aware(now: datetime | None) -> datetime:
    """The crawl time, timezone-aware: the current time by default, a naive one is UTC."""
    if now is None:
        return datetime.now(timezone.utc)
    return now if now.tzinfo is not None else now.replace(tzinfo=timezone.utc)


def _relative(norm: str, now: datetime, tz: tzinfo | None) -> _Moment | None:
    """A date relative to ``now``, as precise as the text: a date for days («hier», «منذ
    يومين»), else a datetime cut to the unit counted in.  «il y a 2 heures» at 10:40 gives
    08:00, not 08:40: sites round such counts down, so the article appeared between 07:40
    and 08:40, and digits finer than the unit would be the crawl clock's, not the page's
    (the cut value still lies in that interval)."""
    zone = tz or now.tzinfo or timezone.utc
    today = now.astimezone(zone).date()
    for day in _DAY_RE.finditer(norm):
        time_match = _TIME_RE.match(norm, day.end())
        if _NOTHING_MORE_RE.fullmatch(norm, time_match.end() if time_match else day.end()):
            when = today + timedelta(days=_DAYS[_key(day["day"])].offset)
            return _build(when.year, when.month, when.day, _time_after(norm, day.end()), tz)
    match = _AGO_RE.search(norm)
    if match is None:
        return None
    side = "b" if match["bu"] else "a"
    unit = _UNITS[_key(match[f"{side}u"])]
    count = unit.alone
    if match[f"{side}n"]:
        count = int(match[f"{side}n"])
    elif match[f"{side}w"]:
        count = _NUMBERS[_key(match[f"{side}w"])]
    if unit.length >= DAY:
        when = today - count * unit.length
        return _build(when.year, when.month, when.day, None, None)
    moment = now.astimezone(timezone.utc) - count * unit.length  # elapsed time, not wall time
    wall = moment.astimezone(zone).replace(tzinfo=None)  # cut on the site's clock
    if wall.year < _MIN_YEAR:
        return None
    return (moment - (wall - datetime.min) % unit.length).astimezone(zone)


def _accept(moment: _Moment | None, now: datetime | None) -> str | None:
    """Serialise ``moment`` unless it is missing or in the future (beyond the slack)."""
    if moment is None:
        return None
    if now is None:
        now = datetime.now(timezone.utc)
    if isinstance(moment, datetime):
        ref = now if now.tzinfo is not None else now.replace(tzinfo=timezone.utc)
        if moment - ref > _FUTURE_SLACK:
            return None
        return moment.isoformat(timespec="seconds")
    if moment - now.date() > _FUTURE_SLACK:
        return None
    return moment.isoformat()


def _fallback(text: str, norm: str, now: datetime | None) -> str | None:
    """Last resort for unusual wordings; dateparser is slow, so gate it and import late."""
    if not _YEAR_RE.search(norm):
        return None
    cleaned = " ".join(text.translate(_CLEAN).split())
    if len(cleaned) > _FALLBACK_MAX_CHARS:
        return None
    try:
        import dateparser

        parsed = dateparser.parse(
            cleaned, languages=_DATEPARSER_LANGUAGES, settings=dict(_DATEPARSER_SETTINGS)
        )
    except Exception:  # dateparser raises assorted errors on odd input; never propagate
        return None
    if parsed is None:
        return None
    return _accept(_build(parsed.year, parsed.month, parsed.day, None, None), now)
