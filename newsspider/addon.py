"""newsspider as a Scrapy add-on: its pipelines, feeds, state, run report and checks
in any Scrapy project, with the defaults of ``newsspider/settings.py``.

``ADDONS = {"newsspider.addon.NewsspiderAddon": 0}`` in another project's settings
brings every setting of ``newsspider/settings.py`` but those that make a project
(its name, spider modules, command module, log level, add-ons): each default is
defined once, there, and this project's own settings enable the add-on too.
"""

from __future__ import annotations

from typing import Any

from scrapy.addons import AddonManager
from scrapy.crawler import Crawler
from scrapy.settings import BaseSettings

import newsspider.settings
from newsspider import __version__
from newsspider.distributed import REDIS_PARAMS, Keys, redis_url

# What makes newsspider a project of its own: another project keeps its own values.
PROJECT_ONLY = frozenset(
    {"BOT_NAME", "SPIDER_MODULES", "NEWSPIDER_MODULE", "COMMANDS_MODULE", "LOG_LEVEL", "ADDONS"}
)
# Component tables: ours join the project's entry by entry (its own pipelines stay, and
# an entry it sets, to None say, wins); every other setting is taken whole, when the
# project does not set it (its own FEEDS replace ours).
MERGED = frozenset(
    {
        "ITEM_PIPELINES",
        "EXTENSIONS",
        "DOWNLOADER_MIDDLEWARES",
        "DOWNLOAD_HANDLERS",
        "FEED_STORAGES",
        "FEED_EXPORTERS",
    }
)


def defaults() -> dict[str, Any]:
    """The settings the add-on brings, as ``newsspider/settings.py`` defines them."""
    return {
        name: value
        for name, value in vars(newsspider.settings).items()
        if name.isupper() and name not in PROJECT_ONLY
    }


class NewsspiderAddon:
    """Brings newsspider's defaults (``defaults()``), builds an identifying USER_AGENT
    from NEWSSPIDER_CONTACT_URL, and turns ``NEWSSPIDER_REDIS_URL`` into
    scrapy-redis's settings (distributed mode).

    Everything is written at "addon" priority, below "project" and "cmdline": a
    project's settings module and ``-s`` keep their values (USER_AGENT too).
    """

    def update_settings(self, settings: BaseSettings) -> None:
        for name, value in defaults().items():
            if name in MERGED and isinstance(table := settings[name], BaseSettings):
                for component, order in value.items():
                    table.set(component, order, priority="addon")
            else:
                settings.set(name, value, priority="addon")
        contact = settings.get("NEWSSPIDER_CONTACT_URL")
        user_agent = f"newsspider/{__version__} (+{contact})" if contact else None
        if user_agent:
            settings.set("USER_AGENT", user_agent, priority="addon")
        if url := redis_url(settings):
            keys = Keys.of(settings, "%(spider)s")
            distributed = {
                "SCHEDULER": "newsspider.distributed.frontier.FrontierScheduler",
                "DUPEFILTER_CLASS": "scrapy_redis.dupefilter.RFPDupeFilter",
                "REDIS_URL": url,
                "SCHEDULER_QUEUE_KEY": keys.requests,
                "SCHEDULER_DUPEFILTER_KEY": keys.dupefilter,
                # scrapy-redis's defaults (30 s timeouts, retry on timeout) outlast a
                # worker's TTL and can pop a request twice.
                "REDIS_PARAMS": REDIS_PARAMS,
            }
            for name, value in distributed.items():
                settings.set(name, value, priority="addon")


def final_settings(crawler: Crawler) -> BaseSettings:
    """The settings the crawl will run with, add-ons included, for a spider's
    ``from_crawler``: Scrapy builds the spider before it applies the add-ons (a
    spider may still change settings there), and in another project the feeds
    the spider names its run after come from this add-on."""
    if crawler.settings.frozen:  # applied already (scrapy.utils.test.get_crawler)
        return crawler.settings
    settings = crawler.settings.copy()
    AddonManager(crawler).load_settings(settings)
    return settings
