"""newsspider's defaults that depend on other settings, applied as a Scrapy add-on."""

from __future__ import annotations

from scrapy.settings import BaseSettings

from newsspider import __version__
from newsspider.distributed import REDIS_PARAMS, Keys, redis_url


class NewsspiderAddon:
    """Builds an identifying USER_AGENT from NEWSSPIDER_CONTACT_URL, turns
    ``NEWSSPIDER_REDIS_URL`` into scrapy-redis's settings (distributed mode), and
    switches off the endpoints that run code sent to the crawler.

    A user who sets USER_AGENT (``-s`` or their settings) keeps theirs: the
    add-on writes at "addon" priority, below "project" and "cmdline".
    """

    def update_settings(self, settings: BaseSettings) -> None:
        # A cron crawler needs no code-execution endpoint: Scrapy's remote control
        # (≥ 2.19, on by default) and its telnet console run whatever they are sent.
        for name in ("REMOTE_CONTROL_ENABLED", "TELNETCONSOLE_ENABLED"):
            settings.set(name, False, priority="addon")
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
