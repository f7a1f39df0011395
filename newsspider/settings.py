"""Scrapy settings for newsspider: grouped, commented defaults, no logic.

Override any of them with ``-s NAME=VALUE`` or in your own settings module.
"""

BOT_NAME = "newsspider"
SPIDER_MODULES = ["newsspider.spiders"]
NEWSPIDER_MODULE = "newsspider.spiders"
# Our `crawl` checks spider arguments before the first request (one-line errors).
COMMANDS_MODULE = "newsspider.commands"

# --- Politeness ---------------------------------------------------------------
# Who we are: sites can reach the operator.  Set NEWSSPIDER_CONTACT_URL to your
# own page; the add-on builds USER_AGENT from it unless you set USER_AGENT.
NEWSSPIDER_CONTACT_URL = "https://github.com/newsspider/newsspider"
ROBOTSTXT_OBEY = True
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 2.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 2.0
DOWNLOAD_DELAY = 0.5  # the floor AutoThrottle never goes below
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 4
# Items of one response processed at once.  The pipelines are synchronous, so
# more buys nothing, and Scrapy starts that many asyncio tasks per response
# (100 by default: more CPU than parsing the page).
CONCURRENT_ITEMS = 1
# No remote shells into the crawl: Scrapy's telnet console and its remote-control HTTP
# endpoint (Scrapy ≥ 2.19, on by default) both run any Python code they are sent, and
# the latter leaves its token in a job file under the user's state folder.
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False

# --- Robustness -------------------------------------------------------------------
DOWNLOAD_TIMEOUT = 30
DOWNLOAD_MAXSIZE = 8 * 1024 * 1024  # real pages are ~110 KB; anything this big is not one
DOWNLOAD_WARNSIZE = 2 * 1024 * 1024
# DOWNLOAD_MAXSIZE counts body bytes only: response headers have their own cap (the
# status line and headers of one response; real ones are under 2 KB).  Past it the
# request fails with HeadersTooLarge (newsspider/downloader.py).
NEWSSPIDER_MAX_HEADER_BYTES = 64 * 1024
DOWNLOAD_HANDLERS = {
    "http": "newsspider.downloader.CappedHeadersDownloadHandler",
    "https": "newsspider.downloader.CappedHeadersDownloadHandler",
}
RETRY_ENABLED = True
RETRY_TIMES = 3
# Retries wait 1 s, 2 s, 4 s… (at least the site's Retry-After, at most the cap).
NEWSSPIDER_RETRY_BACKOFF_BASE = 1.0
NEWSSPIDER_RETRY_BACKOFF_MAX = 30.0
# Scrapy's own, in their places; ours raise a typed IgnoreRequest for each reason
# (newsspider.exceptions), so the spider's errback tells them apart by type.
DOWNLOADER_MIDDLEWARES = {
    "scrapy.downloadermiddlewares.offsite.OffsiteMiddleware": None,
    "newsspider.middlewares.offsite.TypedOffsiteMiddleware": 50,
    # Before robots.txt: the robots.txt of a refused host is not fetched either.
    "newsspider.middlewares.sourceguard.SourceGuardMiddleware": 60,
    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
    "newsspider.middlewares.robotstxt.TypedRobotsTxtMiddleware": 100,
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "newsspider.middlewares.retry.BackoffRetryMiddleware": 550,
    "scrapy.downloadermiddlewares.redirect.MetaRefreshMiddleware": None,
    "newsspider.middlewares.redirect.TypedMetaRefreshMiddleware": 580,
    "scrapy.downloadermiddlewares.httpcompression.HttpCompressionMiddleware": None,
    "newsspider.middlewares.compression.TypedHttpCompressionMiddleware": 590,
    "scrapy.downloadermiddlewares.redirect.RedirectMiddleware": None,
    "newsspider.middlewares.redirect.LoopAwareRedirectMiddleware": 600,
}
REDIRECT_MAX_TIMES = 5
# follow_source=true: the original articles may be fetched from loopback addresses
# (the tests' second server); never in production, where a page could aim a link at them.
NEWSSPIDER_SOURCE_ALLOW_LOOPBACK = False

# --- Pipelines: normalise → validate → de-duplicate → skip what earlier runs wrote ----
ITEM_PIPELINES = {
    "newsspider.pipelines.normalize.NormalizePipeline": 100,
    "newsspider.pipelines.validate.ValidatePipeline": 200,
    "newsspider.pipelines.dedupe.DedupePipeline": 300,
    "newsspider.pipelines.incremental.IncrementalPipeline": 400,
}

# --- Incremental state (cron runs) ---------------------------------------------------
# Which article ids earlier runs wrote, and when runs succeeded: data/state/<spider>.sqlite.
# A run writes only articles no earlier run wrote (`-a full=true` ignores the state).
NEWSSPIDER_STATE_ENABLED = True
NEWSSPIDER_STATE_DIR = "data/state"  # also holds <spider>.lock: one run at a time
NEWSSPIDER_SINCE_AUTO_MARGIN_DAYS = 2  # since=auto stops listings this long before the last run
NEWSSPIDER_EMIT_REVISIONS = False  # write a known article again when its body changed
# The feeds (FEEDS keys) whose files the state follows: the cron stream; empty: all of
# FEEDS.  `scrapy crawl -o/-O` is a one-off export: it neither skips known articles nor
# marks what it writes, unless run with -a incremental=true.
NEWSSPIDER_STATE_FEEDS: list[str] = []

