"""`perfdsl review PATH... -o DIR`: the batch review report of many units' specs, as HTML and xlsx."""

from __future__ import annotations

import argparse
import importlib.util
import os
import sys
from typing import Callable

from ..diagnostics import shown
from ..messages import say

EXAMPLES = """examples:
  perfdsl review submissions/ -o review/       review/review.html and review/review.xlsx
  perfdsl review --format html 2025/ 2026/ -o review/

Each folder of specs may hold .review files with the reviewers' 审核意见 (docs/review.md). Needs
pip install 'perfdsl[query]' (and 'perfdsl[xlsx]' for the workbook).
"""


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("review", help="the batch review report (HTML, xlsx)", epilog=EXAMPLES,
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("paths", nargs="+", metavar="PATH", help="files or folders (searched for *.perf)")
    p.add_argument("-o", "--output", required=True, metavar="DIR", help="folder to write the report to")
    p.add_argument("--format", default="html,xlsx", help="comma-separated: html, xlsx (default: both)")
    p.add_argument("--title", help="the report's title (default: 绩效目标审核报告)")
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
    opened = open_database(args.paths, args)
    if isinstance(opened, int):
        return opened
    con = opened[1]
    found = findings(con, args.lang)
    units = report.build(con, found)
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
