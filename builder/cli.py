"""Command line: ``builder build | ingest | serve``. A user's mistake prints one line per problem and exits 1.

Each command loads the stages it needs when it runs, so that ``--help`` and a build with nothing to do answer
at once.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import time
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import TextIO

from builder.config import load_config
from builder.errors import BuilderError, BuildFailed, file_problem
from builder.snapshot import check_inputs, report_line
from builder.version import __version__

DESCRIPTION = """\
Turn news articles into a cross-linked static site about the people and institutions in them.

The pipeline runs one way: seeds/ (raw articles) -> content/ (Markdown pages with YAML front matter,
one per article, person and institution; edit them freely) -> output/ (plain static files).
"""

EPILOG = """\
examples:
  builder build                    ingest new seeds, then write the site to ./output
  builder ingest --dry-run         list the content pages new seeds would create
  builder serve --port 8001        preview with live reload at http://127.0.0.1:8001/
  builder build --site mysite --out /srv/www
"""


_VERBS = {
    "create": ("created", "would create"), "update": ("updated", "would update"),
    "keep": ("kept", "would keep"), "remove": ("removed", "would remove"),
    "unchanged": ("unchanged", "unchanged"),
}


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="builder", description=DESCRIPTION, epilog=EPILOG,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    verbs = parser.add_subparsers(dest="verb", metavar="COMMAND", required=True)

    site = argparse.ArgumentParser(add_help=False)
    site.add_argument("--site", type=Path, default=Path("."), metavar="DIR",
                      help="the site folder, holding site.yaml, seeds/ and content/ (default: current folder)")

    build_cmd = verbs.add_parser(
        "build", parents=[site], help="ingest seeds, then render the site",
        description="Bring content/ up to date with seeds/ when they changed (as `builder ingest` does), then "
                    "render content/ through the templates into the output folder: only the pages whose inputs "
                    "changed since the last build, and nothing when no input changed. The new site replaces the "
                    "old one only when the build succeeds.")
    build_cmd.add_argument("--out", type=Path, metavar="DIR",
                           help="where to write the site (default: <site>/output)")
    build_cmd.add_argument("--jobs", type=_positive, default=os.cpu_count() or 1, metavar="N",
                           help="read, render and write in N processes when many seeds or pages are new or "
                                "changed (default: one per core)")
    build_cmd.add_argument("--explain", action="store_true",
                           help="say why each page was rendered again (which of its inputs changed)")
    build_cmd.add_argument("--strict", action="store_true",
                           help="treat warnings about the input (unknown settings or front-matter fields...) as "
                                "errors")

    ingest_cmd = verbs.add_parser(
        "ingest", parents=[site], help="turn new seeds into content pages",
        description="Bring content/ up to date with seeds/: create the pages of new seeds, and bring new facts "
                    "into the fields of existing pages that no editor has changed. A field or body you edited is "
                    "never overwritten; what cannot be merged is reported. Ingest remembers what it wrote in "
                    ".builder/ingest.json (commit it with content/).")
    ingest_cmd.add_argument("--dry-run", action="store_true",
                            help="list what would be created, updated, kept or removed, and why; write nothing")
    ingest_cmd.add_argument("--verbose", action="store_true", help="also list the pages that are up to date")
    ingest_cmd.add_argument("--jobs", type=_positive, default=os.cpu_count() or 1, metavar="N",
                            help="analyse new seeds in N processes when they are many (default: one per core)")

    serve_cmd = verbs.add_parser(
        "serve", parents=[site], help="preview the site with live reload",
        description="Build, serve the output folder, and rebuild and reload the browser whenever seeds/, "
                    "content/, templates/ or site.yaml change. Errors are printed; the server keeps running.")
    serve_cmd.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    serve_cmd.add_argument("--port", type=int, default=8000, help="port to listen on (default: 8000)")
    serve_cmd.add_argument("--out", type=Path, metavar="DIR",
                           help="where to write the site (default: <site>/output)")
    return parser


def _positive(text: str) -> int:
    """A count of processes: a whole number, 1 or more."""
    try:
        number = int(text)
    except ValueError:
        number = 0
    if number < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of processes; give 1 or more")
    return number


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; return the process exit code."""
    args = _parser().parse_args(argv)
    try:
        return _run(args)
    except BuildFailed as failed:
        for problem in failed.problems:
            print(f"error: {problem}", file=sys.stderr)
        return 1
    except BuilderError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("stopped", file=sys.stderr)
        return 130
    except BrokenPipeError:  # whatever read the output stopped reading (``builder build | head``)
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # nothing more to write at exit
        return 141  # as a process that SIGPIPE ended
    except OSError as exc:  # a file moved or deleted while the build ran, or one it may not read
        print(f"error: {file_problem(exc)}", file=sys.stderr)
        return 1