# --- Distributed mode: several workers share one frontier and one state in Redis ----
# Off while empty; e.g. redis://queue-host:6379/0.  Then scrapy-redis schedules and
# de-duplicates requests, and the incremental state lives in the same Redis.
NEWSSPIDER_REDIS_URL = ""
NEWSSPIDER_REDIS_PREFIX = "newsspider"  # keys are <prefix>:<spider>:…
NEWSSPIDER_WORKER_ID = ""  # names this worker's files and lock; default: the host name
NEWSSPIDER_REDIS_IDLE_TIMEOUT = 20.0  # seconds of empty frontier before a worker ends
NEWSSPIDER_REDIS_WORKER_TTL = 30  # a worker silent this long is dead; its requests are requeued
# The state lives in Redis: a server that keeps its data in memory only (neither
# appendonly yes nor a save policy) is refused, unless this says it is fine (a test).
NEWSSPIDER_REDIS_ALLOW_VOLATILE = False

# --- Run report and exit status --------------------------------------------------------
# data/<spider>/runs/<run_id>.json; the thresholds of the checks that set the exit status.
NEWSSPIDER_REPORT_DIR = "data/%(name)s/runs"
NEWSSPIDER_MIN_ARTICLE_YIELD = 0.5  # articles found / article pages fetched, below → exit 4
# Pages (home, listing, article) without a headline strip, above → exit 8, judged only
# on at least NEWSSPIDER_HEADLINES_MIN_PAGES pages: every page of the family shows it.
NEWSSPIDER_MAX_MISSING_HEADLINES = 0.5
NEWSSPIDER_HEADLINES_MIN_PAGES = 10
# Articles dropped as garbled by a wrong decoding / articles, above → exit 7 (0: any).
NEWSSPIDER_MAX_MOJIBAKE = 0.0
NEWSSPIDER_MAX_ERROR_RATE = 0.1  # requests failed after retries / requests, above → exit 5
NEWSSPIDER_ERROR_RATE_MIN_REQUESTS = 20  # fewer requests in a run: the error rate is not judged
NEWSSPIDER_MAX_MISSING_PUBLISHED = 0.1  # share of articles without a date, above → exit 6
NEWSSPIDER_MAX_MISSING_SOURCE_NAME = 0.1
NEWSSPIDER_MAX_MISSING_SOURCE_URL = 0.1
NEWSSPIDER_COVERAGE_MIN_ARTICLES = 10  # fewer validated articles in a run: coverage not judged

# Runs whose report, log (of `newsspider run`) and stats file (when NEWSSPIDER_STATS_FILE
# names %(run_id)s) are kept; older ones are deleted as a run ends (0: keep all).
NEWSSPIDER_KEEP_RUNS = 100

# The report reads what the others put in the stats: they come first, so that
# their handlers of the same signal (feed_exporter_closed) run before its own.
EXTENSIONS = {
    "newsspider.extensions.incremental.IncrementalState": 400,
    "newsspider.extensions.prune.PruneRuns": 450,  # before the files that count what it did
    "newsspider.extensions.statsfile.StatsFile": 500,
    "newsspider.extensions.feedaudit.FeedAudit": 550,
    "newsspider.extensions.runreport.RunReport": 600,
    "newsspider.extensions.progress.Progress": 700,
    "newsspider.extensions.alerts.Alerts": 800,
    "newsspider.extensions.collector.CollectorTuning": 900,
}
# Python's collector looks at the youngest objects every this many allocations during a
# crawl (Python's default: 700), start-up objects frozen; 0 leaves the collector alone.
NEWSSPIDER_GC_THRESHOLD = 10_000
# A live progress line on stderr (`newsspider run` turns it on when stderr is a terminal).
NEWSSPIDER_PROGRESS = False
# Path of a JSON file that receives the run's final stats (off when empty).
NEWSSPIDER_STATS_FILE = ""
# POST the run report (JSON, with a Slack-compatible "text") to this URL when the run
# exits non-zero ("failure") or after every run ("always"); off while empty.  A webhook
# that is down or slow never fails the run: it waits NEWSSPIDER_ALERT_TIMEOUT seconds
# at most, and the report counts the alert as failed.
NEWSSPIDER_ALERT_WEBHOOK = ""
NEWSSPIDER_ALERT_ON = "failure"
NEWSSPIDER_ALERT_TIMEOUT = 5.0

ADDONS = {"newsspider.addon.NewsspiderAddon": 0}

# --- Output: JSON Lines, one file per record kind and run -----------------------------
# Files are written as NAME.part and renamed when complete (newsspider.feeds), so
# a reader never sees a half-written line under the final name.  `-o`/`-O` on the
# command line replace these, as in any Scrapy project.
FEED_EXPORT_ENCODING = "utf-8"  # Arabic and French as text, never \u-escaped
# Gzip every file feed (NAME.jsonl.gz), record by record so that a killed run loses none;
# a feed whose name ends in .gz is gzipped anyway.
NEWSSPIDER_GZIP = False
FEED_STORE_EMPTY = False  # a run that found nothing new leaves no empty file behind
FEED_STORAGES = {
    "": "newsspider.feeds.AtomicFileFeedStorage",
    "file": "newsspider.feeds.AtomicFileFeedStorage",
}
# Scrapy's JSON Lines exporter, noting the ids it writes for the incremental state.
FEED_EXPORTERS = {
    "jsonlines": "newsspider.feeds.JsonLinesExporter",
    "jsonl": "newsspider.feeds.JsonLinesExporter",  # what `-O out.jsonl` picks
    "jl": "newsspider.feeds.JsonLinesExporter",
}
FEEDS = {
    "data/%(name)s/articles-%(run_id)s.jsonl": {
        "format": "jsonlines",
        "item_classes": ["newsspider.items.Article"],
    },
    "data/%(name)s/headlines-%(run_id)s.jsonl": {
        "format": "jsonlines",
        "item_classes": ["newsspider.items.Headlines"],
    },
}

LOG_LEVEL = "INFO"
