"""Spider arguments: declared once (type, default, help) and checked before any request.

``scrapy crawl maghress -a lang=xx`` must fail with one line naming the argument,
not a traceback: the crawl command (``newsspider/commands/crawl.py``) calls
``parse_args`` before the crawler starts, and the spider calls it again so that
programmatic runs get the same checks.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from newsspider.sites import Site


class ArgumentError(ValueError):
    """A bad spider argument; the message names it and says what is expected."""


@dataclass(frozen=True)
class CrawlArgs:
    """The validated arguments of one run."""

    langs: tuple[str, ...]
    sources: frozenset[str] | None
    since: date | None
    since_auto: bool
    until: date | None
    max_pages: int
    urls: tuple[str, ...]
    base_url: str
    full: bool
    incremental: bool | None  # None: the feeds decide (newsspider.feeds.stream_feeds)
    zone: tzinfo  # the site's clock: ``since`` and ``until`` are days there
    mode: str = "listings"  # LISTINGS or FEEDS: where article links come from
    follow_source: bool = False  # fetch each new record's original article

    def in_window(self, published: str | None) -> bool:
        """Whether an ISO date (or datetime) lies inside ``since``..``until``; unknown → yes."""
        if not published:
            return True
        day = published[:10]
        if len(published) > 10:  # a datetime: its day on the site's clock (feeds may say GMT)
            day = datetime.fromisoformat(published).astimezone(self.zone).date().isoformat()
        if self.since and day < self.since.isoformat():
            return False
        return not (self.until and day > self.until.isoformat())


@dataclass(frozen=True)
class Param:
    name: str
    default: str | None
    help: str
    parse: Callable[[str, Site], Any]


# How a run finds its article links: by walking the section and newspaper listings,
# or by polling the RSS feeds (conditional requests: cheap enough for every few minutes).
LISTINGS = "listings"
FEEDS = "feeds"
MODES = (LISTINGS, FEEDS)

_SLUG = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")


def _langs(value: str, site: Site) -> tuple[str, ...]:
    if value in ("both", "all"):
        return site.langs
    langs = tuple(dict.fromkeys(part.strip() for part in value.split(",") if part.strip()))
    unknown = [lang for lang in langs if lang not in site.sections]
    if not langs or unknown:
        known = ", ".join(site.langs)
        raise ArgumentError(f"expected one of {known} or 'both', got {value!r}")
    return langs


def _mode(value: str, _site: Site) -> str:
    mode = value.strip().lower()
    if mode not in MODES:
        raise ArgumentError(f"expected {' or '.join(MODES)}, got {value!r}")
    return mode


def _sources(value: str, _site: Site) -> frozenset[str] | None:
    slugs = [part.strip() for part in value.split(",") if part.strip()]
    bad = [slug for slug in slugs if not _SLUG.match(slug)]
    if bad:
        raise ArgumentError(f"not a newspaper slug (letters, digits, - and _): {bad[0]!r}")
    if not slugs:
        raise ArgumentError("expected comma-separated newspaper slugs, e.g. libe,hespress")
    return frozenset(slugs)


def _since(value: str, site: Site) -> date | str:
    """A date, or ``auto``: since the start of the last successful run."""
    return "auto" if value.strip() == "auto" else _date(value, site)


def _date(value: str, _site: Site) -> date:
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise ArgumentError(f"expected a date as YYYY-MM-DD, got {value!r}") from None


def _max_pages(value: str, _site: Site) -> int:
    try:
        number = int(value)
    except ValueError:
        raise ArgumentError(f"expected a whole number ≥ 1, got {value!r}") from None
    if number < 1:
        raise ArgumentError(f"expected a whole number ≥ 1, got {value!r}")
    return number


def _flag(value: str, _site: Site) -> bool:
    lowered = value.strip().lower()
    if lowered in ("1", "true", "yes", "on"):
        return True
    if lowered in ("0", "false", "no", "off", ""):
        return False
    raise ArgumentError(f"expected true or false, got {value!r}")


def _base_url(value: str, site: Site) -> str:
    try:
        parts = urlsplit(value.strip())
    except ValueError:
        raise ArgumentError(f"expected http(s)://host[:port], got {value!r}") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ArgumentError(f"expected http(s)://host[:port], got {value!r}")
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        raise ArgumentError(f"a mirror must be served at the root of its host, got {value!r}")
    try:
        parts.port  # noqa: B018 - raises on a bad port
    except ValueError:
        raise ArgumentError(f"bad port in {value!r}") from None
    return urlunsplit((parts.scheme, parts.netloc.lower(), "", "", ""))


def _urls(value: str, site: Site) -> tuple[str, ...]:
    if value.startswith("@"):
        path = Path(value[1:])
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as error:
            reason = getattr(error, "strerror", None) or str(error)
            raise ArgumentError(f"cannot read {str(path)!r}: {reason}") from None
        candidates = [line.strip() for line in lines]
        candidates = [line for line in candidates if line and not line.startswith("#")]
    else:
        candidates = [part.strip() for part in value.split(",") if part.strip()]
    if not candidates:
        raise ArgumentError("no URL given")
    for url in candidates:
        if urlsplit(url).scheme not in ("http", "https") or not site.parse_article_url(url):
            raise ArgumentError(f"not a {site.name} article URL: {url!r}")
    return tuple(dict.fromkeys(candidates))


PARAMS: tuple[Param, ...] = (
    Param(
        "lang",
        "both",
        "Sections to crawl: ar, fr, en (as the site has them; comma-separated) or both.",
        _langs,
    ),
    Param("sources", None, "Only these newspaper slugs, e.g. libe,hespress.", _sources),
    Param(
        "since",
        None,
        "Skip articles published before this date (YYYY-MM-DD), or 'auto': stop "
        "paginating listings at the last successful run (never skips an unknown article).",
        _since,
    ),
    Param("until", None, "Skip articles published after this date (YYYY-MM-DD).", _date),
    Param(
        "mode",
        LISTINGS,
        "listings: walk the sections' and newspapers' listings; feeds: poll their RSS "
        "feeds, with conditional requests (the cheap way to poll every few minutes).",
        _mode,
    ),
    Param("max_pages", "10", "Pages to follow in each listing (source page).", _max_pages),
    Param("urls", None, "Only these article URLs (comma-separated), or @FILE, one a line.", _urls),
    Param("base_url", None, "Crawl a mirror at this http(s)://host[:port] instead.", _base_url),
    Param("full", "false", "Ignore the incremental state: fetch and write every article.", _flag),
    Param(
        "incremental",
        None,
        "Use the incremental state: skip what earlier runs wrote, mark what this one "
        "writes. Default: yes, but no for a one-off -o/-O export.",
        _flag,
    ),
    Param(
        "follow_source",
        "false",
        "Fetch each new article's original (source_url) and add it as source_article.",
        _flag,
    ),
)


def arguments_help() -> str:
    """The arguments as declared above, for ``newsspider run --help`` (one description)."""
    lines = ["spider arguments (NAME=VALUE or -a NAME=VALUE; the news spider has its own):"]
    for param in PARAMS:
        default = "" if param.default is None else f" (default: {param.default})"
        text = f"{param.name}{default}: {param.help}"
        lines.append(textwrap.fill(text, 79, initial_indent="  ", subsequent_indent="      "))
    return "\n".join(lines)


def parse_args(site: Site, raw: Mapping[str, Any], *, today: date | None = None) -> CrawlArgs:
    """Check every argument; raise ``ArgumentError`` naming the first bad one.

    ``today`` is the day on the site's clock (default: now): ``since`` after it would
    skip every article, and a cron run would collect nothing, forever, with exit 0.
    """
    known = {param.name: param for param in PARAMS}
    for name in raw:
        if name not in known:
            names = ", ".join(known)
            raise ArgumentError(f"unknown argument {name!r} (known: {names})")
    values: dict[str, Any] = {}
    for param in PARAMS:
        value = raw.get(param.name, param.default)
        if value is None:
            values[param.name] = None
            continue
        try:
            values[param.name] = param.parse(str(value), site)
        except ArgumentError as error:
            raise ArgumentError(f"argument {param.name}: {error}") from None
    since_auto = values["since"] == "auto"
    if since_auto:
        values["since"] = None
    today = today or datetime.now(site.zone).date()
    if values["since"] and values["since"] > today:
        raise ArgumentError(
            f"argument since: {values['since']} is in the future "
            f"(today is {today} on {site.name}'s clock)"
        )
    if values["since"] and values["until"] and values["since"] > values["until"]:
        raise ArgumentError("argument until: must not be before since")
    base_url = values["base_url"] or site.default_base_url
    base_host = urlsplit(base_url).netloc
    for url in values["urls"] or ():
        host = urlsplit(url).netloc.lower()
        if not site.owns_host(host) and host != base_host:
            raise ArgumentError(
                f"argument urls: {url!r} is neither on {site.domain} nor on base_url"
            )
    return CrawlArgs(
        langs=values["lang"],
        sources=values["sources"],
        since=values["since"],
        since_auto=since_auto,
        until=values["until"],
        max_pages=values["max_pages"],
        urls=tuple(_on_base(url, base_url) for url in values["urls"] or ()),
        base_url=base_url,
        full=values["full"],
        incremental=values["incremental"],
        zone=site.zone,
        mode=values["mode"],
        follow_source=values["follow_source"],
    )


def _on_base(url: str, base_url: str) -> str:
    """Article URLs are fetched from the chosen host: a mirror keeps the live paths."""
    parts, base = urlsplit(url), urlsplit(base_url)
    return urlunsplit((base.scheme, base.netloc, parts.path, parts.query, ""))
