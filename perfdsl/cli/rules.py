"""`perfdsl rules`: list every rule of `perfdsl check` (code, default severity, name, summary)."""

from __future__ import annotations

import argparse
import sys

EXAMPLES = """examples:
  perfdsl rules                           the table, in Chinese
  perfdsl --lang en rules                 in English
  perfdsl rules --format markdown > docs/rules.md
"""


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("rules", help="list the rules of perfdsl check", epilog=EXAMPLES,
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--format", choices=["text", "json", "markdown"], default="text",
                   help="text table (default), versioned JSON, or the Markdown of docs/rules.md")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..checks import describe

    if args.format == "json":
        sys.stdout.write(describe.as_json(args.lang))
    elif args.format == "markdown":
        sys.stdout.write(describe.markdown())
    else:
        sys.stdout.write(describe.table(args.lang))
    return 0
