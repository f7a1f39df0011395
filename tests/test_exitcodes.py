"""The exit plan: every status once, in one severity order, and the most severe of several runs."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from newsspider import exitcodes
from newsspider.checks import CHECKS
from newsspider.exitcodes import SEVERITY, ExitStatus, most_severe

# The plan as the README documents it, most severe first.
PLAN = [
    (2, "USAGE", "bad arguments or settings"),
    (9, "STATE_DAMAGED", "state damaged or lost"),
    (3, "FAILED", "run failed"),
    (11, "REDIS_RESTARTED", "Redis restarted or lost its data during the run"),
    (130, "INTERRUPTED", "stopped by a signal"),
    (10, "UNKNOWN_SOURCE", "unknown source"),
    (4, "NO_ARTICLES", "no articles where some were expected"),
    (8, "NO_HEADLINES", "pages without a headline strip"),
    (7, "MOJIBAKE", "records garbled by a wrong decoding"),
    (5, "ERROR_RATE", "error rate above threshold"),
    (6, "COVERAGE", "field coverage below threshold"),
    (75, "LOCKED", "another run in progress"),
    (0, "OK", "ok"),
]


def test_the_plan_lists_every_status_once_most_severe_first() -> None:
    assert [(int(s), s.name, s.meaning) for s in SEVERITY] == PLAN


@pytest.mark.parametrize(("code", "name", "meaning"), PLAN)
def test_the_old_names_and_meanings_stand(code: int, name: str, meaning: str) -> None:
    assert getattr(exitcodes, name) == code
    assert exitcodes.MEANING[code] == meaning


@pytest.mark.parametrize(
    ("codes", "expected"),
    [
        ([], ExitStatus.OK),
        ([0, 0], ExitStatus.OK),
        ([0, 75], ExitStatus.LOCKED),
        ([75, 6], ExitStatus.COVERAGE),
        ([6, 5], ExitStatus.ERROR_RATE),
        ([5, 7], ExitStatus.MOJIBAKE),
        ([7, 8], ExitStatus.NO_HEADLINES),
        ([8, 4], ExitStatus.NO_ARTICLES),
        ([5, 4, 6], ExitStatus.NO_ARTICLES),
        ([4, 3, 0], ExitStatus.FAILED),
        # A run stopped by a signal did not finish: more than a thin output, less
        # than a failure that lost records.
        ([4, 130, 5], ExitStatus.INTERRUPTED),
        ([130, 3], ExitStatus.FAILED),
        # A paper the site does not list collects nothing, forever: above "no articles".
        ([4, 10, 5], ExitStatus.UNKNOWN_SOURCE),
        ([10, 3], ExitStatus.FAILED),
        # Nothing ran for one site, and will not until the command is fixed: that
        # outranks a failure that the next run may not repeat.
        ([3, 2], ExitStatus.USAGE),
        ([3, 9], ExitStatus.STATE_DAMAGED),
        ([9, 2], ExitStatus.USAGE),
        ([0, 75, 6, 5, 4, 3, 2], ExitStatus.USAGE),
        # A code outside the plan (a traceback's 1, a child killed by a signal) failed.
        ([0, 1], ExitStatus.FAILED),
        ([6, -9], ExitStatus.FAILED),
        ([-9, 2], ExitStatus.USAGE),
    ],
)
def test_a_command_of_several_runs_exits_with_the_most_severe(
    codes: list[int], expected: ExitStatus
) -> None:
    assert most_severe(codes) is expected


def test_checks_are_tried_in_the_plans_order() -> None:
    """So the first failing check of a run is also its most severe one."""
    ranks = [SEVERITY.index(check.exit_code) for check in CHECKS]
    assert ranks == sorted(ranks)


def test_the_readme_documents_every_status() -> None:
    """Cron users read the README's table, not the code: it lists every status of the plan."""
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    documented = {int(code) for code in re.findall(r"^\| (\d+) \|", readme, re.MULTILINE)}
    assert documented == {int(status) for status in ExitStatus}
