"""Structure checks: is the indicator tree of each project the one its framework describes?

The grammar accepts any 一级/二级 name; the project's framework (`框架`, else the configured default) decides
which are allowed. When the 一级 names fit another framework better, the diagnostic names the `框架` to
select instead of offering spelling corrections that would not help. Duplicate projects are found across
all files of a run (`duplicate_projects`), the one check that sees more than one spec.
"""

from __future__ import annotations

from typing import Any, Iterable, Iterator, NamedTuple

from .. import ast
from ..diagnostics import Diagnostic, Related, Severity
from ..frameworks import Framework, Level1Def, builtin_names, normalise, section_spellings
from ..messages import Phrase
from .registry import Context, Names, head, plain, rule

C101 = rule("C101", "unknown-framework", Severity.error, "structure")
C102 = rule("C102", "unknown-level1", Severity.error, "structure")
C103 = rule("C103", "unknown-level2", Severity.error, "structure")
C104 = rule("C104", "unlisted-level2", Severity.warning, "structure")
C105 = rule("C105", "missing-or-empty-section", Severity.warning, "structure")
C106 = rule("C106", "duplicate-indicator", Severity.error, "structure")
C107 = rule("C107", "indicator-named-like-section", Severity.warning, "structure")
C108 = rule("C108", "duplicate-project", Severity.error, "structure")
C109 = rule("C109", "duplicate-section", Severity.error, "structure")
C110 = rule("C110", "level2-recurs", Severity.info, "structure")


def unknown_framework(spec: ast.Spec, ctx: Context) -> Iterator[Diagnostic]:
    """C101: `框架` names a framework that is neither builtin nor configured."""
    nodes = [spec.framework] + [p.framework for p in spec.projects]
    for node in nodes:
        if node is None or ctx.config.framework(node.value) is not None:
            continue
        known = [*builtin_names(), *ctx.config.frameworks]
        import difflib  # only when something is misspelt: start-up stays light
        close = difflib.get_close_matches(node.value, known, n=1, cutoff=0.5)
        if close:
            yield C101.at(node.span, "C101.close", name=node.value, suggestion=close[0], known=Names(known))
        else:
            yield C101.at(node.span, name=node.value, known=Names(known))


def sections(spec: ast.Spec, ctx: Context) -> Iterator[Diagnostic]:
    """C102, C103, C104, C105, C109, C110: 一级 and 二级 names against the framework, missing, repeated and empty
    ones."""
    for project in spec.projects:
        fw = ctx.framework(spec, project)
        if fw is None:
            continue
        matched = [(l1, fw.match_level1(l1.name)) for l1 in project.sections]
        unknown = [l1 for l1, d in matched if d is None]
        if unknown:
            yield from _unknown_level1(project, ctx, fw, unknown)
        seen: dict[str, ast.Level1] = {}
        for l1, definition in matched:
            if definition is not None:
                first = seen.setdefault(definition.name, l1)
                if first is not l1:
                    yield C109.at(head(l1), related=[Related(span=head(first), key="C109.first")], name=l1.name)
                else:
                    yield from _level2s(ctx, fw, l1, definition)
            yield from _empty(l1)
        # only a confirmed 一级 is expected in every table; a commonly seen one is optional
        missing = [d.name for d in fw.level1 if d.name not in seen and d.status == "confirmed"]
        if missing and not unknown:
            yield C105.at(head(project), "C105.missing", project=project.name, names=Names(missing),
                          framework=fw.name)


def _unknown_level1(project: ast.Project, ctx: Context, fw: Framework,
                    unknown: list[ast.Level1]) -> Iterator[Diagnostic]:
    fit = ctx.better_fit(project, fw)
    for l1 in unknown:
        args: dict[str, Any] = {"name": l1.name, "framework": fw.name, "expected": Names(fw.level1_names)}
        suggestions = fw.suggest_level1(l1.name, n=1)
        if fit is not None:
            yield C102.at(head(l1), "C102.framework", fit=fit.name, **args)
        elif suggestions:
            yield C102.at(head(l1), "C102.close", suggestion=suggestions[0], **args)
        else:
            yield C102.at(head(l1), **args)


