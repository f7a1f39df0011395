"""Spiders decide which pages to visit and in what order; extraction lives in ``extract``."""
