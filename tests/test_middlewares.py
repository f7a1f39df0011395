"""Why a request was ignored, as a type: our downloader middlewares and the classifier."""

from __future__ import annotations

import gzip

import pytest
from scrapy import Request
from scrapy.downloadermiddlewares.redirect import MetaRefreshMiddleware
from scrapy.exceptions import (
    DownloadFailedError,
    DownloadTimeoutError,
    IgnoreRequest,
    ResponseDataLossError,
)
from scrapy.http import HtmlResponse, Response
from scrapy.robotstxt import ProtegoRobotParser
from scrapy.settings.default_settings import DOWNLOADER_MIDDLEWARES_BASE
from scrapy.spidermiddlewares.httperror import HttpError

from newsspider.exceptions import (
    BodyTooLarge,
    Offsite,
    RedirectLoop,
    RobotsDisallowed,
    TooManyRedirects,
    UndecodableBody,
    failure_reason,
)
from newsspider.middlewares.compression import TypedHttpCompressionMiddleware
from newsspider.middlewares.offsite import TypedOffsiteMiddleware
from newsspider.middlewares.redirect import LoopAwareRedirectMiddleware, TypedMetaRefreshMiddleware
from newsspider.middlewares.robotstxt import TypedRobotsTxtMiddleware
from tests.inprocess import BASE, SITE, spider_for

ARTICLE = f"{BASE}/fr/libe/32145"


def test_ours_replace_scrapys_at_the_same_place() -> None:
    spider = spider_for()
    middlewares = spider.crawler.settings.getwithbase("DOWNLOADER_MIDDLEWARES")
    for scrapys, ours in (
        ("offsite.OffsiteMiddleware", "offsite.TypedOffsiteMiddleware"),
        ("robotstxt.RobotsTxtMiddleware", "robotstxt.TypedRobotsTxtMiddleware"),
        ("redirect.MetaRefreshMiddleware", "redirect.TypedMetaRefreshMiddleware"),
        ("redirect.RedirectMiddleware", "redirect.LoopAwareRedirectMiddleware"),
        ("httpcompression.HttpCompressionMiddleware", "compression.TypedHttpCompressionMiddleware"),
    ):
        place = DOWNLOADER_MIDDLEWARES_BASE[f"scrapy.downloadermiddlewares.{scrapys}"]
        assert middlewares[f"scrapy.downloadermiddlewares.{scrapys}"] is None
        assert middlewares[f"newsspider.middlewares.{ours}"] == place


def test_robots_txt_refusal_is_robots_disallowed() -> None:
    spider = spider_for()
    middleware = TypedRobotsTxtMiddleware.from_crawler(spider.crawler)
    # The fixture's robots.txt: "Disallow: /search".
    robots = ProtegoRobotParser.from_crawler(spider.crawler, SITE.render("/robots.txt").body)
    assert middleware.process_request_2(robots, Request(ARTICLE)) is None
    with pytest.raises(RobotsDisallowed):
        middleware.process_request_2(robots, Request(f"{BASE}/search?q=maroc"))
    assert spider.crawler.stats.get_value("robotstxt/forbidden") == 1


def test_offsite_refusal_is_offsite_when_scheduled_and_before_download() -> None:
    spider = spider_for()
    middleware = TypedOffsiteMiddleware.from_crawler(spider.crawler)
    middleware.spider_opened(spider)
    elsewhere = Request("http://169.254.169.254/latest/meta-data/")
    assert middleware.process_request(Request(ARTICLE)) is None
    with pytest.raises(Offsite):
        middleware.request_scheduled(elsewhere, spider)
    with pytest.raises(Offsite):
        middleware.process_request(elsewhere)
    assert spider.crawler.stats.get_value("offsite/filtered") == 2


# (the crawl's base_url, a request's URL, sent?)  Another port is another server.
ORIGINS = [
    (BASE, ARTICLE, True),
    (BASE, "http://127.0.0.1:8001/fr/libe/32145", False),
    (BASE, "http://127.0.0.1/fr/libe/32145", False),
    (BASE, "https://127.0.0.1:8000/fr/libe/32145", False),
    (BASE, "http://localhost:8000/fr/libe/32145", False),
    # A mirror does not send us to the live site.
    (BASE, "https://www.maghress.com/fr/libe/32145", False),
    # The live site redirects between its hosts and schemes, on the standard ports only.
    ("https://www.maghress.com", "http://maghress.com/fr/libe/32145", True),
    ("https://www.maghress.com", "https://www.maghress.com:443/fr/libe/32145", True),
    ("https://www.maghress.com", "https://www.maghress.com:8443/fr/libe/32145", False),
    ("https://www.maghress.com", "https://www.djazairess.com/fr/elwatan/1", False),
    ("https://www.maghress.com", "http://169.254.169.254/latest/meta-data/", False),
]


