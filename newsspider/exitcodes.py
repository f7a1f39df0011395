"""Every exit status of a run, in one plan: what cron (or any caller) can act on.

``ExitStatus`` lists them from the most to the least severe; a new status is
one line, placed where its severity puts it.  Each health check in
``newsspider/checks.py`` names the status it gives; a command that runs several
sites exits with ``most_severe`` of their statuses.

The order, and why:

1. USAGE: nothing ran, and nothing will until someone edits the command or the
   settings; it never heals by itself, so it must not hide behind a failure
   that the next run may not repeat.  STATE_DAMAGED next: nothing ran either,
   and a run would write the whole archive again, until someone rebuilds or
   resets the state (``newsspider state …``).
2. FAILED: the run did not do its job (closed early, records or state lost):
   the output is incomplete.
   INTERRUPTED: a stop signal (SIGTERM, Ctrl-C) ended the run before its end:
   what it wrote is kept (or salvaged by the next run), the rest waits for it.
3. UNKNOWN_SOURCE: a newspaper the user asked for is in no menu: under cron
   nothing of it would ever be collected, until the command is fixed.
   NO_ARTICLES, NO_HEADLINES: one kind of record stopped coming (a layout
   changed, the site is down): everything of that kind is lost until fixed.
4. MOJIBAKE: records were dropped because their text was garbled by a wrong
   decoding: those articles are lost from the output.
5. ERROR_RATE, COVERAGE: the run finished but its output is thin or poor.
   Statuses 3 to 5 are in the order the checks are tried, so that one run's
   status is also the most severe of its failing checks.
6. LOCKED: this run stood aside for one in progress; try again later.
7. OK.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import IntEnum, unique


@unique
class ExitStatus(IntEnum):
    """An exit status and what it means; declared from the most to the least severe."""

    meaning: str

    def __new__(cls, code: int, meaning: str) -> ExitStatus:
        status = int.__new__(cls, code)
        status._value_ = code
        status.meaning = meaning
        return status

    USAGE = 2, "bad arguments or settings"  # nothing was fetched
    STATE_DAMAGED = 9, "state damaged or lost"  # nothing was fetched: rebuild or reset it
    FAILED = 3, "run failed"  # an exception, the site unreachable, closed early, records lost
    REDIS_RESTARTED = 11, "Redis restarted or lost its data during the run"  # distributed
    INTERRUPTED = 130, "stopped by a signal"  # SIGTERM or SIGINT, once (graceful) or twice
    UNKNOWN_SOURCE = 10, "unknown source"  # sources= names a paper no menu read lists
    NO_ARTICLES = 4, "no articles where some were expected"  # layout changed or site down
    NO_HEADLINES = 8, "pages without a headline strip"  # the strip's markup changed
    MOJIBAKE = 7, "records garbled by a wrong decoding"  # dropped, not written
    ERROR_RATE = 5, "error rate above threshold"  # requests that failed after their retries
    COVERAGE = 6, "field coverage below threshold"  # articles without date or source
    LOCKED = 75, "another run in progress"  # EX_TEMPFAIL: retry later
    OK = 0, "ok"  # the run finished; nothing new is a success too


# Most severe first: the declaration order of ExitStatus.
SEVERITY: tuple[ExitStatus, ...] = tuple(ExitStatus)

# The names callers use (``exitcodes.FAILED``).
OK = ExitStatus.OK
USAGE = ExitStatus.USAGE
STATE_DAMAGED = ExitStatus.STATE_DAMAGED
FAILED = ExitStatus.FAILED
REDIS_RESTARTED = ExitStatus.REDIS_RESTARTED
INTERRUPTED = ExitStatus.INTERRUPTED
NO_ARTICLES = ExitStatus.NO_ARTICLES
NO_HEADLINES = ExitStatus.NO_HEADLINES
MOJIBAKE = ExitStatus.MOJIBAKE
ERROR_RATE = ExitStatus.ERROR_RATE
COVERAGE = ExitStatus.COVERAGE
UNKNOWN_SOURCE = ExitStatus.UNKNOWN_SOURCE
LOCKED = ExitStatus.LOCKED

MEANING: dict[int, str] = {status: status.meaning for status in ExitStatus}


def status_of(code: int) -> ExitStatus:
    """The plan's status for an exit code; a code outside the plan (a Python
    traceback exits 1, a killed child -9) is a failed run."""
    return next((status for status in ExitStatus if status == code), FAILED)


def most_severe(codes: Iterable[int]) -> ExitStatus:
    """The status of a command that ran several sites: the most severe of theirs (OK if none)."""
    return min((status_of(code) for code in codes), key=SEVERITY.index, default=OK)
