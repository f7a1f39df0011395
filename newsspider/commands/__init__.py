"""Scrapy commands that replace the built-in ones for this project."""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from scrapy.settings import Settings


def project_settings(overrides: Iterable[str]) -> Settings:
    """The project's settings with ``-s NAME=VALUE`` overrides, for the ``newsspider``
    subcommands that read them without crawling.  ValueError names a malformed one."""
    from scrapy.utils.project import get_project_settings

    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "newsspider.settings")
    settings = get_project_settings()
    for setting in overrides:
        name, equals, value = setting.partition("=")
        if not equals:
            raise ValueError(f"settings are NAME=VALUE, got {setting!r}")
        settings.set(name, value, priority="cmdline")
    return settings
