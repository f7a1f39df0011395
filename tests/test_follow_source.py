"""``-a follow_source=true``: the original articles, served by a second loopback server.

The fixture's articles link to newspapers on the internet; here a few are given
links to the fixture news site instead (``NewsSiteServer``), one per outcome, and a
real ``scrapy crawl maghress`` reads them.
"""

from __future__ import annotations

import dataclasses
import socket
from pathlib import Path

import pytest
from scrapy import Request

from newsspider import exitcodes
from newsspider.demo_site import DemoSite
from newsspider.demo_site.loading import load_content
from newsspider.demo_site.news_site import NewsSiteServer
from newsspider.demo_site.site import FixtureSite
from newsspider.middlewares.sourceguard import refused_address
from newsspider.schema import file_errors
from tests.conftest import run_crawl


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def site_linking_to(originals: list[str]) -> tuple[FixtureSite, list[str]]:
    """The Maghress fixture with its first French articles linking to ``originals``;
    returns the site and those articles' paths."""
    content = load_content()
    chosen = [a for a in content.articles if a.lang == "fr"][: len(originals)]
    links = {a.path: url for a, url in zip(chosen, originals, strict=True)}
    articles = tuple(
        dataclasses.replace(a, source_url=links[a.path]) if a.path in links else a
        for a in content.articles
    )
    return FixtureSite(dataclasses.replace(content, articles=articles)), list(links)


def records_by_path(run, base: str) -> dict[str, dict]:
    return {r["url"].removeprefix(base): r for r in run.records("maghress/articles-*.jsonl")}


def test_every_outcome_of_an_original(tmp_path: Path) -> None:
    with NewsSiteServer() as news:
        originals = [
            f"{news.base_url}/news/dredging-plan/",  # read
            f"{news.base_url}/news/withdrawn/",  # 404: gone
            f"{news.base_url}/about/",  # no article
            f"{news.base_url}/private/scoop/",  # robots.txt: Disallow /private/
            f"http://127.0.0.1:{closed_port()}/news/x/",  # nothing listens: failed
            f"{news.base_url}/moved/",  # 302 to the first one
            f"{news.base_url}/to-private/",  # 302 to 10.255.255.1: refused
        ]
        site, paths = site_linking_to(originals)
        with DemoSite(site) as demo:
            urls = ",".join(demo.base_url + path for path in paths)
            run = run_crawl(
                tmp_path,
                *("-a", f"base_url={demo.base_url}", "-a", f"urls={urls}"),
                *("-a", "follow_source=true", "-s", "NEWSSPIDER_SOURCE_ALLOW_LOOPBACK=True"),
            )
            assert run.returncode == exitcodes.OK, run.stderr[-3000:]
            for path in run.files("maghress/articles-*.jsonl"):
                assert list(file_errors(path)) == []
            records = records_by_path(run, demo.base_url)

    assert set(records) == set(paths)
    read = records[paths[0]]["source_article"]
    fetched_at = read.pop("fetched_at")
    assert fetched_at.endswith("Z")
    assert read == {
        "url": originals[0],
        "final_url": originals[0],
        "title": "Harbour board backs dredging plan",
        "body": (
            "The harbour board met on Monday to discuss the dredging of the outer channel,"
            " a question that has been on its agenda since the spring and that fishermen and"
            " ferry crews follow closely.\n\nMembers heard from engineers, from the chamber of"
            " commerce and from residents of the quayside, who asked that any decision on the"
            " dredging of the outer channel be put to a public meeting.\n\nThe board will"
            " publish its recommendations before the end of the month, and a final vote is"
            " expected at its January session in the old customs house."
        ),
        "published": "2026-11-28T10:00:00+00:00",
        "authors": ["Mary Quill"],
        "lang": "en",
    }
    moved = records[paths[5]]["source_article"]
    assert (moved["url"], moved["final_url"]) == (originals[5], originals[0])
    assert moved["title"] == read["title"]
    for path in (*paths[1:5], paths[6]):
        assert records[path]["source_article"] is None
        assert records[path]["source_url"] in originals
    stats = run.stats
    reasons = ("read", "source_gone", "source_not_article", "source_blocked", "source_failed")
    assert {reason: stats.get(f"newsspider/source/{reason}") for reason in reasons} == {
        "read": 2,
        "source_gone": 1,
        "source_not_article": 1,
        "source_blocked": 2,  # robots.txt, and the redirect to a private address
        "source_failed": 1,
    }
    assert stats["newsspider/source/unsafe_address"] == 1
    # The originals' failures are not the aggregator's.
    assert stats.get("newsspider/failed_requests", 0) == 0


