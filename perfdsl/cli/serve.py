"""`perfdsl serve [PATH...]`: the specs as a local web app with live reload (needs `pip install 'perfdsl[serve]'`)."""

from __future__ import annotations

import argparse
import importlib
import os
import sys

from ..diagnostics import shown
from ..messages import say

EXAMPLES = """examples:
  perfdsl serve specs/                 every project of specs/ at http://127.0.0.1:8000/
  perfdsl serve --port 0 specs/        any free port (the URL is printed)
  perfdsl serve specs/2020 specs/2021  two folders in one app

Pages: the overview (filters by unit, year, framework and text), each project as the printed form with its
diagnostics, every diagnostic of the tree, the diff of two years or two git revisions, trends across years.
Saving a spec updates the open pages. Read-only; binds to 127.0.0.1 unless --host says otherwise.
"""


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("serve", help="a local web app over the specs, with live reload", epilog=EXAMPLES,
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("paths", nargs="*", metavar="PATH", help="folders or .perf files (default: the current folder)")
    p.add_argument("--port", type=_port, default=8000, help="port to listen on (default 8000; 0: any free port)")
    p.add_argument("--host", default="127.0.0.1",
                   help="address to listen on (default 127.0.0.1: this machine only)")
    p.add_argument("--encoding", help="read files in this encoding instead of UTF-8 (e.g. gb18030)")
    p.set_defaults(func=run)


def _port(text: str) -> int:
    if not text.isdigit() or int(text) > 65535:
        raise argparse.ArgumentTypeError(f"{text!r}: 0 to 65535")
    return int(text)


def run(args: argparse.Namespace) -> int:
    try:
        for name in ("starlette", "uvicorn", "watchfiles"):
            importlib.import_module(name)
    except ImportError:
        print(say("serve.no_starlette", args.lang), file=sys.stderr)
        return 2
    from ..serve import serve

    paths = args.paths or ["."]
    missing = [p for p in paths if not os.path.exists(p)]
    if missing:
        print("perfdsl serve: " + shown(say("cli.not_found", args.lang, path=missing[0])), file=sys.stderr)
        return 2

    def announce(line: str) -> None:
        print(shown(line), flush=True)

    return serve(paths, args.host, args.port, args.lang, args.encoding, announce)
