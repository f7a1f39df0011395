"""``newsspider report``: one self-contained HTML page of the runs of each site.

No script, no stylesheet, font or image from elsewhere: the charts are inline
SVG (``charts.py``) and a Content-Security-Policy that allows nothing remote
makes sure the page never reaches the network, even if a report's text
(a reason quoting a URL) were to look like markup — every text is escaped.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from html import escape

from newsspider.history import COVERAGE_FIELDS, Run
from newsspider.history.charts import line_chart, series, stacked_bars, status_strip
from newsspider.history.table import dropped, duration

# How many failed runs each site lists below its charts.
FAILED_RUNS_LISTED = 10

STYLE = """
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;
 color:#1e293b;background:#f8fafc}
header,section{max-width:1320px;margin:0 auto;padding:16px 24px}
h1{font-size:22px;margin:8px 0 4px}h2{font-size:18px;margin:24px 0 4px}
.meta{color:#64748b}
.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(400px,1fr));gap:14px}
.panel{margin:0;background:#fff;border:1px solid #e2e8f0;border-radius:8px;padding:10px 12px}
figcaption{font-weight:600;margin-bottom:4px}
svg.chart{display:block;width:100%;height:auto}
svg .grid{stroke:#e2e8f0;stroke-width:1}
svg text{font-size:14px;fill:#64748b}
svg .ylabel{text-anchor:end}svg .xlabel.end{text-anchor:end}
svg .empty{text-anchor:middle;font-size:18px}
.legend{list-style:none;margin:6px 0 0;padding:0;display:flex;flex-wrap:wrap;gap:4px 14px;
 font-size:12px;color:#475569}
.swatch{display:inline-block;width:10px;height:10px;border-radius:2px;margin-right:5px}
table{border-collapse:collapse;background:#fff;width:100%;font-size:13px}
th,td{border-bottom:1px solid #e2e8f0;padding:4px 8px;text-align:left;vertical-align:top}
td.n{text-align:right;font-variant-numeric:tabular-nums}
.bad{color:#b91c1c}.unreadable{color:#b45309}
"""

# Nothing may load: no script, no remote style, font or image (inline styles and SVG only).
POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"


def _when(run: Run) -> str:
    return run.started.strftime("%Y-%m-%d %H:%M") if run.started else run.run_id


def site_charts(runs: Sequence[Run]) -> str:
    """The six charts of one site's runs (those with a known start: the x axis is time)."""
    timed = [run for run in runs if run.started is not None]
    times: list[datetime] = [run.started for run in timed if run.started is not None]
    reasons = sorted({reason for run in timed for reason in run.dropped})
    losses = [("failed requests", [float(run.failed) for run in timed])]
    losses += [(f"dropped: {r}", [float(run.dropped.get(r, 0)) for run in timed]) for r in reasons]
    charts = [
        line_chart(
            "New records",
            times,
            series(
                [
                    ("new articles", [float(run.articles) for run in timed]),
                    ("headline strips", [float(run.strips) for run in timed]),
                ]
            ),
        ),
        line_chart("Requests", times, series([("requests", [float(r.requests) for r in timed])])),
        stacked_bars("Failures and drops by reason", times, series(losses)),
        line_chart(
            "Field coverage of new articles",
            times,
            series(
                [
                    (name, [_percent(run.coverage.get(name)) for run in timed])
                    for name in COVERAGE_FIELDS
                ]
            ),
            label=lambda value: f"{value:.0f}%",
            top=100.0,
        ),
        line_chart(
            "Duration",
            times,
            series([("duration", [run.duration_s for run in timed])]),
            label=lambda seconds: f"{seconds:,.0f} s",
            tip=duration,
        ),
        status_strip("Exit statuses", times, [run.exit_code for run in timed]),
    ]
    return '<div class="grid">' + "".join(charts) + "</div>"


def _percent(share: float | None) -> float | None:
    return None if share is None else share * 100


def failed_runs(runs: Sequence[Run]) -> str:
    """The last failed runs, newest first, each with its reason and report file."""
    failed = [run for run in runs if run.exit_code != 0][-FAILED_RUNS_LISTED:][::-1]
    if not failed:
        return '<p class="meta">No failed run.</p>'
    rows = "".join(
        f'<tr><td>{escape(_when(run))}</td><td class="n bad">{run.exit_code}</td>'
        f"<td>{escape(run.outcome)}</td><td class='n'>{run.articles}</td>"
        f"<td class='n'>{run.requests}</td><td class='n'>{run.failed}</td>"
        f"<td>{escape(dropped(run.dropped))}</td><td>{escape(str(run.path))}</td></tr>"
        for run in failed
    )
    return (
        "<table><thead><tr><th>start (UTC)</th><th>exit</th><th>outcome</th><th>new</th>"
        "<th>requests</th><th>failed</th><th>dropped</th><th>report</th></tr></thead>"
        f"<tbody>{rows}</tbody></table>"
    )


def site_section(spider: str, runs: Sequence[Run], unreadable: Sequence[str]) -> str:
    last = runs[-1] if runs else None
    summary = (
        f"{len(runs)} run(s) from {_when(runs[0])} to {_when(last)} UTC; the last: "
        f"exit {last.exit_code} ({last.outcome})"
        if last
        else "no run report"
    )
    skipped = "".join(f'<p class="unreadable">skipped {escape(line)}</p>' for line in unreadable)
    charts = site_charts(runs) if runs else ""
    return (
        f'<section id="{escape(spider)}"><h2>{escape(spider)}</h2>'
        f'<p class="meta">{escape(summary)}</p>{skipped}{charts}'
        f"<h3>Last failed runs</h3>{failed_runs(runs)}</section>"
    )


def page(sites: dict[str, tuple[list[Run], list[str]]], generated: datetime) -> str:
    """The whole page: one section per site, in the order given."""
    sections = "".join(site_section(name, runs, bad) for name, (runs, bad) in sites.items())
    names = ", ".join(escape(name) for name in sites)
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{POLICY}">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        f"<title>newsspider runs: {names}</title><style>{STYLE}</style></head><body>"
        f"<header><h1>newsspider runs</h1><p class='meta'>{names} · generated "
        f"{generated.strftime('%Y-%m-%d %H:%M')} UTC from the run reports</p></header>"
        f"{sections}</body></html>\n"
    )
