"""Run history: the run reports a spider's runs left (``NEWSSPIDER_REPORT_DIR``), read back.

Every run writes ``data/<spider>/runs/<run_id>.json`` (``extensions/runreport.py``);
``newsspider history`` prints them as a table and ``newsspider report`` draws
them as an HTML page.  Both read them through ``load_runs``, which turns each
report into a ``Run`` of the few numbers they show and names each file it
cannot read (a report cut short by a full disk, a file edited by hand) instead
of stopping at it.
"""

from __future__ import annotations

import gzip
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from newsspider.exitcodes import status_of

# The coverage fields the report measures, in its order.
COVERAGE_FIELDS = ("published", "source_name", "source_url")
# A run id is its start, to the second (newsspider/feeds.py: run_stamp).
_RUN_ID = re.compile(r"^(\d{8}T\d{6})")


class NotAReport(ValueError):
    """A file in the reports' folder that holds no run report."""


@dataclass(frozen=True)
class Run:
    """One run, as its report tells it: what the history table and the charts show."""

    spider: str
    run_id: str
    path: Path
    started: datetime | None
    duration_s: float | None
    exit_code: int
    exit_reason: str
    articles: int
    strips: int
    requests: int
    failed: int
    dropped: dict[str, int] = field(default_factory=dict)
    coverage: dict[str, float | None] = field(default_factory=dict)

    @property
    def outcome(self) -> str:
        """The exit status's meaning and the check's reason (``ok`` for a clean run)."""
        if self.exit_code == 0:
            return self.exit_reason or "ok"
        meaning = status_of(self.exit_code).meaning
        return f"{meaning}: {self.exit_reason}" if self.exit_reason else meaning


@dataclass(frozen=True)
class Unreadable:
    path: Path
    problem: str

    def __str__(self) -> str:
        return f"{self.path}: {self.problem}"


def _count(value: Any) -> int:
    """A count of the report: reports before zero counts were written leave it out."""
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def _moment(value: Any, run_id: str) -> datetime | None:
    """The run's start; a report without one (a forced stop) is placed by its run id."""
    if isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            moment = None
        if moment is not None:
            return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
    if stamp := _RUN_ID.match(run_id):
        return datetime.strptime(stamp.group(1), "%Y%m%dT%H%M%S").replace(tzinfo=timezone.utc)
    return None


def _section(report: Mapping[str, Any], name: str) -> Mapping[str, Any]:
    value = report.get(name)
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise NotAReport(f"its {name!r} is not an object")
    return value


def run_of(report: Any, spider: str, path: Path) -> Run:
    """The ``Run`` a parsed report tells; NotAReport when it is no run report."""
    if not isinstance(report, Mapping) or not isinstance(report.get("exit_code"), int):
        raise NotAReport("not a run report (no exit_code)")
    run_id = str(report.get("run_id") or path.name.removesuffix(".gz").removesuffix(".json"))
    records, pages = _section(report, "records"), _section(report, "pages")
    coverage = _section(report, "coverage")
    duration = report.get("duration_s")
    return Run(
        spider=str(report.get("spider") or spider),
        run_id=run_id,
        path=path,
        started=_moment(report.get("started"), run_id),
        duration_s=float(duration) if isinstance(duration, int | float) else None,
        exit_code=report["exit_code"],
        exit_reason=str(report.get("exit_reason") or ""),
        articles=_count(records.get("article")),
        strips=_count(records.get("headlines")),
        requests=_count(pages.get("requests")),
        failed=_count(pages.get("failed")),
        dropped={k: _count(v) for k, v in _section(report, "dropped").items() if _count(v)},
        coverage={
            name: float(value) if isinstance(value, int | float) else None
            for name in COVERAGE_FIELDS
            for value in [coverage.get(name)]
        },
    )


def read_report(path: Path) -> Any:
    """A report's JSON (``.json``, or ``.json.gz`` once compressed); NotAReport if unreadable."""
    try:
        data = gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()
        # Decoded as the report writes it: json.loads would take a stray BOM for UTF-16.
        return json.loads(data.decode("utf-8"))
    except (OSError, EOFError) as error:  # EOFError: a .gz file cut short
        raise NotAReport(f"cannot read it ({getattr(error, 'strerror', None) or error})") from None
    except UnicodeDecodeError:
        raise NotAReport("not UTF-8 text") from None
    except ValueError as error:
        raise NotAReport(f"not JSON ({error})") from None


def report_files(folder: Path) -> list[Path]:
    """The reports in ``folder``: ``*.json`` and ``*.json.gz``; never a ``.part`` being written."""
    if not folder.is_dir():
        return []
    return sorted(
        path
        for path in folder.iterdir()
        if path.name.endswith((".json", ".json.gz")) and path.is_file()
    )


def load_runs(folder: Path, spider: str) -> tuple[list[Run], list[Unreadable]]:
    """Every run reported in ``folder``, oldest first, and the files that hold none."""
    runs: list[Run] = []
    unreadable: list[Unreadable] = []
    for path in report_files(folder):
        try:
            runs.append(run_of(read_report(path), spider, path))
        except NotAReport as error:
            unreadable.append(Unreadable(path, str(error)))
    return sorted(runs, key=started_key), unreadable


def started_key(run: Run) -> tuple[datetime, str]:
    return (run.started or datetime.min.replace(tzinfo=timezone.utc), run.run_id)


def last(runs: Iterable[Run], count: int) -> list[Run]:
    """The ``count`` most recent of ``runs`` (given oldest first), still oldest first."""
    runs = list(runs)
    return runs[-count:] if count > 0 else []