def _level2s(ctx: Context, fw: Framework, l1: ast.Level1, definition: Level1Def) -> Iterator[Diagnostic]:
    seen: dict[str, ast.Level2] = {}
    for l2 in l1.sections:
        found = definition.match_level2(l2.name)
        if found is None:
            yield _unknown_level2(ctx, fw, l1, l2, definition)
            continue
        first = seen.setdefault(found.name, l2)
        if first is not l2:
            # real tables interleave the rows of their 二级 (成本, 质量, 成本, 数量): the order is the form's
            yield C110.at(head(l2), related=[Related(span=head(first), key="C110.first")], name=l2.name)


def _unknown_level2(ctx: Context, fw: Framework, l1: ast.Level1, l2: ast.Level2,
                    definition: Level1Def) -> Diagnostic:
    rule_ = C103 if definition.complete else C104
    args: dict[str, Any] = {"name": l2.name, "level1": definition.name, "framework": fw.name,
            "expected": Names(definition.level2_names)}
    # the 二级 may be right for another framework: national-2013 keeps 满意度 under 效益指标
    for other in ctx.config.known_frameworks():
        other_l1 = other.match_level1(l1.name) if other.name != fw.name else None
        if other_l1 is not None and other_l1.match_level2(l2.name) is not None:
            return rule_.at(head(l2), f"{rule_.code}.framework", fit=other.name, **args)
    close = definition.suggest_level2(l2.name, n=1)
    if close:
        return rule_.at(head(l2), f"{rule_.code}.close", suggestion=close[0], **args)
    return rule_.at(head(l2), **args)


def _empty(l1: ast.Level1) -> Iterator[Diagnostic]:
    if not l1.sections:
        yield C105.at(head(l1), "C105.empty", name=l1.name)
    for l2 in l1.sections:
        if not l2.indicators:
            yield C105.at(head(l2), "C105.empty", name=l2.name)


def indicator_names(spec: ast.Spec, ctx: Context) -> Iterator[Diagnostic]:
    """C106 duplicate indicator names in a project; C107 an indicator named like a section."""
    for project in spec.projects:
        fw = ctx.framework(spec, project)
        section_names = section_spellings(fw) if fw is not None else frozenset()
        first: dict[str, ast.Indicator] = {}
        for _, _, ind, key, _ in ctx.rows(project):
            if key in first:
                yield C106.at(head(ind), related=[Related(span=head(first[key]), key="C106.first")],
                              name=ind.name)
            else:
                first[key] = ind
            if normalise(ind.name) in section_names:
                yield C107.at(head(ind), name=ind.name)


class ProjectKey(NamedTuple):
    """What the duplicate-project check needs of a project: kept for every file of a run, so small."""

    name: str
    unit: str | None
    year: int | None
    span: ast.Span


def project_keys(spec: ast.Spec) -> list[ProjectKey]:
    return [ProjectKey(p.name, spec.unit_of(p), spec.year_of(p), p.span) for p in spec.projects]


def duplicate_projects(keys: Iterable[ProjectKey]) -> Iterator[Diagnostic]:
    """C108: two projects with the same 单位, 年度 and 名称 anywhere in the files of one run."""
    first: dict[tuple[str, int | None, str], ProjectKey] = {}
    for project in keys:
        key = (plain(project.unit or ""), project.year, plain(project.name))
        if key not in first:
            first[key] = project
            continue
        other = first[key]
        yield C108.at(_keyword(project.span), related=[Related(span=_keyword(other.span), key="C108.first")],
                      name=project.name, unit=project.unit or Phrase("C108.none"),
                      year=project.year or Phrase("C108.none"), other=f"{other.span.file}:{other.span.line}")


def _keyword(span: ast.Span) -> ast.Span:
    """A project's first word (`项目`), as `head` gives it."""
    return span if span.end_line == span.line else ast.Span(span.file, span.line, span.column, span.line,
                                                            span.column + 2)


CHECKS = (unknown_framework, sections, indicator_names)
