"""End to end: `scrapy crawl maghress` against the fixture site on a free loopback port."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from newsspider.demo_site import DemoSite, load_site
from newsspider.schema import file_errors
from tests.conftest import CrawlRun, run_crawl

SITE = load_site()


def expected_ids(lang: str | None = None, sources: set[str] | None = None) -> set[str]:
    return {
        f"maghress:{a.lang}:{a.source}:{a.id}"
        for a in SITE.articles
        if (lang is None or a.lang == lang) and (sources is None or a.source in sources)
    }


@pytest.fixture(scope="module")
def full_crawl(tmp_path_factory: pytest.TempPathFactory) -> tuple[CrawlRun, DemoSite]:
    # A server of its own, so its request log holds this crawl only.
    with DemoSite() as server:
        run = run_crawl(tmp_path_factory.mktemp("crawl"), "-a", f"base_url={server.base_url}")
        run.server_requests = list(server.requests)  # type: ignore[attr-defined]
        run.base_url = server.base_url  # type: ignore[attr-defined]
    return run, server


def test_crawl_succeeds_with_two_final_files(full_crawl: tuple[CrawlRun, DemoSite]) -> None:
    run, _ = full_crawl
    assert run.returncode == 0, run.stderr[-2000:]
    names = [p.name for p in run.files("maghress/*.jsonl")]
    assert len(names) == 2, names
    assert names[0].startswith("articles-") and names[0].endswith(".jsonl")
    assert names[1].startswith("headlines-") and names[1].endswith(".jsonl")
    assert not run.files("**/*.part")


def test_every_record_is_schema_valid_utf8(full_crawl: tuple[CrawlRun, DemoSite]) -> None:
    run, _ = full_crawl
    for path in run.files("**/*.jsonl"):
        assert list(file_errors(path)) == [], path
        assert b"\\u0" not in path.read_bytes().replace(b"\\u000", b""), "text must not be escaped"


def test_every_article_found_exactly_once(full_crawl: tuple[CrawlRun, DemoSite]) -> None:
    run, _ = full_crawl
    ids = [record["id"] for record in run.records("**/articles-*.jsonl")]
    assert len(ids) == len(set(ids)), "an article was written twice"
    assert set(ids) == expected_ids()


def test_records_match_the_fixture_content(full_crawl: tuple[CrawlRun, DemoSite]) -> None:
    run, _ = full_crawl
    by_id = {record["id"]: record for record in run.records("**/articles-*.jsonl")}
    names = {(s.slug, s.lang): s.name for s in SITE.sources}
    for article in SITE.articles:
        record = by_id[f"maghress:{article.lang}:{article.source}:{article.id}"]
        assert record["title"] == " ".join(article.title.split())
        assert record["body"] == "\n\n".join(" ".join(p.split()) for p in article.paragraphs)
        # The span layout shows the date; the article layout's <time> adds the hour.
        when = SITE.published_datetime(article)
        expected = when.isoformat() if when and article.layout == "article" else article.published
        assert record["published"] == expected
        assert record["source_url"] == article.source_url
        assert record["source_name"] == names[(article.source, article.lang)]
        assert record["url"] == f"{run.base_url}{article.path}"  # type: ignore[attr-defined]


def test_headline_strips_once_per_section(full_crawl: tuple[CrawlRun, DemoSite]) -> None:
    run, _ = full_crawl
    strips = run.records("**/headlines-*.jsonl")
    assert sorted(s["lang"] for s in strips) == ["ar", "fr"]
    for strip in strips:
        expected = [(title, path) for title, path in SITE.ticker(strip["lang"]) if title]
        got = [(h["title"], h["url"]) for h in strip["headlines"]]
        assert got == [(t, f"{run.base_url}{p}") for t, p in expected]  # type: ignore[attr-defined]
    french = next(s for s in strips if s["lang"] == "fr")
    assert len(french["headlines"]) == 48


def test_no_request_left_the_loopback_host(full_crawl: tuple[CrawlRun, DemoSite]) -> None:
    run, _ = full_crawl
    stats = run.stats
    assert stats["downloader/request_count"] == len(run.server_requests)  # type: ignore[attr-defined]
    assert not any(key.startswith("downloader/exception") for key in stats)
    paths = [path for _method, path, _status in run.server_requests]  # type: ignore[attr-defined]
    assert len(paths) == len(set(paths)), "a URL was requested twice"
    assert "/robots.txt" in paths


def test_stats_count_layouts_and_missing_fields(full_crawl: tuple[CrawlRun, DemoSite]) -> None:
    run, _ = full_crawl
    layouts = {a.layout for a in SITE.articles}
    for layout in layouts:
        count = sum(1 for a in SITE.articles if a.layout == layout)
        assert run.stats[f"newsspider/layout/{layout}"] == count
    undated = sum(1 for a in SITE.articles if a.published is None)
    unlinked = sum(1 for a in SITE.articles if a.source_url is None)
    assert run.stats["newsspider/missing/published"] == undated
    assert run.stats["newsspider/missing/source_url"] == unlinked
    assert run.stats["item_scraped_count"] == len(SITE.articles) + 2


def test_explicit_urls_and_overwrite_output(tmp_path: Path, demo_site: DemoSite) -> None:
    article = SITE.articles[0]
    out = tmp_path / "out.jsonl"
    out.write_text("old content\n", encoding="utf-8")
    run = run_crawl(
        tmp_path,
        "-a",
        f"base_url={demo_site.base_url}",
        "-a",
        f"urls=https://www.maghress.com{article.path}",
        "-O",
        str(out),
    )
    assert run.returncode == 0, run.stderr[-2000:]
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    kinds = sorted(r["schema"] for r in records)
    assert kinds == ["newsspider.article/1", "newsspider.headlines/1"]
    assert not run.files("**/*.jsonl"), "-O replaces the default files"


def test_every_site_of_the_registry_has_its_spider() -> None:
    """Spiders come from ``newsspider/sites.py``: a sister site is one line there; the
    one spider outside the registry is ``news``, for sites outside the family."""
    from scrapy.spiderloader import SpiderLoader
    from scrapy.utils.project import get_project_settings

    from newsspider.sites import SITES

    loader = SpiderLoader.from_settings(get_project_settings())
    assert sorted(loader.list()) == sorted([*SITES, "news"])
    assert sorted(SITES) == [
        "djazairess",
        "maghress",
        "masress",
        "sauress",
        "sudaress",
        "turess",
        "yemeress",
    ]
    for name in SITES:
        spider = loader.load(name)
        assert (spider.name, spider.site_name) == (name, name)


def test_a_sister_site_is_crawled_like_maghress(tmp_path: Path) -> None:
    """``scrapy crawl djazairess`` on its fixture mirror: its own ids, files, report."""
    from newsspider.demo_site import DemoFamily

    with DemoFamily(["djazairess"]) as family:
        base = family["djazairess"].base_url
        run = run_crawl(tmp_path, "-a", f"base_url={base}", "-a", "lang=fr", spider="djazairess")
    assert run.returncode == 0, run.stderr[-2000:]
    articles = run.records("djazairess/articles-*.jsonl")
    # The four French articles of the fixture's Djazairess, typed from its content.
    assert sorted(article["id"] for article in articles) == [
        "djazairess:fr:elwatan:634488",
        "djazairess:fr:elwatan:634512",
        "djazairess:fr:lesoirdalgerie:271044",
        "djazairess:fr:lesoirdalgerie:271102",
    ]
    assert {article["site"] for article in articles} == {"djazairess"}
    assert {article["source_name"] for article in articles} == {"El Watan", "Le Soir d'Algérie"}
    [strip] = run.records("djazairess/headlines-*.jsonl")
    assert strip["id"].startswith("djazairess:fr:headlines:")
    assert len(run.files("djazairess/runs/*.json")) == 1
