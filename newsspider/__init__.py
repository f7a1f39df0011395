"""newsspider: Scrapy spiders for the Maghress family of news aggregators."""

__version__ = "0.1.0"
