"""Semantic checks: passes over parsed specs that return diagnostics (after the parser, before backends).

Public entry point (used by `perfdsl check` and `perfdsl build`):

    check_specs(specs: Iterable[ast.Spec], config: Config | None = None) -> dict[str, list[Diagnostic]]

It runs every check on every spec, the cross-file checks on all of them together (C108 duplicate projects,
C607 a target below the year before's actual),
applies the configured severities (`off` drops a diagnostic) and the `# perfdsl: ignore[…]` comments, and
returns the diagnostics of each file (keyed by `Spec.file`, every spec present, sorted by position). With
`config` None, each file's configuration is looked up from its folder upwards (`perfdsl.config.find_config`),
which raises `ConfigError` for a broken configuration file; pass a `Config` to use one for all files.

A file that parsed with errors is checked in part, through `check_sources` (pairs of a spec and its parse
diagnostics): the projects whose text holds no error are checked as usual, the others are left out, since the
placeholders the parser put in them would raise false alarms; an error outside every project (a header line
every project inherits) leaves the whole file unchecked. The duplicate check sees every project's name.

Each check is a plain function `(spec, ctx) -> Iterator[Diagnostic]` in an area module (structure, header,
budget, targets, weights); the rules it emits are declared next to it (see `registry`). A check that meets a
state it does not expect reports an internal diagnostic (X000) instead of crashing the run.
"""

from __future__ import annotations

import dataclasses
import gc
import os
from typing import Iterable, Iterator, NamedTuple, Sequence

from .. import ast
from ..config import Config, Settings, find_config
from ..diagnostics import Diagnostic, Severity, diag, sort_key
from ..syntax.vocab import PROJECT_WORDS
from . import budget, evaluation, header, structure, suppression, targets, weights
from .registry import RULES, Check, Context, Rule, examples, file_start

__all__ = ["CHECKS", "RULES", "FileFindings", "Rule", "check_file", "check_sources", "check_specs", "checkable",
           "examples", "gather", "not_a_spec", "run"]


def empty_file(spec: ast.Spec, ctx: Context) -> Iterator[Diagnostic]:
    """P021: a file must hold at least one project."""
    if not spec.projects:
        yield diag("P021", Severity.warning, file_start(spec))


CHECKS: tuple[Check, ...] = (empty_file, *structure.CHECKS, *header.CHECKS, *budget.CHECKS, *targets.CHECKS,
                             *weights.CHECKS, *evaluation.CHECKS)


def _guarded(check: Check, spec: ast.Spec, ctx: Context) -> list[Diagnostic]:
    try:
        return list(check(spec, ctx))
    except Exception as e:  # a bug in one check must not hide the others' findings
        return [diag("X000", Severity.error, file_start(spec), check=check.__name__, reason=repr(e))]


def _configured(diags: list[Diagnostic], settings: Settings) -> list[Diagnostic]:
    out = []
    for d in diags:
        rule = RULES.get(d.code)
        if rule is None:
            out.append(d)
            continue
        severity = settings.severity(d.code, rule.severity)
        if severity is not None:
            out.append(d if severity is d.severity else dataclasses.replace(d, severity=severity))
    return out


def _within(span: ast.Span, outer: ast.Span) -> bool:
    return (outer.line, outer.column) <= (span.line, span.column) <= (outer.end_line, outer.end_column)


def checkable(spec: ast.Spec, diagnostics: Sequence[Diagnostic] = ()) -> ast.Spec | None:
    """The part of a parsed spec the checks can trust: the spec without the projects an error falls in;
    None when nothing can be checked (an error outside every project, or no project left)."""
    errors = [d.span for d in diagnostics if d.severity is Severity.error]
    if not errors:
        return spec
    if any(span.file != spec.file or not any(_within(span, p.span) for p in spec.projects) for span in errors):
        return None
    clean = tuple(p for p in spec.projects if not any(_within(span, p.span) for span in errors))
    return dataclasses.replace(spec, projects=clean) if clean else None


