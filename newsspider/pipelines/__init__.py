"""Item pipelines, one file each, in order: normalise → validate → de-duplicate →
incremental (skip what earlier runs wrote).

Each reads items through ``itemadapter``, so a record may be the project's
dataclass, a dict, a ``scrapy.Item`` or an attrs class: what makes it a record
is its ``schema`` field, as in the files (``newsspider.article/1``).
"""

from __future__ import annotations

from typing import Any

from itemadapter import ItemAdapter


def record_of(item: Any, schema: str) -> ItemAdapter | None:
    """``item`` as an adapter when it is a record of kind ``schema``, else None
    (another spider's item passes our pipelines untouched)."""
    if not ItemAdapter.is_item(item):
        return None
    adapter = ItemAdapter(item)
    return adapter if adapter.get("schema") == schema else None
