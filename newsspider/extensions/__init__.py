"""Scrapy extensions, one file each, switched on by NEWSSPIDER_* settings."""
