"""Command line: ``builder build | ingest | serve``. A user's mistake prints one line per problem and exits 1."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from builder import __version__
from builder.build import build, ingest
from builder.config import load_config
from builder.errors import BuilderError, BuildFailed

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


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="builder", description=DESCRIPTION, epilog=EPILOG,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    verbs = parser.add_subparsers(dest="verb", metavar="COMMAND", required=True)

    site = argparse.ArgumentParser(add_help=False)
    site.add_argument("--site", type=Path, default=Path("."), metavar="DIR",
                      help="the site folder, holding site.yaml, seeds/ and content/ (default: current folder)")

    build_cmd = verbs.add_parser(
        "build", parents=[site], help="ingest new seeds, then render the whole site",
        description="Ingest seeds not yet in content/, then render content/ through the templates into the "
                    "output folder. The new site replaces the old one only when the build succeeds.")
    build_cmd.add_argument("--out", type=Path, metavar="DIR",
                           help="where to write the site (default: <site>/output)")

    ingest_cmd = verbs.add_parser(
        "ingest", parents=[site], help="turn new seeds into content pages",
        description="Create content/articles, content/people and content/institutions pages for every seed "
                    "not yet ingested. Existing pages are never overwritten.")
    ingest_cmd.add_argument("--dry-run", action="store_true", help="list what would be created; write nothing")

    serve_cmd = verbs.add_parser(
        "serve", parents=[site], help="preview the site with live reload",
        description="Build, serve the output folder, and rebuild and reload the browser whenever seeds/, "
                    "content/, templates/ or site.yaml change. Errors are printed; the server keeps running.")
    serve_cmd.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    serve_cmd.add_argument("--port", type=int, default=8000, help="port to listen on (default: 8000)")
    serve_cmd.add_argument("--out", type=Path, metavar="DIR",
                           help="where to write the site (default: <site>/output)")
    return parser


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


def _run(args: argparse.Namespace) -> int:
    if args.verb == "build":
        report = build(args.site, args.out)
        for warning in report.warnings:
            print(f"warning: {warning}", file=sys.stderr)
        print(report.summary())
    elif args.verb == "ingest":
        config = load_config(args.site)
        plan = ingest(config, dry_run=args.dry_run)
        verb = "would create" if args.dry_run else "created"
        for page in plan.create:
            print(f"{verb} {page.path.relative_to(config.root)} ({page.reason})")
        for name in plan.skipped:
            print(f"left alone: seed {name} (already ingested)")
        print(f"{len(plan.create)} page{'s' if len(plan.create) != 1 else ''} {verb}, "
              f"{len(plan.skipped)} seed{'s' if len(plan.skipped) != 1 else ''} already ingested")
    else:
        from builder.serve import serve

        config = load_config(args.site)
        serve(config.root, args.out or config.root / "output", args.host, args.port)
    return 0


if __name__ == "__main__":
    sys.exit(main())
