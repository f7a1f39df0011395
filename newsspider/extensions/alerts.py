"""Alerts: POST the run report to a webhook when a run ends badly (or always).

A cron run that fails mails one summary line, if cron mails at all; a webhook
(Slack, Mattermost, a ticket system, a script of one's own) reaches people.
``NEWSSPIDER_ALERT_WEBHOOK`` is the URL; ``NEWSSPIDER_ALERT_ON`` says when:
``failure`` (a non-zero exit status) or ``always``.  The body is the run report
as JSON plus a ``text`` field, what a Slack-compatible incoming webhook shows.

The run report announces itself (``runreport.report_ready``) once its exit
status is known and before it is written, so what the alert did is in the
report (``alerts``: ``sent``, ``failed``, ``error``).  A webhook that is down,
slow or answers 500 neither delays the run past ``NEWSSPIDER_ALERT_TIMEOUT``
nor changes its exit status: it is counted, logged, and the run goes on.
"""

from __future__ import annotations

import json
import logging
import threading
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.settings import BaseSettings

from newsspider import __version__
from newsspider.exitcodes import status_of
from newsspider.extensions.runreport import report_ready

logger = logging.getLogger(__name__)

WHEN = ("failure", "always")


@dataclass(frozen=True)
class AlertConfig:
    """The alert settings, read and checked once (``scrapy crawl`` checks them before
    the first request, so a typo is exit 2, not an alert that never comes)."""

    webhook: str
    on: str
    timeout: float


def alert_config(settings: BaseSettings) -> AlertConfig | None:
    """The alert settings, or None when no webhook is set; ValueError names the bad one."""
    webhook = str(settings.get("NEWSSPIDER_ALERT_WEBHOOK") or "").strip()
    on = str(settings.get("NEWSSPIDER_ALERT_ON")).strip().lower()
    if on not in WHEN:
        raise ValueError(
            f"setting NEWSSPIDER_ALERT_ON: expected one of {', '.join(WHEN)}, "
            f"got {settings.get('NEWSSPIDER_ALERT_ON')!r}"
        )
    try:
        timeout = float(settings.get("NEWSSPIDER_ALERT_TIMEOUT"))
    except (TypeError, ValueError):
        timeout = -1.0
    if not 0 < timeout <= 60:
        raise ValueError(
            "setting NEWSSPIDER_ALERT_TIMEOUT: expected seconds above 0 and at most 60, "
            f"got {settings.get('NEWSSPIDER_ALERT_TIMEOUT')!r}"
        )
    if not webhook:
        return None
    parts = urlsplit(webhook)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        # The value is not echoed: a webhook URL usually carries its secret token.
        raise ValueError(
            "setting NEWSSPIDER_ALERT_WEBHOOK: expected an http:// or https:// URL with a host"
        )
    return AlertConfig(webhook=webhook, on=on, timeout=timeout)


def alert_text(report: dict[str, Any]) -> str:
    """The one line a chat shows: the run, its status and why, what it fetched."""
    code = int(report.get("exit_code") or 0)
    outcome = report.get("exit_reason") or ""
    if code:
        outcome = f"{status_of(code).meaning}: {outcome}"
    records = report.get("records") or {}
    pages = report.get("pages") or {}
    took = report.get("duration_s")
    return (
        f"newsspider {report.get('spider')} {report.get('run_id')}: exit {code} ({outcome}); "
        f"{records.get('article', 0)} new article(s), {records.get('headlines', 0)} strip(s), "
        f"{pages.get('requests', 0)} request(s), {pages.get('failed', 0)} failed"
        + (f"; {took} s" if took is not None else "")
    )


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A webhook's redirect is taken as its error: urllib would follow a 302 with a GET
    without the body, and count as sent an alert that nobody received."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_OPENER = urllib.request.build_opener(_NoRedirect)


def post_json(url: str, payload: dict[str, Any], timeout: float) -> str | None:
    """POST ``payload``; why it failed, or None once the server answered 2xx.

    The request runs in a thread that is waited for ``timeout`` seconds at most:
    a socket timeout alone would not bound a server that trickles its answer
    byte by byte, nor a slow DNS lookup.
    """
    body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    request = urllib.request.Request(
        url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json; charset=utf-8",
            "User-Agent": f"newsspider/{__version__} alerts",
        },
    )
    outcome: list[str | None] = []

    def send() -> None:
        try:
            with _OPENER.open(request, timeout=timeout) as response:
                response.read(64 * 1024)
            outcome.append(None)
        except urllib.error.HTTPError as error:
            outcome.append(f"the webhook answered HTTP {error.code}")
        except (urllib.error.URLError, OSError) as error:
            reason = getattr(error, "reason", error)
            if isinstance(reason, TimeoutError):
                outcome.append(f"no answer within {timeout:g} s")
            else:
                outcome.append(f"the webhook could not be reached ({reason})")

    # A daemon thread: one still waiting on a dead server never holds the process.
    sender = threading.Thread(target=send, name="newsspider-alert", daemon=True)
    sender.start()
    sender.join(timeout)
    return outcome[0] if outcome else f"no answer within {timeout:g} s"


class Alerts:
    """Sends the run report to ``NEWSSPIDER_ALERT_WEBHOOK`` (off while it is empty)."""

    def __init__(self, crawler: Crawler, config: AlertConfig) -> None:
        self.crawler = crawler
        self.config = config

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Alerts:
        config = alert_config(crawler.settings)
        if config is None:
            raise NotConfigured
        extension = cls(crawler, config)
        crawler.signals.connect(extension.report_ready, signal=report_ready)
        return extension

    def report_ready(self, report: dict[str, Any]) -> None:
        stats = self.crawler.stats
        assert stats is not None
        stats.set_value("newsspider/alerts/sent", stats.get_value("newsspider/alerts/sent", 0))
        stats.set_value("newsspider/alerts/failed", stats.get_value("newsspider/alerts/failed", 0))
        if self.config.on == "failure" and not report.get("exit_code"):
            return
        payload = {"text": alert_text(report), **report}
        error = post_json(self.config.webhook, payload, self.config.timeout)
        if error is None:
            stats.inc_value("newsspider/alerts/sent")
            return
        stats.inc_value("newsspider/alerts/failed")
        stats.set_value("newsspider/alerts/error", error)
        # The run's outcome stands: an alert that did not go out is a warning, not a failure.
        logger.warning("the alert for this run was not delivered: %s", error)
