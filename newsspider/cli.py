"""``newsspider``: run spiders for cron, extract one saved page, validate, merge or
compact output files, repair the state, list the sites, read the run history back
(a table or an HTML page), serve the demo sites.

Crawling itself is ``scrapy crawl SPIDER``; ``newsspider run`` wraps it for cron and
the other commands are the tools around it.  User mistakes end with one line on
stderr and a non-zero status.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from collections.abc import Iterator, Sequence
from datetime import datetime, timezone
from pathlib import Path

from newsspider import __version__, compact, exitcodes
from newsspider.atomic import atomic_writer
from newsspider.feeds import run_stamp
from newsspider.history.commands import add_commands as add_history_commands
from newsspider.lines import DamagedFile, read_lines, writer_for
from newsspider.params import arguments_help
from newsspider.paths import DATA_DIR, UnsafePath, check_inside
from newsspider.sites import SITES

# The plan's statuses (newsspider/exitcodes.py); `extract` and `validate` also
# exit 1, as grep does, when they found no record or a bad line.
EXIT_OK, EXIT_USAGE = exitcodes.OK, exitcodes.USAGE
EXIT_NOTHING = 1


# "newsspider merge", "newsspider state": each error line names the command that ran.
_command = "newsspider"


def _fail(message: str) -> int:
    sys.stderr.write(f"{_command}: error: {message}\n")
    return EXIT_USAGE


def cmd_extract(args: argparse.Namespace) -> int:
    """Print the records the crawl would write for one saved page."""
    from scrapy.exporters import JsonLinesItemExporter

    from newsspider.library import extract_page

    try:
        body = Path(args.file).read_bytes()
    except OSError as error:
        return _fail(f"cannot read {args.file!r}: {error.strerror}")
    extracted = extract_page(body, args.url, site=args.site)
    # Scrapy annotates the file as BytesIO; any binary file object does.
    exporter = JsonLinesItemExporter(sys.stdout.buffer, encoding="utf-8")  # type: ignore[arg-type]
    for record in extracted.records:
        exporter.export_item(record)
    sys.stdout.flush()
    if extracted.no_article:
        sys.stderr.write(f"newsspider: no article in {args.file}: {extracted.no_article}\n")
    return EXIT_OK if extracted.records else EXIT_NOTHING


def cmd_validate(args: argparse.Namespace) -> int:
    """Check JSON Lines files against the shipped schemas, line by line."""
    from newsspider.schema import file_errors

    bad = 0
    for name in args.files:
        path = Path(name)
        if not path.is_file():
            return _fail(f"no such file: {name!r}")
        for line, problem in file_errors(path):
            bad += 1
            print(f"{name}:{line}: {problem}")
    print(f"{len(args.files)} file(s), {bad} problem(s)", file=sys.stderr)
    return EXIT_OK if bad == 0 else EXIT_NOTHING


def unique_lines(paths: Sequence[Path], repeats: list[int]) -> Iterator[bytes]:
    """The lines of ``paths`` in order, each record once; ``repeats[0]`` counts the rest.

    A record repeats one before it when both have the same kind (``schema``) and
    ``id``: the same article from two workers, the same strip seen by each.
    """
    seen: set[tuple[str, str]] = set()
    for path in paths:
        for number, line in enumerate(read_lines(path), 1):  # gzipped or not
            try:
                record = json.loads(line)
                key = (str(record["schema"]), str(record["id"]))
            except (ValueError, TypeError, KeyError):
                raise MergeError(f"{path}:{number}: not a newsspider record") from None
            if key in seen:
                repeats[0] += 1
                continue
            seen.add(key)
            yield line if line.endswith(b"\n") else line + b"\n"


class MergeError(ValueError):
    """An input line that is no record: merge writes nothing (nor for a ``DamagedFile``)."""


def cmd_merge(args: argparse.Namespace) -> int:
    """Several runs' or workers' JSON Lines files as one stream, each record once."""
    paths = [Path(name) for name in args.files]
    if missing := next((p for p in paths if not p.is_file()), None):
        return _fail(f"no such file: {str(missing)!r}")
    repeats = [0]
    kept = 0
    if not args.output:
        try:
            # A first pass reads every input whole: a bad line at the end of the last
            # file must not leave the records before it on stdout for a pipe to keep.
            for _ in unique_lines(paths, [0]):
                pass
            for line in unique_lines(paths, repeats):
                sys.stdout.buffer.write(line)
                kept += 1
        except (MergeError, DamagedFile) as error:
            return _fail(str(error))
        sys.stdout.flush()
    else:
        try:
            output = check_inside(args.output, Path("."), "--output")
        except UnsafePath as error:
            return _fail(str(error))
        if output.resolve() in {p.resolve() for p in paths}:
            return _fail(f"--output {args.output!r} is one of the input files")
        # Written as OUTPUT.part and renamed: a reader never sees half a merge.
        try:
            with atomic_writer(output) as file, writer_for(output, file) as target:  # OUT.gz: gzip
                for line in unique_lines(paths, repeats):
                    target.write(line)
                    kept += 1
        except (MergeError, DamagedFile) as error:
            return _fail(str(error))
    print(f"{kept} record(s) kept, {repeats[0]} repeat(s) dropped", file=sys.stderr)
    return EXIT_OK


def _mirrors(path: str | None, names: list[str]) -> dict[str, str]:
    """``--mirrors FILE``: a JSON object mapping each site to the base URL to crawl."""
    if path is None:
        return {}
    try:
        mirrors = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise ValueError(f"--mirrors {path!r}: {error}") from None
    if not isinstance(mirrors, dict) or not all(isinstance(v, str) for v in mirrors.values()):
        raise ValueError(f"--mirrors {path!r}: expected an object of site names to base URLs")
    if unknown := sorted(set(mirrors) - set(SITES)):
        raise ValueError(f"--mirrors {path!r}: no site named {', '.join(unknown)}")
    return {name: mirrors[name] for name in names if name in mirrors}


def cmd_run_sites(args: argparse.Namespace, names: list[str]) -> int:
    """Several sites from one cron line: one ``newsspider run SITE`` process each, in
    parallel (politeness is per host, and each site is its own host), each printing
    its own summary line; the command exits with the most severe of their statuses."""
    if args.log_file:
        return _fail("--log-file names one file: with several sites each logs to its own")
    try:
        mirrors = _mirrors(args.mirrors, names)
    except ValueError as error:
        return _fail(str(error))
    shared = [*args.arguments, *(item for a in args.a for item in ("-a", a))]
    shared += [f"--set={setting}" for setting in args.set]
    shared += ["--log-level", args.log_level] + (["--full"] if args.full else [])
    children = []
    for name in names:
        own = [f"base_url={mirrors[name]}"] if name in mirrors else []
        command = [sys.executable, "-m", "newsspider.cli", "run", name, *own, *shared]
        children.append(subprocess.Popen(command))
    return int(exitcodes.most_severe(child.wait() for child in children))


def cmd_run(args: argparse.Namespace) -> int:
    """``scrapy crawl`` for crontabs: log to a file, one summary line, the run's exit status."""
    from scrapy.cmdline import execute

    names = sorted(SITES) if args.spider == "all" else args.spider.split(",")
    if len(names) > 1:
        if unknown := [name for name in names if name not in SITES]:
            return _fail(f"no site named {', '.join(unknown)} (known: {', '.join(SITES)})")
        return cmd_run_sites(args, names)
    if args.mirrors:
        try:
            args.arguments = [
                *(f"base_url={url}" for url in _mirrors(args.mirrors, names).values()),
                *args.arguments,
            ]
        except ValueError as error:
            return _fail(str(error))

    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "newsspider.settings")
    stamp = run_stamp(datetime.now(timezone.utc))
    try:
        log_file = check_inside(
            args.log_file or f"data/{args.spider}/logs/{stamp}.log", DATA_DIR, "--log-file"
        )
    except UnsafePath as error:
        return _fail(str(error))
    try:
        log_file.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        return _fail(f"cannot create the log folder {str(log_file.parent)!r}: {error.strerror}")
    # Opened here, never through a symlink planted at its name: a new file for each
    # run, or the --log-file the user named, appended to.  Scrapy writes to this
    # open file through its /dev/fd name, so nobody can swap the path in between.
    flags = os.O_WRONLY | os.O_CREAT | os.O_NOFOLLOW
    flags |= os.O_APPEND if args.log_file else os.O_EXCL
    try:
        log_fd = os.open(log_file, flags, 0o644)
    except OSError as error:
        return _fail(f"cannot open the log file {str(log_file)!r}: {error.strerror}")
    argv = ["scrapy", "crawl", args.spider]
    for argument in [*args.arguments, *args.a]:
        if "=" not in argument:
            return _fail(f"spider arguments are NAME=VALUE, got {argument!r}")
        argv += ["-a", argument]
    if args.full:
        argv += ["-a", "full=true"]
    argv += ["-s", f"LOG_FILE=/dev/fd/{log_fd}", "-s", f"LOG_LEVEL={args.log_level}"]
    if sys.stderr.isatty():
        argv += ["-s", "NEWSSPIDER_PROGRESS=True"]
    for setting in args.set:
        argv += ["-s", setting]
    try:
        execute(argv)  # exits with the run's status (newsspider/exitcodes.py)
    except KeyboardInterrupt:  # Ctrl-C before the crawl took over the signals
        sys.stderr.write(f"newsspider run {args.spider}: stopped by SIGINT before the crawl\n")
        return exitcodes.INTERRUPTED
    return EXIT_OK


