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
from newsspider.sites import SITES

HERE = Path(__file__).parent
LIVE = "https://www.maghress.com"


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
    records, reason = extract_records(body, url, SITES["maghress"])
    dicts = []
    for record in records:
        data = ItemAdapter(record).asdict()
        data.pop("crawled_at")  # the only field that depends on when the test runs
        dicts.append(data)
    return {"url": url, "records": dicts, "no_article_reason": reason}


def main() -> None:
    site = load_site()
    for name, path in case_paths().items():
        response = site.render(path)
        assert response.status == 200, (path, response.status)
        (HERE / f"{name}.html").write_bytes(response.body)
        expected = expected_records(response.body, LIVE + path)
        text = json.dumps(expected, ensure_ascii=False, indent=2) + "\n"
        (HERE / f"{name}.json").write_text(text, encoding="utf-8")
        print(f"{name}: {path} -> {len(expected['records'])} record(s)")


if __name__ == "__main__":
    main()
