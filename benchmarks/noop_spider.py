"""The floors: a spider that requests the given URLs and does nothing with them.

Used by ``benchmarks/performance.py`` with exactly the URLs newsspider fetched
and the same settings, so the ratio of the two is what newsspider's own work
costs on top of Scrapy.  ``-a parse=true`` makes it the parse-only arm: each page
parsed once with ``lxml.html.document_fromstring`` and the tree dropped, what a
spider that reads the whole page cannot do without.  ``-a items=true`` yields one
ready-made article per page instead, through every pipeline, feed and extension of
the project: Scrapy's item path, measured by ``benchmarks/components.py``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import lxml.html
import scrapy

from newsspider.items import Article
from newsspider.sites import SITES


class NoopSpider(scrapy.Spider):
    name = "noop"
    run_id = "bench"  # names the project's feed files

    def __init__(
        self, url_file: str = "", parse: str = "false", items: str = "false", **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        self.urls = Path(url_file).read_text(encoding="utf-8").split()
        self.parse_pages = parse == "true"
        self.items = items == "true"

    async def start(self) -> AsyncIterator[scrapy.Request]:
        for url in self.urls:
            yield scrapy.Request(url, callback=self.parse, dont_filter=True)

    def parse(self, response: scrapy.http.Response) -> Iterator[Article]:
        if self.parse_pages and response.body:
            lxml.html.document_fromstring(response.body)
        if self.items and (article_id := SITES["maghress"].article_id(response.url)):
            yield _article(article_id, response.url)


def _article(article_id: str, url: str) -> Article:
    """A plausible French article of ~2,000 characters, the same for every page."""
    return Article(
        id=article_id,
        url=url,
        site="maghress",
        lang="fr",
        title="Le conseil de la ville adopte le budget de l'année prochaine",
        source_name="Libération",
        source_id=article_id.split(":")[2],
        source_url="https://www.libe.ma/article-du-jour",
        published="2019-10-15T10:30:00+01:00",
        body="Le conseil a voté le budget après un long débat sur les priorités. " * 30,
        crawled_at="2026-12-01T12:00:00Z",
    )
