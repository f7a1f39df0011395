"""Alerts: the run report POSTed to a real loopback webhook, and a bad webhook never
blocking or failing the run.

The webhook is a real HTTP server on 127.0.0.1, port 0, that answers as told:
200, 500, or nothing for longer than the alert may wait.  In-process runs send
the real closing signals to a crawler whose stats are set by hand
(``tests/test_runreport.py``); one real crawl process shows that a webhook that
never answers neither delays the process past the timeout nor changes its status.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from scrapy.settings import Settings

from newsspider import exitcodes
from newsspider.demo_site import DemoSite
from newsspider.extensions.alerts import alert_config, alert_text
from newsspider.extensions.runreport import report_for
from tests.conftest import run_crawl
from tests.inprocess import RecordsSpider, crawl_records
from tests.test_feedaudit import RECORDS
from tests.test_runreport import STATS, close, crawler_with

RUN = RecordsSpider.run_id
ALERTS = {
    "newsspider.extensions.runreport.RunReport": 600,
    "newsspider.extensions.alerts.Alerts": 800,
}


class Webhook:
    """A loopback webhook: what it was sent, and how it answers (``status``, ``delay``)."""

    def __init__(self, status: int = 200, delay: float = 0.0) -> None:
        self.status, self.delay = status, delay
        self.received: list[dict[str, Any]] = []
        self.content_types: list[str] = []
        self.gets = 0
        webhook = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                webhook.received.append(json.loads(body))
                webhook.content_types.append(self.headers["Content-Type"])
                time.sleep(webhook.delay)
                self.send_response(webhook.status)
                if webhook.status in (301, 302, 303, 307, 308):
                    self.send_header("Location", webhook.url)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def do_GET(self) -> None:  # where a followed redirect would land, bodiless
                webhook.gets += 1
                self.send_response(200)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks/T000/secret"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def webhook() -> Iterator[Webhook]:
    server = Webhook()
    yield server
    server.close()


def saved_report(tmp_path: Path) -> dict[str, Any]:
    return json.loads((tmp_path / "runs" / f"{RUN}.json").read_text("utf-8"))


def test_a_failed_run_posts_its_report_with_a_slack_text(tmp_path: Path, webhook: Webhook) -> None:
    crawler = crawler_with(
        tmp_path,
        {**STATS, "newsspider/failed_requests": 30},  # 30 of 101 requests: exit 5
        EXTENSIONS=ALERTS,
        NEWSSPIDER_ALERT_WEBHOOK=webhook.url,
    )
    close(crawler)
    [sent] = webhook.received
    assert webhook.content_types == ["application/json; charset=utf-8"]
    assert sent["text"] == (
        f"newsspider records {RUN}: exit 5 (error rate above threshold: "
        "30 of 100 requests failed (30%)); 76 new article(s), 2 strip(s), "
        "101 request(s), 30 failed"
    )
    assert (sent["spider"], sent["run_id"], sent["exit_code"]) == ("records", RUN, 5)
    assert sent["records"] == {"article": 76, "headlines": 2}
    assert sent["pages"]["failed"] == 30
    assert saved_report(tmp_path)["alerts"] == {"failed": 0, "sent": 1}
    assert report_for(crawler).exit_code == exitcodes.ERROR_RATE


def test_a_clean_run_alerts_only_when_asked(tmp_path: Path, webhook: Webhook) -> None:
    quiet = crawler_with(
        tmp_path / "quiet", STATS, EXTENSIONS=ALERTS, NEWSSPIDER_ALERT_WEBHOOK=webhook.url
    )
    close(quiet)
    assert webhook.received == [], "exit 0 and NEWSSPIDER_ALERT_ON=failure: no alert"
    assert saved_report(tmp_path / "quiet")["alerts"] == {"failed": 0, "sent": 0}

    loud = crawler_with(
        tmp_path / "loud",
        STATS,
        EXTENSIONS=ALERTS,
        NEWSSPIDER_ALERT_WEBHOOK=webhook.url,
        NEWSSPIDER_ALERT_ON="always",
    )
    close(loud)
    [sent] = webhook.received
    assert sent["exit_code"] == 0 and sent["text"].startswith(
        f"newsspider records {RUN}: exit 0 (ok); "
    )
    assert saved_report(tmp_path / "loud")["alerts"] == {"failed": 0, "sent": 1}


def test_without_a_webhook_the_report_says_no_alerts(tmp_path: Path) -> None:
    close(crawler_with(tmp_path, STATS, EXTENSIONS=ALERTS))
    assert saved_report(tmp_path)["alerts"] is None


def test_a_webhook_answering_500_is_counted_and_the_run_keeps_its_status(
    tmp_path: Path, capsys
) -> None:
    server = Webhook(status=500)
    try:
        crawler = crawler_with(
            tmp_path, STATS, EXTENSIONS=ALERTS, NEWSSPIDER_ALERT_WEBHOOK=server.url,
            NEWSSPIDER_ALERT_ON="always",
        )  # fmt: skip
        close(crawler)
    finally:
        server.close()
    assert len(server.received) == 1
    assert report_for(crawler).exit_code == exitcodes.OK
    report = saved_report(tmp_path)
    assert report["exit_code"] == 0
    assert report["alerts"] == {
        "error": "the webhook answered HTTP 500",
        "failed": 1,
        "sent": 0,
    }
    assert ": exit 0 (ok); " in capsys.readouterr().err


def test_a_webhook_that_redirects_is_no_delivery(tmp_path: Path) -> None:
    """A redirect followed as a GET would lose the body: the alert is counted as failed."""
    server = Webhook(status=302)
    try:
        close(
            crawler_with(
                tmp_path, STATS, EXTENSIONS=ALERTS, NEWSSPIDER_ALERT_WEBHOOK=server.url,
                NEWSSPIDER_ALERT_ON="always",
            )
        )  # fmt: skip
    finally:
        server.close()
    assert (len(server.received), server.gets) == (1, 0)
    assert saved_report(tmp_path)["alerts"] == {
        "error": "the webhook answered HTTP 302",
        "failed": 1,
        "sent": 0,
    }


def test_a_webhook_that_is_down_is_counted(tmp_path: Path) -> None:
    server = Webhook()
    server.close()  # nothing listens on its port any more
    crawler = crawler_with(
        tmp_path, {**STATS, "spider_exceptions/KeyError": 1}, EXTENSIONS=ALERTS,
        NEWSSPIDER_ALERT_WEBHOOK=server.url,
    )  # fmt: skip
    close(crawler)
    report = saved_report(tmp_path)
    assert (report["exit_code"], report["alerts"]["failed"]) == (3, 1)
    assert report["alerts"]["error"].startswith("the webhook could not be reached (")
    assert "secret" not in json.dumps(report), "the webhook URL (its token) is never written"


def test_a_slow_webhook_is_given_up_after_the_timeout(tmp_path: Path) -> None:
    server = Webhook(delay=5.0)
    try:
        crawler = crawler_with(
            tmp_path, STATS, EXTENSIONS=ALERTS, NEWSSPIDER_ALERT_WEBHOOK=server.url,
            NEWSSPIDER_ALERT_ON="always", NEWSSPIDER_ALERT_TIMEOUT=0.5,
        )  # fmt: skip
        started = time.monotonic()
        close(crawler)
        waited = time.monotonic() - started
    finally:
        server.close()
    assert waited < 3.0, f"the close waited {waited:.1f} s for a webhook that takes 5 s"
    assert saved_report(tmp_path)["alerts"] == {
        "error": "no answer within 0.5 s",
        "failed": 1,
        "sent": 0,
    }


def test_a_report_that_cannot_be_written_alerts_with_the_failure(
    tmp_path: Path, webhook: Webhook
) -> None:
    """The first verdict was exit 0 (no alert); the unwritable report makes it exit 3."""
    (tmp_path / "runs").write_text("a file where the reports' folder should be")
    close(crawler_with(tmp_path, STATS, EXTENSIONS=ALERTS, NEWSSPIDER_ALERT_WEBHOOK=webhook.url))
    [sent] = webhook.received
    assert (sent["exit_code"], sent["exit_reason"]) == (3, "the run report could not be written")


def test_a_real_crawl_posts_its_report(tmp_path: Path, webhook: Webhook) -> None:
    """The project's own settings load the extension; the report of a real in-process crawl."""
    crawl_records(
        RECORDS,
        {
            "NEWSSPIDER_STATE_ENABLED": False,
            "NEWSSPIDER_REPORT_DIR": str(tmp_path / "runs"),
            "FEEDS": {str(tmp_path / "out-%(run_id)s.jsonl"): {"format": "jsonlines"}},
            "NEWSSPIDER_ALERT_WEBHOOK": webhook.url,
            "NEWSSPIDER_ALERT_ON": "always",
        },
    )
    [sent] = webhook.received
    assert sent["records"] == {"article": 5, "headlines": 2}
    assert sent["files"] == [str(tmp_path / f"out-{RUN}.jsonl")]
    assert saved_report(tmp_path)["alerts"] == {"failed": 0, "sent": 1}


