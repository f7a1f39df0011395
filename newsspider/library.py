"""The library call: one page's bytes (or text) and URL → the records the crawl writes.

``extract_page`` is what ``newsspider extract`` prints and what the tests hold the
crawl to: the page object decodes the page as the spider's does (Content-Type,
stray bytes, the section's legacy charset), and its records go through the same
normalise and validate steps as the crawl's item pipelines.  What the crawl
leaves to a whole run (the since/until window, de-duplication, the incremental
state) is not a page's business and is not done here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from itemadapter import ItemAdapter

from newsspider.extract import page_from_response
from newsspider.items import ARTICLE_SCHEMA, HEADLINES_SCHEMA, Article, Headlines
from newsspider.pipelines.normalize import normalize_article, normalize_headlines
from newsspider.pipelines.validate import article_problem, headlines_problem
from newsspider.records import page_records
from newsspider.sites import SITES, Site, site_for_url


@dataclass(frozen=True)
class PageExtract:
    """What one page gives: ``records`` as the crawl writes them (dicts in the JSON
    Lines key order: the headline strip first, then the article), ``dropped`` the
    records validation refused (kind → the reason the crawl counts under
    ``newsspider/dropped/…``), ``no_article`` why there is no article record."""

    records: list[dict[str, Any]]
    dropped: dict[str, str] = field(default_factory=dict)
    no_article: str | None = None

    @property
    def article(self) -> dict[str, Any] | None:
        return next((r for r in self.records if r["schema"] == ARTICLE_SCHEMA), None)

    @property
    def headlines(self) -> dict[str, Any] | None:
        return next((r for r in self.records if r["schema"] == HEADLINES_SCHEMA), None)


def extract_records(
    body: bytes, url: str, site: Site
) -> tuple[list[Article | Headlines], str | None]:
    """The records as the crawl's items (dataclasses), and why no article if none."""
    records, _dropped, reason = _extract(body, url, site, content_type=None, now=None)
    return records, reason


def extract_page(
    page: bytes | str,
    url: str,
    headers: Mapping[str, str | bytes] | None = None,
    *,
    site: str | None = None,
    now: datetime | None = None,
) -> PageExtract:
    """The records the crawl writes for one page of a Maghress-family site.

    ``page``: the raw bytes as fetched (any charset; ``headers``' Content-Type
    helps decode them), or text already decoded.  ``url``: the absolute URL the
    page came from; it names the record ids, the section's language and, by its
    host, the site (``site=`` names it for a mirror or a saved copy; default
    Maghress).  ``now``: the crawl time relative dates ("il y a 2 heures") count
    from and ``crawled_at`` says; default: now.
    """
    content_type: str | None
    if isinstance(page, str):
        # Text has no charset left to guess: it is read as the UTF-8 it encodes to.
        body, content_type = page.encode("utf-8", "replace"), "text/html; charset=utf-8"
    else:
        body, content_type = page, _content_type(headers or {})
    if site is not None and site not in SITES:
        raise ValueError(f"no site named {site!r} (known: {', '.join(SITES)})")
    chosen = SITES[site] if site else site_for_url(url) or SITES["maghress"]
    records, dropped, reason = _extract(body, url, chosen, content_type=content_type, now=now)
    return PageExtract([ItemAdapter(r).asdict() for r in records], dropped, reason)


def _extract(
    body: bytes,
    url: str,
    site: Site,
    *,
    content_type: str | None,
    now: datetime | None,
) -> tuple[list[Article | Headlines], dict[str, str], str | None]:
    """The kept records, the dropped ones' reasons by kind, why no article."""
    crawled_at = now.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ") if now else None
    page = page_from_response(url, body, content_type, site, now=now)
    found = page_records(page, crawled_at=crawled_at)
    kept: list[Article | Headlines] = []
    dropped: dict[str, str] = {}
    if found.headlines is not None:
        strip = ItemAdapter(found.headlines)
        normalize_headlines(strip)
        if problem := headlines_problem(strip):
            dropped["headlines"] = problem
        else:
            kept.append(found.headlines)
    if found.article is None:
        return kept, dropped, found.reason
    article = ItemAdapter(found.article)
    normalize_article(article)
    if problem := article_problem(article):
        dropped["article"] = problem
        return kept, dropped, f"the article was dropped: {problem}"
    return [*kept, found.article], dropped, None


def _content_type(headers: Mapping[str, str | bytes]) -> str | None:
    """The Content-Type header, whatever its case; bytes as a Scrapy response has them."""
    for name, value in headers.items():
        if name.lower() == "content-type":
            return value.decode("latin-1") if isinstance(value, bytes) else value
    return None
