"""Charts over time as inline SVG, drawn here: the report page needs no script, no
font and no network, and opens from a mail attachment or a file share as it is.

Each chart is one ``<figure>``: a caption, the SVG (a ``viewBox`` the page's CSS
scales to its column) and a legend.  Every point and bar carries a ``<title>``,
which browsers show on hover, so the exact numbers are there without a script.
The x axis is time, not run order: a gap in the crontab shows as a gap.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from html import escape

from newsspider import exitcodes
from newsspider.exitcodes import ExitStatus

# viewBox units; a panel of the page is ~400 px wide, so text of 14 units reads as ~10 px.
WIDTH, HEIGHT = 560, 200
LEFT, RIGHT, TOP, BOTTOM = 58, 14, 14, 30
INSET = 8
PALETTE = ("#2563eb", "#dc2626", "#059669", "#d97706", "#7c3aed", "#0891b2", "#db2777", "#475569")


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[float | None]
    color: str


def series(named: Sequence[tuple[str, Sequence[float | None]]]) -> list[Series]:
    """Series coloured in order from the palette (it wraps past eight)."""
    return [
        Series(name, values, PALETTE[i % len(PALETTE)]) for i, (name, values) in enumerate(named)
    ]


def nice_top(value: float) -> float:
    """The top of the y axis: 1, 2 or 5 times a power of ten, at least ``value``."""
    if value <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    return next(step * power for step in (1, 2, 5, 10) if step * power >= value)


def _when(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M")


def _number(value: float) -> str:
    return f"{value:,.0f}" if value == int(value) else f"{value:,.1f}"


class Frame:
    """The plot area: a run's start → x, a value → y, and the axes drawn around them."""

    def __init__(self, times: Sequence[datetime], top: float, height: int = HEIGHT) -> None:
        self.times, self.top, self.height = times, top, height
        self.first, self.last = min(times), max(times)
        self.span = (self.last - self.first).total_seconds()

    def x(self, moment: datetime) -> float:
        # Inset by half a bar: the first and last runs' bars stay clear of the axis labels.
        inner = WIDTH - LEFT - RIGHT - 2 * INSET
        if self.span == 0:
            return LEFT + INSET + inner / 2
        return LEFT + INSET + inner * (moment - self.first).total_seconds() / self.span

    def y(self, value: float) -> float:
        inner = self.height - TOP - BOTTOM
        return TOP + inner * (1 - value / self.top)

    def bar_width(self) -> float:
        """Narrow enough that runs ten minutes apart in a day of them do not overlap much."""
        return max(2.0, min(2.0 * INSET, (WIDTH - LEFT - RIGHT) / max(len(self.times), 1) * 0.6))

    def axes(self, label: Callable[[float], str], grid: bool = True) -> list[str]:
        parts = []
        if grid:
            for value in (0.0, self.top / 2, self.top):
                y = self.y(value)
                parts.append(
                    f'<line class="grid" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}"/>'
                    f'<text class="ylabel" x="{LEFT - 6}" y="{y + 4:.1f}">{escape(label(value))}</text>'
                )
        base = self.height - 8
        first, last = _when(self.first), _when(self.last)
        parts.append(f'<text class="xlabel" x="{LEFT + INSET}" y="{base}">{first}</text>')
        if self.span:
            parts.append(f'<text class="xlabel end" x="{WIDTH - RIGHT}" y="{base}">{last}</text>')
        return parts


def _svg(caption: str, height: int, body: list[str]) -> str:
    return (
        f'<svg class="chart" viewBox="0 0 {WIDTH} {height}" role="img" '
        f'aria-label="{escape(caption)}" xmlns="http://www.w3.org/2000/svg">'
        + "".join(body)
        + "</svg>"
    )


def _figure(caption: str, svg: str, legend: Sequence[tuple[str, str]]) -> str:
    items = "".join(
        f'<li><span class="swatch" style="background:{color}"></span>{escape(name)}</li>'
        for name, color in legend
    )
    return (
        f'<figure class="panel"><figcaption>{escape(caption)}</figcaption>{svg}'
        f'<ul class="legend">{items}</ul></figure>'
    )


def _no_data(caption: str, height: int = HEIGHT) -> str:
    text = f'<text class="empty" x="{WIDTH / 2}" y="{height / 2}">no data</text>'
    return _figure(caption, _svg(caption, height, [text]), [])