@pytest.mark.parametrize(
    ("settings", "error"),
    [
        (
            {"NEWSSPIDER_ALERT_WEBHOOK": "hooks.example.org/T0/secret"},
            "setting NEWSSPIDER_ALERT_WEBHOOK: expected an http:// or https:// URL with a host",
        ),
        (
            {"NEWSSPIDER_ALERT_WEBHOOK": "ftp://hooks.example.org/x"},
            "setting NEWSSPIDER_ALERT_WEBHOOK: expected an http:// or https:// URL with a host",
        ),
        (
            {"NEWSSPIDER_ALERT_WEBHOOK": "https:///no-host"},
            "setting NEWSSPIDER_ALERT_WEBHOOK: expected an http:// or https:// URL with a host",
        ),
        (
            {"NEWSSPIDER_ALERT_ON": "errors"},
            "setting NEWSSPIDER_ALERT_ON: expected one of failure, always, got 'errors'",
        ),
        (
            {"NEWSSPIDER_ALERT_TIMEOUT": "0"},
            "setting NEWSSPIDER_ALERT_TIMEOUT: expected seconds above 0 and at most 60, got '0'",
        ),
        (
            {"NEWSSPIDER_ALERT_TIMEOUT": "soon"},
            "setting NEWSSPIDER_ALERT_TIMEOUT: expected seconds above 0 and at most 60, got 'soon'",
        ),
    ],
)
def test_bad_alert_settings_are_refused(settings: dict[str, str], error: str) -> None:
    project = Settings()
    project.setmodule("newsspider.settings")
    project.setdict(settings, priority="cmdline")
    with pytest.raises(ValueError) as refused:
        alert_config(project)
    assert str(refused.value) == error


