"""View models of the pages that are not the overview: a project beside its diagnostics, the diagnostics of
the tree, the diff of two years or two revisions."""

from __future__ import annotations

import dataclasses
import os
from typing import Any

from .. import ast
from ..diagnostics import Diagnostic, Severity
from ..messages import say
from .workspace import FileState, Workspace

EXCERPT = 2
"""Lines of source shown on each side of the line a diagnostic points at."""


def diagnostic_view(d: Diagnostic, lines: list[str], lang: str) -> dict[str, Any]:
    first = max(d.span.line - EXCERPT, 1)
    last = min(max(d.span.end_line, d.span.line) + EXCERPT, len(lines))
    excerpt = [{"number": n, "text": lines[n - 1], "marked": d.span.line <= n <= max(d.span.end_line, d.span.line)}
               for n in range(first, last + 1)]
    return {"file": d.span.file, "line": d.span.line, "column": d.span.column, "code": d.code,
            "severity": d.severity.value, "label": say("severity." + d.severity.value, lang),
            "message": d.message(lang), "hint": d.hint(lang), "excerpt": excerpt}


def file_diagnostics(ws: Workspace, state: FileState, lang: str,
                     project: ast.Project | None = None) -> list[dict[str, Any]]:
    """The file's diagnostics with their excerpts; given a project, those inside it and the file's own."""
    lines = state.text.splitlines()
    row = next((r for r in state.rows if project is not None and r.span == project.span), None)
    found = ws.diagnostics(state)
    if row is not None:
        found = [d for d in found if _concerns(d, row.span, [r.span for r in state.rows])]
    return [diagnostic_view(d, lines, lang) for d in found]


def _concerns(d: Diagnostic, span: ast.Span, spans: list[ast.Span]) -> bool:
    holders = [s for s in spans if s.line <= d.span.line <= s.end_line]
    return span in holders if holders else True


def all_diagnostics(ws: Workspace, lang: str) -> list[dict[str, Any]]:
    """Every file with diagnostics, in path order, errors counted."""
    out = []
    for key in sorted(ws.files):
        state = ws.files[key]
        shown = file_diagnostics(ws, state, lang)
        if shown:
            out.append({"key": key, "path": state.path, "diagnostics": shown,
                        "errors": sum(d["severity"] == Severity.error.value for d in shown),
                        "warnings": sum(d["severity"] == Severity.warning.value for d in shown),
                        "links": [p.name for p in state.spec.projects]})
    return out


def year_specs(files: dict[str, FileState], year: int) -> tuple[list[ast.Spec], list[str]]:
    """The specs of one year (a file's projects of other years left out), and the files left out because
    they hold errors (a diff of a half-parsed file would report what did not parse as removed)."""
    specs, broken = [], []
    for state in files.values():
        projects = tuple(p for p in state.spec.projects if state.spec.year_of(p) == year)
        if not projects:
            continue
        if any(d.severity is Severity.error and d.code.startswith("P") for d in state.diagnostics):
            broken.append(state.path)
            continue
        same = len(projects) == len(state.spec.projects)
        specs.append(state.spec if same else dataclasses.replace(state.spec, projects=projects))
    return specs, broken


def revision_specs(rev_old: str, rev_new: str, roots: list[str],
                   lang: str) -> tuple[list[ast.Spec], list[ast.Spec], list[str], list[str]]:
    """Both sides of a diff of two git revisions (`rev_new` empty: the working tree) of the served roots,
    as `perfdsl diff --git` reads them: (old specs, new specs, problems, files left out for errors)."""
    from ..diffing.revisions import revision, worktree
    from ..syntax.loader import decode, load_text

    paths = [os.path.relpath(r) for r in roots]
    old = revision(rev_old, paths)
    new = revision(rev_new, paths) if rev_new else worktree(paths)
    problems = [str(say(key, lang, **args)) for key, args in old.problems + new.problems]
    sides: tuple[list[ast.Spec], list[ast.Spec]] = ([], [])
    broken: list[str] = []
    for side, out in ((old, sides[0]), (new, sides[1])):
        for blob in side.blobs:
            text, _ = decode(blob.data, blob.path)
            src = load_text(text, blob.path) if text is not None else None
            if src is None or any(d.severity is Severity.error for d in src.diagnostics):
                broken.append(blob.path)
            else:
                out.append(src.spec)
    return sides[0], sides[1], problems, broken
