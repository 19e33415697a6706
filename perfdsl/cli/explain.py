"""`perfdsl explain CODE`: why a rule or a parser code exists, with a bad and a fixed example."""

from __future__ import annotations

import argparse
import sys

from ..messages import say

EXAMPLES = """examples:
  perfdsl explain C301                    by code
  perfdsl explain current-over-total      by name
  perfdsl explain P002                    a code of the parser
"""


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("explain", help="explain one rule of perfdsl check or one parser code", epilog=EXAMPLES,
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("code", metavar="CODE",
                   help="a rule code (C301) or name (current-over-total), or a parser code (P002)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..checks import describe

    rule = describe.find(args.code)
    if rule is None:
        close = describe.suggest(args.code)
        if close:
            print(say("explain.unknown.close", args.lang, code=args.code, suggestion=close), file=sys.stderr)
        else:
            print(say("explain.unknown", args.lang, code=args.code), file=sys.stderr)
        return 2
    sys.stdout.write(describe.explain(rule, args.lang))
    return 0