@pytest.mark.parametrize(("base_url", "url", "sent"), ORIGINS)
def test_offsite_decides_by_the_crawled_server(base_url: str, url: str, sent: bool) -> None:
    spider = spider_for()
    spider = type(spider).from_crawler(spider.crawler, base_url=base_url)
    spider.crawler.spider = spider
    middleware = TypedOffsiteMiddleware.from_crawler(spider.crawler)
    middleware.spider_opened(spider)
    request = Request(url)
    if sent:
        assert middleware.process_request(request) is None
        middleware.request_scheduled(request, spider)
    else:
        with pytest.raises(Offsite):
            middleware.request_scheduled(request, spider)
        with pytest.raises(Offsite):
            middleware.process_request(request)


def compressed(request: Request, body: bytes) -> Response:
    headers = {"Content-Encoding": "gzip", "Content-Type": "text/html; charset=utf-8"}
    return Response(request.url, headers=headers, body=body, request=request)


def test_a_body_inflating_past_download_maxsize_is_body_too_large() -> None:
    middleware = TypedHttpCompressionMiddleware.from_crawler(
        spider_for({"DOWNLOAD_MAXSIZE": 100_000}).crawler
    )
    request = Request(ARTICLE)
    page = SITE.render("/fr/libe/32145").body
    decoded = middleware.process_response(request, compressed(request, gzip.compress(page)))
    assert isinstance(decoded, HtmlResponse) and decoded.body == page
    bomb = gzip.compress(b" " * 1_000_000)  # 1 MB inflated, ~1 KB on the wire
    with pytest.raises(BodyTooLarge):
        middleware.process_response(request, compressed(request, bomb))


def test_a_body_that_is_not_in_its_announced_encoding_is_undecodable() -> None:
    middleware = TypedHttpCompressionMiddleware.from_crawler(spider_for().crawler)
    request = Request(ARTICLE)
    with pytest.raises(UndecodableBody, match="not gzip as announced"):
        middleware.process_response(request, compressed(request, b"<html>plain</html>"))


def redirect(request: Request, to: str) -> Response:
    return Response(request.url, status=301, headers={"Location": to}, request=request)


def test_a_redirect_back_into_its_chain_is_a_loop() -> None:
    middleware = LoopAwareRedirectMiddleware.from_crawler(spider_for().crawler)
    first = Request(ARTICLE)
    second = middleware.process_response(first, redirect(first, "/fr/libe/32145?again=1"))
    assert isinstance(second, Request) and second.url == f"{ARTICLE}?again=1"
    with pytest.raises(RedirectLoop):
        middleware.process_response(second, redirect(second, "/fr/libe/32145"))


def test_a_chain_past_redirect_max_times_is_too_many_redirects() -> None:
    middleware = LoopAwareRedirectMiddleware.from_crawler(
        spider_for({"REDIRECT_MAX_TIMES": 2}).crawler
    )
    request = Request(f"{ARTICLE}?hop=0")
    for hop in (1, 2):
        request = middleware.process_response(request, redirect(request, f"?hop={hop}"))
    with pytest.raises(TooManyRedirects) as caught:
        middleware.process_response(request, redirect(request, "?hop=3"))
    assert not isinstance(caught.value, RedirectLoop)


def test_a_meta_refresh_chain_past_the_limit_is_too_many_redirects() -> None:
    middleware = TypedMetaRefreshMiddleware.from_crawler(spider_for().crawler)
    page = b'<html><head><meta http-equiv="refresh" content="0;url=/fr/libe/32146"></head></html>'
    request = Request(ARTICLE, meta={"redirect_times": 5})  # REDIRECT_MAX_TIMES
    response = HtmlResponse(ARTICLE, body=page, request=request)
    with pytest.raises(TooManyRedirects):
        middleware.process_response(request, response)


