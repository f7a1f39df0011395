"""Give every record the contract's shape: titles of bounded length, URLs percent-encoded.

Text is cleaned once, where it is read: extraction (``extract/text.py``) gives NFC
text without invisible marks or control characters, spaces folded, and ``None``
for nothing, because it needs that clean text itself (boilerplate lines, empty
strip entries and the strip's digest are judged on it).  Cleaning it again here
changed nothing but cost a pass over every field.
"""

from __future__ import annotations

from typing import Any

from itemadapter import ItemAdapter
from w3lib.url import safe_url_string

from newsspider.extract.text import MAX_TITLE_CHARS, shorten
from newsspider.items import ARTICLE_SCHEMA, HEADLINES_SCHEMA
from newsspider.pipelines import record_of


def normalize_article(article: ItemAdapter) -> None:
    if title := article.get("title"):
        article["title"] = shorten(title, MAX_TITLE_CHARS)
    # A JSON-LD ``isBasedOn`` may carry spaces around the URL; inside, they are encoded.
    if "source_url" in article:
        source_url = article["source_url"]
        article["source_url"] = (
            safe_url_string(source_url.strip()) if source_url else None
        ) or None


def normalize_headlines(headlines: ItemAdapter) -> None:
    headlines["headlines"] = [
        {"title": entry["title"], "url": safe_url_string(entry["url"])}
        for entry in headlines.get("headlines") or []
    ]


class NormalizePipeline:
    def process_item(self, item: Any) -> Any:
        if (article := record_of(item, ARTICLE_SCHEMA)) is not None:
            normalize_article(article)
        elif (strip := record_of(item, HEADLINES_SCHEMA)) is not None:
            normalize_headlines(strip)
        return item
