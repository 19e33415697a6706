"""审核意见: a reviewer's opinions on projects and indicators, kept as plain text beside the specs.

A `.review` file (any name, such as `审核意见.review`) in a folder of specs answers the projects of that
folder, line by line, so that a change of opinion is a one-line diff:

    # 2026 年度绩效目标 审核意见
    项目 居家养老上门服务
    第1轮 修改后通过 满意度目标偏低，请按上年实际完成值调整。
    指标 服务对象满意度
    第1轮 不通过 目标 >= 90% 低于上年实际完成值 95%。
    第2轮 通过 已调整为 >= 95%。

`项目 NAME` starts a project; `指标 NAME` an indicator of it; `第N轮 VERDICT TEXT` is an opinion on the
indicator last named (on the project before any). Verdicts: 通过, 修改后通过, 不通过, 退回. A line that does
not read, a project or an indicator the folder's specs lack, is a diagnostic at its file and line (R0xx).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from typing import Callable, Iterable, Sequence

from .. import ast
from ..diagnostics import Diagnostic, Severity, diag

SUFFIX = ".review"
VERDICTS = ("通过", "修改后通过", "不通过", "退回")
_ROUND = re.compile(r"第\s*(\d+)\s*轮\s+(\S+)\s*(.*)")


@dataclass(frozen=True)
class Opinion:
    file: str
    line: int
    spec_file: str
    """The .perf file holding the project."""
    unit: str | None
    year: int | None
    project: str
    indicator: str | None
    """None: the opinion is on the project as a whole."""
    span: ast.Span
    """Where the project or indicator stands in its .perf file."""
    round: int
    verdict: str
    text: str


def review_files(spec_files: Iterable[str]) -> list[str]:
    """The `.review` files in the folders of the spec files, in a stable order."""
    out = []
    for folder in sorted({os.path.dirname(f) or "." for f in spec_files if f != "-"}):
        try:
            names = sorted(n for n in os.listdir(folder) if n.endswith(SUFFIX))
        except OSError:
            continue
        out += [os.path.join(folder, n) if folder != "." else n for n in names]
    return out


def _span(path: str, number: int, text: str) -> ast.Span:
    return ast.Span(path, number, 1, number, len(text) + 1)


def read_opinions(path: str, text: str, specs: Sequence[ast.Spec]) -> tuple[list[Opinion], list[Diagnostic]]:
    """The opinions of one `.review` file on the projects of `specs` (its folder's), and its problems."""
    folder = os.path.dirname(path)
    projects = {p.name: (s, p) for s in specs if os.path.dirname(s.file) == folder for p in s.projects}
    opinions, problems = [], []
    current: tuple[ast.Spec, ast.Project] | None = None
    indicator: ast.Indicator | None = None
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        span = _span(path, number, raw)
        head, _, rest = line.partition(" ")
        name = rest.strip()
        if head == "项目":
            current, indicator = projects.get(name), None
            if current is None:
                problems.append(diag("R002", Severity.error, span, name=name))
            continue
        if head == "指标":
            found = [i for l1 in current[1].sections for l2 in l1.sections for i in l2.indicators
                     if i.name == name] if current else []
            indicator = found[0] if found else None
            if current is not None and indicator is None:
                problems.append(diag("R003", Severity.error, span, name=name, project=current[1].name))
            continue
        m = _ROUND.fullmatch(line)
        if m is None:
            problems.append(diag("R001", Severity.error, span))
        elif m.group(2) not in VERDICTS:
            problems.append(diag("R004", Severity.error, span, verdict=m.group(2), known="、".join(VERDICTS)))
        elif current is not None:  # an opinion under a project not found is already said
            spec, project = current
            where = indicator.span if indicator is not None else project.span
            opinions.append(Opinion(path, number, spec.file, spec.unit_of(project), spec.year_of(project),
                                    project.name, indicator.name if indicator is not None else None, where,
                                    int(m.group(1)), m.group(2), m.group(3).strip()))
        elif not problems or problems[-1].code != "R002":
            problems.append(diag("R005", Severity.error, span))
    return opinions, problems


def opinion_notes(opinions: Iterable[Opinion]) -> list[Diagnostic]:
    """Each opinion as a note at its project or indicator, as `perfdsl check` shows it."""
    return [diag("R000", Severity.info, o.span, round=o.round, verdict=o.verdict, text=o.text, file=o.file,
                 line=o.line) for o in opinions]


def read_all(specs: Sequence[ast.Spec], texts: dict[str, str],
             given: dict[str, bytes] | None = None) -> tuple[list[Opinion], list[Diagnostic]]:
    """Every `.review` file beside the specs: their opinions, and their problems (and `texts` gets each
    file's text, for the diagnostics' excerpts). `given`: the `.review` files by path with their bytes (as a
    git revision holds them), instead of those on disk."""
    from ..syntax.loader import decode, read_regular

    opinions, problems = [], []
    for path in review_files([s.file for s in specs]) if given is None else sorted(given):
        try:
            data = read_regular(path) if given is None else given[path]
        except OSError as e:
            problems.append(diag("P000", Severity.error, _span(path, 1, ""), reason=e.strerror or str(e)))
            continue
        text, wrong = decode(data, path)  # UTF-8 (or a BOM), as a spec is read; else said where it fails
        if text is None:
            problems += wrong
            continue
        texts[path] = text
        found, wrong = read_opinions(path, text, specs)
        opinions += found
        problems += wrong
    return opinions, problems


def notes_beside(spec: ast.Spec, text_of: Callable[[str], str | None]) -> list[Diagnostic]:
    """The opinions of the `.review` files in a spec's folder on that spec's projects, as notes (for the
    language server: the document as typed, not as saved). `text_of` reads a file, None when it cannot."""
    notes = []
    for path in review_files([spec.file]):
        text = text_of(path)
        if text is not None:
            notes += opinion_notes(read_opinions(path, text, [spec])[0])
    return notes
