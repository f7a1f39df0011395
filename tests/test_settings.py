"""The settings a crawl really runs with: no endpoint that runs code sent to the crawler.

Scrapy ≥ 2.19 starts a remote-control HTTP server in every crawl unless
``REMOTE_CONTROL_ENABLED`` is off; ``get_crawler`` turns it off by itself, so
these crawlers are built from the project's settings over Scrapy's defaults,
as ``scrapy crawl`` builds them.
"""

from __future__ import annotations

from scrapy.crawler import AsyncCrawlerRunner, Crawler, CrawlerRunner
from scrapy.settings import Settings
from scrapy.utils.reactor import is_reactor_installed
from scrapy.utils.test import get_reactor_settings

from newsspider.addon import NewsspiderAddon
from newsspider.spiders.maghress import MaghressSpider

CODE_RUNNERS = ("REMOTE_CONTROL_ENABLED", "TELNETCONSOLE_ENABLED")


def project_crawler() -> Crawler:
    settings = Settings()
    settings.setmodule("newsspider.settings", priority="project")
    # No state: the crawler is only built, never run (the state would take its lock).
    settings.setdict({**get_reactor_settings(), "NEWSSPIDER_STATE_ENABLED": False}, "project")
    runner = CrawlerRunner(settings) if is_reactor_installed() else AsyncCrawlerRunner(settings)
    crawler = runner.create_crawler(MaghressSpider)
    crawler._apply_settings()  # builds the add-ons and extensions, as get_crawler does
    return crawler


def test_a_crawl_has_no_remote_control_nor_telnet_console() -> None:
    crawler = project_crawler()
    assert [crawler.settings.getbool(name) for name in CODE_RUNNERS] == [False, False]
    loaded = {type(extension).__name__ for extension in crawler.extensions.middlewares}
    assert "RunReport" in loaded, "the extensions really were built"
    assert not loaded & {"RemoteControl", "TelnetConsole"}


def test_the_add_on_alone_switches_them_off_and_a_user_may_switch_them_on() -> None:
    """A project that uses only the add-on gets the same; `-s NAME=True` still wins."""
    settings = Settings()  # Scrapy's defaults: both on
    assert all(settings.getbool(name) for name in CODE_RUNNERS)
    NewsspiderAddon().update_settings(settings)
    assert not any(settings.getbool(name) for name in CODE_RUNNERS)

    chosen = Settings({"REMOTE_CONTROL_ENABLED": True}, priority="cmdline")
    NewsspiderAddon().update_settings(chosen)
    assert chosen.getbool("REMOTE_CONTROL_ENABLED")
