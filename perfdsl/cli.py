"""The `perfdsl` command: argument parsing, exit codes, output and colour policy.

Exit codes: 0 clean, 1 problems found (or changes, for `diff`/`fmt --check`), 2 usage or configuration
errors. Messages are Chinese by default; `--lang en` or PERFDSL_LANG=en switches to English.
"""

from __future__ import annotations

import argparse
import importlib
import os
from typing import Sequence

from . import __version__
from .diagnostics import default_lang

EPILOG = """examples:
  perfdsl build specs/                 check and write text, HTML, Markdown and JSON to build/
  perfdsl check specs/                 check every .perf file under specs/
  perfdsl check --format json a.perf   diagnostics as JSON
  perfdsl --lang en check specs/       messages in English
  perfdsl fmt --check specs/           list the files that are not in the canonical layout
  perfdsl import 绩效目标.txt -o specs/2020   published tables (text layout) -> .perf files
  perfdsl diff --git HEAD~1            what the last commit changed in the specs (targets, money, prose)
"""

COMMANDS = ("check", "rules", "explain", "fmt", "import_", "diff", "build", "schema", "new", "lsp")
"""Sub-commands, in the order `--help` lists them; each is a module in perfdsl/commands/."""


def use_color(stream: object, choice: str = "auto") -> bool:
    if choice != "auto":
        return choice == "always"
    if os.environ.get("NO_COLOR"):
        return False
    return bool(getattr(stream, "isatty", lambda: False)())


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="perfdsl", description="项目支出绩效目标表 as plain text: check, "
                                     "build, format, import and diff .perf specs.", epilog=EPILOG,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"perfdsl {__version__}")
    parser.add_argument("--lang", choices=["zh", "en"], default=default_lang(),
                        help="language of messages (default: zh, or PERFDSL_LANG)")
    parser.add_argument("--color", choices=["auto", "always", "never"], default="auto",
                        help="colour output (default: auto: only on a terminal, never with NO_COLOR)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS:
        # command modules are light: each imports what its run() needs only when it runs
        importlib.import_module(f"perfdsl.commands.{name}").register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args))
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 1
