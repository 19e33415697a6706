"""Target checks: is each indicator's target a sensible promise?

Rates cannot exceed 100% (unless they measure a change, such as 增长率), some targets are always true and
so promise nothing, satisfaction targets are floors on a percentage, costs are caps, the 性质 of an
indicator fixes the direction of its comparator, a 时效 deadline lies within the project's period, and every
project should carry at least one cost indicator (原则上每一项目均应设置成本指标).
"""

from __future__ import annotations

import calendar
import datetime
import re
from typing import Iterator

from .. import ast
from ..diagnostics import Diagnostic, Related, Severity
from ..frameworks import Framework, normalise
from ..messages import Phrase
from ..syntax.vocab import (CHANGE_RATE_WORDS, DEADLINE_PATTERNS, DEADLINE_SUFFIX, NATURE_KINDS, NATURE_WORDS,
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

SATISFACTION_FLOOR = 80
_DEADLINES = [re.compile(p + DEADLINE_SUFFIX) for p in DEADLINE_PATTERNS]


_CHANGE = re.compile("|".join(map(re.escape, CHANGE_RATE_WORDS)))
_SATISFACTION = re.compile("|".join(map(re.escape, SATISFACTION_WORDS)))
_NATURES = (*NATURE_WORDS, *NATURE_KINDS)


def targets(spec: ast.Spec, ctx: Context) -> Iterator[Diagnostic]:
    """Each indicator's target on its own, in one pass over the indicators (every file has thousands):
    C401–C403 rates, C404–C405 satisfaction, C406–C407 direction, C408 attribute words, C410 and C412."""
    for l1, l2, ind, name, t in ctx.all_rows(spec):
        if t is not None:
            if (t.unit == "%" or (t.unit == "" and name.endswith(RATE_ENDING))) and not _CHANGE.search(name):
                yield from _rate(ind, t)
            if t.comparator in (">=", ">") and t.unit != "%" and _is_cost(l1, l2, name):
                yield C406.at(t.span, name=ind.name, target=target_text(t))
            if t.implicit:
                written = target_text(t).removeprefix(t.comparator).strip()
                yield C412.at(t.span, name=ind.name, written=written, target=target_text(t))
        else:
            word = ind.target
            assert isinstance(word, ast.Qualitative)
            if word.word and word.word not in QUALITATIVE_WORDS:
                yield C410.at(word.span, word=word.word, known=Names(QUALITATIVE_WORDS))
        if _SATISFACTION.search(name):
            yield from _satisfaction(ind, t)
        if ind.nature is not None or ind.standard is not None:
            yield from _attributes(ind, t)


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
    """C407 a comparator against the indicator's 性质; C408 性质 other than 正向/反向, 标准 other than the
    five kinds of standard."""
    nature = ind.nature
    if nature is not None and t is not None:
        wanted = NATURE_WORDS.get(nature.value)
        if wanted and t.comparator != "=" and t.comparator[0] != wanted:
            yield C407.at(t.span, related=[Related(span=nature.span, key="C407.nature")],
                          name=ind.name, nature=nature.value, target=target_text(t),
                          direction=Phrase("C407.floor" if t.comparator[0] == ">" else "C407.cap"))
    for node, known, field in ((nature, _NATURES, "性质"), (ind.standard, STANDARD_WORDS, "标准")):
        if node is not None and node.value not in known:
            yield C408.at(node.span, field=field, value=node.value, known=Names(known))


def _deadline(t: ast.Quantitative, year: int | None) -> datetime.date | None:
    text = format(t.value, "f") + t.unit
    if "年" not in text and "月" not in text and "-" not in text:
        return None  # every deadline form has one of them: `<= 24小时` is not a date
    for pattern in _DEADLINES:
        m = pattern.fullmatch(text)
        if m is None:
            continue
        parts = m.groupdict()
        y = int(parts["y"]) if parts.get("y") else year
        if y is None:
            return None
        month = int(parts["m"]) if parts.get("m") else 12
        try:
            day = int(parts["d"]) if parts.get("d") else calendar.monthrange(y, month)[1]
            return datetime.date(y, month, day)
        except (ValueError, calendar.IllegalMonthError):
            return None
    return None


def deadlines(spec: ast.Spec, ctx: Context) -> Iterator[Diagnostic]:
    """C409: a deadline under 时效 before 开始 or after 完成."""
    for project in spec.projects:
        start, end = project.start, project.end
        if start is None and end is None:
            continue
        for _, l2, ind, _, t in ctx.rows(project):
            if t is None or SECTION_WORD_TIMELINESS not in plain(l2.name):
                continue
            when = _deadline(t, spec.year_of(project))
            if when is None:
                continue
            if (start is not None and when < start.value) or (end is not None and when > end.value):
                lo = start.value.isoformat() if start else "…"
                hi = end.value.isoformat() if end else "…"
                yield C409.at(t.span, name=ind.name, date=when.isoformat(), start=lo, end=hi)


def _cost_places(fw: Framework) -> list[str]:
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