def test_alert_settings_are_read_once(webhook: Webhook) -> None:
    project = Settings()
    project.setmodule("newsspider.settings")
    assert alert_config(project) is None, "off by default"
    project.setdict(
        {"NEWSSPIDER_ALERT_WEBHOOK": f" {webhook.url} ", "NEWSSPIDER_ALERT_ON": "Always"}
    )
    config = alert_config(project)
    assert config is not None
    assert (config.webhook, config.on, config.timeout) == (webhook.url, "always", 5.0)


def test_the_text_of_a_report_without_records() -> None:
    """An early failure's report: no records, no duration; the line still reads."""
    text = alert_text({"spider": "maghress", "run_id": "R", "exit_code": 3, "exit_reason": "x"})
    assert text == (
        "newsspider maghress R: exit 3 (run failed: x); 0 new article(s), 0 strip(s), "
        "0 request(s), 0 failed"
    )


def test_a_bad_webhook_url_stops_the_crawl_before_it_starts(
    tmp_path: Path, demo_site: DemoSite
) -> None:
    run = run_crawl(
        tmp_path,
        "-a", f"base_url={demo_site.base_url}",
        "-s", "NEWSSPIDER_ALERT_WEBHOOK=hooks.example.org/T0/secret",
    )  # fmt: skip
    assert run.returncode == exitcodes.USAGE
    assert run.stderr.strip() == (
        "scrapy crawl maghress: error: setting NEWSSPIDER_ALERT_WEBHOOK: "
        "expected an http:// or https:// URL with a host"
    )
    assert not (tmp_path / "data" / "maghress" / "runs").exists()


def test_a_crawl_process_is_not_held_by_a_webhook_that_never_answers(tmp_path: Path) -> None:
    """A real crawl of a site that is down (exit 3) alerts a webhook that hangs for
    a minute: the process ends long before the webhook would answer, with its own
    status, and the report counts the alert as failed."""
    with DemoSite() as site:
        dead = site.base_url  # its port is closed once the site stops
    server = Webhook(delay=60.0)
    try:
        started = time.monotonic()
        run = run_crawl(
            tmp_path,
            "-a", f"base_url={dead}",
            "-s", "RETRY_TIMES=0",
            "-s", f"NEWSSPIDER_ALERT_WEBHOOK={server.url}",
            "-s", "NEWSSPIDER_ALERT_TIMEOUT=1",
        )  # fmt: skip
        took = time.monotonic() - started
    finally:
        server.close()
    assert run.returncode == exitcodes.FAILED
    [report_file] = (tmp_path / "data" / "maghress" / "runs").glob("*.json")
    report = json.loads(report_file.read_text("utf-8"))
    assert report["alerts"] == {"error": "no answer within 1 s", "failed": 1, "sent": 0}
    [sent] = server.received
    assert sent["exit_code"] == 3 and sent["text"].startswith("newsspider maghress ")
    assert "the alert for this run was not delivered: no answer within 1 s" in run.stderr
    assert took < 45, f"the crawl took {took:.0f} s: it waited for the webhook"
