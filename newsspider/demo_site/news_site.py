"""A small news site outside the family, for the ``news`` spider: articles, a sitemap
index with a news sitemap, an RSS feed and a page that is no article.

Served like :class:`DemoSite` on loopback port 0, rendered on each request from
``NewsSite.articles``, so a test can add an article between two crawls.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType

PUBLISHER = "The Harbour Herald"
# Paths answered with a 302 (an article moved; a link bounced to a private address).
REDIRECTS = {"/moved/": "/news/dredging-plan/", "/to-private/": "http://10.255.255.1/admin"}


@dataclass(frozen=True)
class NewsItem:
    slug: str
    title: str
    published: str  # ISO 8601 with offset
    author: str
    paragraphs: tuple[str, ...]

    @property
    def path(self) -> str:
        return f"/news/{self.slug}/"


def _paragraphs(topic: str) -> tuple[str, ...]:
    return (
        f"The harbour board met on Monday to discuss {topic}, a question that has been on"
        " its agenda since the spring and that fishermen and ferry crews follow closely.",
        f"Members heard from engineers, from the chamber of commerce and from residents of"
        f" the quayside, who asked that any decision on {topic} be put to a public meeting.",
        "The board will publish its recommendations before the end of the month, and a"
        " final vote is expected at its January session in the old customs house.",
    )


ARTICLES = (
    NewsItem(
        "dredging-plan",
        "Harbour board backs dredging plan",
        "2026-11-28T10:00:00+00:00",
        "Mary Quill",
        _paragraphs("the dredging of the outer channel"),
    ),
    NewsItem(
        "ferry-timetable",
        "Winter ferry timetable cuts two crossings",
        "2026-11-29T08:30:00+00:00",
        "Tom Reed",
        _paragraphs("the winter ferry timetable"),
    ),
    NewsItem(
        "lighthouse-lamp",
        "Old lighthouse gets an LED lamp",
        "2026-11-30T16:45:00+00:00",
        "Mary Quill",
        _paragraphs("the lamp of the old lighthouse"),
    ),
)


class NewsSite:
    """The site's content; ``add_article`` publishes one more (it joins sitemap and feed)."""

    def __init__(self) -> None:
        self.articles: list[NewsItem] = list(ARTICLES)

    def add_article(self, slug: str, title: str) -> NewsItem:
        item = NewsItem(slug, title, "2026-11-30T18:00:00+00:00", "Tom Reed", _paragraphs(slug))
        self.articles.append(item)
        return item

    def render(self, path: str, base: str) -> tuple[int, str, str] | None:
        """``(status, content type, body)`` of ``path``, or None for a 404."""
        pages = {
            "/robots.txt": (
                "text/plain",
                f"User-agent: *\nDisallow: /private/\nSitemap: {base}/sitemap_index.xml\n",
            ),
            "/sitemap_index.xml": ("application/xml", self._index(base)),
            "/sitemap-news.xml": ("application/xml", self._news_sitemap(base)),
            "/sitemap-pages.xml": ("application/xml", _urlset([f"{base}/about/"])),
            "/feed.xml": ("application/rss+xml", self._feed(base)),
            "/about/": ("text/html; charset=utf-8", _ABOUT),
        }
        if path in pages:
            content_type, body = pages[path]
            return 200, content_type, body
        for item in self.articles:
            if path == item.path:
                return 200, "text/html; charset=utf-8", _article_html(item, base)
        return None

    def _index(self, base: str) -> str:
        entries = "".join(
            f"<sitemap><loc>{base}/{name}</loc></sitemap>"
            for name in ("sitemap-news.xml", "sitemap-pages.xml")
        )
        return (
            '<?xml version="1.0" encoding="UTF-8"?>'
            f'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{entries}'
            "</sitemapindex>"
        )

    def _news_sitemap(self, base: str) -> str:
        entries = "".join(
            f"<url><loc>{base}{item.path}</loc><news:news><news:publication>"
            f"<news:name>{PUBLISHER}</news:name><news:language>en</news:language>"
            f"</news:publication><news:publication_date>{item.published}"
            f"</news:publication_date><news:title>{escape(item.title)}</news:title>"
            "</news:news></url>"
            for item in self.articles
        )
        return (
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'
            ' xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">'
            f"{entries}</urlset>"
        )

    def _feed(self, base: str) -> str:
        entries = "".join(
            f"<item><title>{escape(item.title)}</title><link>{base}{item.path}</link>"
            f"<pubDate>{item.published}</pubDate></item>"
            for item in reversed(self.articles)
        )
        return (
            '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
            f"<title>{PUBLISHER}</title><link>{base}/</link>{entries}</channel></rss>"
        )


def _urlset(urls: list[str]) -> str:
    entries = "".join(f"<url><loc>{url}</loc></url>" for url in urls)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{entries}</urlset>'
    )


def _article_html(item: NewsItem, base: str) -> str:
    ld = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": item.title,
        "datePublished": item.published,
        "author": {"@type": "Person", "name": item.author},
        "publisher": {"@type": "Organization", "name": PUBLISHER},
    }
    body = "".join(f"<p>{escape(p)}</p>" for p in item.paragraphs)
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        f"<title>{escape(item.title)} | {PUBLISHER}</title>"
        '<meta property="og:type" content="article">'
        f'<meta property="og:site_name" content="{PUBLISHER}">'
        f'<link rel="canonical" href="{base}{item.path}">'
        f'<script type="application/ld+json">{json.dumps(ld)}</script></head><body>'
        f'<nav><a href="/">Home</a> <a href="/about/">About</a></nav>'
        f"<article><h1>{escape(item.title)}</h1>"
        f'<p class="byline">By {escape(item.author)}</p>'
        f'<div class="entry-content">{body}</div></article>'
        f"<footer>© {PUBLISHER}</footer></body></html>"
    )


_ABOUT = (
    '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>About us</title>'
    '<meta property="og:type" content="website"></head><body><h1>About us</h1>'
    f"<p>{PUBLISHER} has served the harbour towns since 1921.</p></body></html>"
)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False


class NewsSiteServer:
    """``NewsSite`` on ``127.0.0.1:<free port>`` until :meth:`stop` (a context manager)."""

    def __init__(self, site: NewsSite | None = None) -> None:
        self.site = site if site is not None else NewsSite()
        self.requests: list[str] = []
        self._httpd: _Server | None = None

    @property
    def base_url(self) -> str:
        assert self._httpd is not None, "not started"
        return f"http://127.0.0.1:{self._httpd.server_address[1]}"

    def start(self) -> NewsSiteServer:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                server.requests.append(self.path)
                if self.path in REDIRECTS:
                    self.send_response(302)
                    self.send_header("Location", REDIRECTS[self.path])
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                found = server.site.render(self.path, server.base_url)
                status, content_type, body = found or (404, "text/plain", "not found")
                data = body.encode("utf-8")
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, format: str, *args: object) -> None:
                pass  # the test asserts on ``requests``; the log would be noise

        self._httpd = _Server(("127.0.0.1", 0), Handler)
        threading.Thread(target=self._httpd.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()

    def __enter__(self) -> NewsSiteServer:
        return self.start()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.stop()
