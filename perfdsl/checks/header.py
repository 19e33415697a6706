"""Header checks: the fields above the indicator table (单位, 年度, dates, the prose sections, the budget
figures a framework requires).

Which fields are required is the framework's data (`required`, canonical keys of perfdsl/syntax/vocab.py); 年度 is
always this module's own concern (C204), so it is never reported twice. 政府购买服务 that is not 是/否 is
already refused by the parser (P011).
"""

from __future__ import annotations

import datetime
import functools
from typing import Iterator

from .. import ast
from ..diagnostics import Diagnostic, Related, Severity
from ..syntax.values import show_term
from ..syntax.vocab import BUDGET_KEYS, FILE_LEVEL_FIELDS, KEY_BY_FIELD, lookup_key
from .registry import Context, Names, head, rule

C201 = rule("C201", "required-field-missing", Severity.error, "header")
C202 = rule("C202", "start-after-end", Severity.error, "header")
C203 = rule("C203", "date-outside-year", Severity.warning, "header")
C204 = rule("C204", "year-missing-or-implausible", Severity.error, "header")
C205 = rule("C205", "term-disagrees-with-dates", Severity.warning, "header")

FIRST_PLAUSIBLE_YEAR = 2010
"""Performance targets for project spending date from the early 2010s; an earlier 年度 is a typo."""
YEARS_AHEAD = 5
"""Budgets are planned a year or a few ahead, never decades."""

_BUDGET_FIELDS = {k.field for k in BUDGET_KEYS}


def _present(spec: ast.Spec, project: ast.Project, field: str) -> bool:
    if field in _BUDGET_FIELDS:
        return project.budget is not None and getattr(project.budget, field) is not None
    node = getattr(project, field, None)
    if node is None and field in FILE_LEVEL_FIELDS:
        node = getattr(spec, field)
    if type(node) is ast.Word:  # most are
        return bool(node.value.strip())
    if isinstance(node, ast.Text):
        return any(p.strip() for p in node.paragraphs)
    if isinstance(node, ast.Word):
        return bool(node.value.strip())
    return node is not None


def required_fields(spec: ast.Spec, ctx: Context) -> Iterator[Diagnostic]:
    """C201: fields the project's framework requires are missing (one diagnostic per project)."""
    for project in spec.projects:
        fw = ctx.framework(spec, project)
        if fw is None or ctx.better_fit(project, fw) is not None:
            continue  # with the wrong framework selected, its fields are beside the point (C102)
        missing = [said for fields, said in _required(fw.required)
                   if not any(_present(spec, project, field) for field in fields)]
        if missing:
            yield C201.at(head(project), project=project.name, framework=fw.name, fields=Names(missing))


@functools.lru_cache(maxsize=64)
def _required(entries: tuple[str | tuple[str, ...], ...]) -> list[tuple[tuple[str, ...], str]]:
    """A framework's required entries as the fields of each entry's alternatives and how a message names
    them (read once per framework, not once per project); an unknown key is the framework file's problem,
    年度 is C204's."""
    out = []
    for entry in entries:
        keys = tuple(k for k in map(lookup_key, (entry,) if isinstance(entry, str) else entry) if k is not None)
        if keys and not any(k.field == "year" for k in keys):
            out.append((tuple(k.field for k in keys), "/".join(k.canonical for k in keys)))
    return out


def dates(spec: ast.Spec, ctx: Context) -> Iterator[Diagnostic]:
    """C202 开始 after 完成; C203 a date outside the 年度 of a one-year project."""
    for project in spec.projects:
        start, end = project.start, project.end
        if start is not None and end is not None and start.value > end.value:
            yield C202.at(start.span, related=[Related(span=end.span, key="C202.end")],
                          start=start.value.isoformat(), end=end.value.isoformat())
        year = spec.year_of(project)
        if year is None or _multi_year(project):
            continue
        for node, field in ((start, "start"), (end, "end")):
            if node is not None and node.value.year != year:
                yield C203.at(node.span, field=KEY_BY_FIELD[field].canonical, date=node.value.isoformat(),
                              year=year)


def _multi_year(project: ast.Project) -> bool:
    # 总预算 above 当年预算 means the project runs over several years, so its dates may too; so does a 项目期
    # over more than one year.
    b = project.budget
    t = project.term
    if t is not None and ((t.months or 0) > 12 or (t.start and t.end and t.start.year != t.end.year)):
        return True
    return bool(b and b.total and b.current and b.total.value > b.current.value)


def term(spec: ast.Spec, ctx: Context) -> Iterator[Diagnostic]:
    """C202 a 项目期 that ends before it starts; C205 a 项目期 whose months are not those of 开始 and 完成."""
    for project in spec.projects:
        t = project.term
        if t is None or t.start is None or t.end is None:
            continue
        if (t.start.year or 0, t.start.month, t.start.day or 0) > (t.end.year or 0, t.end.month, t.end.day or 0):
            yield C202.at(t.span, "C202.term", term=show_term(t))
            continue
        year = spec.year_of(project) or datetime.date.today().year
        for node, moment, field in ((project.start, t.start, "start"), (project.end, t.end, "end")):
            if node is None:
                continue
            try:
                inside = moment.first(year) <= node.value <= moment.last(year)
            except ValueError:
                continue
            if not inside:
                yield C205.at(node.span, related=[Related(span=t.span, key="C205.term")],
                              field=KEY_BY_FIELD[field].canonical, date=node.value.isoformat(), term=show_term(t))


def year(spec: ast.Spec, ctx: Context) -> Iterator[Diagnostic]:
    """C204: every project needs a plausible 年度 (its own or the file's)."""
    latest = datetime.date.today().year + YEARS_AHEAD
    if spec.year is not None and not FIRST_PLAUSIBLE_YEAR <= spec.year.value <= latest:
        yield C204.at(spec.year.span, "C204.implausible", year=spec.year.value)
    for project in spec.projects:
        node = project.year
        if node is not None and not FIRST_PLAUSIBLE_YEAR <= node.value <= latest:
            yield C204.at(node.span, "C204.implausible", year=node.value)
        if spec.year_of(project) is None:
            yield C204.at(head(project), "C204.missing", project=project.name)


CHECKS = (required_fields, dates, term, year)
