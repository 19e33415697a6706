"""`perfdsl import FILE... -o DIR`: real tables (Excel, Word, HTML, PDF, pasted or official text) -> one
`.perf` file per project.

A project that imports is written even when another one in the same input fails: a project with an error
of its own (a cell it needs that cannot be read, no indicator at all) is not written, and the exit status
is 1. The projects that are written are all written or none: they are planned and checked first (names
that would make one file, existing files, a folder that cannot hold them), then written into a staging
folder inside the output folder and renamed into place; a failure on the way puts back what was there.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import shutil
import sys
import tempfile
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Iterator

from ..atomic import publish, sync_folder, write_staged
from . import use_color
from ..messages import Phrase, say

if TYPE_CHECKING:
    from ..ast import Spec
    from ..diagnostics import Diagnostic
    from ..importers.tables import Vocabulary

EXAMPLES = """examples:
  perfdsl import 2020年绩效目标.txt -o specs/2020
  perfdsl import 绩效目标表.xlsx 附件2.docx 公开.html 目标表.pdf -o specs/2023
  perfdsl import --report 一体化系统导出.xls -o specs/2024      print which column became which field
  perfdsl import --mapping 我的栏目.toml 导出.xlsx -o specs/2024  headings of your own system
  perfdsl import --encoding gb18030 old.txt -o specs/2019

