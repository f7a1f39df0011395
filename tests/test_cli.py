"""`newsspider extract | validate | serve-demo` as a user runs them."""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.request
from pathlib import Path

from newsspider.demo_site import SPECIAL, load_site

GOLDEN = Path(__file__).parent / "golden"


def newsspider(*args: str, timeout: int = 60, **kwargs) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "newsspider.cli", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=timeout, **kwargs)


def test_extract_prints_the_records_of_a_saved_page() -> None:
    done = newsspider(
        "extract",
        str(GOLDEN / "fr_span_seed.html"),
        "--url",
        "https://www.maghress.com/fr/libe/32145",
    )
    assert done.returncode == 0, done.stderr
    records = [json.loads(line) for line in done.stdout.splitlines()]
    assert [r["schema"] for r in records] == ["newsspider.headlines/1", "newsspider.article/1"]
    assert records[1]["source_name"] == "Libération"
    assert "Libération" in done.stdout, "UTF-8 text, not \\u escapes"


def test_extract_honours_a_windows_1256_page(tmp_path: Path) -> None:
    site = load_site()
    source, number = SPECIAL["ar_windows1256"]
    article = next(a for a in site.articles if (a.source, a.id) == (source, number))
    page = site.render(article.path)
    assert "windows-1256" in page.headers["Content-Type"].lower()
    saved = tmp_path / "page.html"
    saved.write_bytes(page.body)
    done = newsspider("extract", str(saved), "--url", f"https://www.maghress.com{article.path}")
    assert done.returncode == 0, done.stderr
    record = json.loads(done.stdout.splitlines()[-1])
    assert record["title"] == " ".join(article.title.split())


def test_extract_says_why_when_no_article(tmp_path: Path) -> None:
    listing = tmp_path / "home.html"
    listing.write_bytes(load_site().render("/fr").body)
    done = newsspider("extract", str(listing), "--url", "https://www.maghress.com/fr/libe/1")
    assert done.returncode == 0, "the strip was printed"
    assert "no known article layout" in done.stderr
    empty = tmp_path / "empty.html"
    empty.write_bytes(b"")
    done = newsspider("extract", str(empty), "--url", "https://www.maghress.com/fr/libe/1")
    assert done.returncode == 1
    assert done.stdout == ""
    assert done.stderr.startswith("newsspider: no article in")


def test_extract_missing_file_is_a_one_line_error() -> None:
    done = newsspider("extract", "/nonexistent.html", "--url", "https://www.maghress.com/fr/a/1")
    assert done.returncode == 2
    assert (
        done.stderr
        == "newsspider extract: error: cannot read '/nonexistent.html': No such file or directory\n"
    )


def test_validate_reports_line_and_field(tmp_path: Path) -> None:
    good = json.loads(
        newsspider(
            "extract",
            str(GOLDEN / "fr_span_seed.html"),
            "--url",
            "https://www.maghress.com/fr/libe/32145",
        ).stdout.splitlines()[1]
    )
    bad = {**good, "published": "19/10/2019"}
    reordered = {"id": good["id"], **{k: v for k, v in good.items() if k != "id"}}
    lines = [json.dumps(good, ensure_ascii=False), json.dumps(bad, ensure_ascii=False)]
    lines += [json.dumps(reordered, ensure_ascii=False), json.dumps(good), "{not json"]
    path = tmp_path / "articles.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    done = newsspider("validate", str(path))
    assert done.returncode == 1
    problems = done.stdout.splitlines()
    assert problems[0].startswith(f"{path}:2: published: '19/10/2019' does not match")
    assert problems[1].startswith(f"{path}:3: <record>: keys out of order")
    assert problems[2] == f"{path}:4: <line>: text escaped as \\u sequences instead of UTF-8"
    assert problems[3].startswith(f"{path}:5: <line>: not JSON")
    assert len(problems) == 4


