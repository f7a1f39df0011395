"""Give every record the contract's shape: titles of bounded length, URLs percent-encoded.

Text is cleaned once, where it is read: extraction (``extract/text.py``) gives NFC
text without invisible marks or control characters, spaces folded, and ``None``
for nothing, because it needs that clean text itself (boilerplate lines, empty
strip entries and the strip's digest are judged on it).  Cleaning it again here
changed nothing but cost a pass over every field.
"""

from __future__ import annotations

from typing import Any

from w3lib.url import safe_url_string

from newsspider.extract.text import MAX_TITLE_CHARS, shorten
from newsspider.items import Article, Headlines


def normalize_article(article: Article) -> Article:
    if article.title:
        article.title = shorten(article.title, MAX_TITLE_CHARS)
    # A JSON-LD ``isBasedOn`` may carry spaces around the URL; inside, they are encoded.
    if article.source_url:
        article.source_url = safe_url_string(article.source_url.strip())
    article.source_url = article.source_url or None
    return article


def normalize_headlines(headlines: Headlines) -> Headlines:
    headlines.headlines = [
        {"title": entry["title"], "url": safe_url_string(entry["url"])}
        for entry in headlines.headlines
    ]
    return headlines


class NormalizePipeline:
    def process_item(self, item: Any) -> Any:
        if isinstance(item, Article):
            return normalize_article(item)
        if isinstance(item, Headlines):
            return normalize_headlines(item)
        return item
