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
from typing import Any, Iterator

from .. import ast
from ..diagnostics import Diagnostic, Related, Severity
from ..frameworks import Framework, normalise
from ..messages import Phrase
from ..vocab import (CHANGE_RATE_WORDS, DEADLINE_PATTERNS, DEADLINE_SUFFIX, NATURE_WORDS, QUALITATIVE_WORDS,
                     RATE_ENDING, SATISFACTION_WORDS, SECTION_WORD_COST, SECTION_WORD_TIMELINESS, STANDARD_WORDS)
from .registry import Context, Names, head, indicators, plain, rule, target_text

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


def _quantity(ind: ast.Indicator) -> ast.Quantitative | None:
    return ind.target if isinstance(ind.target, ast.Quantitative) else None


def _is_change(name: str) -> bool:
    return any(w in name for w in CHANGE_RATE_WORDS)


def rates(spec: ast.Spec, ctx: Context) -> Iterator[Diagnostic]:
    """C401 a rate above 100%; C402 a target that is always true; C403 `>= 100%`."""
    for _, _, ind in indicators(spec.projects):
        t = _quantity(ind)
        name = plain(ind.name)
        if t is None or _is_change(name):
            continue
        if not (t.unit == "%" or (t.unit == "" and name.endswith(RATE_ENDING))):
            continue
        args: dict[str, Any] = {"name": ind.name, "target": target_text(t)}
        if t.comparator in ("=", ">=", ">") and (t.value > 100 or (t.comparator == ">" and t.value >= 100)):
            yield C401.at(t.span, **args)
        elif (t.comparator == "<=" and t.value >= 100) or (t.comparator == "<" and t.value > 100) or (
                t.comparator == ">=" and t.value <= 0):
            yield C402.at(t.span, **args)
        elif t.comparator == ">=" and t.value == 100:
            yield C403.at(t.span, **args)


def satisfaction(spec: ast.Spec, ctx: Context) -> Iterator[Diagnostic]:
    """C404 a satisfaction target that is not `>= N%`; C405 one below 80%."""
    for _, _, ind in indicators(spec.projects):
        if not any(w in plain(ind.name) for w in SATISFACTION_WORDS):
            continue
        t = _quantity(ind)
        if t is None or t.unit != "%" or t.comparator not in (">=", ">"):
            yield C404.at(ind.target.span, name=ind.name, target=target_text(ind.target))
        elif t.value < SATISFACTION_FLOOR:
            yield C405.at(t.span, name=ind.name, target=target_text(t))


def _is_cost(l1: ast.Level1, l2: ast.Level2, ind: ast.Indicator) -> bool:
    return any(SECTION_WORD_COST in plain(n) for n in (l1.name, l2.name, ind.name))


def directions(spec: ast.Spec, ctx: Context) -> Iterator[Diagnostic]:
    """C406 a cost written as a floor; C407 a comparator against the indicator's 性质."""
    for l1, l2, ind in indicators(spec.projects):
        t = _quantity(ind)
        if t is None:
            continue
        if _is_cost(l1, l2, ind) and t.comparator in (">=", ">") and t.unit != "%":
            yield C406.at(t.span, name=ind.name, target=target_text(t))
        nature = ind.nature.value if ind.nature else None
        wanted = NATURE_WORDS.get(nature or "")
        if wanted and t.comparator != "=" and t.comparator[0] != wanted:
            yield C407.at(t.span, related=[Related(span=ind.nature.span, key="C407.nature")],  # type: ignore[union-attr]
                          name=ind.name, nature=nature, target=target_text(t),
                          direction=Phrase("C407.floor" if t.comparator[0] == ">" else "C407.cap"))


def attribute_words(spec: ast.Spec, ctx: Context) -> Iterator[Diagnostic]:
    """C408: 性质 other than 正向/反向, 标准 other than the five kinds of standard."""
    for _, _, ind in indicators(spec.projects):
        for node, known, field in ((ind.nature, tuple(NATURE_WORDS), "性质"), (ind.standard, STANDARD_WORDS, "标准")):
            if node is not None and node.value not in known:
                yield C408.at(node.span, field=field, value=node.value, known=Names(known))


def _deadline(t: ast.Quantitative, year: int | None) -> datetime.date | None:
    text = format(t.value, "f") + t.unit
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
        for _, l2, ind in indicators([project]):
            t = _quantity(ind)
            if t is None or SECTION_WORD_TIMELINESS not in plain(l2.name):
                continue
            when = _deadline(t, spec.year_of(project))
            if when is None:
                continue
            if (start is not None and when < start.value) or (end is not None and when > end.value):
                lo = start.value.isoformat() if start else "…"
                hi = end.value.isoformat() if end else "…"
                yield C409.at(t.span, name=ind.name, date=when.isoformat(), start=lo, end=hi)


def words(spec: ast.Spec, ctx: Context) -> Iterator[Diagnostic]:
    """C410 a qualitative target outside the known words; C412 a number without a comparator."""
    for _, _, ind in indicators(spec.projects):
        t = ind.target
        if isinstance(t, ast.Qualitative):
            if t.word and t.word not in QUALITATIVE_WORDS:
                yield C410.at(t.span, word=t.word, known=Names(QUALITATIVE_WORDS))
        elif t.implicit:
            written = target_text(t).removeprefix(t.comparator).strip()
            yield C412.at(t.span, name=ind.name, written=written, target=target_text(t))


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
        if not any(SECTION_WORD_COST in normalise(l1.name) or SECTION_WORD_COST in normalise(l2.name)
                   for l1, l2, _ in indicators([project])):
            yield C411.at(head(project), project=project.name, where=Names(places))


CHECKS = (rates, satisfaction, directions, attribute_words, deadlines, words, cost_present)