def cmd_state(args: argparse.Namespace) -> int:
    """Rebuild a spider's incremental state from its committed files, or reset it."""
    from scrapy.spiderloader import get_spider_loader

    from newsspider.commands import project_settings
    from newsspider.distributed import redis_url
    from newsspider.runlock import RunLocked
    from newsspider.state import StateUnavailable
    from newsspider.state.repair import rebuild, reset

    try:
        settings = project_settings(args.set)
    except ValueError as error:
        return _fail(str(error))
    if args.spider not in (known := get_spider_loader(settings).list()):
        return _fail(f"no spider named {args.spider!r} (known: {', '.join(known)})")
    if not settings.getbool("NEWSSPIDER_STATE_ENABLED"):
        return _fail("the state is off (NEWSSPIDER_STATE_ENABLED)")
    failures: tuple[type[Exception], ...] = (OSError, StateUnavailable)
    if redis_url(settings):
        from redis import RedisError

        failures += (RedisError,)
    try:
        done = (rebuild if args.action == "rebuild" else reset)(settings, args.spider)
    except RunLocked as error:
        sys.stderr.write(f"{_command}: error: another run is in progress: {error}\n")
        return exitcodes.LOCKED
    except DamagedFile as error:  # an output file the state is read from is damaged
        sys.stderr.write(f"{_command}: error: {error}\n")
        return exitcodes.FAILED
    except ValueError as error:  # a state of a newer newsspider
        return _fail(str(error))
    except failures as error:
        sys.stderr.write(f"{_command}: error: {error}\n")
        return exitcodes.FAILED
    aside = f" (the old file is kept as {done.kept_aside})" if done.kept_aside else ""
    if args.action == "rebuild":
        print(
            f"read {len(done.files)} file(s) in {done.folders}: {done.lines} line(s), "
            f"{done.ids} article id(s), {done.unreadable} unreadable line(s)\n"
            f"{done.state} rebuilt from them{aside}; the next run writes again the "
            "articles of files that are not there (moved away) and walks every listing"
        )
    else:
        print(
            f"{done.state} reset to an empty state{aside}; the {len(done.files)} output "
            f"file(s) in {done.folders} are ignored: the next run writes every article again"
        )
    return EXIT_OK


