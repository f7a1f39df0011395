"""``newsspider history``: recent runs as a plain-text table, newest first."""

from __future__ import annotations

from collections.abc import Sequence

from newsspider.history import Run


def duration(seconds: float | None) -> str:
    """``42.1 s``, ``3 min 05 s``, ``1 h 02 min``: what a reader compares at a glance."""
    if seconds is None:
        return "-"
    if seconds < 60:
        return f"{seconds:.1f} s"
    whole = round(seconds)
    if whole < 3600:
        return f"{whole // 60} min {whole % 60:02d} s"
    return f"{whole // 3600} h {whole % 3600 // 60:02d} min"


def dropped(counts: dict[str, int]) -> str:
    """``duplicate 4, invalid 1``: the reasons records were dropped, most first."""
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return ", ".join(f"{reason} {count}" for reason, count in ranked) or "-"


HEADER = (
    "START (UTC)", "SPIDER", "DURATION", "EXIT", "NEW", "STRIPS", "REQUESTS", "FAILED",
    "DROPPED", "OUTCOME",
)  # fmt: skip
# The number columns line up on the right.
RIGHT = {"DURATION", "EXIT", "NEW", "STRIPS", "REQUESTS", "FAILED"}


def row(run: Run) -> tuple[str, ...]:
    started = run.started.strftime("%Y-%m-%d %H:%M") if run.started else run.run_id
    return (
        started,
        run.spider,
        duration(run.duration_s),
        str(run.exit_code),
        str(run.articles),
        str(run.strips),
        str(run.requests),
        str(run.failed),
        dropped(run.dropped),
        run.outcome,
    )


def table(runs: Sequence[Run]) -> str:
    """The runs, one line each, in the order given; the last column is never padded."""
    rows = [HEADER, *(row(run) for run in runs)]
    widths = [max(len(cells[i]) for cells in rows) for i in range(len(HEADER) - 1)]
    lines = []
    for cells in rows:
        padded = [
            cell.rjust(width) if name in RIGHT else cell.ljust(width)
            for name, cell, width in zip(HEADER, cells, widths, strict=False)
        ]
        lines.append("  ".join([*padded, cells[-1]]).rstrip())
    return "\n".join(lines)
