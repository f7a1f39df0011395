"""Registry of the aggregators newsspider knows: hosts, sections, URL shapes.

The Maghress family shares one software and one template, so a sister site is an
entry here, not a copy of code.  Everything that ties a URL to a record id lives
in this module, so that a mirror (``base_url``), ``http://`` or the bare domain
all give the same ids.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

# /fr/libe/32145, /hespress/385472, /en/ahram/123 — the id is digits, per source.
_ARTICLE_PATH = re.compile(
    r"^/(?:(?P<section>[a-z]{2})/)?(?P<slug>[A-Za-z0-9_.-]+)/(?P<num>\d+)/?$"
)
# /fr/libe, /hespress — a newspaper's listing page.
_SOURCE_PATH = re.compile(r"^/(?:(?P<section>[a-z]{2})/)?(?P<slug>[A-Za-z0-9_.-]+)/?$")

# Slugs that look like newspapers but are site pages (sections, feeds, menus).
RESERVED_SLUGS = frozenset(
    {
        "politics",
        "economics",
        "international",
        "sports",
        "society",
        "culture",
        "religion",
        "health",
        "video",
        "rss",
        "search",
        "author",
        "fr",
        "en",
        "ar",
    }
)


@lru_cache(maxsize=4096)
def _article_parts(url: str) -> tuple[str | None, str, str] | None:
    """``(section prefix, slug, number)`` of an article URL's path, parsed once per URL:
    a listing page's ~100 links recur on every page, and each is checked several times."""
    match = _ARTICLE_PATH.match(urlsplit(url).path)
    if not match or match["slug"] in RESERVED_SLUGS:
        return None
    return match["section"], match["slug"], match["num"]


@dataclass(frozen=True)
class Site:
    """One aggregator of the family.

    ``sections`` maps a language to its path prefix: Arabic lives at the root,
    French under ``/fr``, English under ``/en``.  ``timezone`` (an IANA name) is
    the site's clock: relative dates («hier», «منذ ساعتين») and times printed
    without an offset are read in it.
    """

    name: str
    domain: str
    sections: dict[str, str]
    timezone: str
    template: str = "maghress"

    @property
    def zone(self) -> ZoneInfo:
        """The site's time zone; ``ZoneInfo`` caches one object per name."""
        return ZoneInfo(self.timezone)

    @property
    def hosts(self) -> tuple[str, ...]:
        return (f"www.{self.domain}", self.domain)

    @property
    def default_base_url(self) -> str:
        return f"https://www.{self.domain}"

    @property
    def langs(self) -> tuple[str, ...]:
        return tuple(self.sections)

    def section_home(self, lang: str) -> str:
        """Path of a language section's home page: ``/`` or ``/fr``."""
        return self.sections[lang] or "/"

    def feed_path(self, lang: str) -> str:
        """A section's RSS feed: ``/rss``, ``/fr/rss``."""
        return f"{self.sections[lang]}/rss"

    def source_feed_path(self, lang: str, slug: str) -> str:
        """A newspaper's RSS feed: ``/hespress/rss``, ``/fr/libe/rss``."""
        return f"{self.sections[lang]}/{slug}/rss"

    def parse_source_feed_url(self, url: str) -> tuple[str, str] | None:
        """``(lang, source_slug)`` of a newspaper's feed URL, whatever its host."""
        path = urlsplit(url).path
        return self.parse_source_url(path.removesuffix("/rss")) if path.endswith("/rss") else None

    def lang_of_prefix(self, prefix: str | None) -> str | None:
        wanted = f"/{prefix}" if prefix else ""
        for lang, section_prefix in self.sections.items():
            if section_prefix == wanted:
                return lang
        return None

    def lang_of_url(self, url: str) -> str | None:
        """The section a page belongs to, from its first path segment."""
        first = urlsplit(url).path.strip("/").split("/", 1)[0]
        return self.lang_of_prefix(first) or self.lang_of_prefix(None)

    def parse_article_url(self, url: str) -> tuple[str, str, str] | None:
        """``(lang, source_slug, number)`` of an article URL, whatever its host."""
        parts = _article_parts(url)
        if parts is None:
            return None
        lang = self.lang_of_prefix(parts[0])
        if lang is None:
            return None
        return lang, parts[1], parts[2]

    def parse_source_url(self, url: str) -> tuple[str, str] | None:
        """``(lang, source_slug)`` of a newspaper listing URL, whatever its host."""
        match = _SOURCE_PATH.match(urlsplit(url).path)
        if not match or match["slug"] in RESERVED_SLUGS:
            return None
        lang = self.lang_of_prefix(match["section"])
        if lang is None:
            return None
        return lang, match["slug"]

    def canonical_article_url(self, url: str, base_url: str) -> str | None:
        """One URL per article on ``base_url``: variants (``?utm_…``, a trailing
        slash, ``http``, the bare host) collapse, so each article is fetched once."""
        parsed = self.parse_article_url(url)
        if parsed is None:
            return None
        lang, slug, number = parsed
        return f"{base_url}{self.sections[lang]}/{slug}/{number}"

    def article_id(self, url: str) -> str | None:
        """Stable record id, e.g. ``maghress:fr:libe:32145``."""
        parsed = self.parse_article_url(url)
        if parsed is None:
            return None
        lang, slug, number = parsed
        return f"{self.name}:{lang}:{slug}:{number}"

    def owns_host(self, host: str) -> bool:
        host = host.lower().split(":")[0]
        return host in self.hosts


SITES: dict[str, Site] = {
    site.name: site
    for site in (
        Site("maghress", "maghress.com", {"ar": "", "fr": "/fr"}, "Africa/Casablanca"),
        Site("djazairess", "djazairess.com", {"ar": "", "fr": "/fr"}, "Africa/Algiers"),
        Site("turess", "turess.com", {"ar": "", "fr": "/fr"}, "Africa/Tunis"),
        Site("masress", "masress.com", {"ar": "", "en": "/en"}, "Africa/Cairo"),
        Site("sauress", "sauress.com", {"ar": "", "en": "/en"}, "Asia/Riyadh"),
        Site("sudaress", "sudaress.com", {"ar": ""}, "Africa/Khartoum"),
        Site("yemeress", "yemeress.com", {"ar": ""}, "Asia/Aden"),
    )
}


def site_for_url(url: str) -> Site | None:
    """The registered site that serves ``url`` on its own hosts, if any."""
    host = urlsplit(url).hostname or ""
    for site in SITES.values():
        if site.owns_host(host):
            return site
    return None
