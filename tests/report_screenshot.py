"""Make the README's screenshot of ``newsspider report``: ``python -m tests.report_screenshot``.

Writes a sample day of Maghress run reports (made up, the same every time: a
cron run every 10 minutes, an hour with the site down, a few thin runs) into a
temporary folder, renders the page and saves the Maghress section, as Debian's
chromium draws it, to ``docs/report.png``.
"""

from __future__ import annotations

import random
import sys
import tempfile
from datetime import datetime, timedelta, timezone
from pathlib import Path

from selenium.webdriver.common.by import By

from newsspider.cli import main as newsspider
from tests.browser import chromium
from tests.test_history import write_report

OUTPUT = Path(__file__).resolve().parent.parent / "docs" / "report.png"


def sample_day(folder: Path) -> None:
    draw = random.Random(14)
    start = datetime(2026, 12, 1, 6, 0, tzinfo=timezone.utc)
    for n in range(72):
        moment = start + timedelta(minutes=10 * n)
        down = 30 <= n < 35  # the site did not answer for an hour
        busy = 1.6 if 12 <= n < 30 else 1.0  # the morning's news
        articles = 0 if down else round(draw.randint(4, 24) * busy)
        failed = 1 if down else draw.choice([0, 0, 0, 1, 2, 9])
        requests = 1 if down else 30 + articles * 2 + failed
        code, reason = 0, "ok"
        if down:
            code, reason = 3, "the site did not answer (no page fetched)"
        elif failed > 0.1 * requests:
            code, reason = 5, f"{failed} of {requests} requests failed"
        elif n == 50:
            code, reason = 75, "another run in progress"
        write_report(
            folder, moment.strftime("%Y%m%dT%H%M%S.000Z"), spider="maghress",
            started=moment.isoformat(), duration_s=round(20 + requests * 0.9 + draw.random() * 15, 1),
            pages={"requests": requests, "failed": failed},
            records={} if down else {"article": articles, "headlines": draw.randint(1, 3)},
            dropped={"duplicate": draw.choice([0, 1, 2, 4]), "mojibake": int(n == 44)},
            coverage={} if down else {
                "published": round(draw.uniform(0.93, 1.0), 3),
                "source_name": round(draw.uniform(0.97, 1.0), 3),
                "source_url": 1.0,
            },
            exit_code=code, exit_reason=reason,
        )  # fmt: skip


def main() -> int:
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        sample_day(folder / "maghress")
        page = folder / "report.html"
        runs = f"NEWSSPIDER_REPORT_DIR={folder}/%(name)s"
        if newsspider(["report", "maghress", "-s", runs, "-o", str(page)]) != 0:
            return 1
        with chromium(width=1340, height=1200) as browser:
            browser.get(page.as_uri())
            OUTPUT.parent.mkdir(exist_ok=True)
            browser.find_element(By.CSS_SELECTOR, "section .grid").screenshot(str(OUTPUT))
    print(f"{OUTPUT.relative_to(Path.cwd())}: {OUTPUT.stat().st_size} bytes", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
