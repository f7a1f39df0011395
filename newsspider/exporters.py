"""Scrapy's JSON Lines exporter, writing the project's records without its per-field lookups.

Scrapy reads each field of an item through a new ``ItemAdapter`` and asks the
field's metadata for a serializer: a third of writing a record.  The record
dataclasses (``newsspider.items``) declare no serializer, so their fields, in
declaration order and as they are, are what Scrapy would write; any other item,
or a feed that picks its fields, goes through Scrapy's own path.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import fields
from typing import Any

from scrapy.exporters import JsonLinesItemExporter

from newsspider.items import Article, ArticleWithSource, Headlines, NewsArticle

# Each record type's fields, in output order, found once per class.
RECORD_FIELDS: dict[type, tuple[str, ...]] = {
    cls: tuple(field.name for field in fields(cls))
    for cls in (Article, ArticleWithSource, NewsArticle, Headlines)
}


class RecordLinesExporter(JsonLinesItemExporter):
    def get_serialized_fields(
        self, item: Any, default_value: Any = None, include_empty: bool | None = None
    ) -> Iterable[tuple[str, Any]]:
        if self.fields_to_export is None and (names := RECORD_FIELDS.get(type(item))):
            return ((name, getattr(item, name)) for name in names)
        return super().get_serialized_fields(item, default_value, include_empty)
