"""Request path -> what the page shows: the site's URL scheme in one function.

A route is a tuple, also the render cache's key:

- ``("robots",)``
- ``("home", lang)``
- ``("listing", lang, "section" | "source", name, page)``
- ``("rss", lang, slug | None)``
- ``("article", path)``
- ``("notfound", lang)``
"""

from __future__ import annotations

import math
from urllib.parse import parse_qs, urlsplit

from .content import SECTIONS, Content

Route = tuple[object, ...]

PER_PAGE = 5  # teasers per listing page


def route(content: Content, raw: str) -> Route:
    """Map a request path (query string allowed) to what it shows."""
    parts = urlsplit(raw)
    path = parts.path.rstrip("/") or "/"
    if path == "/robots.txt":
        return ("robots",)
    segments = [] if path == "/" else path[1:].split("/")
    lang = content.site.lang_of_url(path) or "ar"
    rest = segments[1:] if content.site.sections.get(lang) else segments
    if not rest:
        return ("home", lang)
    if rest == ["rss"]:
        return ("rss", lang, None)
    if len(rest) == 1:
        name = rest[0]
        if name in SECTIONS:
            listing: tuple[str, str] = ("section", name)
            count = len(content.newest(lang, None, name))
        elif (source := content.source(name)) and source.lang == lang:
            listing = ("source", name)
            count = len(content.newest(lang, name, None))
        else:
            return ("notfound", lang)
        page_values = parse_qs(parts.query).get("page", ["1"])
        page = int(page_values[0]) if page_values[0].isdigit() else 0
        if not 1 <= page <= max(1, math.ceil(count / PER_PAGE)):
            return ("notfound", lang)
        return ("listing", lang, *listing, page)
    if len(rest) == 2:
        slug, tail = rest
        source = content.source(slug)
        if tail == "rss" and source and source.lang == lang:
            return ("rss", lang, slug)
        if path in content.by_path:
            return ("article", path)
    return ("notfound", lang)
