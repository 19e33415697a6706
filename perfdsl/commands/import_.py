"""`perfdsl import FILE... -o DIR`: official text layout (published tables) -> one `.perf` file per project."""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from ..cli import use_color
from ..messages import say

EXAMPLES = """examples:
  perfdsl import 2020年绩效目标.txt -o specs/2020
  perfdsl import build/2020/审判辅助人员经费.xlsx -o specs/2020   a workbook of perfdsl build --format xlsx
  perfdsl import --encoding gb18030 old.txt -o specs/2019
"""


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("import", help="import tables in the official text layout", epilog=EXAMPLES,
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("files", nargs="+", metavar="FILE",
                   help="text files in the official layout, or .xlsx workbooks laid out like the form")
    p.add_argument("-o", "--output", required=True, metavar="DIR", help="folder for the .perf files")
    p.add_argument("--encoding", help="input encoding (default: UTF-8, with or without BOM, else GB18030)")
    p.add_argument("--strict", action="store_true", help="guesses (such as an unknown 二级 heading) are errors")
    p.add_argument("--force", action="store_true", help="overwrite existing files with other content")
    p.set_defaults(func=run)


_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]')


def file_name(project_name: str) -> str:
    """A file name for a project: no path separators or reserved characters, not hidden, not too long."""
    name = _UNSAFE.sub("_", project_name).strip(" .") or "project"
    return name[:100] + ".perf"


def run(args: argparse.Namespace) -> int:
    from ..atomic import write_atomic
    from ..diagnostics import Severity, diag, render_text
    from ..fmt import format_spec
    from ..importer import decode_document, import_text
    from ..parser import parse
    from .. import ast

    out_dir = Path(args.output)
    planned: dict[Path, str] = {}
    problems = 0
    color = use_color(sys.stdout, args.color)
    for path in args.files:
        try:
            data = Path(path).read_bytes()
        except OSError as e:
            print(say("P000", args.lang, reason=f"{path}: {e.strerror}"), file=sys.stderr)
            return 2
        if path.lower().endswith(".xlsx"):  # a workbook laid out like the form (perfdsl build --format xlsx)
            try:
                from ..xlsx_import import import_workbook
                import openpyxl  # noqa: F401
            except ImportError:
                print(say("xlsx.no_openpyxl", args.lang), file=sys.stderr)
                return 2

            text: str | None = ""
            specs, diags = import_workbook(data, path, args.strict)
        else:
            text, diags = decode_document(data, path, args.encoding)
            specs = []
            if text is not None:
                specs, found = import_text(text, path, args.strict)
                diags += found
        for spec in specs:
            content = format_spec(spec)
            again, again_diags = parse(content, path)
            # never write what does not read back as the same table
            if again_diags or not ast.same(spec.model_copy(update={"file": path}), again):
                # an importer bug must never become a file: refuse this table, and say so
                diags.append(diag("X003", Severity.error, spec.projects[0].span, name=spec.projects[0].name))
                continue
            target = out_dir / file_name(spec.projects[0].name)
            planned[target] = content
        lines = (text or "").split("\n")
        shown = {path: "\n".join(lines)}
        if diags:
            sys.stdout.write(render_text(diags, shown, args.lang, color))
        problems += sum(d.severity is Severity.error for d in diags)
    if problems:
        print(say("import.nothing", args.lang), file=sys.stderr)
        return 1
    for target, content in planned.items():
        if target.exists() and target.read_text(encoding="utf-8", errors="replace") != content and not args.force:
            print(say("import.exists", args.lang, path=target), file=sys.stderr)
            return 1
    out_dir.mkdir(parents=True, exist_ok=True)
    for target, content in planned.items():
        write_atomic(target, content)
        print(say("import.wrote", args.lang, path=target, projects=1), file=sys.stderr)
    return 0