def _run(args: argparse.Namespace) -> int:
    if args.verb == "build":
        _build(args)
    elif args.verb == "ingest":
        from builder.pipeline import ingest

        with _terminal_progress() as progress:
            plan = ingest(load_config(args.site), dry_run=args.dry_run, progress=progress, workers=max(1, args.jobs))
        for step in plan.steps:
            if step.action != "unchanged" or args.verbose:
                print(f"{_VERBS[step.action][args.dry_run]} content/{step.path}: {step.reason}")
        _print_warnings(plan.warnings)
        counts = plan.counts()
        print(", ".join(f"{counts.get(a, 0)} {_VERBS[a][args.dry_run]}" for a in _VERBS))
    else:
        from builder.serve import serve

        config = load_config(args.site)
        serve(config.root, args.out or config.output_dir, args.host, args.port)
    return 0


def _build(args: argparse.Namespace) -> None:
    started = time.perf_counter()
    config = load_config(args.site)
    check = check_inputs(config, args.out or config.output_dir)
    if check.unchanged and not (args.strict or args.explain):  # answer before the rest of the builder loads
        _print_warnings(check.summary["warnings"])
        print(report_line(check.summary["pages"], 0, 0, 0, time.perf_counter() - started, {}))
        return
    from builder.pipeline import build

    with _terminal_progress() as progress:
        report = build(args.site, args.out, strict=args.strict, workers=max(1, args.jobs), progress=progress,
                       inputs=check)
    if args.explain:
        for url, reason in report.reasons.items():
            print(f"rendered {url or './'}: {reason}")
    for step in report.ingest.steps:
        if step.unmerged:  # said once: the next ingest takes the editor's value as the page's own
            print(f"{_VERBS[step.action][0]} content/{step.path}: {step.reason}")
    _print_warnings(report.warnings)
    print(report.summary())


class ProgressLine:
    """Work shown on one line of a terminal as it goes: each stage, and counts redrawn at most ten times a
    second; cleared when done (a log or a pipe gets only the summary)."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.drawn = 0.0

    def __call__(self, what: str, done: int, total: int) -> None:
        now = time.monotonic()
        if now - self.drawn < 0.1 and 0 < done < total:
            return
        self.drawn = now
        self.stream.write(f"\r{what}: {done:,} of {total:,}\x1b[K" if total else f"\r{what}\x1b[K")
        self.stream.flush()

    def clear(self) -> None:
        """Remove the line, if it was drawn."""
        if self.drawn:
            self.stream.write("\r\x1b[K")
            self.stream.flush()


@contextlib.contextmanager
def _terminal_progress() -> Iterator[ProgressLine | None]:
    """A progress line on standard error when it is a terminal, cleared at the end; else None."""
    if not sys.stderr.isatty():
        yield None
        return
    line = ProgressLine(sys.stderr)
    try:
        yield line
    finally:
        line.clear()


def _print_warnings(warnings: Iterable[str]) -> None:
    for warning in warnings:
        print(f"warning: {warning}", file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