exit status: 0 everything imported, 1 some cells or projects not imported (the others are written), 2 usage
"""


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("import", help="import real tables: Excel, Word, HTML, PDF or text", epilog=EXAMPLES,
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("files", nargs="+", metavar="FILE",
                   help=".xlsx/.xls/.ods workbooks, .docx, HTML pages, text PDFs, text (official layout or a "
                        "pasted table) holding target tables or self-evaluations (自评表); the format is told by "
                        "content")
    p.add_argument("-o", "--output", required=True, metavar="DIR", help="folder for the .perf files")
    p.add_argument("--encoding", help="input encoding (default: UTF-8, with or without BOM, else GB18030)")
    p.add_argument("--strict", action="store_true", help="guesses (such as an unknown 二级 heading) are errors")
    p.add_argument("--report", action="store_true",
                   help="print which column became which field and how many indicators each project has")
    p.add_argument("--mapping", metavar="FILE",
                   help="a TOML file of titles and column headings to read too (docs/import.md)")
    p.add_argument("--force", action="store_true", help="overwrite existing files with other content")
    p.add_argument("--number-duplicates", action="store_true",
                   help="tables whose names make one file name: number the later ones (name(2).perf) "
                        "instead of refusing them")
    p.set_defaults(func=run)


@dataclass
class Output:
    """One project to be written: its spec, its canonical text, where it was read and the file it goes to."""

    spec: Spec
    content: str
    place: str
    """Where the table was read, for messages: `doc.txt:7` or `book.xlsx:Sheet1!B4`."""
    name: str = ""


class Refused(Exception):
    """Nothing can be written: each problem is a catalogue key with its values; `code` is the exit status."""

    def __init__(self, code: int, problems: list[tuple[str, dict[str, object]]]) -> None:
        super().__init__(problems[0][0])
        self.code, self.problems = code, problems


def run(args: argparse.Namespace) -> int:
    from ..diagnostics import Severity, render_text

    vocabulary = _vocabulary(args)
    if vocabulary is None:
        return 2
    outputs: list[Output] = []
    diags: list[Diagnostic] = []
    sources: dict[str, str] = {}
    report: list[str] = []
    for path in args.files:
        code = _read(path, args, vocabulary, outputs, diags, sources, report)
        if code:
            return code
    diags += name_files(outputs, args.number_duplicates)
    outputs = [o for o in outputs if o.name]  # a later table whose name makes an earlier one's file: refused
    if report:
        sys.stdout.write("\n".join(report) + "\n")
    if diags:
        sys.stdout.write(render_text(diags, sources, args.lang, use_color(sys.stdout, args.color)))
    failed = any(d.severity is Severity.error for d in diags)
    if not outputs:
        print(say("import.nothing", args.lang), file=sys.stderr)
        return 1
    out_dir = Path(args.output)
    try:
        check_targets(out_dir, outputs, args.force)
        write_all(out_dir, outputs)
    except Refused as refusal:
        for key, values in refusal.problems:
            print(say(key, args.lang, **values), file=sys.stderr)
        print(say("import.nothing", args.lang), file=sys.stderr)
        return refusal.code
    for output in outputs:
        print(say("import.wrote", args.lang, path=out_dir / output.name, projects=1), file=sys.stderr)
    if failed:
        print(say("import.some", args.lang), file=sys.stderr)
    return 1 if failed else 0


def _vocabulary(args: argparse.Namespace) -> Vocabulary | None:
    """The headings a table may have (with the user's mapping file), and the frameworks it may follow: the
    local ones of the perfdsl.toml that will check the written specs (found from the output folder up)."""
    import tomllib

    from ..config import ConfigError, find_config
    from ..importers.tables import Vocabulary

    try:
        frameworks = list(find_config(args.output).frameworks.values())
    except ConfigError as e:
        print(say("config.error", args.lang, path=e.path, problem=Phrase(e.key, **e.params)), file=sys.stderr)
        return None
    if not args.mapping:
        return Vocabulary.load(frameworks=frameworks)
    try:
        extra = tomllib.loads(Path(args.mapping).read_text(encoding="utf-8"))
        return Vocabulary.load([extra], frameworks)
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError, TypeError, AttributeError) as e:
        print(say("import.mapping", args.lang, path=args.mapping, reason=getattr(e, "strerror", None) or e),
              file=sys.stderr)
        return None


def _read(path: str, args: argparse.Namespace, vocabulary: Vocabulary, outputs: list[Output],
          diags: list[Diagnostic], sources: dict[str, str], report: list[str]) -> int:
    """Import one input file into `outputs` and `diags`; an exit status when it cannot be read at all."""
    from ..diagnostics import Severity
    from ..importers.documents import read_document

    try:
        data = Path(path).read_bytes()
    except OSError as e:
        print(say("P000", args.lang, reason=f"{path}: {e.strerror}"), file=sys.stderr)
        return 2
    try:
        read = read_document(data, path, args.strict, args.encoding, vocabulary)
    except ImportError:  # openpyxl is an optional extra; the other readers say so in a diagnostic
        print(say("xlsx.no_openpyxl", args.lang), file=sys.stderr)
        return 2
    if read.text is not None:
        sources[path] = read.text
    diags += read.diagnostics
    if args.report:
        report += [say("import.report.column", args.lang, place=f"{path}:{m.place}", heading=m.heading,
                       field=m.field) for m in read.mapping]
    for one in read.imported:
        diags += one.diagnostics
        if args.report:
            report.append(say("import.report.project", args.lang, place=f"{path}:{one.place}",
                              name=one.spec.projects[0].name, count=one.indicators))
        if any(d.severity is Severity.error for d in one.diagnostics):
            continue  # this project's own errors keep it out; the others are still written
        content, problem = _canonical(one.spec, path)
        if problem is not None:
            diags.append(problem)
        else:
            place = one.place if one.place.startswith(path) else f"{path}:{one.place}"
            outputs.append(Output(one.spec, content, place))
    return 0


def _canonical(spec: Spec, path: str) -> tuple[str, Diagnostic | None]:
    """The spec in `fmt`'s layout, or an internal error when that text would not read back as the spec."""
    from .. import ast
    from ..diagnostics import Severity, diag
    from ..syntax.fmt import format_spec
    from ..syntax.parser import parse

    content = format_spec(spec)
    again, again_diags = parse(content, path)
    # an importer bug must never become a file: refuse this table, and say so
    if again_diags or not ast.same(dataclasses.replace(spec, file=path), again):
        return content, diag("X003", Severity.error, spec.projects[0].span, name=spec.projects[0].name)
    return content, None


def name_files(outputs: list[Output], number: bool) -> list[Diagnostic]:
    """Give each output its file name (as build names its outputs); two that would make one file (names
    equal once case and Unicode normal form are set aside, as on macOS and Windows) are an error for each
    later one, or with `number` the later ones are numbered: name(2).perf, name(3).perf…"""
    from ..build import collision_key, safe_name
    from ..diagnostics import Related, Severity, diag

    taken = {collision_key(safe_name(o.spec.projects[0].name)) for o in outputs}
    owners: dict[str, Output] = {}
    diags = []
    for output in outputs:
        name = output.spec.projects[0].name
        output.name = safe_name(name) + ".perf"
        first = owners.setdefault(collision_key(output.name), output)
        if first is output:
            continue
        if number:
            output.name = _numbered(name, taken)
            owners[collision_key(output.name)] = output
            continue
        other = first.spec.projects[0]
        related = [Related(span=other.span, key="I007.first", args={"name": other.name})]
        diags.append(diag("I007", Severity.error, output.spec.projects[0].span, related=related, name=name,
                          place=output.place, other=other.name, other_place=first.place, path=output.name))
        output.name = first.name = ""  # neither: which of them the file should hold is the user's choice
    return diags


def _numbered(name: str, taken: set[str]) -> str:
    from ..build import collision_key, safe_name

    n = 2
    while collision_key(candidate := safe_name(f"{name}({n})")) in taken:
        n += 1
    taken.add(collision_key(candidate))
    return candidate + ".perf"


def check_targets(out_dir: Path, outputs: list[Output], force: bool) -> None:
    """Raise Refused unless every output can go where it is meant to: the output folder is a folder (or can
    be made), no output is a folder, and existing files hold the same text unless `force`."""
    folder = out_dir
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    if folder.exists() and not folder.is_dir():
        raise Refused(2, [("import.not_a_folder", {"path": out_dir, "file": folder})])
    exists: list[tuple[str, dict[str, object]]] = []
    for output in outputs:
        target = out_dir / output.name
        if target.is_dir():
            raise Refused(1, [("import.target_is_folder", {"path": target})])
        try:
            same = target.read_bytes() == output.content.encode("utf-8")
        except FileNotFoundError:
            continue
        except OSError as e:
            raise Refused(1, [("build.write_failed", {"path": target, "reason": e.strerror or str(e)})]) from e
        if not same and not force:
            exists.append(("import.exists", {"path": target}))
    if exists:
        # every such file is named, not just the first: the user decides about all of them at once
        raise Refused(1, exists)


def write_all(out_dir: Path, outputs: list[Output]) -> None:
    """Write every output into `out_dir`, or leave it as it was and raise Refused (disk full, no right…)."""
    made = _missing_folders(out_dir)
    try:
        with _writing(out_dir):
            out_dir.mkdir(parents=True, exist_ok=True)
            stage = Path(tempfile.mkdtemp(prefix=".perfdsl-import-", dir=out_dir))
        try:
            staged = []
            for i, output in enumerate(outputs):
                # every byte is on disk before the first file is replaced: a full disk fails here
                staged.append(stage / f"{i}.perf")
                with _writing(out_dir / output.name):
                    write_staged(staged[-1], output.content)
            _replace_all(out_dir, outputs, staged, stage)
            sync_folder(out_dir)  # the renames, once for all files
        finally:
            shutil.rmtree(stage, ignore_errors=True)
    except BaseException:
        for folder in reversed(made):
            with suppress(OSError):
                folder.rmdir()
        raise


@contextmanager
def _writing(path: Path) -> Iterator[None]:
    """Report a failing file operation as Refused, naming `path` (not a temporary name)."""
    try:
        yield
    except OSError as e:
        raise Refused(1, [("build.write_failed", {"path": path, "reason": e.strerror or str(e)})]) from e


def _replace_all(out_dir: Path, outputs: list[Output], staged: list[Path], stage: Path) -> None:
    """Rename the staged files into place; on any failure put back the files they replaced."""
    done: list[tuple[Path, Path | None]] = []
    try:
        for i, (output, path) in enumerate(zip(outputs, staged)):
            target = out_dir / output.name
            backup = stage / f"{i}.old" if os.path.lexists(target) else None
            with _writing(target):
                if backup is not None:
                    _keep(target, backup)
                publish(path, target)
            done.append((target, backup))
    except BaseException:
        for target, backup in reversed(done):
            with suppress(OSError):
                if backup is None:
                    target.unlink()
                else:
                    os.replace(backup, target)
        raise


def _keep(target: Path, backup: Path) -> None:
    """A second name for `target` (its old content) that survives its replacement."""
    try:
        os.link(target, backup, follow_symlinks=False)
    except OSError:
        shutil.copy2(target, backup, follow_symlinks=False)  # file systems without hard links


def _missing_folders(folder: Path) -> list[Path]:
    """The folders `folder.mkdir(parents=True)` would make, outermost first."""
    missing = []
    while not folder.exists() and folder != folder.parent:
        missing.append(folder)
        folder = folder.parent
    return missing[::-1]