def cmd_serve_demo(args: argparse.Namespace) -> int:
    """Serve the bundled fixture sites on loopback until Ctrl-C, one port per site."""
    from newsspider.demo_site import MirrorsNotWritten, fixture_sites, serve

    available = fixture_sites()
    names = available if args.all else (args.site or ["maghress"])
    missing = [name for name in names if name not in available]
    if missing:
        return _fail(
            f"the fixture has no content for {', '.join(missing)} "
            f"(it serves: {', '.join(available)})"
        )
    if len(set(names)) != len(names):
        return _fail(f"--site names a site twice: {', '.join(names)}")
    ports = (
        f"{args.port}"
        if len(names) == 1 or not args.port
        else f"{args.port}-{args.port + len(names) - 1}"
    )
    try:
        serve(port=args.port, host=args.host, sites=names, mirrors_out=args.mirrors_out)
    except MirrorsNotWritten as error:
        return _fail(f"cannot write --mirrors-out {str(args.mirrors_out)!r}: {error.strerror}")
    except OSError as error:
        return _fail(f"cannot listen on {args.host}:{ports}: {error.strerror}")
    except KeyboardInterrupt:
        pass
    return EXIT_OK


def _page_url(value: str) -> str:
    """``--url`` must be absolute: records carry it, and the contract wants http(s)."""
    if not value.startswith(("http://", "https://")):
        raise argparse.ArgumentTypeError(f"expected an absolute http(s) URL, got {value!r}")
    return value


