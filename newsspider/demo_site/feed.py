"""The RSS feeds (a section's, a newspaper's) and robots.txt.

Feeds carry ``ETag`` and ``Last-Modified`` and answer a conditional request for the
version the client has with 304, as the real site's front end does for its feeds.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from datetime import datetime, timezone
from email.utils import format_datetime, parsedate_to_datetime

from .chrome import rss_path, shown_datetime
from .content import Content, teaser_text
from .controls import Snapshot
from .response import Response, response
from .templates import esc, fill, template

RSS_COUNT = 20


def feed(content: Content, snapshot: Snapshot, lang: str, slug: str | None, base: str) -> Response:
    """The feed of section ``lang`` (or of newspaper ``slug``), its links on ``base``
    (``http://127.0.0.1:8000``, or the real site when the request named no host)."""
    if slug is None and lang in snapshot.rss:
        return _validated(response(200, "application/rss+xml", snapshot.rss[lang]), None)
    body = _rss(content, snapshot, lang, slug, base)
    served = response(200, "application/rss+xml; charset=UTF-8", body.encode("utf-8"))
    return _validated(served, _newest(content, snapshot, lang, slug))


def _newest(content: Content, snapshot: Snapshot, lang: str, slug: str | None) -> datetime | None:
    articles = content.newest(lang, slug, None)[:RSS_COUNT]
    dated = [w for a in articles if (w := shown_datetime(content, snapshot, a))]
    return max(dated) if dated else None


def _validated(served: Response, modified: datetime | None) -> Response:
    """The feed with its validators: an ``ETag`` from its bytes, and ``Last-Modified``,
    the newest item's time, when an item is dated."""
    headers = dict(served.headers)
    headers["ETag"] = f'"{hashlib.sha1(served.body).hexdigest()[:16]}"'
    if modified is not None:
        headers["Last-Modified"] = format_datetime(modified.astimezone(timezone.utc), usegmt=True)
    return Response(served.status, headers, served.body)


def conditional(served: Response, request_headers: Mapping[str, str]) -> Response:
    """304, headers only, when the client holds the version ``served`` is (RFC 9110 §13:
    ``If-None-Match`` decides when sent, else ``If-Modified-Since``); else ``served``."""
    etag = served.headers.get("ETag")
    if served.status != 200 or etag is None:
        return served
    if (wanted := request_headers.get("If-None-Match")) is not None:
        fresh = etag in [tag.strip() for tag in wanted.split(",")] or wanted.strip() == "*"
    else:
        fresh = _not_modified_since(served.headers.get("Last-Modified"), request_headers)
    if not fresh:
        return served
    kept: dict[str, str] = {
        name: served.headers[name] for name in ("ETag", "Last-Modified") if name in served.headers
    }
    return Response(304, kept, b"")


def _not_modified_since(modified: str | None, request_headers: Mapping[str, str]) -> bool:
    since = request_headers.get("If-Modified-Since")
    if modified is None or since is None:
        return False
    try:
        return parsedate_to_datetime(modified) <= parsedate_to_datetime(since)
    except (TypeError, ValueError, IndexError):  # an unreadable date: the whole feed
        return False


def _rss(content: Content, snapshot: Snapshot, lang: str, slug: str | None, base: str) -> str:
    loc = content.locale[lang]
    articles = content.newest(lang, slug, None)[:RSS_COUNT]
    items = []
    for article in articles:
        when = shown_datetime(content, snapshot, article)
        pub_date = f"<pubDate>{format_datetime(when)}</pubDate>\n" if when else ""
        items.append(
            fill(
                "rss_item.xml",
                title=esc(article.title),
                link=esc(base + article.path),
                pub_date=pub_date,
                category=esc(loc["sections"][article.section]),
                description=esc(teaser_text(article)),
            ).rstrip("\n")
        )
    dated = [w for a in articles if (w := shown_datetime(content, snapshot, a))]
    last_build = f"<lastBuildDate>{format_datetime(max(dated))}</lastBuildDate>" if dated else ""
    title = loc["rss_title"]
    source = content.source(slug) if slug else None
    if source is not None:
        title = f"{title} - {source.name}"
    home = source.path if source is not None else loc["home"]
    return fill(
        "rss.xml",
        title=esc(title),
        link=esc(base + home),
        self=esc(base + rss_path(lang, slug)),
        description=esc(loc["rss_description"]),
        lang=lang,
        generator=esc(content.display_name),
        last_build=last_build,
        items="\n".join(items),
    )


def robots(snapshot: Snapshot) -> Response:
    """The default robots.txt, or one for every user agent with the test's Disallow lines."""
    if snapshot.robots is None:
        body = template("robots.txt").template.encode("utf-8")
    else:
        lines = [f"Disallow: {path}".rstrip() for path in snapshot.robots] or ["Disallow:"]
        body = "\n".join(["User-agent: *", *lines, ""]).encode("utf-8")
    return response(200, "text/plain; charset=utf-8", body)
