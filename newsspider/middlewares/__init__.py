"""Downloader middlewares, one file each."""
