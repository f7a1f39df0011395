"""Give every record the contract's shape: titles of bounded length, URLs percent-encoded.

Text is cleaned once, where it is read: extraction (``extract/text.py``) gives NFC
text without invisible marks or control characters, spaces folded, and ``None``
for nothing, because it needs that clean text itself (boilerplate lines, empty
strip entries and the strip's digest are judged on it).  Cleaning it again here
changed nothing but cost a pass over every field.
"""

from __future__ import annotations

import re
from typing import Any

from itemadapter import ItemAdapter
from w3lib.url import safe_url_string

from newsspider.extract.text import MAX_TITLE_CHARS, shorten
from newsspider.items import ARTICLE_SCHEMA, HEADLINES_SCHEMA
from newsspider.pipelines import record_of

# A URL ``safe_url_string`` gives back unchanged, told in one match (~0.5 µs, where the
# call costs ~6): http(s), a lowercase ASCII host without port or user, a path, and a
# query and fragment that are not empty, all of characters it leaves as they are
# (``%`` included: it keeps every ``%``).  Most source links are such; any other goes
# through ``safe_url_string``.
_SAFE_URL = re.compile(
    r"https?://[a-z0-9-]+(?:\.[a-z0-9-]+)*"
    r"/[A-Za-z0-9\-._~:/@!$&'()*+,;=%]*"
    r"(?:\?[A-Za-z0-9\-._~:/?@!$&()*+,;=%]+)?"  # not "'": the query of http(s) encodes it
    r"(?:#[A-Za-z0-9\-._~:/?@!$&'()*+,;=%]+)?"
)


def safe_url(url: str) -> str:
    """``safe_url_string(url)``, without the call when it would change nothing."""
    return url if _SAFE_URL.fullmatch(url) else safe_url_string(url)


def normalize_article(article: ItemAdapter) -> None:
    if title := article.get("title"):
        article["title"] = shorten(title, MAX_TITLE_CHARS)
    # A JSON-LD ``isBasedOn`` may carry spaces around the URL; inside, they are encoded.
    if "source_url" in article:
        source_url = article["source_url"]
        article["source_url"] = (safe_url(source_url.strip()) if source_url else None) or None


def normalize_headlines(headlines: ItemAdapter) -> None:
    headlines["headlines"] = [
        {"title": entry["title"], "url": safe_url(entry["url"])}
        for entry in headlines.get("headlines") or []
    ]


class NormalizePipeline:
    def process_item(self, item: Any) -> Any:
        if (article := record_of(item, ARTICLE_SCHEMA)) is not None:
            normalize_article(article)
        elif (strip := record_of(item, HEADLINES_SCHEMA)) is not None:
            normalize_headlines(strip)
        return item