def test_validate_clean_file_and_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "ok.jsonl"
    path.write_text(
        newsspider(
            "extract",
            str(GOLDEN / "fr_span_seed.html"),
            "--url",
            "https://www.maghress.com/fr/libe/32145",
        ).stdout,
        encoding="utf-8",
    )
    assert newsspider("validate", str(path)).returncode == 0
    done = newsspider("validate", str(tmp_path / "missing.jsonl"))
    assert done.returncode == 2
    assert "no such file" in done.stderr


def test_serve_demo_prints_its_url_and_serves() -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "newsspider.cli", "serve-demo", "--port", "0"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        url = line.split()[3].rstrip("/")
        assert url.startswith("http://127.0.0.1:")
        with urllib.request.urlopen(f"{url}/fr", timeout=10) as response:
            assert b"marquee" in response.read()
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_extract_wants_an_absolute_url() -> None:
    done = newsspider("extract", str(GOLDEN / "fr_span_seed.html"), "--url", "/fr/libe/32145")
    assert done.returncode == 2
    assert "expected an absolute http(s) URL, got '/fr/libe/32145'" in done.stderr
    assert done.stdout == ""


def _jsonl(path: Path, *records: dict) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), "utf-8")
    return path


ARTICLE, STRIP = "newsspider.article/1", "newsspider.headlines/1"


def test_merge_keeps_each_record_once_in_file_order(tmp_path: Path) -> None:
    one = _jsonl(
        tmp_path / "one.jsonl",
        {"schema": STRIP, "id": "s1"},
        {"schema": ARTICLE, "id": "a", "title": "première"},
    )
    two = _jsonl(
        tmp_path / "two.jsonl",
        {"schema": STRIP, "id": "s1"},
        {"schema": ARTICLE, "id": "a", "title": "seconde"},
        {"schema": ARTICLE, "id": "b"},
        {"schema": STRIP, "id": "b"},
    )
    done = newsspider("merge", str(one), str(two))
    assert done.returncode == 0, done.stderr
    kept = [json.loads(line) for line in done.stdout.splitlines()]
    assert [(r["schema"], r["id"]) for r in kept] == [
        (STRIP, "s1"),
        (ARTICLE, "a"),
        (ARTICLE, "b"),
        (STRIP, "b"),
    ], "an article and a strip may share an id: only kind and id together repeat"
    assert kept[1]["title"] == "première"
    assert done.stderr == "4 record(s) kept, 2 repeat(s) dropped\n"

    done = newsspider("merge", str(one), str(two), "-o", "merged.jsonl", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "merged.jsonl").read_text("utf-8").splitlines() == [
        json.dumps(r, ensure_ascii=False) for r in kept
    ]


def test_merge_writes_nothing_from_a_bad_file(tmp_path: Path) -> None:
    good = _jsonl(tmp_path / "good.jsonl", {"schema": ARTICLE, "id": "a"})
    torn = tmp_path / "torn.jsonl"
    torn.write_bytes(b'{"schema": "newsspider.article/1", "id": "b"}\n{"schema": "news')
    done = newsspider("merge", str(good), str(torn), "-o", "out.jsonl", cwd=tmp_path)
    assert done.returncode == 2
    assert done.stderr == f"newsspider merge: error: {torn}:2: not a newsspider record\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["good.jsonl", "torn.jsonl"]
    # To stdout too: not the good file's record, then an error.
    done = newsspider("merge", str(good), str(torn), cwd=tmp_path)
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == f"newsspider merge: error: {torn}:2: not a newsspider record\n"

    for args, words in [
        (["missing.jsonl"], "no such file: 'missing.jsonl'"),
        (["good.jsonl", "-o", "good.jsonl"], "is one of the input files"),
        (["good.jsonl", "-o", "../escape.jsonl"], "leaves the current folder"),
    ]:
        done = newsspider("merge", *args, cwd=tmp_path)
        assert done.returncode == 2 and words in done.stderr, done.stderr
        assert done.stderr.count("\n") == 1