def cmd_sites(_args: argparse.Namespace) -> int:
    """The registry: each site's spider, sections, hosts and time zone, one line each."""
    for site in SITES.values():
        sections = ", ".join(f"{lang} {site.section_home(lang)}" for lang in site.langs)
        print(f"{site.name}\t{sections}\t{', '.join(site.hosts)}\t{site.timezone}")
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="newsspider", description=__doc__)
    parser.add_argument("--version", action="version", version=f"newsspider {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)

    extract = commands.add_parser("extract", help="print the records of one saved page")
    extract.add_argument("file", help="the page's HTML file (raw bytes, any charset)")
    extract.add_argument(
        "--url", required=True, type=_page_url, help="the absolute URL the page was fetched from"
    )
    extract.add_argument("--site", choices=sorted(SITES), help="default: from the URL's host")
    extract.set_defaults(handler=cmd_extract)

    validate = commands.add_parser("validate", help="check JSON Lines files against the schema")
    validate.add_argument("files", nargs="+", metavar="FILE.jsonl")
    validate.set_defaults(handler=cmd_validate)

    merge = commands.add_parser(
        "merge", help="JSON Lines files of several workers or runs as one stream, each record once"
    )
    merge.add_argument("files", nargs="+", metavar="FILE.jsonl")
    merge.add_argument("-o", "--output", help="write here (atomically) instead of stdout")
    merge.set_defaults(handler=cmd_merge)

    run = commands.add_parser(
        "run",
        help="run a spider for cron: log to a file, one summary line, a meaningful exit status",
        epilog=arguments_help(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    run.add_argument(
        "spider", help="e.g. maghress; several sites: maghress,djazairess; every site: all"
    )
    run.add_argument("arguments", nargs="*", metavar="NAME=VALUE", help="spider arguments")
    run.add_argument("-a", action="append", default=[], metavar="NAME=VALUE", help="as scrapy")
    run.add_argument("-s", "--set", action="append", default=[], metavar="NAME=VALUE")
    run.add_argument("--full", action="store_true", help="ignore the incremental state")
    run.add_argument(
        "--log-level", default="INFO", type=str.upper, choices=["DEBUG", "INFO", "WARNING", "ERROR"]
    )
    run.add_argument("--log-file", help="default: data/SPIDER/logs/START.log")
    run.add_argument(
        "--mirrors", metavar="FILE", help='JSON {"site": "base URL"}: crawl these mirrors'
    )
    run.set_defaults(handler=cmd_run)

    state = commands.add_parser(
        "state", help="rebuild the incremental state from the committed files, or reset it"
    )
    actions = state.add_subparsers(dest="action", required=True)
    for action, help_text in (
        ("rebuild", "learn the ids of every article in the spider's committed files"),
        ("reset", "start an empty state on purpose: the next run writes every article again"),
    ):
        command = actions.add_parser(action, help=help_text)
        command.add_argument("spider", help="e.g. maghress")
        command.add_argument("-s", "--set", action="append", default=[], metavar="NAME=VALUE")
        command.set_defaults(handler=cmd_state)

    compact.add_command(commands)

    sites = commands.add_parser(
        "sites", help="list the sites (one spider each): sections, hosts, time zones"
    )
    sites.set_defaults(handler=cmd_sites)

    serve = commands.add_parser(
        "serve-demo", help="serve the offline fixture site (Maghress, or several family sites)"
    )
    serve.add_argument(
        "--port",
        type=int,
        default=8000,
        help="the first site's port, the next sites take the ports that follow; 0 picks free ports",
    )
    serve.add_argument("--host", default="127.0.0.1")
    chosen = serve.add_mutually_exclusive_group()
    chosen.add_argument(
        "--site",
        action="append",
        choices=sorted(SITES),
        help="serve this family site (repeat for several, one port each); default: maghress",
    )
    chosen.add_argument("--all", action="store_true", help="serve every site the fixture has")
    serve.add_argument(
        "--mirrors-out", type=Path, metavar="FILE", help="write {site: base URL} for run --mirrors"
    )
    serve.set_defaults(handler=cmd_serve_demo)
    add_history_commands(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args, extras = parser.parse_known_args(argv)
    # `newsspider run maghress --mirrors m.json since=auto`: argparse leaves NAME=VALUE
    # words that follow an option unparsed; they are spider arguments all the same.
    if args.command == "run":
        args.arguments += [word for word in extras if "=" in word and word[0] != "-"]
        extras = [word for word in extras if word not in args.arguments]
    if extras:
        parser.error(f"unrecognized arguments: {' '.join(extras)}")
    global _command
    _command = f"newsspider {args.command}"
    try:
        return args.handler(args)
    except BrokenPipeError:
        # `newsspider extract page.html --url … | head`: the reader left; not an error of ours.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