FAILURES = [
    (HttpError(Response(ARTICLE, status=503)), "http_503"),
    (HttpError(Response(ARTICLE, status=404)), "http_404"),
    (RobotsDisallowed("Forbidden by robots.txt"), "robots_disallowed"),
    (Offsite("Filtered offsite request to '169.254.169.254'"), "offsite"),
    (TooManyRedirects("max redirections reached"), "too_many_redirects"),
    (RedirectLoop("redirect loop back to /fr/libe/1"), "too_many_redirects"),
    (BodyTooLarge("exceeded DOWNLOAD_MAXSIZE during decompression"), "body_too_large"),
    (UndecodableBody("not gzip as announced"), "undecodable_body"),
    # Told apart by type, never by message: Scrapy's untyped words are just "ignored".
    (IgnoreRequest("Forbidden by robots.txt"), "ignored"),
    (IgnoreRequest("Filtered offsite request to 'x'"), "ignored"),
    (IgnoreRequest("max redirections reached"), "ignored"),
    (IgnoreRequest(), "ignored"),
    (DownloadTimeoutError("took longer than 2.0 seconds"), "download_error/DownloadTimeoutError"),
    (DownloadFailedError("Connection was closed"), "download_error/DownloadFailedError"),
    (ResponseDataLossError("truncated"), "download_error/ResponseDataLossError"),
    (ConnectionRefusedError(), "download_error/ConnectionRefusedError"),
]


@pytest.mark.parametrize(("error", "reason"), FAILURES)
def test_failure_reason(error: Exception, reason: str) -> None:
    assert failure_reason(error) == reason


def _refresh_page(padding: str, encoding: str = "utf-8", refresh: str = "refresh") -> bytes:
    """A long page whose refresh comes after ``padding`` in its head."""
    head = f'<html><head><title>{padding}</title><meta http-equiv="{refresh}" '
    tail = 'content="0;url=/fr/libe/32146"></head><body>' + "<p>نص المقال</p>" * 5000
    return (head + tail + "</body></html>").encode(encoding)


# Arabic is 2 bytes a character in UTF-8: 3,000 of them put the refresh past byte
# 4096 but within the 4096 characters Scrapy reads; 5,000 put it past those.
REFRESH_PAGES = [
    (_refresh_page("ن" * 3000), "utf-8", True),
    (_refresh_page("ن" * 5000), "utf-8", False),
    (_refresh_page("x" * 100, refresh="REFRESH"), "utf-8", True),
    (_refresh_page("ن" * 3000, "windows-1256"), "windows-1256", True),
    (_refresh_page("ن" * 5000, "windows-1256"), "windows-1256", False),
    (_refresh_page("ن" * 1000, "utf-16"), "utf-16", True),
    (_refresh_page("ن" * 5000, "utf-16"), "utf-16", False),
]


@pytest.mark.parametrize(("body", "encoding", "follows"), REFRESH_PAGES)
def test_a_meta_refresh_is_followed_as_scrapy_follows_it(
    body: bytes, encoding: str, follows: bool
) -> None:
    crawler = spider_for().crawler
    outcomes = []
    for middleware in (TypedMetaRefreshMiddleware, MetaRefreshMiddleware):
        request = Request(ARTICLE)
        headers = {"Content-Type": f"text/html; charset={encoding}"}
        response = HtmlResponse(ARTICLE, body=body, headers=headers, request=request)
        result = middleware.from_crawler(crawler).process_response(request, response)
        outcomes.append(result.url if isinstance(result, Request) else None)
    assert outcomes[0] == outcomes[1] == (f"{BASE}/fr/libe/32146" if follows else None)


def test_a_page_without_meta_refresh_is_not_decoded_whole_for_it() -> None:
    middleware = TypedMetaRefreshMiddleware.from_crawler(spider_for().crawler)
    request = Request(ARTICLE)
    page = SITE.render("/fr/libe/32145")
    assert len(page.body) > 30_000  # a fixture page: ~36 KB
    response = HtmlResponse(ARTICLE, body=page.body, headers=page.headers, request=request)
    assert middleware.process_response(request, response) is response
    # Scrapy's cache of ``response.text``: still empty, the page was not decoded whole.
    assert response._cached_ubody is None