def not_a_spec(text: str, spec: ast.Spec, diagnostics: Sequence[Diagnostic]) -> Diagnostic | None:
    """One error in place of the many a file that is no spec at all (a README, a JSON file) would get: no
    project, no header field and no `项目` line, and errors on at least half of its lines. A spec with a
    mistake, even one without its project (a section at the top), keeps its own diagnostics."""
    if spec.projects or spec.unit or spec.year or spec.framework or any(d.code == "P000" for d in diagnostics):
        return None  # a file that could not be read or decoded has its one error already
    lines = [line.strip(" \t\u3000") for line in text.splitlines()]
    written = [line for line in lines if line and not line.startswith("#")]
    if any(line.split(" ", 1)[0].split("{", 1)[0] in PROJECT_WORDS for line in written):
        return None
    wrong = {d.span.line for d in diagnostics if d.severity is Severity.error}
    if not wrong or 2 * len(wrong) < len(written):
        return None
    name = os.path.basename(spec.file) if spec.file != "-" else "-"
    return diag("P000", Severity.error, file_start(spec), "P000.not_spec", name=name, count=len(written),
                wrong=len(wrong))


def check_specs(specs: Iterable[ast.Spec], config: Config | None = None) -> dict[str, list[Diagnostic]]:
    """Check parsed specs together; see the module docstring.

    The specs are consumed one by one and not kept (only their projects' names are, for the duplicate
    check), so a generator that parses file after file checks a big tree in the memory of one file.
    """
    return check_sources(((spec, ()) for spec in specs), config)


def check_sources(sources: Iterable[tuple[ast.Spec, Sequence[Diagnostic]]],
                  config: Config | None = None) -> dict[str, list[Diagnostic]]:
    """`check_specs` of specs given with their parse diagnostics: what parsed with errors is checked in part
    (see `checkable`); every file is a key of the result."""
    # the checks (and the parses a generator of specs runs) make many small objects and no cycles: the
    # cyclic collector, which would walk every young node again and again, rests until they are done
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _check_specs(sources, config)
    finally:
        if collecting:
            gc.enable()


class FileFindings(NamedTuple):
    """What the checks found in one file, before the cross-file checks, severities and suppressions (small,
    and picklable: a worker process hands it back to `perfdsl check`)."""

    file: str
    settings: Settings
    suppressions: tuple[list[suppression.Suppression], list[Diagnostic]]
    found: list[Diagnostic]
    projects: list[structure.ProjectKey]
    years: list[evaluation.YearRecord]
    """What C607 compares across years: each project's actuals and targets."""


def check_file(whole: ast.Spec, parse_diagnostics: Sequence[Diagnostic], config: Config | None,
               cache: dict[str, Config]) -> FileFindings:
    """The checks of one file; `cache` keeps the configurations found (one per folder) between files."""
    # the folder, not the file: its configuration is in the cache after the folder's first file
    used = config or find_config(os.path.dirname(whole.file) or "." if whole.file != "-" else ".", cache)
    ctx = Context(used, used.settings_for(whole.file))
    keys = structure.project_keys(whole)
    spec = checkable(whole, parse_diagnostics)
    if spec is None:  # only the duplicate check may still find something in it
        return FileFindings(whole.file, ctx.settings, ([], []), [], keys, [])
    found = [d for check in CHECKS for d in _guarded(check, spec, ctx)]
    return FileFindings(spec.file, ctx.settings, suppression.collect(spec), found, keys,
                        evaluation.year_records(spec, ctx))


def gather(findings: Iterable[FileFindings]) -> dict[str, list[Diagnostic]]:
    """The diagnostics of every file: its findings, the cross-file checks over all files, the configured
    severities and the suppressions."""
    # per file: its settings, suppressions and findings; not the Context, whose caches hold the whole tree
    pending: dict[str, FileFindings] = {}
    projects: list[structure.ProjectKey] = []
    years: list[evaluation.YearRecord] = []
    for one in findings:
        pending[one.file] = one
        projects += one.projects
        years += one.years
    for d in (*structure.duplicate_projects(projects), *evaluation.below_last_actual(years)):
        pending[d.span.file].found.append(d)
    out = {}
    for file, one in pending.items():
        kept = suppression.apply_collected(file, one.suppressions, _configured(one.found, one.settings),
                                           one.settings)
        out[file] = sorted(_configured(kept, one.settings), key=sort_key)
    return out


def _check_specs(sources: Iterable[tuple[ast.Spec, Sequence[Diagnostic]]],
                 config: Config | None) -> dict[str, list[Diagnostic]]:
    cache: dict[str, Config] = {}
    return gather(check_file(whole, parse_diagnostics, config, cache) for whole, parse_diagnostics in sources)


def run(spec: ast.Spec, config: Config | None = None, diagnostics: Sequence[Diagnostic] = ()) -> list[Diagnostic]:
    """Check one spec on its own (no cross-file checks beyond it); given its parse diagnostics, only the part
    that parsed cleanly."""
    return check_sources([(spec, diagnostics)], config)[spec.file]
