"""``ADDONS = {"newsspider.addon.NewsspiderAddon": 0}`` in another Scrapy project.

In-process: what the add-on brings to a project's settings.  Then one real case:
the project's wheel installed into a fresh venv (no registry), a scratch Scrapy
project that only enables the add-on crawls the fixture site, and ``newsspider
run`` works in the same place.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest
from scrapy.settings import Settings

import newsspider.settings
from newsspider.addon import NewsspiderAddon
from newsspider.commands.crawl import Command
from newsspider.demo_site import DemoSite
from newsspider.runlock import RunLock
from tests.conftest import FAST

REPO = Path(__file__).resolve().parent.parent
ADDON = {"newsspider.addon.NewsspiderAddon": 0}


def test_another_project_gets_the_defaults_and_keeps_its_own() -> None:
    project = {
        "BOT_NAME": "elsewhere",
        "SPIDER_MODULES": ["elsewhere.spiders", "newsspider.spiders"],
        "ITEM_PIPELINES": {"elsewhere.pipelines.Tag": 900},
        "CONCURRENT_REQUESTS": 2,
        "ADDONS": ADDON,
    }
    settings = Settings(project, priority="project")
    NewsspiderAddon().update_settings(settings)
    assert settings.getdict("ITEM_PIPELINES") == {
        "elsewhere.pipelines.Tag": 900,
        "newsspider.pipelines.normalize.NormalizePipeline": 100,
        "newsspider.pipelines.validate.ValidatePipeline": 200,
        "newsspider.pipelines.dedupe.DedupePipeline": 300,
        "newsspider.pipelines.incremental.IncrementalPipeline": 400,
    }
    assert settings.getdict("EXTENSIONS")["newsspider.extensions.runreport.RunReport"] == 600
    assert list(settings.getdict("FEEDS")) == [
        "data/%(name)s/articles-%(run_id)s.jsonl",
        "data/%(name)s/headlines-%(run_id)s.jsonl",
    ]
    assert settings.getfloat("NEWSSPIDER_MAX_ERROR_RATE") == 0.1
    assert settings.getbool("NEWSSPIDER_STATE_ENABLED")
    assert settings["DOWNLOAD_HANDLERS"]["http"] == (
        "newsspider.downloader.CappedHeadersDownloadHandler"
    )
    # The project's own: its name, spiders, concurrency.
    assert settings["BOT_NAME"] == "elsewhere"
    assert settings.getlist("SPIDER_MODULES") == ["elsewhere.spiders", "newsspider.spiders"]
    assert settings.getint("CONCURRENT_REQUESTS") == 2
    assert settings["COMMANDS_MODULE"] == ""


def test_in_this_project_the_add_on_changes_nothing_settings_py_sets() -> None:
    """settings.py holds each default once and enables the add-on: applying it again
    over the module leaves every setting as the module says."""
    settings = Settings()
    settings.setmodule(newsspider.settings, priority="project")
    before = settings.copy_to_dict()
    NewsspiderAddon().update_settings(settings)
    after = settings.copy_to_dict()
    assert after.pop("USER_AGENT").startswith("newsspider/")
    before.pop("USER_AGENT")
    assert after == before


def _checked(command_line: list[str]) -> Command:
    """newsspider's ``crawl`` command (``COMMANDS_MODULE = "newsspider.commands"``) in a
    project that only enables the add-on, after it parsed ``command_line``."""
    command = Command()
    command.settings = Settings()
    project = {"SPIDER_MODULES": ["newsspider.spiders"], "ADDONS": ADDON}
    command.settings.setdict(project, priority="project")
    parser = argparse.ArgumentParser()
    command.add_options(parser)
    command.process_options(["maghress"], parser.parse_args(command_line))
    return command


def test_the_crawl_command_checks_another_project_on_the_add_ons_defaults(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Its checks run before the crawler applies the add-ons: on the project's settings
    alone every threshold would be missing, and every run refused."""
    monkeypatch.chdir(tmp_path)
    command = _checked(["-a", "base_url=http://127.0.0.1:1"])
    assert command.settings is not None
    assert command.settings.getfloat("NEWSSPIDER_MIN_ARTICLE_YIELD") == 0.5
    RunLock.held[(tmp_path / "data" / "state" / "maghress.lock").resolve()].release()
    with pytest.raises(SystemExit) as refused:
        _checked(["-s", "NEWSSPIDER_MAX_EROR_RATE=0.5"])
    assert refused.value.code == 2
    assert "did you mean NEWSSPIDER_MAX_ERROR_RATE?" in capsys.readouterr().err


