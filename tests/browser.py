"""Debian's chromium, headless, driven through Debian's chromedriver by selenium.

Both come from the system (``make chromium`` installs them): the paths are given
to selenium, so its manager never looks for, nor downloads, a browser or a driver.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager

from selenium import webdriver
from selenium.webdriver.chrome.service import Service


def system_binary(name: str) -> str:
    path = shutil.which(name)
    assert path, (
        f"{name} is not installed: run `make chromium` (Debian's chromium, chromium-driver)"
    )
    return path


@contextmanager
def chromium(width: int = 1400, height: int = 1000) -> Iterator[webdriver.Chrome]:
    """A headless chromium window of ``width`` × ``height`` CSS pixels."""
    options = webdriver.ChromeOptions()
    options.binary_location = system_binary("chromium")
    options.add_argument("--headless=new")
    options.add_argument(f"--window-size={width},{height}")
    options.add_argument("--disable-dev-shm-usage")  # containers mount a tiny /dev/shm
    if os.geteuid() == 0:
        options.add_argument("--no-sandbox")  # chromium refuses to run as root otherwise
    driver = webdriver.Chrome(
        options=options, service=Service(executable_path=system_binary("chromedriver"))
    )
    try:
        yield driver
    finally:
        driver.quit()
