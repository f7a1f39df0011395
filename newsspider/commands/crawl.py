"""``scrapy crawl`` that rejects bad spider arguments before anything starts.

Without this, an argument error raised in the spider's ``__init__`` surfaces as
a Twisted traceback after the log has started.  Here it is checked while the
command line is parsed: one line on stderr, exit status 2, no request, no file.
"""

from __future__ import annotations

import argparse
import sys

from scrapy.commands.crawl import Command as ScrapyCrawlCommand
from scrapy.spiderloader import get_spider_loader
from scrapy.utils.conf import feed_process_params_from_cli

from newsspider.params import ArgumentError, parse_args
from newsspider.sites import SITES

USAGE_ERROR = 2


class Command(ScrapyCrawlCommand):
    def process_options(self, args: list[str], opts: argparse.Namespace) -> None:
        super().process_options(args, opts)
        if self.settings is None:
            return
        if opts.output or opts.overwrite_output:
            # Scrapy merges -o/-O into the project's FEEDS; a user who names a
            # file wants that file only, not our per-kind files besides it.
            without_ours = self.settings.copy()
            del without_ours["FEEDS"]
            feeds = feed_process_params_from_cli(
                without_ours, opts.output, overwrite_output=opts.overwrite_output
            )
            del self.settings["FEEDS"]
            self.settings.set("FEEDS", feeds, priority="cmdline")
        if len(args) != 1:
            return
        try:
            spider_class = get_spider_loader(self.settings).load(args[0])
        except KeyError:
            return  # Scrapy's own "Spider not found" follows
        site_name = getattr(spider_class, "site_name", None)
        if site_name not in SITES:
            return
        try:
            parse_args(SITES[site_name], opts.spargs)
        except ArgumentError as error:
            sys.stderr.write(f"scrapy crawl {args[0]}: error: {error}\n")
            raise SystemExit(USAGE_ERROR) from None
