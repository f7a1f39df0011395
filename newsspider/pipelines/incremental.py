"""Drop articles an earlier run already wrote: each id is written once across runs.

The spider already skips known article URLs; this is the backstop for pages
fetched anyway (``urls=``, a strip link).  A known id whose body changed at the
source is dropped too, unless ``NEWSSPIDER_EMIT_REVISIONS`` is on: then it is
written again, as a new revision.
"""

from __future__ import annotations

from typing import Any

from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem, NotConfigured

from newsspider.items import ARTICLE_SCHEMA
from newsspider.pipelines import record_of
from newsspider.state import State, body_hash, state_for


class IncrementalPipeline:
    def __init__(self, crawler: Crawler, store: State) -> None:
        self.crawler = crawler
        self.store = store
        self.emit_revisions = crawler.settings.getbool("NEWSSPIDER_EMIT_REVISIONS")

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> IncrementalPipeline:
        store = state_for(crawler)
        if store is None:
            raise NotConfigured("NEWSSPIDER_STATE_ENABLED is off")
        return cls(crawler, store)

    def process_item(self, item: Any) -> Any:
        skip_known = getattr(self.crawler.spider, "skip_known", True)  # False with full=true
        article = record_of(item, ARTICLE_SCHEMA)
        if article is None or not skip_known:
            return item
        article_id = article["id"]
        if not self.store.is_known(article_id):
            return item
        stats = self.crawler.stats
        assert stats is not None
        if self.store.body_hash(article_id) == body_hash(article.get("body")):
            stats.inc_value("newsspider/state/known")
            raise DropItem(f"already written by an earlier run: {article_id}", log_level="DEBUG")
        stats.inc_value("newsspider/state/changed")
        if self.emit_revisions:
            return item
        raise DropItem(f"changed at the source, revisions off: {article_id}", log_level="DEBUG")
