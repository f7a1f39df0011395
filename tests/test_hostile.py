"""A hostile web, end to end: every fault of the fixture site at once, then recovery.

One crawl meets all the faults (each on its own article page), a second crawl
after the faults stop fetches what was missed.  Across the two: no crash, no
garbage record, no article lost or written twice, a recorded reason for every
page that gave no record, and not one request to a host other than the site.
A sister site, Turess (French and Arabic), meets a few of the faults beside it in
the same way: two small crawls more, the same promises.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from newsspider import exitcodes
from newsspider.demo_site import DemoFamily, DemoSite
from newsspider.schema import file_errors
from tests.conftest import CrawlRun, run_crawl

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00"
LONG_TITLE = "Une très longue dépêche " * 209  # about 5,000 characters
MARKS_TITLE = "Titre\u200b avec\u200f marques \u202bRTL\u202c et \u2066isolats\u2069"
ENTITIES = (
    "{{raw:&eacute;&nbsp;&laquo;cit&eacute;&raquo; &#233; &#xE9; &amp;amp; &foo; &#0; &#xD800;}}"
)
HTML = "text/html; charset=utf-8"
LONE_SURROGATE = (Path(__file__).parent / "pages" / "jsonld_lone_surrogate.html").read_bytes()
SETTINGS = [
    "-s", "DOWNLOAD_TIMEOUT=2", "-s", "DOWNLOAD_MAXSIZE=1048576", "-s", "RETRY_TIMES=2",
    "-s", "NEWSSPIDER_MAX_ERROR_RATE=0.9", "-s", "NEWSSPIDER_MAX_MISSING_PUBLISHED=0.9",
]  # fmt: skip


def article_ids(run: CrawlRun) -> list[str]:
    return [record["id"] for record in run.records("maghress/articles-*.jsonl")]


def report_of(run: CrawlRun) -> dict:
    reports = sorted(run.workdir.glob("data/maghress/runs/*.json"))
    return json.loads(reports[-1].read_text(encoding="utf-8"))


def record_id(article) -> str:
    return f"maghress:{article.lang}:{article.source}:{article.id}"


# content/turess/articles_*.json: every article the two Turess crawls must write, once.
TURESS = {
    "turess:fr:lapresse:187345",
    "turess:fr:lapresse:187310",
    "turess:fr:letemps:98215",
    "turess:ar:assabahnews:1256044",
    "turess:ar:alchourouk:420511",
    "turess:ar:alchourouk:420476",
}


def _sister_faults(sister, evil_url: str) -> None:
    """Turess's share of the hostile web: a burst of 503, a reset, an undeclared
    windows-1256 page, a robots.txt rule, duplicate and hostile links."""
    sister.add_path_fault("/fr/lapresse/187345", "status", status=503, times=2)
    sister.add_path_fault("/alchourouk/420511", "reset")
    sister.add_path_fault("/assabahnews/1256044", "charset", encoding="windows-1256", declared=None)
    sister.set_robots(disallow=["/fr/letemps"])
    sister.set_duplicate_links(True)
    sister.set_hostile_links(["javascript:alert(1)", f"{evil_url}/fr/lapresse/1"])


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory):
    """Two crawls of one site: with every fault, then after the faults stop."""
    workdir = tmp_path_factory.mktemp("hostile")
    with DemoSite() as evil, DemoFamily(["maghress", "turess"]) as family:
        server, sister = family["maghress"], family["turess"]
        site = server.site
        _sister_faults(sister.site, evil.base_url)
        # robots.txt shuts /fr/lopinion: the faulty pages are elsewhere.
        french = [
            a for a in site.articles if a.lang == "fr" and a.published and a.source != "lopinion"
        ]
        arabic = [a for a in site.articles if a.lang == "ar" and a.published]
        faulty = {
            "burst_503": french[0],
            "always_500": french[1],
            "slow": french[2],
            "reset": french[3],
            "truncate": french[4],
            "oversize": french[5],
            "loop": french[6],
            "offsite_redirect": french[7],
            "pdf": french[8],
            "png": french[9],
            "json": french[10],
            "malformed": french[11],
            "latin1_undeclared": french[12],
            "ar_1256_as_utf8": arabic[0],
            "ar_1256_undeclared": arabic[1],
        }
        site.add_path_fault(faulty["burst_503"].path, "status", status=503, times=2)
        site.add_path_fault(faulty["always_500"].path, "status", status=500)
        site.add_path_fault(faulty["slow"].path, "slow", seconds=5)
        site.add_path_fault(faulty["reset"].path, "reset")
        site.add_path_fault(faulty["truncate"].path, "truncate")
        site.add_path_fault(faulty["oversize"].path, "oversize", size=2_000_000)
        site.add_path_fault(faulty["loop"].path, "redirect", to=faulty["loop"].path + "?again=1")
        site.add_path_fault(
            faulty["offsite_redirect"].path,
            "redirect",
            to="http://169.254.169.254/latest/meta-data/",
        )
        site.add_path_fault(faulty["pdf"].path, "content", content_type="application/pdf", body=PDF)
        site.add_path_fault(faulty["png"].path, "content", content_type="image/png", body=PNG)
        site.add_path_fault(
            faulty["json"].path, "content", content_type="application/json", body=b'{"a": 1}'
        )
        site.add_path_fault(faulty["malformed"].path, "malformed")
        site.add_path_fault(
            faulty["latin1_undeclared"].path, "charset", encoding="latin-1", declared=None
        )
        site.add_path_fault(
            faulty["ar_1256_as_utf8"].path, "charset", encoding="windows-1256", declared="utf-8"
        )
        site.add_path_fault(
            faulty["ar_1256_undeclared"].path, "charset", encoding="windows-1256", declared=None
        )
        site.set_robots(disallow=["/fr/lopinion"])
        site.set_duplicate_links(True)
        site.set_hostile_links(
            [
                "file:///etc/passwd",
                "javascript:alert(1)",
                "data:text/html,<script>alert(1)</script>",
                "http://169.254.169.254/latest/meta-data/",
                "http://10.1.2.3/x",
                f"{evil.base_url}/fr/libe/1",
            ]
        )
        site.serve_rss(
            "fr",
            b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><rss><channel><item><title>&x;</title><link>/fr/libe/32145</link></item></channel></rss>',
        )
        odd = {
            "long_title": site.add_article("fr", title=LONG_TITLE),
            "marks": site.add_article("fr", title=MARKS_TITLE),
            "entities": site.add_article(
                "fr", title=f"Entités {ENTITIES}", paragraphs=[ENTITIES, "Fin."]
            ),
        }
        # A 404 the listings still show: the article is gone but its teaser stays.
        site.add_path_fault(french[13].path, "status", status=404)
        faulty["gone_404"] = french[13]
        # JSON-LD whose headline, source and link carry "\ud800" escapes (lone surrogates).
        faulty["lone_surrogate"] = french[14]
        site.add_path_fault(french[14].path, "content", content_type=HTML, body=LONE_SURROGATE)

        first = run_crawl(workdir, "-a", f"base_url={server.base_url}", *SETTINGS)
        sister_first = run_crawl(
            workdir, "-a", f"base_url={sister.base_url}", *SETTINGS, spider="turess"
        )
        first_requests = list(server.requests)
        sister_requests = list(sister.requests)
        sister_records = {r["id"]: r for r in sister_first.records("turess/articles-*.jsonl")}
        # The second run writes into the same folder: keep what the first one wrote.
        first_records = {r["id"]: r for r in first.records("maghress/articles-*.jsonl")}
        site.clear_faults()
        site.set_robots(disallow=[])
        second = run_crawl(workdir, "-a", f"base_url={server.base_url}", *SETTINGS)
        sister.site.clear_faults()
        sister_second = run_crawl(
            workdir, "-a", f"base_url={sister.base_url}", *SETTINGS, spider="turess"
        )
        evil_requests = list(evil.requests)
        expected = {record_id(a) for a in site.articles}
    return {
        "first": first,
        "second": second,
        "faulty": faulty,
        "odd": odd,
        "first_requests": first_requests,
        "first_records": first_records,
        "evil_requests": evil_requests,
        "expected": expected,
        "sister_first": sister_first,
        "sister_second": sister_second,
        "sister_requests": sister_requests,
        "sister_records": sister_records,
    }


def test_no_crash_and_a_meaningful_exit_status(hostile) -> None:
    runs = ("first", "second", "sister_first", "sister_second")
    for run in (hostile[name] for name in runs):
        assert run.returncode == exitcodes.OK, run.stderr[-3000:]
        assert "Traceback" not in run.stderr
        assert not [k for k in run.stats if k.startswith("spider_exceptions")]


def test_nothing_lost_nothing_doubled_nothing_torn(hostile) -> None:
    second: CrawlRun = hostile["second"]
    ids = article_ids(second)  # both runs wrote into the same data/ folder
    assert len(ids) == len(set(ids)), "an article was written twice"
    assert set(ids) == hostile["expected"], "an article was lost"
    for path in second.files("maghress/*.jsonl"):
        assert list(file_errors(path)) == [], path
    sister = [record["id"] for record in second.records("turess/articles-*.jsonl")]
    assert len(sister) == len(set(sister)) and set(sister) == TURESS
    for path in second.files("turess/*.jsonl"):
        assert list(file_errors(path)) == [], path


def test_every_failed_page_has_a_recorded_reason(hostile) -> None:
    stats = hostile["first"].stats
    dropped = {
        k.removeprefix("newsspider/dropped/"): v
        for k, v in stats.items()
        if k.startswith("newsspider/dropped/")
    }
    assert dropped.get("http_500") == 1
    assert dropped.get("http_404") == 1
    assert dropped.get("not_html") == 3, "pdf, png, json"
    assert dropped.get("robots_disallowed", 0) >= 1
    assert dropped.get("too_many_redirects") == 1
    assert dropped.get("offsite", 0) >= 1
    download_errors = sum(v for k, v in dropped.items() if k.startswith("download_error/"))
    assert download_errors >= 4, f"slow, reset, truncate, oversize: {dropped}"
    first_ids = set(hostile["first_records"])
    for name in ("always_500", "slow", "reset", "truncate", "oversize", "pdf", "gone_404"):
        assert record_id(hostile["faulty"][name]) not in first_ids, name
    assert stats["retry/count"] > 0
    sister = {
        k.removeprefix("newsspider/dropped/"): v
        for k, v in hostile["sister_first"].stats.items()
        if k.startswith("newsspider/dropped/")
    }
    assert sister.get("robots_disallowed", 0) >= 1, sister
    assert sum(v for k, v in sister.items() if k.startswith("download_error/")) == 1, "reset"


def test_retry_recovers_a_burst(hostile) -> None:
    first_ids = set(hostile["first_records"])
    assert record_id(hostile["faulty"]["burst_503"]) in first_ids
    path = hostile["faulty"]["burst_503"].path
    statuses = [status for _m, p, status in hostile["first_requests"] if p == path]
    assert statuses == [503, 503, 200]
    sister = hostile["sister_requests"]
    assert [status for _m, p, status in sister if p == "/fr/lapresse/187345"] == [503, 503, 200]
    records = hostile["sister_records"]
    assert "turess:fr:lapresse:187345" in records
    # Reset on every try, and shut by robots.txt: the second run writes them.
    assert not {"turess:ar:alchourouk:420511", "turess:fr:letemps:98215"} & set(records)
    # windows-1256 bytes under no charset: read as what they are.
    title = records["turess:ar:assabahnews:1256044"]["title"]
    assert title == "مجلس نواب الشعب يصادق على مشروع قانون الجماعات المحلية المعدل"


def test_charset_and_malformed_pages_give_clean_records(hostile) -> None:
    records = hostile["first_records"]
    for name in ("malformed", "latin1_undeclared", "ar_1256_as_utf8", "ar_1256_undeclared"):
        article = hostile["faulty"][name]
        record = records[record_id(article)]
        assert record["title"] == " ".join(article.title.split()), name
        assert "\ufffd" not in record["body"] and "\x00" not in record["body"], name
    assert hostile["first"].stats["newsspider/charset/repaired"] >= 3


def test_odd_titles_and_entities(hostile) -> None:
    records = hostile["first_records"]
    long_title = records[record_id(hostile["odd"]["long_title"])]["title"]
    assert len(long_title) <= 500 and long_title.endswith("…")
    marks = records[record_id(hostile["odd"]["marks"])]["title"]
    assert marks == "Titre avec marques RTL et isolats"
    body = records[record_id(hostile["odd"]["entities"])]["body"]
    assert body.startswith("é «cité» é é &amp; &foo;"), body


def test_no_request_left_the_site(hostile) -> None:
    first: CrawlRun = hostile["first"]
    assert hostile["evil_requests"] == [], "a link to another host was followed"
    assert not [
        k for k in first.stats if k.startswith("downloader/exception_type_count/") and "DNS" in k
    ]
    served = len(hostile["first_requests"])
    assert first.stats["downloader/request_count"] == served, "every request reached the site"
    paths = [p for _m, p, _s in hostile["first_requests"]]
    assert not [p for p in paths if p.startswith("/fr/lopinion")], "robots.txt was ignored"
    sister = hostile["sister_requests"]
    assert hostile["sister_first"].stats["downloader/request_count"] == len(sister)
    assert not [p for _m, p, _s in sister if p.startswith("/fr/letemps")]


def test_a_lone_surrogate_is_cleaned_and_the_summary_counts_what_was_written(hostile) -> None:
    """JSON-LD's "\\ud800" reached the exporter, which refused the record: exit 3 on
    every run, and a summary that counted the lost article as new."""
    record = hostile["first_records"][record_id(hostile["faulty"]["lone_surrogate"])]
    assert record["title"] == "Le port de Safi en hausse"
    assert record["source_name"] == "L'Opinion"
    assert record["source_url"] == "https://www.lopinion.ma/port-safi_a1.html"
    assert record["body"] == (
        "Le port a traité près de 6,4 millions de tonnes de marchandises l'an dernier."
        "\n\nLes exportations d'engrais en font plus de la moitié."
    )
    first = hostile["first"]
    assert "newsspider/feeds/lost_records" not in first.stats
    written = len(hostile["first_records"])
    assert f"exit 0 (ok); {written} new article(s), " in first.stderr
