"""Item pipelines, one file each, in order: normalise → validate → de-duplicate →
incremental (skip what earlier runs wrote).

Each reads items through ``itemadapter``, so a record may be the project's
dataclass, a dict, a ``scrapy.Item`` or an attrs class: what makes it a record
is its ``schema`` field, as in the files (``newsspider.article/1``).
"""

from __future__ import annotations

from typing import Any

from itemadapter import ItemAdapter

# The last item adapted, with its adapter: every pipeline asks for the same item
# in turn, and finding an item's adapter class costs more than the pipeline's work.
# Held here, the item cannot be freed and another take its place in memory.
_last_adapted: list[tuple[Any, ItemAdapter | None]] = [(None, None)]


def record_of(item: Any, schema: str) -> ItemAdapter | None:
    """``item`` as an adapter when it is a record of kind ``schema``, else None
    (another spider's item passes our pipelines untouched)."""
    last, adapter = _last_adapted[0]
    if last is not item:
        adapter = ItemAdapter(item) if ItemAdapter.is_item(item) else None
        _last_adapted[0] = (item, adapter)
    return adapter if adapter is not None and adapter.get("schema") == schema else None
