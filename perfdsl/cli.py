"""The `perfdsl` command: argument parsing, exit codes, output and colour policy.

Exit codes: 0 clean, 1 problems found (or changes, for `diff`/`fmt --check`), 2 usage or configuration
errors. Messages are Chinese by default; `--lang en` or PERFDSL_LANG=en switches to English.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import Callable, Sequence

from . import __version__
from .diagnostics import Severity, default_lang, render_json, render_text
from .messages import say

EPILOG = """examples:
  perfdsl check specs/                 check every .perf file under specs/
  perfdsl check --format json a.perf   diagnostics as JSON
  perfdsl --lang en check specs/       messages in English
"""

Command = Callable[[argparse.Namespace], int]


def use_color(stream: object, choice: str = "auto") -> bool:
    if choice != "auto":
        return choice == "always"
    if os.environ.get("NO_COLOR"):
        return False
    return bool(getattr(stream, "isatty", lambda: False)())


def cmd_check(args: argparse.Namespace) -> int:
    from .checks import run
    from .loader import find_files, load_file

    files, missing = find_files(args.paths)
    for m in missing:
        print(say("cli.not_found", args.lang, path=m), file=sys.stderr)
    if missing:
        return 2
    if not files:
        print(say("cli.no_files", args.lang, path=" ".join(args.paths)), file=sys.stderr)
        return 2
    all_diags = []
    sources: dict[str, str] = {}
    projects = 0
    for path in files:
        src = load_file(path, args.encoding)
        sources[path] = src.text
        diags = list(src.diagnostics)
        if not any(d.severity is Severity.error for d in diags):
            diags.extend(run(src.spec))
        projects += len(src.spec.projects)
        all_diags.extend(diags)
    if args.format == "json":
        sys.stdout.write(render_json(all_diags, args.lang))
    else:
        sys.stdout.write(render_text(all_diags, sources, args.lang, use_color(sys.stdout, args.color)))
    errors = sum(d.severity is Severity.error for d in all_diags)
    warnings = sum(d.severity is Severity.warning for d in all_diags)
    if errors or warnings:
        print(say("summary.found", args.lang, files=len(files), projects=projects, errors=errors,
                  warnings=warnings), file=sys.stderr)
    else:
        print(say("summary.clean", args.lang, files=len(files), projects=projects), file=sys.stderr)
    return 1 if errors or (args.strict and warnings) else 0


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
    check = sub.add_parser("check", help="check .perf files and folders", epilog=EPILOG,
                           formatter_class=argparse.RawDescriptionHelpFormatter)
    check.add_argument("paths", nargs="+", metavar="PATH", help="files or folders (searched for *.perf)")
    check.add_argument("--format", choices=["text", "json"], default="text")
    check.add_argument("--strict", action="store_true", help="warnings fail too (exit 1)")
    check.add_argument("--encoding", help="read files in this encoding instead of UTF-8 (e.g. gb18030)")
    check.set_defaults(func=cmd_check)
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
