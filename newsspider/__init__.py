"""newsspider: Scrapy spiders for the Maghress family of news aggregators.

``from newsspider import extract_page``: one page's records as the crawl writes
them (``newsspider/library.py``), imported on first use so that ``import
newsspider`` (settings, the command line) does not load the extraction stack.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"
__all__ = ["PageExtract", "__version__", "extract_page"]

if TYPE_CHECKING:
    from newsspider.library import PageExtract, extract_page


def __getattr__(name: str) -> Any:
    if name in ("extract_page", "PageExtract"):
        from newsspider import library

        return getattr(library, name)
    raise AttributeError(f"module 'newsspider' has no attribute {name!r}")
