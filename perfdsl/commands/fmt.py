"""`perfdsl fmt PATH...`: rewrite specs in the canonical layout (like gofmt: no style options but --width)."""

from __future__ import annotations

import argparse
import difflib
import sys

from ..cli import use_color
from ..messages import say

EXAMPLES = """examples:
  perfdsl fmt specs/            rewrite every .perf file under specs/ that is not canonical
  perfdsl fmt --check specs/    list the files that would change (exit 1 if any)
  perfdsl fmt --diff a.perf     show the changes as a unified diff, write nothing
  perfdsl fmt - < a.perf        read standard input, write standard output
"""


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("fmt", help="format .perf files in the canonical layout", epilog=EXAMPLES,
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("paths", nargs="+", metavar="PATH", help="files or folders, or - for standard input")
    mode = p.add_mutually_exclusive_group()
    mode.add_argument("--check", action="store_true", help="write nothing; exit 1 if a file would change")
    mode.add_argument("--diff", action="store_true", help="write nothing; print a unified diff")
    p.add_argument("--width", type=int, default=None, help="wrap text blocks at this many columns (default 80)")
    p.add_argument("--encoding", help="read files in this encoding instead of UTF-8")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..atomic import write_atomic
    from ..diagnostics import Severity, render_text
    from ..fmt import DEFAULT_WIDTH, format_source
    from ..loader import find_files, load_file

    width = args.width or DEFAULT_WIDTH
    if width < 20:
        print(say("fmt.bad_width", args.lang), file=sys.stderr)
        return 2
    files, missing = find_files(args.paths)
    for m in missing:
        print(say("cli.not_found", args.lang, path=m), file=sys.stderr)
    if missing or not files:
        return 2
    changed, failed = [], 0
    color = use_color(sys.stdout, args.color)
    for path in files:
        src = load_file(path, args.encoding)
        if any(d.severity is Severity.error for d in src.diagnostics):
            sys.stdout.write(render_text(src.diagnostics, {path: src.text}, args.lang, color))
            failed += 1
            continue
        newline = "\r\n" if "\r\n" in src.text else "\n"
        out, problems = format_source(src.text, path, width)
        if out is None:  # the formatter could not prove its result: the file stays as it is
            sys.stdout.write(render_text(problems, {path: src.text}, args.lang, color))
            failed += 1
            continue
        out = out.replace("\n", newline)
        if path == "-":
            sys.stdout.write(out)
            continue
        if out == src.text.lstrip("\ufeff"):
            continue
        changed.append(path)
        if args.check:
            print(say("fmt.would_change", args.lang, path=path))
        elif args.diff:
            sys.stdout.writelines(difflib.unified_diff(src.text.splitlines(True), out.splitlines(True),
                                                       f"{path}", f"{path} (formatted)"))
        else:
            write_atomic(path, out)
            print(say("fmt.changed", args.lang, path=path), file=sys.stderr)
    if failed:
        return 1
    return 1 if changed and args.check else 0
