"""Golden pages: saved HTML + the records expected from it, checked by one test.

Regenerate with ``make golden`` after a deliberate change, and review the diff.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.golden.regenerate import expected_records

GOLDEN = Path(__file__).parent / "golden"
CASES = sorted(path.stem for path in GOLDEN.glob("*.html"))


def test_every_page_kind_has_a_golden_case() -> None:
    assert set(CASES) >= {
        "fr_span_seed",
        "fr_article",
        "ar_span",
        "ar_article",
        "fr_no_date",
        "fr_no_source_link",
        # the sister sites with an English section: each section in both layouts
        *(f"{site}_{lang}_article" for site in ("masress", "sauress") for lang in ("en", "ar")),
        "masress_en_span",
        "masress_en_span_month",
        "masress_ar_span_month",
        "sauress_en_span",
        "sauress_ar_span_month",
    }
    # Each sister site's sections, both layouts (Maghress's are the cases above).
    assert set(CASES) >= {
        f"{site}_{lang}_{layout}"
        for site, langs in {
            "djazairess": ("ar",),
            "turess": ("fr", "ar"),
            "sudaress": ("ar",),
            "yemeress": ("ar",),
        }.items()
        for lang in langs
        for layout in ("span", "article")
    }


@pytest.mark.parametrize("case", CASES)
def test_golden_page(case: str) -> None:
    expected = json.loads((GOLDEN / f"{case}.json").read_text(encoding="utf-8"))
    body = (GOLDEN / f"{case}.html").read_bytes()
    assert expected_records(body, expected["url"]) == expected
