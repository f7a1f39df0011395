"""``follow_source=true`` against originals that try to get past its rules: a
robots.txt that bounces to a refused address, a redirect to another site's consent
wall, a page that breaks the extractor.  The originals are served by a loopback
server of this file; the aggregator is the Maghress fixture (``DemoSite``)."""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from scrapy import Request
from scrapy.http import HtmlResponse

from newsspider import exitcodes
from newsspider.demo_site import DemoSite
from newsspider.items import Article, ArticleWithSource
from tests.conftest import run_crawl
from tests.inprocess import BASE, SITE, response_to, spider_for, stats
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


# A French article of the fixture, with a link to its original.
SITE_ARTICLE = next(a for a in SITE.articles if a.lang == "fr" and a.source_url)
FRENCH = (
    "Le conseil du port s’est réuni lundi pour débattre du dragage du chenal extérieur,"
    " une question à l’ordre du jour depuis le printemps et que les pêcheurs suivent.",
    "Les membres ont entendu des ingénieurs, la chambre de commerce et des habitants du"
    " quai, qui ont demandé qu’une décision soit soumise à une réunion publique.",
    "Le conseil publiera ses recommandations avant la fin du mois, et un vote final est"
    " attendu lors de sa session de janvier à l’ancienne douane du port.",
)


def test_an_original_garbled_by_its_publisher_is_not_written_as_read() -> None:
    """The newspaper's CMS encoded its UTF-8 twice («prÃ©vu»): the page decodes as it
    says, and its text is garbled.  The aggregator's own records with such text are
    dropped and fail the run; as ``source_article`` it was written as a good read.
    The record keeps ``null`` and counts the original as failed (``source/mojibake``)."""
    page = (
        '<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8">'
        '<meta property="og:type" content="article"></head><body><article>'
        "<h1>Le conseil du port approuve le dragage prévu</h1>"
        + "".join(f"<p>{p}</p>" for p in FRENCH)
        + "</article></body></html>"
    )
    garbled = page.encode("utf-8").decode("latin-1").encode("utf-8")
    article = next(
        record
        for record in spider_for().parse_article(response_to(f"{BASE}{SITE_ARTICLE.path}"))
        if isinstance(record, Article)
    )
    spider = spider_for(follow_source="true")
    request = Request("https://journal.example/2026/11/30/dragage/")
    response = HtmlResponse(
        url=request.url,
        body=garbled,
        headers={"Content-Type": "text/html; charset=utf-8"},
        request=request,
    )
    [record] = list(spider.parse_source(response, article))
    assert isinstance(record, ArticleWithSource) and record.source_article is None
    assert stats(spider)["source/source_failed"] == 1
    assert stats(spider)["source/mojibake"] == 1
    # The same page decoded once is read.
    clean = HtmlResponse(url=request.url, body=page.encode("utf-8"), request=request)
    [record] = list(spider.parse_source(clean, article))
    assert record.source_article is not None
    assert record.source_article["title"] == "Le conseil du port approuve le dragage prévu"


def test_an_original_url_scrapy_cannot_request_keeps_its_record() -> None:
    """A link with a port out of range passes the aggregator's extractor (the record
    keeps it as ``source_url``, as without follow_source), but ``scrapy.Request``
    refuses it: the callback died and the record was lost (exit 3).  It is an original
    that could not be fetched."""
    article = next(
        record
        for record in spider_for().parse_article(response_to(f"{BASE}{SITE_ARTICLE.path}"))
        if isinstance(record, Article)
    )
    broken = dataclasses.replace(article, source_url="https://journal.example:99999/a/")
    spider = spider_for(follow_source="true")
    [record] = list(spider.follow_source(broken))
    assert isinstance(record, ArticleWithSource)
    assert (record.source_url, record.source_article) == (broken.source_url, None)
    assert stats(spider)["source/source_failed"] == 1


def test_an_original_not_redirected_has_one_url() -> None:
    """An Arabic slug: the record's ``source_url`` is written percent-encoded (the
    normalize pipeline), and Scrapy fetched that same encoded URL, but ``url`` kept the
    raw link, so ``url != final_url`` said the original had moved when it had not."""
    article = next(
        record
        for record in spider_for().parse_article(response_to(f"{BASE}{SITE_ARTICLE.path}"))
        if isinstance(record, Article)
    )
    arabic = dataclasses.replace(article, source_url="https://journal.example/مقال/")
    spider = spider_for(follow_source="true")
    [request] = list(spider.follow_source(arabic))
    assert isinstance(request, Request)
    response = HtmlResponse(url=request.url, body=ARTICLE.encode("utf-8"), request=request)
    [record] = list(spider.parse_source(response, **request.cb_kwargs))
    encoded = "https://journal.example/%D9%85%D9%82%D8%A7%D9%84/"
    assert (record.source_article["url"], record.source_article["final_url"]) == (
        encoded,
        encoded,
    )


def section_page() -> str:
    """A section front: a dozen teasers, each a linked headline and a summary."""
    teasers = "".join(
        f'<div class="teaser"><h2><a href="/fr/article/{n}/">Le port, dossier numéro {n}</a>'
        "</h2><p>Le conseil municipal a débattu du budget du port et des travaux prévus"
        f" pour la saison prochaine, dans le dossier numéro {n} de la rédaction.</p></div>"
        for n in range(12)
    )
    return (
        '<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8">'
        '<meta property="og:type" content="website"><title>Le Journal du Port</title>'
        f'</head><body><header><a href="/">Le Journal</a></header><main>{teasers}</main>'
        "</body></html>"
    )


def test_an_original_removed_and_redirected_to_its_section_is_no_article(
    tmp_path: Path,
) -> None:
    """A newspaper that removes an article sends its URL to the section front (a «soft
    404»).  The front, whose teasers carry summaries, was read as the original («Le
    Journal du Port»).  A page reached by a redirect counts only when it says it is
    an article; a moved article says so (the fixture's ``/moved/``, in
    test_every_outcome_of_an_original)."""
    pages = {
        "/fr/article/ancien/": redirect("/fr/"),
        "/fr/": html(section_page()),
    }
    with originals(pages) as (base, asked):
        records, stats = crawl_with_originals(tmp_path, [f"{base}/fr/article/ancien/"])
    assert "/fr/" in asked
    [record] = records.values()
    assert record["source_article"] is None
    assert stats["newsspider/source/source_not_article"] == 1
