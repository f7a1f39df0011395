"""The scores of ``make bench-extract`` (benchmarks/extract_quality.py), from tables."""

from __future__ import annotations

import gzip
import json
from collections import Counter
from pathlib import Path

import pytest

from benchmarks.extract_quality import (
    authors_ok,
    date_ok,
    f1,
    main,
    shingles,
    title_ok,
    tokens,
)

PAGES = Path(__file__).parent / "pages" / "generic"


@pytest.mark.parametrize(
    ("expected", "found", "ok"),
    [
        ("2024-01-07 01:20:00+00:00", "2024-01-07T02:20:00+01:00", True),
        # The same moment is the 6th in New York: the expected value's offset decides.
        ("2024-01-06 20:20:00-05:00", "2024-01-07T01:20:00+00:00", True),
        ("2024-01-07 01:20:00+00:00", "2024-01-07", True),
        ("2024-01-07", "2024-01-08", False),
        (None, None, True),
        (None, "2024-01-07", False),
        ("2024-01-07", None, False),
        ("2024-01-07", "not a date", False),
    ],
)
def test_date_is_scored_to_the_day(expected: str | None, found: str | None, ok: bool) -> None:
    assert date_ok(expected, found) is ok


def test_title_and_authors() -> None:
    assert title_ok("A  headline\n here", "A headline here")
    assert not title_ok("A headline", "A headline | Paper")
    assert authors_ok(["Jane Doe", "John Roe"], ["John Roe", " Jane  Doe"])
    assert not authors_ok(["Jane Doe"], [])
    assert authors_ok([], [])


def test_body_scores() -> None:
    want, got = tokens("the cat sat on the mat"), tokens("The cat sat on a mat")
    assert f1(Counter(want), Counter(want)) == 1.0
    assert f1(Counter(want), Counter(got)) == pytest.approx(2 * (5 / 6) * (5 / 6) / (10 / 6))
    assert f1(Counter(), Counter()) == 1.0
    assert f1(Counter(want), Counter()) == 0.0
    # Japanese has no spaces: each character is a token.
    assert tokens("東京都") == ["東", "京", "都"]
    assert shingles(tokens("a b c d e")) == Counter(
        {("a", "b", "c", "d"): 1, ("b", "c", "d", "e"): 1}
    )


def test_a_folder_is_scored_per_language_beside_trafilatura(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Pages as ``.html`` and ``.html.gz``; a page without its ``.json`` is not read."""
    french = (PAGES / "french_fr.html").read_bytes()
    (tmp_path / "a.html.gz").write_bytes(gzip.compress(french))
    (tmp_path / "b.html").write_bytes((PAGES / "arabic_ar.html").read_bytes())
    (tmp_path / "c.html").write_bytes(french)
    (tmp_path / "a.json").write_text(
        json.dumps(
            {
                "url": "https://echo-coteaux.example/economie/vendanges-tardives",
                "title": "Les vendanges tardives sauvées par un automne sec",
                "lang": "fr-FR",
            }
        )
    )
    (tmp_path / "b.json").write_text(json.dumps({"url": "https://x.example/", "lang": "ar"}))
    assert main([str(tmp_path)]) == 0
    lines = capsys.readouterr().out.splitlines()
    rows = {line.split(" | ")[0].strip("| "): line for line in lines[2:]}
    assert set(rows) == {"fr", "ar", "all"}
    assert rows["fr"].split(" | ")[2] == "1.00 / 1.00"  # our title, trafilatura's
    assert rows["ar"].split(" | ")[2] == "nan / nan"  # no title expected: not scored
    assert " | 2 | " in rows["all"]


def test_an_empty_folder_is_an_error(tmp_path: Path) -> None:
    assert main([str(tmp_path)]) == 2
