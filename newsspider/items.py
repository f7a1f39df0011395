"""The record types written to JSON Lines: the contract downstream programs read.

Field order here is the key order in the output files; a field a page does not
have is ``None`` (``null``), never missing and never ``""``.  The JSON Schemas in
``newsspider/schemas/`` describe the same records; bump the ``schema`` version
when a field changes meaning.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

ARTICLE_SCHEMA = "newsspider.article/1"
HEADLINES_SCHEMA = "newsspider.headlines/1"


@dataclass
class Article:
    """One article page of an aggregator."""

    schema: str = field(default=ARTICLE_SCHEMA, init=False)
    id: str
    url: str
    site: str
    lang: str
    title: str | None
    source_name: str | None
    source_id: str | None
    source_url: str | None
    published: str | None
    body: str | None
    crawled_at: str


@dataclass
class ArticleWithSource(Article):
    """An aggregator's article with its original (``-a follow_source=true``):
    ``source_article`` is ``{url, final_url, title, body, published, authors, lang,
    fetched_at}``, or null when it could not be read (the reason is counted)."""

    source_article: dict[str, Any] | None = None


@dataclass
class NewsArticle(Article):
    """One article page of a site outside the family (the ``news`` spider).

    ``authors`` is the contract's optional key, after the required ones; ``site`` is
    the host and ``id`` is ``news:<host>:<digest of the path>``.
    """

    authors: list[str] | None = None


@dataclass
class Headlines:
    """The headline strip (ticker) of one site section at one moment."""

    schema: str = field(default=HEADLINES_SCHEMA, init=False)
    id: str
    site: str
    lang: str
    page_url: str
    crawled_at: str
    headlines: list[dict[str, str]]
