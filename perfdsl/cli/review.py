"""`perfdsl review PATH... -o DIR`: the batch review report of many units' specs, as HTML and xlsx."""

from __future__ import annotations

import argparse
import importlib.util
import os
import sys
from typing import Any, Callable

from ..diagnostics import shown
from ..messages import say

EXAMPLES = """examples:
  perfdsl review submissions/ -o review/       review/review.html and review/review.xlsx
  perfdsl review --format html 2025/ 2026/ -o review/
  perfdsl review --git v2026-round1..HEAD submissions/ -o review/
                                               the submissions changed since round 1, as committed

Each folder of specs may hold .review files with the reviewers' 审核意见 (docs/review.md). Needs
pip install 'perfdsl[query]' (and 'perfdsl[xlsx]' for the workbook).
"""


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("review", help="the batch review report (HTML, xlsx)", epilog=EXAMPLES,
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("paths", nargs="*", metavar="PATH",
                   help="files or folders (searched for *.perf; with --git, paths in the repository, default .)")
    p.add_argument("-o", "--output", required=True, metavar="DIR", help="folder to write the report to")
    p.add_argument("--format", default="html,xlsx", help="comma-separated: html, xlsx (default: both)")
    p.add_argument("--title", help="the report's title (default: 绩效目标审核报告)")
    p.add_argument("--git", metavar="REV|A..B",
                   help="the specs and .review files as committed at REV, never checked out; A..B: as at B, "
                        "the report on the files added or changed since A (earlier years still compared)")
    p.add_argument("--encoding", help="read files in this encoding instead of UTF-8 (e.g. gb18030)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from .query import have_duckdb, open_database
    from ..atomic import write_atomic
    from ..review import report
    from ..review.findings import findings

    formats = [f.strip() for f in args.format.split(",") if f.strip()]
    if not formats or any(f not in ("html", "xlsx") for f in formats):
        print(say("review.bad_format", args.lang, given=args.format), file=sys.stderr)
        return 2
    if "xlsx" in formats and importlib.util.find_spec("openpyxl") is None:
        print(say("xlsx.no_openpyxl", args.lang), file=sys.stderr)
        return 2
    if not have_duckdb(args.lang):
        return 2
    if not args.paths and not args.git:
        print(say("review.no_paths", args.lang), file=sys.stderr)
        return 2
    only: set[str] | None = None
    if args.git:
        read = _revision(args)
        if isinstance(read, int):
            return read
        opened, only = read
    else:
        opened = open_database(args.paths, args)
    if isinstance(opened, int):
        return opened
    con = opened[1]
    found = [f for f in findings(con, args.lang) if only is None or f.file in only]
    units = report.build(con, found, only)
    title = args.title or say("review.title", args.lang)
    outputs: dict[str, Callable[[], str | bytes]] = {
        "html": lambda: report.html(units, found, args.lang, title), "xlsx": lambda: report.workbook(units, args.lang)}
    try:
        os.makedirs(args.output, exist_ok=True)
        for fmt in formats:
            path = os.path.join(args.output, f"review.{fmt}")
            write_atomic(path, outputs[fmt](), durable=False)
            print(shown(say("review.written", args.lang, path=path)), file=sys.stderr)
    except OSError as e:
        print(shown(say("build.write_failed", args.lang, path=args.output, reason=e.strerror or str(e))),
              file=sys.stderr)
        return 2
    return 0


def _revision(args: argparse.Namespace) -> tuple[tuple[Any, Any] | int, set[str] | None] | int:
    """The database of the files of `--git REV` (or `A..B`: as at B, and the files A..B added or changed)."""
    from ..config import find_config
    from ..diffing import revisions
    from ..query.database import read_revision
    from .query import loaded
    from ..review.opinions import SUFFIX as REVIEW
    from ..syntax.loader import SUFFIX as SPEC

    base, _, rev = args.git.rpartition("..") if ".." in args.git else ("", "", args.git)
    rev = rev or "HEAD"  # `A..`, as git reads it
    side = revisions.revision(rev, args.paths, (SPEC, REVIEW))
    only = None
    if base:
        names, problems = revisions.changed(base, rev, args.paths)
        side.problems += problems
        only = {f"{rev}:{n}" for n in names if n.endswith(SPEC)}
    if side.problems:
        key, params = side.problems[0]
        print("perfdsl review: " + shown(say(key, args.lang, **params)), file=sys.stderr)
        return 2
    specs = [b for b in side.blobs if b.path.endswith(SPEC)]
    if not specs:
        print(shown(say("cli.no_files", args.lang, path=f"{rev}:{' '.join(args.paths) or '.'}")), file=sys.stderr)
        return 2
    top = revisions.top()
    configs: dict[str, Any] = {}

    def config_of(path: str) -> Any:  # the folder's configuration as the working tree has it, as diff reads it
        return find_config(os.path.join(top, os.path.dirname(path.split(":", 1)[1])), configs)

    reviews = {b.path: b.data for b in side.blobs if b.path.endswith(REVIEW)}
    return loaded(lambda: read_revision(specs, reviews, config_of, args.encoding), args.lang), only
