"""An offline mirror of the Maghress family of news aggregators, served on loopback.

``make demo``, the end-to-end tests and the golden-file tests crawl it instead of the real
sites: the same markup (JSF noise, headline strip, two article layouts, paginated listings,
feeds) with known content, so what a crawl extracts can be compared with
:class:`FixtureArticle` objects. Content lives in ``content/`` (Maghress) and
``content/<site>/`` (a sister site, e.g. ``djazairess``), markup in ``templates/``.

    site = load_site()                     # Maghress; load_site(site="djazairess")
    site.render("/fr/libe/32145")          # Response(status, headers, body), no HTTP
    with DemoSite() as server:             # real HTTP server on a free port
        server.base_url, server.requests
    with DemoFamily(["maghress", "djazairess"]) as family:   # one port per site
        family["djazairess"].base_url

The rooms: ``content.py`` (what a site shows) and ``loading.py`` (its files, checked);
``controls.py`` (the test controls, one lock); ``routes.py`` (path -> page); the renderers
``chrome.py``, ``article.py``, ``listing.py``, ``feed.py``; ``faults.py`` (per-path faults and
the responses they give); ``site.py`` (:class:`FixtureSite`, which ties them together, with
``cache.py``); ``server.py`` (HTTP); ``synthetic.py`` (invented text and archives);
``news_site.py`` (a generic news site for the ``news`` spider, and originals for
``follow_source``).

Test controls act on the live server between two crawls (thread-safe)::

    article = server.site.add_article("fr")          # new «Dépêche n°1 …», top of its listings
    server.site.advance_clock()                      # new articles default to the clock's date
    server.site.set_faults(error_share=0.3)          # 30 % of article pages answer 500
    server.site.clear_faults(); server.clear_requests()

A hostile web, for tests that a crawl survives it (all undone by ``clear_faults()``)::

    server.site.add_path_fault("/fr/libe/32145", "status", status=503, times=2)
    server.site.add_path_fault("/fr/libe/*", "slow", seconds=3)   # also reset, truncate,
    # charset, malformed, oversize, redirect, content: see FixtureSite.add_path_fault
    server.site.set_robots(["/fr/libe"])
    server.site.set_hostile_links(["javascript:alert(1)", "http://10.1.2.3/x"])
    server.site.set_duplicate_links(True)
    server.site.serve_rss("fr", b"<?xml ...")

``load_site(synthetic=10_000, page_kb=120)`` builds a deep, heavy site for benchmarks.
"""

from .content import SECTIONS, FixtureArticle, Markup, Source, teaser_text
from .controls import Faults
from .faults import NetworkFaults, PathFault
from .loading import SPECIAL, fixture_sites
from .response import Response
from .server import DemoFamily, DemoSite, MirrorsNotWritten, serve
from .site import FixtureSite, load_site

__all__ = [
    "SECTIONS",
    "SPECIAL",
    "DemoFamily",
    "DemoSite",
    "Faults",
    "FixtureArticle",
    "FixtureSite",
    "Markup",
    "MirrorsNotWritten",
    "NetworkFaults",
    "PathFault",
    "Response",
    "Source",
    "fixture_sites",
    "load_site",
    "serve",
    "teaser_text",
]
