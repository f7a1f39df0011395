"""Regenerate the golden pages and their expected records: ``make golden``.

Each case is one page of the fixture site, saved as served (raw bytes, its own
charset) with the records the current code extracts from it.  Review the diff
by eye before committing: the JSON files are the truth the tests hold the code to.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from itemadapter import ItemAdapter

from newsspider.demo_site import SPECIAL, load_site
from newsspider.library import extract_records
from newsspider.sites import SITES, site_for_url

HERE = Path(__file__).parent
LIVE = "https://www.maghress.com"
# Sister sites' pages, case name → (site, path): each section in both layouts, and the
# English and regional Arabic month names of their published lines.
FAMILY_CASES = {
    "masress_en_span": ("masress", "/en/ahram-online/452310"),
    "masress_en_span_month": ("masress", "/en/dailynews/240512"),
    "masress_en_article": ("masress", "/en/egypt-independent/118934"),
    "masress_ar_span_month": ("masress", "/youm7/5715402"),
    "masress_ar_article": ("masress", "/youm7/5716820"),
    "sauress_en_span": ("sauress", "/en/saudi-gazette/619402"),
    "sauress_en_article": ("sauress", "/en/arab-news/2058741"),
    "sauress_ar_span_month": ("sauress", "/alriyadh/1944980"),
    "sauress_ar_article": ("sauress", "/almadina/773402"),
    "djazairess_ar_span": ("djazairess", "/elkhabar/1578320"),
    "djazairess_ar_article": ("djazairess", "/elkhabar/1578295"),
    "turess_fr_span": ("turess", "/fr/lapresse/187345"),
    "turess_fr_article": ("turess", "/fr/lapresse/187310"),
    "turess_ar_span": ("turess", "/alchourouk/420476"),
    "turess_ar_article": ("turess", "/alchourouk/420511"),
    "sudaress_ar_span": ("sudaress", "/alsudani/145820"),
    "sudaress_ar_article": ("sudaress", "/altaghyeer/30415"),
    "yemeress_ar_span": ("yemeress", "/26sep/53011"),
    "yemeress_ar_article": ("yemeress", "/almasdaronline/183044"),
}


def case_paths() -> dict[str, str]:
    """Case name → page path: one page of each kind the tests must cover."""
    site = load_site()

    def first(lang: str, layout: str) -> str:
        special = {(s, i) for s, i in SPECIAL.values()}
        return next(
            a.path
            for a in site.articles
            if a.lang == lang and a.layout == layout and (a.source, a.id) not in special
        )

    by_key = {(a.source, a.id): a.path for a in site.articles}
    return {
        "fr_span_seed": "/fr/libe/32145",
        "fr_article": first("fr", "article"),
        "ar_span": first("ar", "span"),
        "ar_article": first("ar", "article"),
        "fr_no_date": by_key[SPECIAL["fr_no_date"]],
        "fr_no_source_link": by_key[SPECIAL["fr_no_source_link"]],
        "ar_no_date": by_key[SPECIAL["ar_no_date"]],
        "ar_windows1256": by_key[SPECIAL["ar_windows1256"]],
        "fr_home_listing": "/fr",
    }


def expected_records(body: bytes, url: str) -> dict[str, Any]:
    records, reason = extract_records(body, url, site_for_url(url) or SITES["maghress"])
    dicts = []
    for record in records:
        data = ItemAdapter(record).asdict()
        data.pop("crawled_at")  # the only field that depends on when the test runs
        dicts.append(data)
    return {"url": url, "records": dicts, "no_article_reason": reason}


def main() -> None:
    cases = {name: ("maghress", path) for name, path in case_paths().items()} | FAMILY_CASES
    sites = {name: load_site(site=name) for name, _ in cases.values()}
    for name, (site_name, path) in cases.items():
        response = sites[site_name].render(path)
        assert response.status == 200, (path, response.status)
        (HERE / f"{name}.html").write_bytes(response.body)
        expected = expected_records(response.body, SITES[site_name].default_base_url + path)
        text = json.dumps(expected, ensure_ascii=False, indent=2) + "\n"
        (HERE / f"{name}.json").write_text(text, encoding="utf-8")
        print(f"{name}: {path} -> {len(expected['records'])} record(s)")


if __name__ == "__main__":
    main()
