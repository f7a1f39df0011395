"""Exit statuses of a run: what cron (or any caller) can act on.

Documented in the README; each health check in ``extensions/runreport.py``
names the one it gives.
"""

OK = 0  # the run finished; nothing new is a success too
USAGE = 2  # bad spider argument or setting: nothing was fetched
FAILED = 3  # the run failed: an exception, the site unreachable, closed early
NO_ARTICLES = 4  # pages fetched but no articles found: layout changed or site down
ERROR_RATE = 5  # too many requests failed (after retries)
COVERAGE = 6  # too many articles without a date, source name or source link
LOCKED = 75  # another run of this spider is in progress (EX_TEMPFAIL: retry later)

MEANING = {
    OK: "ok",
    USAGE: "bad arguments or settings",
    FAILED: "run failed",
    NO_ARTICLES: "no articles where some were expected",
    ERROR_RATE: "error rate above threshold",
    COVERAGE: "field coverage below threshold",
    LOCKED: "another run in progress",
}
