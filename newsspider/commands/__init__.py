"""Scrapy commands that replace the built-in ones for this project."""