def line_chart(
    caption: str,
    times: Sequence[datetime],
    lines: Sequence[Series],
    label: Callable[[float], str] = _number,
    top: float | None = None,
    tip: Callable[[float], str] | None = None,
) -> str:
    """One line per series over time, a dot per run; a run without a value breaks the line.

    ``label`` writes the axis's numbers, ``tip`` (default: ``label``) a point's own.
    """
    values = [v for line in lines for v in line.values if v is not None]
    if not times or not values:
        return _no_data(caption)
    frame = Frame(times, top or nice_top(max(values)))
    body = frame.axes(label)
    for line in lines:
        segment: list[str] = []
        dots = []
        for moment, value in zip(times, line.values, strict=True):
            if value is None:
                body.append(_polyline(segment, line.color))
                segment = []
                continue
            x, y = frame.x(moment), frame.y(value)
            segment.append(f"{x:.1f},{y:.1f}")
            told = f"{_when(moment)} · {line.name}: {(tip or label)(value)}"
            dots.append(
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{line.color}">'
                f"<title>{escape(told)}</title></circle>"
            )
        body.append(_polyline(segment, line.color))
        body.extend(dots)
    legend = [(line.name, line.color) for line in lines]
    return _figure(caption, _svg(caption, HEIGHT, body), legend)


def _polyline(points: list[str], color: str) -> str:
    if len(points) < 2:
        return ""
    return f'<polyline fill="none" stroke="{color}" stroke-width="2" points="{" ".join(points)}"/>'


def stacked_bars(caption: str, times: Sequence[datetime], stacks: Sequence[Series]) -> str:
    """One bar per run, a segment per series on top of the other (failures, drops by reason)."""
    totals = [sum(s.values[i] or 0 for s in stacks) for i in range(len(times))]
    if not times or not stacks:
        return _no_data(caption)
    frame = Frame(times, nice_top(max(totals, default=0)))
    body = frame.axes(_number)
    width = frame.bar_width()
    for i, moment in enumerate(times):
        x = frame.x(moment) - width / 2
        base = 0.0
        for stack in stacks:
            value = stack.values[i] or 0
            if not value:
                continue
            y_top, y_base = frame.y(base + value), frame.y(base)
            tip = f"{_when(moment)} · {stack.name}: {_number(value)}"
            body.append(
                f'<rect x="{x:.1f}" y="{y_top:.1f}" width="{width:.1f}" '
                f'height="{y_base - y_top:.1f}" fill="{stack.color}">'
                f"<title>{escape(tip)}</title></rect>"
            )
            base += value
    legend = [(stack.name, stack.color) for stack in stacks]
    return _figure(caption, _svg(caption, HEIGHT, body), legend)


def status_color(code: int) -> str:
    """Green: ok; red: nothing or not all was done; orange, yellow: a check failed;
    violet: stopped by a signal; grey: stood aside for another run."""
    status = exitcodes.status_of(code)
    if status is ExitStatus.OK:
        return "#16a34a"
    if status is ExitStatus.LOCKED:
        return "#94a3b8"
    if status is ExitStatus.INTERRUPTED:
        return "#6366f1"
    severe = (ExitStatus.USAGE, ExitStatus.STATE_DAMAGED, ExitStatus.FAILED)
    if status in (*severe, ExitStatus.REDIS_RESTARTED):
        return "#dc2626"
    # A kind of record stopped coming (a layout changed) against a thin or poor output.
    lost = (ExitStatus.UNKNOWN_SOURCE, ExitStatus.NO_ARTICLES, ExitStatus.NO_HEADLINES)
    return "#ea580c" if status in lost else "#eab308"


def status_strip(caption: str, times: Sequence[datetime], codes: Sequence[int]) -> str:
    """A band of one bar per run in its exit status's colour; the legend counts each status."""
    if not times:
        return _no_data(caption, 90)
    height = 90
    frame = Frame(times, 1.0, height)
    body = frame.axes(_number, grid=False)
    width = frame.bar_width()
    for moment, code in zip(times, codes, strict=True):
        status = exitcodes.status_of(code)
        tip = f"{_when(moment)} · exit {code}: {status.meaning}"
        body.append(
            f'<rect class="run" x="{frame.x(moment) - width / 2:.1f}" y="{TOP}" '
            f'width="{width:.1f}" height="{height - TOP - BOTTOM}" fill="{status_color(code)}">'
            f"<title>{escape(tip)}</title></rect>"
        )
    counts: dict[int, int] = {}
    for code in codes:
        counts[code] = counts.get(code, 0) + 1
    legend = [
        (f"{code} {exitcodes.status_of(code).meaning} ×{count}", status_color(code))
        for code, count in sorted(counts.items())
    ]
    return _figure(caption, _svg(caption, height, body), legend)