def test_state_commands_name_a_known_spider(tmp_path: Path) -> None:
    done = newsspider("state", "rebuild", "nosuchspider", cwd=tmp_path)
    assert done.returncode == 2
    assert done.stderr == (
        "newsspider state: error: no spider named 'nosuchspider' "
        "(known: maghress, djazairess, turess, masress, sauress, sudaress, yemeress, news)\n"
    )
    done = newsspider("state", "reset", "maghress", "-s", "oops", cwd=tmp_path)
    assert done.returncode == 2
    assert done.stderr == "newsspider state: error: settings are NAME=VALUE, got 'oops'\n"
    assert not (tmp_path / "data").exists(), "nothing was created"


def test_sites_lists_each_site_with_its_sections_hosts_and_zone(capsys) -> None:
    from newsspider.cli import main

    assert main(["sites"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "maghress\tar /, fr /fr\twww.maghress.com, maghress.com\tAfrica/Casablanca"
    assert "masress\tar /, en /en\twww.masress.com, masress.com\tAfrica/Cairo" in lines
    assert "yemeress\tar /\twww.yemeress.com, yemeress.com\tAsia/Aden" in lines
    assert len(lines) == 7


def test_run_several_sites_one_line_each_and_the_most_severe_status(tmp_path: Path) -> None:
    """One cron line for several sites: each runs in its own process and prints its
    summary line; the command exits with the most severe status (a site down: 3). The
    mirrors come from ``serve-demo --all --mirrors-out``, as the README shows."""
    from newsspider.demo_site import DemoSite

    with DemoSite() as gone:
        dead = gone.base_url  # its port is closed once the server stops
    fast = ["-s", "AUTOTHROTTLE_ENABLED=False", "-s", "DOWNLOAD_DELAY=0", "-s", "RETRY_TIMES=0"]
    serving = subprocess.Popen(
        [sys.executable, "-m", "newsspider.cli", "serve-demo", "--all", "--port", "0",
         "--mirrors-out", "served.json"],
        cwd=tmp_path, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert serving.stdout is not None
        banners = [serving.stdout.readline() for _ in range(7)]  # the file is written first
        mirrors = json.loads((tmp_path / "served.json").read_text())
        assert list(mirrors) == [
            "maghress", "djazairess", "turess", "masress", "sauress", "sudaress", "yemeress",
        ]  # fmt: skip
        assert banners == [
            f"Demo site at {url}/ ({name}; Ctrl-C to stop)\n" for name, url in mirrors.items()
        ]
        both = newsspider(
            "run", "djazairess,maghress", "lang=fr", "--mirrors", "served.json", *fast,
            cwd=tmp_path, timeout=300,
        )  # fmt: skip
        assert both.returncode == 0, both.stderr[-2000:]
        lines = sorted(line.split()[1] for line in both.stderr.splitlines())
        assert lines == ["djazairess", "maghress"]
        assert all(" exit 0 (ok); " in line for line in both.stderr.splitlines())
        (tmp_path / "mirrors.json").write_text(json.dumps({**mirrors, "sudaress": dead}))
        one_down = newsspider(
            "run", "all", "--mirrors", "mirrors.json", *fast, cwd=tmp_path, timeout=300
        )
    finally:
        serving.terminate()
        serving.wait(timeout=10)
    assert one_down.returncode == 3, one_down.stderr[-2000:]
    summaries = {line.split()[1]: line for line in one_down.stderr.splitlines()}
    assert len(one_down.stderr.splitlines()) == 7
    assert set(summaries) == set(mirrors)
    assert " exit 3 (run failed: the site did not answer" in summaries.pop("sudaress")
    # Every other site of the fixture family crawled clean, each with its own articles.
    assert all(" exit 0 (ok); " in line for line in summaries.values()), summaries
    new_articles = {name: line.split(" new article(s)")[0].rsplit(" ", 1)[1]
                    for name, line in summaries.items()}  # fmt: skip
    # The first run wrote the French sections of Maghress and Djazairess: their Arabic
    # articles are what is new (20 and 3); every article of the other sites is.
    assert new_articles == {
        "maghress": "20", "djazairess": "3", "turess": "6", "masress": "8", "sauress": "8",
        "yemeress": "3",
    }  # fmt: skip


def test_run_several_sites_refuses_bad_input_in_one_line(tmp_path: Path) -> None:
    done = newsspider("run", "maghress,nosuchsite", cwd=tmp_path)
    assert (done.returncode, done.stderr) == (
        2,
        "newsspider run: error: no site named nosuchsite (known: maghress, djazairess, turess, "
        "masress, sauress, sudaress, yemeress)\n",
    )
    done = newsspider("run", "all", "--log-file", "data/x.log", cwd=tmp_path)
    assert (done.returncode, done.stderr) == (
        2,
        "newsspider run: error: --log-file names one file: with several sites each logs to its own\n",
    )
    assert not (tmp_path / "data").exists(), "nothing was crawled"


def test_version_and_python_m_newsspider() -> None:
    """``python -m newsspider`` is the command (for a venv whose scripts are not on PATH)
    and ``--version`` says which release it is, as pyproject.toml declares it."""
    result = subprocess.run(
        [sys.executable, "-m", "newsspider", "--version"],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert (result.returncode, result.stdout, result.stderr) == (0, "newsspider 0.1.0\n", "")
    result = subprocess.run(
        [sys.executable, "-m", "newsspider", "sites"], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0
    assert result.stdout.splitlines()[0].split("\t")[0] == "maghress"


def test_run_log_level_in_any_case() -> None:
    """``--log-level debug`` is taken as ``DEBUG``; a level that is none is still refused
    by name."""
    from newsspider.cli import build_parser

    parser = build_parser()
    assert parser.parse_args(["run", "maghress", "--log-level", "debug"]).log_level == "DEBUG"
    assert parser.parse_args(["run", "maghress", "--log-level", "Warning"]).log_level == "WARNING"
    result = newsspider("run", "maghress", "--log-level", "loud")
    assert result.returncode == 2
    assert "argument --log-level: invalid choice: 'LOUD'" in result.stderr


def test_run_help_lists_the_spider_arguments() -> None:
    """``newsspider run maghress --help`` shows every NAME=VALUE argument of the
    family's spiders with its default, from params.py's one declaration."""
    result = newsspider("run", "maghress", "--help")
    assert result.returncode == 0
    epilog = result.stdout.split("spider arguments (NAME=VALUE", 1)[1]
    firsts = [line for line in epilog.splitlines() if line[:2] == "  " and line[2] != " "]
    names = [line[2:].split(":")[0].split(" (")[0] for line in firsts]
    assert names == [
        "lang", "sources", "since", "until", "mode", "max_pages", "urls", "base_url", "full",
        "incremental", "follow_source",
    ]  # fmt: skip
    assert "  lang (default: both): Sections to crawl:" in epilog
    assert "  max_pages (default: 10): Pages to follow in each listing" in epilog
    assert "  sources: Only these newspaper slugs, e.g. libe,hespress." in epilog


def test_run_takes_spider_arguments_after_its_options() -> None:
    """``newsspider run maghress --full since=auto`` reads ``since=auto`` as a spider
    argument wherever it stands; a word that is no argument is still refused."""
    result = newsspider("run", "maghress", "--log-level", "INFO", "lang=de")
    assert result.returncode == 2
    assert result.stderr == (
        "scrapy crawl maghress: error: argument lang: expected one of ar, fr or 'both', "
        "got 'de' (the arguments: newsspider run maghress --help)\n"
    )
    result = newsspider("run", "maghress", "--full", "stray")
    assert result.returncode == 2
    assert result.stderr.endswith("newsspider: error: unrecognized arguments: stray\n")