def _venv_with_the_wheel(tmp_path: Path) -> Path:
    """A fresh venv holding the project's wheel; its dependencies are this test
    environment's packages (a path file), so no registry is asked for anything."""
    source = tmp_path / "source"
    shutil.copytree(
        REPO,
        source,
        ignore=shutil.ignore_patterns(
            ".git", ".venv", "data", "build", "*.egg-info", "__pycache__"
        ),
    )
    wheels = tmp_path / "wheels"
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "-q"]
    built = subprocess.run(
        [*pip, "wheel", "--no-deps", "--no-build-isolation", "--no-index", "-w", wheels, source],
        check=True,
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    # Installing prints no warning of the project's own (e.g. a deprecated licence form).
    assert "Warning" not in built.stdout + built.stderr, built.stderr
    [wheel] = wheels.glob("newsspider-*.whl")
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", venv], check=True)
    python = venv / "bin" / "python"
    purelib = subprocess.run(
        [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    (Path(purelib) / "test-environment.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    # This environment's pip installs into the venv; --force-reinstall because the
    # editable install of the same version is visible through the path file.
    subprocess.run(
        [
            *pip,
            "--python",
            python,
            "install",
            "--no-index",
            "--no-deps",
            "--force-reinstall",
            wheel,
        ],
        check=True,
    )
    return venv


def test_the_wheel_in_a_fresh_venv_serves_another_scrapy_project(tmp_path: Path) -> None:
    venv = _venv_with_the_wheel(tmp_path)
    project = tmp_path / "elsewhere"
    (project / "elsewhere").mkdir(parents=True)
    (project / "scrapy.cfg").write_text("[settings]\ndefault = elsewhere.settings\n")
    (project / "elsewhere" / "__init__.py").write_text("")
    (project / "elsewhere" / "settings.py").write_text(
        f'BOT_NAME = "elsewhere"\nSPIDER_MODULES = ["newsspider.spiders"]\nADDONS = {ADDON!r}\n'
    )
    env = {key: value for key, value in os.environ.items() if not key.startswith("SCRAPY_")}
    env["XDG_STATE_HOME"] = str(tmp_path / "user-state")
    where = subprocess.run(
        [venv / "bin" / "python", "-c", "import newsspider; print(newsspider.__file__)"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert where.stdout.startswith(str(venv)), "newsspider comes from the wheel"
    assert (Path(where.stdout.strip()).parent / "py.typed").is_file(), "typed for its users"
    with DemoSite() as server:
        base = ["-a", f"base_url={server.base_url}", "-a", "lang=fr", "-a", "max_pages=1"]
        crawl = subprocess.run(
            [venv / "bin" / "python", "-m", "scrapy", "crawl", "maghress", *FAST, *base],
            cwd=project,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert crawl.returncode == 0, crawl.stderr[-3000:]
        [articles] = (project / "data" / "maghress").glob("articles-*.jsonl")
        records = [json.loads(line) for line in articles.read_text("utf-8").splitlines()]
        french = [a for a in server.site.articles if a.lang == "fr"]
        assert records and len(records) <= len(french)
        assert {r["schema"] for r in records} == {"newsspider.article/1"}
        assert all(r["lang"] == "fr" and r["title"] and r["body"] for r in records)
        [report] = (project / "data" / "maghress" / "runs").glob("*.json")
        assert json.loads(report.read_text("utf-8"))["exit_code"] == 0
        assert (project / "data" / "state" / "maghress.sqlite").is_file()

        run = subprocess.run(
            [venv / "bin" / "newsspider", "run", "maghress", *FAST, *base],
            cwd=project,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
    assert run.returncode == 0, run.stderr[-3000:]
    # The same state: what the add-on's crawl wrote is known, nothing is written twice.
    [summary] = run.stderr.splitlines()
    assert summary.startswith("newsspider maghress ")
    assert ": exit 0 (ok); 0 new article(s)" in summary
    assert list((project / "data" / "maghress" / "logs").glob("*.log"))
