"""`perfdsl fmt PATH...`: rewrite specs in the canonical layout (like gofmt: no style options but --width)."""

from __future__ import annotations

import argparse
import difflib
import sys

from . import use_color
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
    from ..syntax.fmt import DEFAULT_WIDTH
    from ..syntax.loader import find_files

    width = args.width or DEFAULT_WIDTH
    if width < 20:
        print(say("fmt.bad_width", args.lang), file=sys.stderr)
        return 2
    files, missing = find_files(args.paths)
    for m in missing:
        print(say("cli.not_found", args.lang, path=m), file=sys.stderr)
    if missing or not files:
        return 2
    outcomes = [_format_file(path, args, width) for path in files]
    if "failed" in outcomes:
        return 1
    return 1 if "changed" in outcomes and args.check else 0


def _format_file(path: str, args: argparse.Namespace, width: int) -> str:
    """Format one file (or standard input) as the options say: 'failed', 'changed' or 'same'."""
    from ..diagnostics import Severity, render_text
    from ..syntax.fmt import format_source
    from ..syntax.loader import load_file

    color = use_color(sys.stdout, args.color)
    src = load_file(path, args.encoding)
    if any(d.severity is Severity.error for d in src.diagnostics):
        sys.stdout.write(render_text(src.diagnostics, {path: src.text}, args.lang, color))
        return "failed"
    newline = "\r\n" if "\r\n" in src.text else "\n"
    out, problems = format_source(src.text, path, width)
    if out is None:  # the formatter could not prove its result: the file stays as it is
        sys.stdout.write(render_text(problems, {path: src.text}, args.lang, color))
        return "failed"
    out = out.replace("\n", newline)
    if path == "-":
        return _write_stdout(out, args)
    if out == src.text.lstrip("\ufeff"):
        return "same"
    if args.check:
        print(say("fmt.would_change", args.lang, path=path))
    elif args.diff:
        sys.stdout.writelines(difflib.unified_diff(src.text.splitlines(True), out.splitlines(True),
                                                   f"{path}", f"{path} (formatted)"))
    elif not _write_file(path, out, args):
        return "failed"
    return "changed"


def _encoded(out: str, path: str, args: argparse.Namespace) -> bytes | None:
    """The formatted text in the encoding the file was read with, a UTF-8 BOM kept; None (and a message)
    when that encoding cannot hold it (English keywords in a Latin-1 file become Chinese ones)."""
    import codecs

    encoding = codecs.lookup(args.encoding or "utf-8").name
    try:
        data = out.encode("utf-8" if encoding == "utf-8-sig" else encoding)
    except UnicodeEncodeError as e:
        print(say("fmt.unencodable", args.lang, path=path, encoding=args.encoding, char=e.object[e.start]))
        return None
    if encoding in ("utf-8", "utf-8-sig") and path != "-":
        with open(path, "rb") as f:
            if f.read(3) == codecs.BOM_UTF8:
                data = codecs.BOM_UTF8 + data
    return data


def _write_file(path: str, out: str, args: argparse.Namespace) -> bool:
    from ..atomic import rewrite

    data = _encoded(out, path, args)
    if data is None:
        return False
    try:
        rewrite(path, data)
    except OSError as e:
        print(say("fmt.write_failed", args.lang, path=path, reason=e.strerror or str(e)))
        return False
    print(say("fmt.changed", args.lang, path=path), file=sys.stderr)
    return True


def _write_stdout(out: str, args: argparse.Namespace) -> str:
    """Standard input to standard output, in the encoding it was read with."""
    if not args.encoding:
        sys.stdout.write(out)
        return "same"
    data = _encoded(out, "-", args)
    if data is None:
        return "failed"
    sys.stdout.flush()
    sys.stdout.buffer.write(data)
    return "same"
