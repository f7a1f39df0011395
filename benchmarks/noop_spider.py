"""The floors: a spider that requests the given URLs and does nothing with them.

Used by ``benchmarks/performance.py`` with exactly the URLs newsspider fetched
and the same settings, so the ratio of the two is what newsspider's own work
costs on top of Scrapy.  ``-a parse=true`` makes it the parse-only arm: each page
parsed once with ``lxml.html.document_fromstring`` and the tree dropped, what a
spider that reads the whole page cannot do without.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import lxml.html
import scrapy


class NoopSpider(scrapy.Spider):
    name = "noop"

    def __init__(self, url_file: str = "", parse: str = "false", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.urls = Path(url_file).read_text(encoding="utf-8").split()
        self.parse_pages = parse == "true"

    async def start(self) -> AsyncIterator[scrapy.Request]:
        for url in self.urls:
            yield scrapy.Request(url, callback=self.parse, dont_filter=True)

    def parse(self, response: scrapy.http.Response) -> None:
        if self.parse_pages and response.body:
            lxml.html.document_fromstring(response.body)
