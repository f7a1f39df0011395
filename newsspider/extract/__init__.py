"""Extraction: HTML + URL → record fields.  Imports no Scrapy.

``page_from_response`` turns one fetched page (URL, bytes, Content-Type) into the
page object of its site's template; templates are page objects (see
``maghress.py``) that the spider, the ``newsspider extract`` command and the
tests build and call identically.
"""

from __future__ import annotations

from datetime import datetime

from newsspider.extract.charset import Decoded, decode_page
from newsspider.extract.maghress import MaghressPage
from newsspider.sites import Site

TEMPLATES: dict[str, type[MaghressPage]] = {"maghress": MaghressPage}


def page_for(
    html: str,
    url: str,
    site: Site,
    *,
    now: datetime | None = None,
    utf8: bytes | None = None,
    lang: str | None = None,
    decoded: Decoded | None = None,
) -> MaghressPage:
    """The page object of ``site``'s template for one page's text (``utf8``: its
    bytes, when they are the UTF-8 of ``html``, parsed directly)."""
    return TEMPLATES[site.template](html, url, site, now=now, utf8=utf8, lang=lang, decoded=decoded)


def page_from_response(
    url: str,
    body: bytes,
    content_type: str | None,
    site: Site,
    *,
    now: datetime | None = None,
) -> MaghressPage:
    """The page object of one fetched page, decoded from its own bytes.

    The section's language is worked out here, once: it names the legacy charset
    of a page whose declaration is missing or wrong, and the page keeps it.
    ``page.decoded`` says how: whether the declaration had to be overruled
    (``repaired``) and how many stray bytes were repaired (``repaired_bytes``).
    """
    lang = site.lang_of_url(url)
    decoded = decode_page(body, content_type, lang)
    return page_for(
        decoded.text,
        url,
        site,
        now=now,
        utf8=decoded.utf8,
        lang=lang,
        decoded=decoded,
    )
