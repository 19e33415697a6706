"""Target checks: is each indicator's target a sensible promise?

Rates cannot exceed 100% (unless they measure a change, such as 增长率), some targets are always true and
so promise nothing, satisfaction targets are floors on a percentage, costs are caps, the 性质 of an
indicator fixes the direction of its comparator, a 时效 deadline lies within the project's period, and every
project should carry at least one cost indicator (原则上每一项目均应设置成本指标).
"""

from __future__ import annotations

import datetime
import functools
import re
from typing import Iterator

from .. import ast
from ..diagnostics import Diagnostic, Related, Severity
from ..frameworks import Framework, memo, normalise
from ..messages import Phrase
from ..syntax import values
from ..syntax.vocab import (CHANGE_RATE_WORDS, NATURE_KINDS, NATURE_WORDS,
                            QUALITATIVE_WORDS, RATE_ENDING, SATISFACTION_WORDS, SECTION_WORD_COST,
                            SECTION_WORD_TIMELINESS, STANDARD_WORDS)
from .registry import Context, Names, head, plain, rule, target_text

C401 = rule("C401", "rate-over-100", Severity.error, "targets")
C402 = rule("C402", "vacuous-target", Severity.warning, "targets")
C403 = rule("C403", "at-least-100-percent", Severity.info, "targets")
C404 = rule("C404", "satisfaction-not-a-floor", Severity.warning, "targets")
C405 = rule("C405", "satisfaction-out-of-range", Severity.warning, "targets")
C406 = rule("C406", "cost-floor", Severity.warning, "targets")
C407 = rule("C407", "nature-contradicts-comparator", Severity.warning, "targets")
C408 = rule("C408", "unknown-attribute-word", Severity.warning, "targets")
C409 = rule("C409", "deadline-outside-period", Severity.warning, "targets")
C410 = rule("C410", "unknown-qualitative-word", Severity.info, "targets")
C411 = rule("C411", "no-cost-indicator", Severity.warning, "targets")
C412 = rule("C412", "implicit-equals", Severity.info, "targets")
C413 = rule("C413", "target-pending", Severity.warning, "targets")
C414 = rule("C414", "period-backwards", Severity.error, "targets")
C415 = rule("C415", "measure-differs-from-unit", Severity.warning, "targets")

SATISFACTION_FLOOR = 80


_CHANGE = re.compile("|".join(map(re.escape, CHANGE_RATE_WORDS)))
_SATISFACTION = re.compile("|".join(map(re.escape, SATISFACTION_WORDS)))
_NATURES = (*NATURE_WORDS, *NATURE_KINDS)
# 指标方向 as forms write it, and the first character of the comparators it allows (`=` always fits)
_DIRECTIONS = {**NATURE_WORDS, "大于等于": ">", "大于": ">", "小于等于": "<", "小于": "<", "正向指标": ">", "反向指标": "<"}


def targets(spec: ast.Spec, ctx: Context) -> Iterator[Diagnostic]:
    """Each indicator's target on its own, in one pass over the indicators (every file has thousands):
    C401–C403 rates, C404–C405 satisfaction, C406–C407 direction, C408 attribute words, C410, C412, C413 a
    target not filled in, C414 a period that ends before it starts, C415 a 计量单位 the target's unit belies."""
    for l1, l2, ind, name, t in ctx.all_rows(spec):
        rate_name, change, satisfaction = _traits(name)
        if t is not None:
            if (t.unit == "%" or (t.unit == "" and rate_name)) and not change:
                yield from _rate(ind, t)
            if t.comparator in (">=", ">") and t.unit != "%" and _is_cost(l1, l2, name):
                yield C406.at(t.span, name=ind.name, target=target_text(t))
            if t.implicit:
                written = target_text(t).removeprefix(t.comparator).strip()
                yield C412.at(t.span, name=ind.name, written=written, target=target_text(t))
        else:
            aim = ind.target
            if aim.kind == "qualitative" and aim.word and aim.word not in QUALITATIVE_WORDS:
                yield C410.at(aim.span, word=aim.word, known=Names(QUALITATIVE_WORDS))
        if ind.target.kind in _UNSURE:
            yield from _unsure(ind, ind.target)
        if ind.midterm is not None and ind.midterm.target.kind in _UNSURE:
            yield from _unsure(ind, ind.midterm.target)
        if satisfaction:
            yield from _satisfaction(ind, t)
        if ind.nature is not None or ind.standard is not None or ind.direction is not None:
            yield from _attributes(ind, t)
        if ind.measure is not None and t is not None and t.unit and t.unit != ind.measure.value:
            yield C415.at(t.span, related=[Related(span=ind.measure.span, key="C415.measure")], name=ind.name,
                          unit=t.unit, measure=ind.measure.value)


@functools.lru_cache(maxsize=8192)  # names repeat across a tree's projects
def _traits(name: str) -> tuple[bool, bool, bool]:
    """What an indicator's name says of it: a rate (…率), a rate of change (增长率 …), a satisfaction."""
    return name.endswith(RATE_ENDING), bool(_CHANGE.search(name)), bool(_SATISFACTION.search(name))


_UNSURE = frozenset({"pending", "period"})


def _unsure(ind: ast.Indicator, aim: ast.Target) -> Iterator[Diagnostic]:
    """C413 a target not filled in (`?`); C414 a period that ends before it starts."""
    if aim.kind == "pending":
        yield C413.at(aim.span, name=ind.name)
    elif aim.kind == "period" and _order(aim.end) < _order(aim.start):
        yield C414.at(aim.span, name=ind.name, target=target_text(aim))


