"""Normalise records so every writer and reader sees the same contract.

Extraction already cleans what it reads; this pipeline is the one place that
enforces the contract whatever produced the item: NFC text without invisible
marks, ``null`` instead of ``""``, URLs percent-encoded.
"""

from __future__ import annotations

from typing import Any

from w3lib.url import safe_url_string

from newsspider.extract.text import or_none
from newsspider.items import Article, Headlines

_TEXT_FIELDS = ("title", "source_name", "source_id", "published")
# Real headlines stay under 300 characters; a longer "title" is usually body text
# caught by a broken page.  It is cut (at a word) rather than the article lost.
MAX_TITLE_CHARS = 500


def shorten(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    return (cut.rsplit(" ", 1)[0] if " " in cut[limit // 2 :] else cut) + "…"


def normalize_article(article: Article) -> Article:
    for name in _TEXT_FIELDS:
        setattr(article, name, or_none(getattr(article, name)))
    if article.title:
        article.title = shorten(article.title, MAX_TITLE_CHARS)
    if article.body is not None:
        article.body = article.body.strip() or None
    if article.source_url:
        article.source_url = safe_url_string(article.source_url.strip())
    article.source_url = article.source_url or None
    return article


def normalize_headlines(headlines: Headlines) -> Headlines:
    headlines.headlines = [
        {"title": title, "url": safe_url_string(entry["url"])}
        for entry in headlines.headlines
        if (title := or_none(entry.get("title"))) and entry.get("url")
    ]
    return headlines


class NormalizePipeline:
    def process_item(self, item: Any) -> Any:
        if isinstance(item, Article):
            return normalize_article(item)
        if isinstance(item, Headlines):
            return normalize_headlines(item)
        return item
