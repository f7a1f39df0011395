"""How well the generic extractor reads real news pages, beside trafilatura.

    make bench-extract DIR=path/to/pages      # or: python -m benchmarks.extract_quality DIR

``DIR`` holds ``<name>.html`` or ``<name>.html.gz`` beside ``<name>.json`` with the
expected ``url``, ``title``, ``body``, ``published``, ``authors``, ``lang`` (a missing
key is not scored).  Each page is read by ``GenericPage`` and by trafilatura's own
``extract(..., with_metadata=True)``, from the same bytes, and scored on:

- title: exact match after whitespace normalisation;
- date: the same calendar day (in the expected value's own offset when both have one);
  an expected ``null`` is matched by no date;
- authors: the same set of names;
- body: token F1 (bag of words) and 4-gram shingle F1 against the expected body;
- ms per page: wall time of the extraction alone (decoding and parsing included).

Printed as a Markdown table, overall and per language (the expected ``lang``'s
primary tag).  Timings are only comparable on an idle machine.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import trafilatura

from newsspider.extract.generic import GenericPage
from newsspider.extract.generic.metadata import language_tag

# Scripts written without spaces between words: each character counts as a token.
_TOKEN = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]|\w+")
_SPACES = re.compile(r"\s+")
SHINGLE = 4


@dataclass
class Extracted:
    title: str | None
    published: str | None
    authors: list[str]
    body: str | None
    ms: float


@dataclass
class Case:
    name: str
    html: bytes
    expected: dict[str, Any]


def cases(directory: Path) -> Iterator[Case]:
    for expected_file in sorted(directory.glob("*.json")):
        name = expected_file.name.removesuffix(".json")
        plain, packed = directory / f"{name}.html", directory / f"{name}.html.gz"
        if plain.exists():
            html = plain.read_bytes()
        elif packed.exists():
            html = gzip.decompress(packed.read_bytes())
        else:
            continue
        yield Case(name, html, json.loads(expected_file.read_text(encoding="utf-8")))


def ours(case: Case) -> Extracted:
    start = time.perf_counter()
    article = GenericPage.from_bytes(case.expected.get("url") or "", case.html, None).article()
    ms = (time.perf_counter() - start) * 1000
    return Extracted(article.title, article.published, article.authors, article.body, ms)


def theirs(case: Case) -> Extracted:
    start = time.perf_counter()
    found = trafilatura.extract(
        case.html, url=case.expected.get("url"), with_metadata=True, output_format="json"
    )
    ms = (time.perf_counter() - start) * 1000
    data = json.loads(found) if found else {}
    authors = [a.strip() for a in (data.get("author") or "").split(";") if a.strip()]
    return Extracted(data.get("title"), data.get("date"), authors, data.get("text"), ms)


# --- scores ----------------------------------------------------------------------


def _norm(text: str | None) -> str:
    return _SPACES.sub(" ", text or "").strip()


def title_ok(expected: str | None, found: str | None) -> bool:
    return _norm(expected) == _norm(found)


def _moment(value: str) -> datetime | date | None:
    value = value.strip().replace(" ", "T", 1).replace("Z", "+00:00")
    try:
        return datetime.fromisoformat(value) if "T" in value else date.fromisoformat(value[:10])
    except ValueError:
        return None


def date_ok(expected: str | None, found: str | None) -> bool:
    if not expected or not found:
        return not expected and not found
    want, got = _moment(expected), _moment(found)
    if want is None or got is None:
        return False
    if isinstance(want, datetime) and isinstance(got, datetime):
        if want.tzinfo is not None and got.tzinfo is not None:
            got = got.astimezone(want.tzinfo)
        return want.date() == got.date()
    day = want.date() if isinstance(want, datetime) else want
    return day == (got.date() if isinstance(got, datetime) else got)


def authors_ok(expected: list[str] | None, found: list[str]) -> bool:
    return {_norm(a) for a in expected or []} == {_norm(a) for a in found}


def tokens(text: str | None) -> list[str]:
    return _TOKEN.findall((text or "").lower())


def f1(expected: Counter[Any], found: Counter[Any]) -> float:
    if not expected and not found:
        return 1.0
    common = sum((expected & found).values())
    if not common:
        return 0.0
    precision, recall = common / sum(found.values()), common / sum(expected.values())
    return 2 * precision * recall / (precision + recall)


def shingles(words: list[str]) -> Counter[tuple[str, ...]]:
    return Counter(tuple(words[i : i + SHINGLE]) for i in range(len(words) - SHINGLE + 1))


def scores(expected: dict[str, Any], found: Extracted) -> dict[str, float]:
    """The page's scores; a key the expectation lacks is not scored."""
    result = {"ms": found.ms}
    if "title" in expected:
        result["title"] = float(title_ok(expected["title"], found.title))
    if "published" in expected:
        result["date"] = float(date_ok(expected["published"], found.published))
    if "authors" in expected:
        result["authors"] = float(authors_ok(expected["authors"], found.authors))
    if "body" in expected:
        want, got = tokens(expected["body"]), tokens(found.body)
        result["body_f1"] = f1(Counter(want), Counter(got))
        result["shingle_f1"] = f1(shingles(want), shingles(got))
    return result


# --- report ----------------------------------------------------------------------

COLUMNS = ("title", "date", "authors", "body_f1", "shingle_f1", "ms")


def table(rows: dict[str, dict[str, list[dict[str, float]]]]) -> str:
    """One line per language and one overall: each metric as ours / trafilatura."""
    head = "| lang | pages | " + " | ".join(f"{c} (ours / traf.)" for c in COLUMNS) + " |"
    lines = [head, "|" + "---|" * (len(COLUMNS) + 2)]
    for lang in sorted(rows, key=lambda key: (key == "all", -len(rows[key]["ours"]), key)):
        cells = []
        for column in COLUMNS:
            pair = []
            for who in ("ours", "trafilatura"):
                values = [row[column] for row in rows[lang][who] if column in row]
                mean = sum(values) / len(values) if values else float("nan")
                pair.append(f"{mean:.0f}" if column == "ms" else f"{mean:.2f}")
            cells.append(" / ".join(pair))
        lines.append(f"| {lang} | {len(rows[lang]['ours'])} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("directory", type=Path)
    parser.add_argument("--pages", help="show each page's scores", action="store_true")
    args = parser.parse_args(argv)
    rows: dict[str, dict[str, list[dict[str, float]]]] = defaultdict(
        lambda: {"ours": [], "trafilatura": []}
    )
    pages = list(cases(args.directory))
    if pages:  # one-off set-up (trafilatura's stop lists, regexes) is no page's time
        ours(pages[0]), theirs(pages[0])
    for case in pages:
        lang = language_tag(case.expected.get("lang")) or "und"
        mine, other = scores(case.expected, ours(case)), scores(case.expected, theirs(case))
        for key in (lang, "all"):
            rows[key]["ours"].append(mine)
            rows[key]["trafilatura"].append(other)
        if args.pages:
            print(case.name, {k: round(v, 2) for k, v in mine.items()}, file=sys.stderr)
    if not rows:
        print(f"no <name>.json with its page in {args.directory}", file=sys.stderr)
        return 2
    print(table(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
