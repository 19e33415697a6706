"""`perfdsl schema`: print the JSON Schema of `perfdsl build --format json` documents."""

from __future__ import annotations

import argparse
import sys


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("schema", help="print the JSON Schema of the JSON documents (docs/perfdsl.schema.json)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..backends.json import render_schema

    sys.stdout.write(render_schema())
    return 0
