"""Semantic checks: passes over a parsed `ast.Spec` that return diagnostics.

Each check is a plain function `(spec) -> Iterator[Diagnostic]` listed in `CHECKS`; `run` applies them in
order. A check that meets a state it does not expect reports an internal diagnostic instead of crashing the
run.
"""

from __future__ import annotations

from typing import Callable, Iterator

from .. import ast
from ..diagnostics import Diagnostic, Severity, diag

Check = Callable[[ast.Spec], Iterator[Diagnostic]]


def empty_file(spec: ast.Spec) -> Iterator[Diagnostic]:
    """A file must hold at least one project.

    Bad: a file with only `单位` and `年度`, or only comments. Fixed: add `项目 名称 { … }`.
    """
    if not spec.projects:
        span = ast.Span.model_construct(file=spec.file, line=1, column=1, end_line=1, end_column=2)
        yield diag("P021", Severity.warning, span)


CHECKS: tuple[Check, ...] = (empty_file,)


def run(spec: ast.Spec, checks: tuple[Check, ...] = CHECKS) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    for check in checks:
        try:
            out.extend(check(spec))
        except Exception as e:  # a bug in one check must not hide the others' findings
            span = ast.Span.model_construct(file=spec.file, line=1, column=1, end_line=1, end_column=2)
            out.append(diag("X000", Severity.error, span, check=check.__name__, reason=repr(e)))
    return out
