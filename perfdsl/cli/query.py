"""`perfdsl query [SQL] PATH...`: SQL over every project, indicator, target, actual, diagnostic and change."""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any, Callable

from ..diagnostics import shown
from ..messages import say

EXAMPLES = """examples:
  perfdsl query "SELECT unit, count(*) FROM projects GROUP BY unit" specs/
  perfdsl query satisfaction_below_90 specs/     a named query (perfdsl query --list)
  perfdsl query --format csv "SELECT * FROM indicators" specs/ > indicators.csv
  perfdsl query --format xlsx -o 满意度.xlsx satisfaction_below_90 specs/
  perfdsl query specs/                           an interactive shell (SQL from stdin when it is not a terminal)

The first argument is the SQL (or a named query) unless it is a file or folder: then every argument is a path
and the SQL comes from the shell. Tables and columns: docs/query.md. Needs pip install 'perfdsl[query]'.
"""


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("query", help="SQL over the specs (DuckDB)", epilog=EXAMPLES,
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("args", nargs="*", metavar="SQL|PATH", help="the SQL or a named query, then files or folders")
    p.add_argument("--format", choices=["table", "csv", "json", "xlsx"], default="table")
    p.add_argument("-o", "--output", metavar="FILE", help="write the result to FILE (needed for xlsx)")
    p.add_argument("--list", action="store_true", help="list the named queries")
    p.add_argument("--encoding", help="read files in this encoding instead of UTF-8 (e.g. gb18030)")
    p.set_defaults(func=run)


def have_duckdb(lang: str) -> bool:
    """Whether the `query` extra is installed; says how to install it when not."""
    import importlib.util

    if importlib.util.find_spec("duckdb") is None:
        print(say("query.no_duckdb", lang), file=sys.stderr)
        return False
    return True


def open_database(paths: list[str], args: argparse.Namespace) -> tuple[Any, Any] | int:
    """The tree of `paths` read, checked and loaded: (tree, connection), or an exit status (said why)."""
    from ..query.database import read_tree
    from ..syntax.loader import find_files

    files, missing = find_files(paths)
    for m in missing:
        print(shown(say("cli.not_found", args.lang, path=m)), file=sys.stderr)
    if missing:
        return 2
    if not files:
        print(shown(say("cli.no_files", args.lang, path=" ".join(paths))), file=sys.stderr)
        return 2
    return loaded(lambda: read_tree(files, getattr(args, "encoding", None)), args.lang)


def loaded(read: Callable[[], Any], lang: str) -> tuple[Any, Any] | int:
    """The tree `read` gives, loaded into a database: (tree, connection), or an exit status (said why)."""
    from ..config import ConfigError
    from ..messages import Phrase
    from ..query.database import QueryError, database, no_cyclic_gc, sql_error

    try:
        with no_cyclic_gc():
            tree = read()
            return tree, database(tree, lang)
    except ConfigError as e:
        print(say("config.error", lang, path=e.path, problem=Phrase(e.key, **e.params)), file=sys.stderr)
        return 2
    except QueryError as e:
        print(sql_error(e, lang), file=sys.stderr)
        return 2


def run(args: argparse.Namespace) -> int:
    from ..query.queries import named, named_sql

    if args.list:
        for name, summary in named().items():
            print(f"{name:28} {summary}")
        return 0
    if not args.args:
        print(say("query.no_paths", args.lang), file=sys.stderr)
        return 2
    sql: str | None = None
    paths = list(args.args)
    if not os.path.exists(paths[0]):
        sql, paths = paths[0], paths[1:]
        sql = named_sql(sql) or sql
    if not paths:
        print(say("query.no_paths", args.lang), file=sys.stderr)
        return 2
    if args.format == "xlsx" and not args.output:
        print(say("query.xlsx_output", args.lang), file=sys.stderr)
        return 2
    if not have_duckdb(args.lang):
        return 2
    opened = open_database(paths, args)
    if isinstance(opened, int):
        return opened
    _, con = opened
    if sql is None:
        if sys.stdin.isatty():
            from ..query.shell import Shell

            Shell(con, args.lang).cmdloop()
            return 0
        sql = sys.stdin.read()
    return answer(con, sql, args)


def answer(con: Any, sql: str, args: argparse.Namespace) -> int:
    """Run `sql` and write its result in the format asked for; a SQL error is said, exit 2."""
    from ..atomic import write_atomic
    from ..query import output
    from ..query.database import QueryError, run_sql, sql_error

    try:
        names, rows = run_sql(con, sql)
    except QueryError as e:
        print(sql_error(e, args.lang), file=sys.stderr)
        return 2
    if args.format == "xlsx":
        data: str | bytes = output.xlsx_bytes(names, rows)
    else:
        render = {"table": output.table, "csv": output.to_csv, "json": output.to_json}[args.format]
        data = render(names, rows) if names else ""
    if args.output:
        try:
            write_atomic(args.output, data, durable=False)
        except OSError as e:
            print(shown(say("build.write_failed", args.lang, path=args.output, reason=e.strerror or str(e))),
                  file=sys.stderr)
            return 2
    else:
        sys.stdout.write(data if isinstance(data, str) else "")
    return 0
