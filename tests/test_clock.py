"""A clock jump: one run under a clock a year ahead must not bound the later runs.

The jump is real: Debian's ``faketime`` (``make faketime``) runs a crawl process
whose every clock call answers a year ahead; the next crawl runs on the true clock.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone

from newsspider import exitcodes
from newsspider.demo_site import DemoSite
from tests.conftest import run_crawl

A_YEAR_AHEAD = ["faketime", "-f", "+365d"]


def test_a_run_from_the_future_does_not_stop_later_listings_at_page_1(tmp_path) -> None:
    with DemoSite() as server:
        base = ("-a", f"base_url={server.base_url}", "-a", "lang=fr", "-a", "since=auto")
        base += ("-a", "max_pages=30")
        ahead = run_crawl(tmp_path, *base, wrapper=A_YEAR_AHEAD)
        assert ahead.returncode == exitcodes.OK, ahead.stderr[-2000:]
        today = datetime.now(timezone.utc).date()
        assert ahead.stats["start_time"].startswith(str(today.year + 1)), "the clock was ahead"
        before = set(ahead.files("maghress/articles-*.jsonl"))

        # Twenty listing pages of libe (five teasers a page): the strip shows the newest
        # sixty, the home page and the feed fewer; the forty before them only libe's
        # pages 13 to 20 show (the reproduction lost 39 of 100).
        added = [
            server.site.add_article("fr", source="libe", published=today.isoformat())
            for _ in range(100)
        ]
        server.clear_requests()
        run = run_crawl(tmp_path, *base)
        assert run.returncode == exitcodes.OK, run.stderr[-2000:]
        files = [p for p in run.files("maghress/articles-*.jsonl") if p not in before]
        written = {json.loads(line)["id"] for path in files for line in path.open()}
        assert written == {f"maghress:fr:libe:{a.id}" for a in added}
        walked = {p for _m, p, _s in server.requests if p.startswith("/fr/libe?page=")}
        assert {f"/fr/libe?page={n}" for n in range(2, 21)} <= walked
        assert "later than now" in run.stderr and "ignored" in run.stderr