def test_a_name_resolving_to_loopback_is_refused_by_default(tmp_path: Path) -> None:
    """``localhost`` is a name: it is its resolved address, 127.0.0.1, that is refused;
    the record is written all the same, without its original."""
    with NewsSiteServer() as news:
        port = news.base_url.rsplit(":", 1)[1]
        site, [path] = site_linking_to([f"http://localhost:{port}/news/dredging-plan/"])
        with DemoSite(site) as demo:
            run = run_crawl(
                tmp_path,
                *("-a", f"base_url={demo.base_url}", "-a", f"urls={demo.base_url}{path}"),
                *("-a", "follow_source=true"),
            )
            assert run.returncode == exitcodes.OK, run.stderr[-3000:]
            [record] = records_by_path(run, demo.base_url).values()
        assert not [p for p in news.requests if p.startswith("/news/")]
    assert record["source_article"] is None
    assert run.stats["newsspider/source/source_blocked"] == 1
    assert run.stats["newsspider/source/unsafe_address"] == 1


@pytest.mark.parametrize(
    ("address", "loopback_allowed", "refused"),
    [
        ("93.184.216.34", False, False),
        ("2606:2800:220:1:248:1893:25c8:1946", False, False),
        ("127.0.0.1", False, True),
        ("127.0.0.1", True, False),
        ("::1", False, True),
        ("::1", True, False),
        ("10.1.2.3", True, True),
        ("192.168.0.10", False, True),
        ("172.16.5.4", False, True),
        ("169.254.169.254", True, True),  # the cloud metadata service
        ("fe80::1%eth0", False, True),
        ("100.64.0.1", False, True),  # carrier-grade NAT
        ("0.0.0.0", True, True),
        ("224.0.0.1", False, True),
        ("240.0.0.1", False, True),
        ("::ffff:127.0.0.1", False, True),
    ],
)
def test_which_addresses_are_refused(address: str, loopback_allowed: bool, refused: bool) -> None:
    assert refused_address(address, allow_loopback=loopback_allowed) is refused


def test_without_the_argument_records_are_as_before_and_with_it_the_original_is_asked() -> None:
    from newsspider.items import Article, ArticleWithSource
    from newsspider.middlewares.sourceguard import SOURCE_REQUEST
    from tests.inprocess import SITE, response_to, spider_for

    article = next(a for a in SITE.articles if a.lang == "fr" and a.source_url)
    url = f"http://127.0.0.1:8000{article.path}"
    [plain] = [r for r in spider_for().parse_article(response_to(url)) if isinstance(r, Article)]
    assert type(plain) is Article and not hasattr(plain, "source_article")

    spider = spider_for(follow_source="true")
    [request] = [r for r in spider.parse_article(response_to(url)) if isinstance(r, Request)]
    assert request.url == article.source_url
    assert request.meta[SOURCE_REQUEST] and request.meta["allow_offsite"] and request.dont_filter
    assert request.cb_kwargs["article"].id == plain.id
    # An original that is no article (the aggregator's own home page, here): the
    # record is written without it.
    [record] = list(spider.parse_source(response_to(request, "/"), plain))
    assert type(record) is ArticleWithSource and record.source_article is None
