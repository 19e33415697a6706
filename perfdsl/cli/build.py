"""`perfdsl build PATH... [-o OUT] [--format text,html,md,json]`: check, then write the documents."""

from __future__ import annotations

import argparse
import shutil
import sys
from typing import TextIO

from . import use_color
from ..diagnostics import shown
from ..messages import say

EXAMPLES = """examples:
  perfdsl build specs/                    every format into build/, mirroring specs/
  perfdsl build specs/ -o site --format html
  perfdsl build a.perf --format text --text-width 36
  perfdsl build specs/ --jobs 4           four worker processes
  perfdsl build specs/ --format html,xlsx an Excel workbook per spec too (pip install 'perfdsl[xlsx]')
  perfdsl build specs/ --format pdf,docx  every form as PDF (pip install 'perfdsl[print]') and as Word
                                          (pip install 'perfdsl[docx]')
"""

FORMATS = ("text", "html", "md", "json")
OPTIONAL = ("xlsx", "pdf", "docx")
"""Built only when asked for: an Excel workbook per spec needs openpyxl (pip install 'perfdsl[xlsx]'), PDF needs
WeasyPrint ('perfdsl[print]'), Word documents python-docx ('perfdsl[docx]'); and what `perfdsl build specs/`
writes must not depend on what happens to be installed."""
NEEDS = {"xlsx": ("openpyxl", "xlsx.no_openpyxl"), "pdf": ("weasyprint", "build.no_weasyprint"),
         "docx": ("docx", "build.no_python_docx")}
"""The library each optional format imports, and what to say when it is missing."""


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("build", help="check specs and write their documents: text, HTML, Markdown, JSON (xlsx, PDF, Word on request)",
                       epilog=EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("paths", nargs="+", metavar="PATH", help="files or folders (searched for *.perf)")
    p.add_argument("-o", "--output", default="build", metavar="OUT", help="output folder (default: build/)")
    p.add_argument("--format", default=",".join(FORMATS), metavar="LIST",
                   help="comma-separated formats: text, html, md, json (default: these four), xlsx (a workbook "
                        "per spec, needs openpyxl), pdf (needs WeasyPrint), docx (needs python-docx)")
    p.add_argument("--jobs", "-j", type=int, default=1, metavar="N", help="build N files at once (default: 1)")
    p.add_argument("--text-width", type=int, default=40, metavar="N",
                   help="wrap the text layout's prose at N characters (default: 40, as printed)")
    p.add_argument("--with-spans", action="store_true", help="JSON: keep source positions and layout")
    p.add_argument("--encoding", help="read files in this encoding instead of UTF-8 (e.g. gb18030)")
    p.add_argument("--config", metavar="PATH", help="perfdsl.toml (or pyproject.toml) to use for every file")
    p.set_defaults(func=run)


class Progress:
    """A one-line progress bar on a terminal (`\\r`-redrawn on stderr); silent when stderr is not one."""

    def __init__(self, stream: TextIO, minimum: int = 2) -> None:
        self.stream = stream
        self.enabled = bool(getattr(stream, "isatty", lambda: False)())
        self.minimum = minimum
        self.shown = False

    def __call__(self, done: int, total: int, path: str) -> None:
        if not self.enabled or total < self.minimum:
            return
        columns = shutil.get_terminal_size((80, 20)).columns
        bar = 20
        filled = bar * done // total
        line = f"[{'#' * filled}{'.' * (bar - filled)}] {done}/{total} {path}"
        self.stream.write("\r" + line[: max(columns - 1, 10)] + "\x1b[K")
        self.stream.flush()
        self.shown = True

    def clear(self) -> None:
        if self.shown:
            self.stream.write("\r\x1b[K")
            self.stream.flush()


def _formats(text: str) -> tuple[str, ...] | None:
    chosen = [f.strip() for f in text.split(",") if f.strip()]
    if not chosen or any(f not in FORMATS + OPTIONAL for f in chosen):
        return None
    # built in the canonical order, each once, whatever order they were asked in
    return tuple(f for f in FORMATS + OPTIONAL if f in chosen)


def _have(module: str) -> bool:
    import importlib

    try:
        importlib.import_module(module)
    except (ImportError, OSError):  # WeasyPrint raises OSError when the system's Pango is missing
        return False
    return True


def run(args: argparse.Namespace) -> int:
    from ..build import BuildRefused, Options, build
    from ..diagnostics import render_text, sort_key

    formats = _formats(args.format)
    if formats is None:
        print(say("build.bad_format", args.lang, value=args.format, known=", ".join(FORMATS + OPTIONAL)),
              file=sys.stderr)
        return 2
    for kind in formats:
        if kind in NEEDS and not _have(NEEDS[kind][0]):
            print(say(NEEDS[kind][1], args.lang), file=sys.stderr)
            return 2
    if args.jobs < 1 or args.text_width < 10:
        print(say("build.bad_number", args.lang), file=sys.stderr)
        return 2
    options = Options(formats=formats, text_width=args.text_width, with_spans=args.with_spans,
                      encoding=args.encoding, config=args.config)
    progress = Progress(sys.stderr)
    try:
        report = build(args.paths, args.output, options, args.jobs, progress)
    except BuildRefused as refused:
        progress.clear()
        print(shown(say(refused.key, args.lang, **refused.values)), file=sys.stderr)
        return 2
    progress.clear()
    diags = sorted(report.diagnostics, key=sort_key)
    sys.stdout.write(render_text(diags, report.sources, args.lang, use_color(sys.stdout, args.color)))
    for path, reason in report.failures:
        print(say("build.write_failed", args.lang, path=path, reason=reason), file=sys.stderr)
    print(say("build.summary", args.lang, projects=report.projects, written=len(report.written),
              unchanged=len(report.unchanged), warnings=report.warnings, errors=report.errors,
              seconds=f"{report.seconds:.2f}"), file=sys.stderr)
    if report.skipped:
        print(say("build.skipped", args.lang, count=report.skipped), file=sys.stderr)
    return 1 if report.errors else 0
