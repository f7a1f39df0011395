"""An offline mirror of the Maghress news aggregator, served on loopback.

``make demo``, the end-to-end tests and the golden-file tests crawl it instead of the real
site: the same markup (JSF noise, headline strip, two article layouts, paginated listings,
feeds) with known content, so what a crawl extracts can be compared with :class:`Article`
objects. Content lives in ``content/*.json``, markup in ``templates/``.

    site = load_site()
    site.render("/fr/libe/32145")          # Response(status, headers, body), no HTTP
    with DemoSite() as server:             # real HTTP server on a free port
        server.base_url, server.requests
"""

from .render import (
    SECTIONS,
    SPECIAL,
    Article,
    Markup,
    Response,
    Site,
    Source,
    load_site,
    teaser_text,
)
from .server import DemoSite, serve

__all__ = [
    "SECTIONS",
    "SPECIAL",
    "Article",
    "DemoSite",
    "Markup",
    "Response",
    "Site",
    "Source",
    "load_site",
    "serve",
    "teaser_text",
]
