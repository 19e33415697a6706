"""`perfdsl export PATH... -o DIR`: the tables of `perfdsl query` as Parquet or CSV files, for BI tools,
spreadsheets and data platforms."""

from __future__ import annotations

import argparse
import os
import sys

from ..diagnostics import shown
from ..messages import say

EXAMPLES = """examples:
  perfdsl export specs/ -o tables/                 projects.parquet, indicators.parquet … in tables/
  perfdsl export --format csv specs/ -o tables/    the same as CSV (UTF-8, a header row)

Tables and columns: docs/query.md. Needs pip install 'perfdsl[query]'.
"""


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("export", help="write the query tables as Parquet or CSV", epilog=EXAMPLES,
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("paths", nargs="+", metavar="PATH", help="files or folders (searched for *.perf)")
    p.add_argument("-o", "--output", required=True, metavar="DIR", help="folder to write the tables to")
    p.add_argument("--format", choices=["parquet", "csv"], default="parquet")
    p.add_argument("--encoding", help="read files in this encoding instead of UTF-8 (e.g. gb18030)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from .query import have_duckdb, open_database
    from ..query.database import QueryError
    from ..query.export import export

    if not have_duckdb(args.lang):
        return 2
    opened = open_database(args.paths, args)
    if isinstance(opened, int):
        return opened
    try:
        written = export(opened[1], args.output, args.format)
    except (OSError, QueryError) as e:
        reason = getattr(e, "strerror", None) or str(e)
        print(shown(say("build.write_failed", args.lang, path=args.output, reason=reason)), file=sys.stderr)
        return 2
    for path in written:
        print(shown(os.path.relpath(path)))
    return 0
