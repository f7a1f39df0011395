"""Extraction: HTML + URL → record fields.  Imports no Scrapy.

``page_for`` picks the template of the site that serves a URL; templates are
page objects (see ``maghress.py``) that the spider, the ``newsspider extract``
command and the tests call identically.
"""

from __future__ import annotations

from datetime import datetime

from newsspider.extract.maghress import MaghressPage
from newsspider.sites import Site

TEMPLATES: dict[str, type[MaghressPage]] = {"maghress": MaghressPage}


def page_for(
    html: str, url: str, site: Site, *, now: datetime | None = None, utf8: bytes | None = None
) -> MaghressPage:
    """The page object of ``site``'s template for one fetched page (``utf8``: its
    bytes, when they are the UTF-8 of ``html``, parsed directly)."""
    return TEMPLATES[site.template](html, url, site, now=now, utf8=utf8)
