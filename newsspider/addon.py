"""newsspider's defaults that depend on other settings, applied as a Scrapy add-on."""

from __future__ import annotations

from scrapy.settings import BaseSettings

from newsspider import __version__


class NewsspiderAddon:
    """Builds an identifying USER_AGENT from NEWSSPIDER_CONTACT_URL.

    A user who sets USER_AGENT (``-s`` or their settings) keeps theirs: the
    add-on writes at "addon" priority, below "project" and "cmdline".
    """

    def update_settings(self, settings: BaseSettings) -> None:
        contact = settings.get("NEWSSPIDER_CONTACT_URL")
        user_agent = f"newsspider/{__version__} (+{contact})" if contact else None
        if user_agent:
            settings.set("USER_AGENT", user_agent, priority="addon")
