"""``follow_source=true`` against originals that try to get past its rules: a
robots.txt that bounces to a refused address, a redirect to another site's consent
wall, a page that breaks the extractor.  The originals are served by a loopback
server of this file; the aggregator is the Maghress fixture (``DemoSite``)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from newsspider import exitcodes
from newsspider.demo_site import DemoSite
from tests.conftest import run_crawl
from tests.test_follow_source import records_by_path, site_linking_to

PARAGRAPHS = (
    "The harbour board met on Monday to discuss the dredging of the outer channel, a"
    " question that has been on its agenda since the spring and that fishermen follow.",
    "Members heard from engineers, from the chamber of commerce and from residents of the"
    " quayside, who asked that any decision be put to a public meeting before the vote.",
    "The board will publish its recommendations before the end of the month, and a final"
    " vote is expected at its January session in the old customs house on the quay.",
)
ARTICLE = (
    '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
    "<title>Harbour board backs dredging plan</title>"
    '<meta property="og:type" content="article"></head><body>'
    "<article><h1>Harbour board backs dredging plan</h1>"
    + "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    + "</article></body></html>"
)

# A page is (status, headers, body).
Page = tuple[int, dict[str, str], str]


def html(body: str) -> Page:
    return 200, {"Content-Type": "text/html; charset=utf-8"}, body


def redirect(location: str) -> Page:
    return 302, {"Location": location}, ""


@contextmanager
def originals(pages: dict[str, Page]) -> Iterator[tuple[str, list[str]]]:
    """A loopback server answering ``pages`` (headers and bodies may name its ``{port}``),
    404 elsewhere; yields its base URL and the paths it was asked for."""
    asked: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            asked.append(self.path)
            status, headers, body = routes.get(self.path, (404, {}, "not found"))
            data = body.encode("utf-8")
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: object) -> None:
            pass  # the tests assert on the paths asked for

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    port = server.server_address[1]

    def at_port(text: str) -> str:
        return text.replace("{port}", str(port))

    routes = {
        path: (status, {k: at_port(v) for k, v in headers.items()}, at_port(body))
        for path, (status, headers, body) in pages.items()
    }
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{port}", asked
    finally:
        server.shutdown()
        server.server_close()


def crawl_with_originals(tmp_path: Path, urls: list[str]) -> tuple[dict[str, dict], dict]:
    """A real crawl of the fixture whose first French articles link to ``urls``, loopback
    originals allowed; returns the records by the original they link to, and the stats."""
    site, paths = site_linking_to(urls)
    with DemoSite(site) as demo:
        pages = ",".join(demo.base_url + path for path in paths)
        run = run_crawl(
            tmp_path,
            *("-a", f"base_url={demo.base_url}", "-a", f"urls={pages}"),
            *("-a", "follow_source=true", "-s", "NEWSSPIDER_SOURCE_ALLOW_LOOPBACK=True"),
        )
        assert run.returncode == exitcodes.OK, run.stderr[-3000:]
        records = records_by_path(run, demo.base_url)
    assert len(records) == len(paths)
    return {record["source_url"]: record for record in records.values()}, run.stats


def test_a_robots_txt_redirected_to_a_refused_address_is_not_followed(tmp_path: Path) -> None:
    """The original's host is allowed, its robots.txt answers 302 to 0.0.0.0 (which
    reaches this machine, and which no setting allows): that robots.txt is a request
    to the original's host like the article's, and is refused like it."""
    pages = {
        "/robots.txt": redirect("http://0.0.0.0:{port}/internal/robots.txt"),
        "/internal/robots.txt": (200, {"Content-Type": "text/plain"}, "User-agent: *\n"),
        "/news/dredging-plan/": html(ARTICLE),
    }
    with originals(pages) as (base, asked):
        records, _ = crawl_with_originals(tmp_path, [f"{base}/news/dredging-plan/"])
    assert "/robots.txt" in asked
    assert "/internal/robots.txt" not in asked
    [record] = records.values()
    # robots.txt could not be read: the article is fetched, as Scrapy does then.
    assert record["source_article"]["title"] == "Harbour board backs dredging plan"


def test_an_original_whose_json_ld_is_nested_past_the_parser_keeps_its_record(
    tmp_path: Path,
) -> None:
    """JSON-LD nested thousands deep makes ``json.loads`` raise RecursionError (no
    ValueError): the callback died and the record was lost, the run exiting 3.  A block
    that cannot be read says nothing, like a broken one; the article is read from the rest."""
    nested = ARTICLE.replace(
        "</head>",
        '<script type="application/ld+json">' + "[" * 5000 + "]" * 5000 + "</script></head>",
    )
    with originals({"/news/nested/": html(nested)}) as (base, _):
        records, stats = crawl_with_originals(tmp_path, [f"{base}/news/nested/"])
    [record] = records.values()
    assert record["source_article"]["title"] == "Harbour board backs dredging plan"
    assert record["source_article"]["body"] == "\n\n".join(PARAGRAPHS)
    assert stats["newsspider/source/read"] == 1


CONSENT = (
    '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
    "<title>Before you continue</title></head><body>"
    "<h1>Before you continue to the Harbour Herald</h1>"
    "<p>We use cookies and data to deliver and maintain our services, track outages and"
    " protect against spam, fraud and abuse, and to measure audience engagement and site"
    " statistics, so that we understand how our services are used.</p>"
    "<p>If you choose to accept all, we will also use cookies and data to develop and"
    " improve new services, deliver and measure the effectiveness of advertising, and show"
    " personalised content depending on your settings.</p>"
    "<p>Select more options to see additional information, including details about"
    " managing your privacy settings. You can also visit our privacy page at any time.</p>"
    "<form><button>Reject all</button><button>Accept all</button></form></body></html>"
)


def test_an_original_that_redirects_to_another_sites_consent_wall_is_no_article(
    tmp_path: Path,
) -> None:
    """The newspaper sends every visitor without its cookie to a consent service on
    another host: a long text, no link, no metadata.  It was written as the original
    («Before you continue…»); a page of another site that does not say it is an
    article is not the one the record links to."""
    pages = {
        "/news/dredging-plan/": redirect(
            "http://localhost:{port}/consent/?continue=%2Fnews%2Fdredging-plan%2F"
        ),
        "/consent/?continue=%2Fnews%2Fdredging-plan%2F": html(CONSENT),
    }
    with originals(pages) as (base, asked):
        records, stats = crawl_with_originals(tmp_path, [f"{base}/news/dredging-plan/"])
    assert "/consent/?continue=%2Fnews%2Fdredging-plan%2F" in asked
    [record] = records.values()
    assert record["source_article"] is None
    assert stats["newsspider/source/source_not_article"] == 1
    assert "newsspider/source/read" not in stats
