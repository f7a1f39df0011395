"""The HTML run report in a real browser: Debian's chromium opens the file from disk,
every chart is drawn with its marks sized, nothing is fetched from the network,
and a screenshot is saved in the test's temporary folder."""

from __future__ import annotations

from pathlib import Path

from newsspider.cli import main
from tests.browser import chromium
from tests.test_history import maghress_runs, write_report

# What each chart of the page must show, per site: the charts' captions, and the
# marks drawn for the hand-written runs of tests/test_history.py (3 Maghress runs)
# and the two Djazairess runs written below.
MAGHRESS_MARKS = {
    "New records": 6,  # a dot per run for new articles and for strips
    "Requests": 3,
    "Failures and drops by reason": 7,  # run 1: failed, duplicate, invalid; 2: failed,
    # invalid, mojibake; 3: failed (zero counts draw nothing)
    "Field coverage of new articles": 5,  # published ×2, source_name ×2, source_url ×1
    "Duration": 3,
    "Exit statuses": 3,
}
DJAZAIRESS_MARKS = {
    "New records": 4,
    "Requests": 2,
    "Failures and drops by reason": 1,
    "Field coverage of new articles": 3,
    "Duration": 2,
    "Exit statuses": 2,
}

# For each chart: its box, and each mark (dot, bar segment) whose drawn box has an area.
CHARTS = """
return [...document.querySelectorAll('section')].map(section => ({
  site: section.id,
  charts: [...section.querySelectorAll('figure')].map(figure => {
    const svg = figure.querySelector('svg');
    const box = svg.getBoundingClientRect();
    const marks = [...svg.querySelectorAll('circle, rect')].filter(mark => {
      const drawn = mark.getBoundingClientRect();
      return drawn.width > 0 && drawn.height > 0;
    });
    return {caption: figure.querySelector('figcaption').textContent,
            width: box.width, height: box.height, marks: marks.length,
            lines: svg.querySelectorAll('polyline').length};
  }),
}));
"""


def test_the_report_renders_its_charts_in_chromium(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    maghress_runs(tmp_path / "data")
    for minute, articles, code in ((0, 12, 0), (10, 0, 4)):
        write_report(
            tmp_path / "data" / "djazairess" / "runs", f"20261201T08{minute:02d}00.000Z",
            spider="djazairess", started=f"2026-12-01T08:{minute:02d}:00+00:00",
            duration_s=30.0 + minute, pages={"requests": 20 - minute, "failed": minute // 10},
            records={"article": articles, "headlines": 1}, exit_code=code,
            coverage={"published": 1.0, "source_name": 1.0, "source_url": 1.0} if articles else {},
            exit_reason="ok" if code == 0 else "0 article(s) found on 8 article page(s)",
        )  # fmt: skip
    page = tmp_path / "report.html"
    assert main(["report", "maghress", "djazairess", "-o", str(page)]) == 0

    with chromium() as browser:
        browser.get(page.as_uri())
        sites = browser.execute_script(CHARTS)
        fetched = browser.execute_script(
            "return performance.getEntriesByType('resource').map(r => r.name)"
        )
        browser.save_screenshot(str(tmp_path / "report.png"))
        height = browser.execute_script("return document.documentElement.scrollHeight")

    assert [site["site"] for site in sites] == ["maghress", "djazairess"]
    for site, expected in zip(sites, (MAGHRESS_MARKS, DJAZAIRESS_MARKS), strict=True):
        drawn = {chart["caption"]: chart["marks"] for chart in site["charts"]}
        assert drawn == expected, site["site"]
        for chart in site["charts"]:
            assert chart["width"] > 300 and chart["height"] > 50, (site["site"], chart)
        lines = {chart["caption"]: chart["lines"] for chart in site["charts"]}
        assert lines["New records"] == 2 and lines["Duration"] == 1
    assert fetched == [], "the page loads nothing: no script, style, font or image"
    assert height > 1000, "both sites' charts and tables are laid out"
    screenshot = (tmp_path / "report.png").read_bytes()
    assert screenshot.startswith(b"\x89PNG\r\n\x1a\n") and len(screenshot) > 20_000
