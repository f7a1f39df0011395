"""How the sites write dates relative to the visit: «il y a 2 heures», «منذ ساعتين», "yesterday".

One table per language; a new wording is one line.  ``dates.parse_date`` folds the keys the
way it folds page text (case, accents, hamza-on-alef, Arabic-Indic digits), so «Il y a» and
«il y a», or «أمس» and «امس», need one line; plurals are lines of their own.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from enum import Enum

__all__ = ["DAY", "HOUR", "MINUTE", "RELATIVE", "SECOND", "Ago", "Day", "Unit"]


class Ago(Enum):
    """Where the word for "ago" stands: before the count («il y a 2 h») or after ("2 h ago")."""

    BEFORE = "before"
    AFTER = "after"


@dataclass(frozen=True)
class Unit:
    """A unit a relative date counts in.  ``alone`` is the count the word means with no number
    before it: Arabic says «منذ ساعة» for one hour, and has duals («ساعتين», two hours)."""

    length: timedelta
    alone: int = 1


@dataclass(frozen=True)
class Day:
    """A day named from today: «hier» is ``Day(-1)``."""

    offset: int


SECOND, MINUTE, HOUR, DAY = (timedelta(seconds=n) for n in (1, 60, 3600, 86400))

# A number word (an ``int``) stands for a count.  Weeks and months are left out on purpose:
# they do not tell the day, and a wrong date is worse than none.
RELATIVE: dict[str, dict[str, Ago | Unit | Day | int]] = {
    "fr": {
        "il y a": Ago.BEFORE,
        "seconde": Unit(SECOND),
        "secondes": Unit(SECOND),
        "minute": Unit(MINUTE),
        "minutes": Unit(MINUTE),
        "min": Unit(MINUTE),
        "mn": Unit(MINUTE),
        "heure": Unit(HOUR),
        "heures": Unit(HOUR),
        "h": Unit(HOUR),
        "jour": Unit(DAY),
        "jours": Unit(DAY),
        "un": 1,
        "une": 1,
        "aujourd'hui": Day(0),
        "aujourd’hui": Day(0),
        "hier": Day(-1),
        "avant-hier": Day(-2),
        "avant hier": Day(-2),
    },
    "ar": {
        "منذ": Ago.BEFORE,
        "قبل": Ago.BEFORE,
        "ثانية": Unit(SECOND),
        "ثوان": Unit(SECOND),
        "ثواني": Unit(SECOND),
        "ثانيتين": Unit(SECOND, 2),
        "دقيقة": Unit(MINUTE),  # one, and 11 or more: «منذ 15 دقيقة»
        "دقائق": Unit(MINUTE),  # 3 to 10: «منذ 3 دقائق»
        "دقيقتين": Unit(MINUTE, 2),
        "دقيقتان": Unit(MINUTE, 2),
        "ساعة": Unit(HOUR),
        "ساعات": Unit(HOUR),
        "ساعتين": Unit(HOUR, 2),
        "ساعتان": Unit(HOUR, 2),
        "يوم": Unit(DAY),
        "أيام": Unit(DAY),
        "يومين": Unit(DAY, 2),
        "يومان": Unit(DAY, 2),
        "واحدة": 1,
        "اليوم": Day(0),
        "أمس": Day(-1),
        "الأمس": Day(-1),
        "البارحة": Day(-1),
        "أول أمس": Day(-2),
        "أول من أمس": Day(-2),
    },
    "en": {
        "ago": Ago.AFTER,
        "second": Unit(SECOND),
        "seconds": Unit(SECOND),
        "sec": Unit(SECOND),
        "secs": Unit(SECOND),
        "minute": Unit(MINUTE),
        "minutes": Unit(MINUTE),
        "mins": Unit(MINUTE),
        "hour": Unit(HOUR),
        "hours": Unit(HOUR),
        "hr": Unit(HOUR),
        "hrs": Unit(HOUR),
        "day": Unit(DAY),
        "days": Unit(DAY),
        "a": 1,
        "an": 1,
        "one": 1,
        "today": Day(0),
        # A line stamped the moment it appeared still tells the day.
        "just now": Day(0),
        "yesterday": Day(-1),
        "the day before yesterday": Day(-2),
        "day before yesterday": Day(-2),
    },
}
