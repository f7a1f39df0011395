"""The RSS feeds (a section's, a newspaper's) and robots.txt."""

from __future__ import annotations

from email.utils import format_datetime

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
        return response(200, "application/rss+xml", snapshot.rss[lang])
    body = _rss(content, snapshot, lang, slug, base)
    return response(200, "application/rss+xml; charset=UTF-8", body.encode("utf-8"))


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