def _rate(ind: ast.Indicator, t: ast.Quantitative) -> Iterator[Diagnostic]:
    """C401 a rate above 100%; C402 a target that is always true; C403 `>= 100%`."""
    if t.comparator in ("=", ">=", ">") and (t.value > 100 or (t.comparator == ">" and t.value >= 100)):
        yield C401.at(t.span, name=ind.name, target=target_text(t))
    elif (t.comparator == "<=" and t.value >= 100) or (t.comparator == "<" and t.value > 100) or (
            t.comparator == ">=" and t.value <= 0):
        yield C402.at(t.span, name=ind.name, target=target_text(t))
    elif t.comparator == ">=" and t.value == 100:
        yield C403.at(t.span, name=ind.name, target=target_text(t))


def _satisfaction(ind: ast.Indicator, t: ast.Quantitative | None) -> Iterator[Diagnostic]:
    """C404 a satisfaction target that is not `>= N%`; C405 one below 80%."""
    if t is None or t.unit != "%" or t.comparator not in (">=", ">"):
        yield C404.at(ind.target.span, name=ind.name, target=target_text(ind.target))
    elif t.value < SATISFACTION_FLOOR:
        yield C405.at(t.span, name=ind.name, target=target_text(t))


def _is_cost(l1: ast.Level1, l2: ast.Level2, name: str) -> bool:
    return SECTION_WORD_COST in name or SECTION_WORD_COST in plain(l2.name) or SECTION_WORD_COST in plain(l1.name)


def _attributes(ind: ast.Indicator, t: ast.Quantitative | None) -> Iterator[Diagnostic]:
    """C407 a comparator against the indicator's 性质 or 方向; C408 性质 other than 正向/反向, 标准 other than the
    five kinds of standard."""
    nature = ind.nature
    for said, wanted, where in ((nature, NATURE_WORDS.get(nature.value) if nature else None, "C407.nature"),
                                (ind.direction, _DIRECTIONS.get(ind.direction.value) if ind.direction else None,
                                 "C407.direction")):
        if said is None or t is None or wanted is None or t.comparator == "=" or t.comparator[0] == wanted:
            continue
        yield C407.at(t.span, "C407" if where == "C407.nature" else "C407.by_direction",
                      related=[Related(span=said.span, key=where)],
                      name=ind.name, nature=said.value, target=target_text(t),
                      direction=Phrase("C407.floor" if t.comparator[0] == ">" else "C407.cap"))
        break  # 性质 and 方向 saying the same once is enough
    for node, known, field in ((nature, _NATURES, "性质"), (ind.standard, STANDARD_WORDS, "标准")):
        if node is not None and node.value not in known:
            yield C408.at(node.span, field=field, value=node.value, known=Names(known))


def _order(m: ast.Moment) -> tuple[int, int, int]:
    """A moment's place in time for comparing two of one period: a year left open counts as the same."""
    return (m.year or 0, m.month, m.day or 0)


def _window(project: ast.Project) -> tuple[datetime.date | None, datetime.date | None]:
    """The first and last day of the project's period: 开始 and 完成, else its 项目期."""
    start = project.start.value if project.start is not None else None
    end = project.end.value if project.end is not None else None
    t = project.term
    if t is not None and t.start is not None and t.end is not None and t.start.year and t.end.year:
        start = start or t.start.first(t.start.year)
        end = end or t.end.last(t.end.year)
    return start, end


def deadlines(spec: ast.Spec, ctx: Context) -> Iterator[Diagnostic]:
    """C409: a date or a period under 时效 that falls before 开始 or after 完成."""
    for project in spec.projects:
        start, end = _window(project)
        year = spec.year_of(project)
        if start is None and end is None:
            continue
        for _, l2, ind, _, _ in ctx.rows(project):
            t = ind.target
            if t.kind not in ("deadline", "period") or SECTION_WORD_TIMELINESS not in plain(l2.name):
                continue
            first, last = (t.by, t.by) if t.kind == "deadline" else (t.start, t.end)
            if year is None and (first.year is None or last.year is None):
                continue
            try:
                lo, hi = first.first(year or 0), last.last(year or 0)
            except ValueError:  # 29 February of a year left open that is no leap year
                continue
            early = start is not None and lo < start
            if early or (end is not None and hi > end):
                yield C409.at(t.span, name=ind.name, date=values.show_target(t),
                              start=start.isoformat() if start else "…", end=end.isoformat() if end else "…")


def _cost_places(fw: Framework) -> list[str]:
    return memo(fw, "cost-places", lambda: _find_cost_places(fw))  # type: ignore[no-any-return]


def _find_cost_places(fw: Framework) -> list[str]:
    places = []
    for l1 in fw.level1:
        if SECTION_WORD_COST in normalise(l1.name):
            places.append(l1.name)
        places.extend(f"{l1.name} › {l2.name}" for l2 in l1.level2 if SECTION_WORD_COST in normalise(l2.name))
    return places


def cost_present(spec: ast.Spec, ctx: Context) -> Iterator[Diagnostic]:
    """C411: a project without any indicator under its framework's cost section."""
    for project in spec.projects:
        fw = ctx.framework(spec, project)
        places = _cost_places(fw) if fw is not None and ctx.better_fit(project, fw) is None else []
        if not places:
            continue  # a framework without a cost section cannot ask for one
        # a cost 一级 or 二级 that holds at least one indicator
        if not any(l2.indicators and (SECTION_WORD_COST in normalise(l1.name) or
                                      SECTION_WORD_COST in normalise(l2.name))
                   for l1 in project.sections for l2 in l1.sections):
            yield C411.at(head(project), project=project.name, where=Names(places))


CHECKS = (targets, deadlines, cost_present)
