"""Full JSON Schema checks of output records, for tests and ``newsspider validate``.

Too slow for every item of a crawl (the pipeline does a cheap check); exact
enough to tell a downstream user which line and which field is wrong.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator

from newsspider.lines import DamagedFile, read_lines

# A \u escape (\u00e9) of a printable non-ASCII character: the contract wants UTF-8 text.
_ESCAPED_TEXT = re.compile(rb"(?<!\\)\\u(?!00[01])[0-9a-fA-F]{4}")

SCHEMA_FILES = {
    "newsspider.article/1": "article.schema.json",
    "newsspider.headlines/1": "headlines.schema.json",
}


@cache
def validator(schema_name: str) -> Draft202012Validator:
    text = files("newsspider.schemas").joinpath(SCHEMA_FILES[schema_name]).read_text("utf-8")
    return Draft202012Validator(json.loads(text))


def record_errors(record: Any) -> list[str]:
    """Every contract breach of one decoded record, as ``field: message``."""
    if not isinstance(record, dict):
        return ["<record>: not a JSON object"]
    schema_name = record.get("schema")
    if schema_name not in SCHEMA_FILES:
        return [f"schema: unknown record type {schema_name!r}"]
    check = validator(schema_name)
    errors = [
        f"{'/'.join(map(str, error.absolute_path)) or '<record>'}: {error.message}"
        for error in sorted(check.iter_errors(record), key=lambda e: list(e.absolute_path))
    ]
    expected = [key for key in check.schema["properties"] if key in record]
    if list(record)[: len(expected)] != expected:
        errors.append(f"<record>: keys out of order, expected {', '.join(expected)}")
    return errors


def file_errors(path: Path) -> Iterator[tuple[int, str]]:
    """``(line number, problem)`` for every bad line of a JSON Lines file, gzipped or not."""
    number = 0
    try:
        for number, raw in enumerate(read_lines(path), start=1):
            for problem in line_errors(raw):
                yield number, problem
    except DamagedFile as error:
        yield number + 1, f"<file>: {str(error).removeprefix(f'{path}: ')}"


def line_errors(raw: bytes) -> Iterator[str]:
    """Every problem of one line of a JSON Lines file."""
    if not raw.endswith(b"\n"):
        yield "<line>: torn last line (no newline at the end)"
    try:
        record = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        yield "<line>: not UTF-8"
        return
    except ValueError as error:
        yield f"<line>: not JSON ({error})"
        return
    if _ESCAPED_TEXT.search(raw):
        yield "<line>: text escaped as \\u sequences instead of UTF-8"
    yield from record_errors(record)
