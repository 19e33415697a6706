"""Evaluation checks: a self-evaluation (自评表) and a monitoring record (监控表) against their targets.

They read what `perfdsl.evaluation` computes, under the configuration's rule set, so a check and `perfdsl score`
can never disagree about a figure. A project without actuals or monitoring is not looked at.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Iterable, Iterator, NamedTuple

from .. import ast
from ..diagnostics import Diagnostic, Related, Severity
from ..messages import Phrase
from ..evaluation.figures import convert, has_evaluation, way
from ..syntax.values import show_number as number, show_target, write_target
from ..syntax.vocab import GRADE_WORDS, GRADE_ALIASES
from .registry import Context, head, plain, rule

if TYPE_CHECKING:
    from ..evaluation.score import Scored

C601 = rule("C601", "shortfall-without-reason", Severity.warning, "evaluation")
C602 = rule("C602", "execution-below-90-without-reason", Severity.warning, "evaluation")
C603 = rule("C603", "stated-score-differs", Severity.warning, "evaluation")
C604 = rule("C604", "score-over-weight", Severity.error, "evaluation")
C605 = rule("C605", "actual-not-comparable", Severity.error, "evaluation")
C606 = rule("C606", "qualitative-score-outside-band", Severity.error, "evaluation")
C607 = rule("C607", "target-below-last-actual", Severity.warning, "evaluation")
C608 = rule("C608", "monitoring-light-without-reason", Severity.warning, "evaluation")
C609 = rule("C609", "evaluation-incomplete", Severity.warning, "evaluation")
C610 = rule("C610", "monitoring-month-invalid", Severity.error, "evaluation")

EXECUTION_FLOOR = Decimal(90)
"""执行率 below this (per cent) needs its reason, as the central notes ask."""
TOLERANCE = Decimal("0.01")


def _at(node: ast.Node | None, fallback: ast.Node) -> ast.Span:
    return node.span if node is not None else head(fallback)


def self_evaluation(spec: ast.Spec, ctx: Context) -> Iterator[Diagnostic]:
    """C601–C606, C609: each project that carries actuals, scored under the configuration's rule set."""
    for project in spec.projects:
        if not has_evaluation(project):
            continue
        from ..evaluation.score import score_project  # only for a 自评表: start-up stays light

        scored = score_project(spec, project, ctx.config.rule_set())
        for line in scored.lines:
            yield from _line(line)
        yield from _budget(project, scored.budget)
        if project.total_score is not None and abs(project.total_score.value - scored.total) >= TOLERANCE:
            yield C603.at(project.total_score.span, "C603.total", name=project.name,
                          stated=number(project.total_score.value), computed=number(scored.total), how=scored.how)


def _line(line: Scored) -> Iterator[Diagnostic]:
    ind = line.indicator
    if line.why in ("unit", "kinds"):
        assert ind.actual is not None
        actual, target = ind.actual.target, line.target
        key = "C605.unit" if line.why == "unit" else "C605"
        yield C605.at(ind.actual.span, key, name=ind.name, actual=write_target(actual),
                      target=write_target(target, explicit=True),
                      unit=actual.unit if actual.kind == "quantitative" else "",
                      target_unit=target.unit if target.kind == "quantitative" else "")
        return
    if line.why == "no_actual":
        yield C609.at(head(ind), "C609.actual", name=ind.name)
        return
    if line.why == "no_score":
        yield C609.at(_at(ind.actual, ind), "C609.score", name=ind.name)
    grade = ind.grade.value if ind.grade is not None else None
    if grade is not None and GRADE_ALIASES.get(grade, grade) not in GRADE_WORDS:
        assert ind.grade is not None
        yield C609.at(ind.grade.span, "C609.grade", name=ind.name, grade=grade, grades=" / ".join(GRADE_WORDS))
    stated = ind.score.value if ind.score is not None else None
    if stated is not None and stated > line.weight and ind.score is not None:
        yield C604.at(ind.score.span, name=ind.name, score=number(stated), weight=number(line.weight))
    elif line.why == "qualitative" and line.band is not None and stated is not None and ind.score is not None:
        low, high = line.band
        if not low <= stated <= high:
            yield C606.at(ind.score.span, name=ind.name, score=number(stated), grade=grade or "",
                          low=number(low), high=number(high))
    elif (stated is not None and ind.score is not None and line.score is not None and line.why != "qualitative"
          and abs(stated - line.score) >= TOLERANCE):
        yield C603.at(ind.score.span, name=ind.name, stated=number(stated), computed=number(line.score), how=line.how)
    if line.met is False and ind.reason is None:
        yield C601.at(_at(ind.actual, ind), name=ind.name, target=show_target(line.target),
                      actual=_actual(ind))


def _actual(ind: ast.Indicator) -> str:
    if ind.actual is not None:
        return write_target(ind.actual.target)
    return ind.grade.value if ind.grade is not None else ""


def _budget(project: ast.Project, budget: object) -> Iterator[Diagnostic]:
    from ..evaluation.score import BudgetScore

    b = project.budget
    if b is None or not isinstance(budget, BudgetScore):
        return
    if budget.rate is not None and budget.rate < EXECUTION_FLOOR and b.reason is None:
        yield C602.at(_at(b.executed, b), rate=number(budget.rate), floor=number(EXECUTION_FLOOR))
    if b.score is not None:
        if b.score.value > budget.weight:
            yield C604.at(b.score.span, "C604.budget", score=number(b.score.value), weight=number(budget.weight))
        elif abs(b.score.value - budget.score) >= TOLERANCE:
            yield C603.at(b.score.span, "C603.budget", stated=number(b.score.value), computed=number(budget.score),
                          how=budget.how)


def monitoring(spec: ast.Spec, ctx: Context) -> Iterator[Diagnostic]:
    """C610 a 监控月份 that is no month; C608 an indicator lit red or yellow without its 偏差原因."""
    for project in spec.projects:
        if project.as_of is None:
            continue
        from ..evaluation.monitor import month_of, monitor_project  # only for a 监控表: start-up stays light

        if month_of(project) is None:
            yield C610.at(project.as_of.span, value=number(project.as_of.value))
            continue
        record = monitor_project(project, ctx.config.rule_set())
        assert record is not None
        for lit in record.lines:
            ind = lit.indicator
            if lit.light in ("red", "yellow") and ind.reason is None:
                where = ind.progress or ind.likelihood
                yield C608.at(_at(where, ind), name=ind.name, light=Phrase("light." + lit.light), how=lit.how,
                              month=record.month)


CHECKS = (self_evaluation, monitoring)


# ---------------------------------------------------------------------------------------------- across years


class Actual(NamedTuple):
    """What one indicator reached in one year, or what it aims at, kept small for the cross-file check."""

    name: str
    way: str
    value: Decimal
    unit: str
    span: ast.Span


class YearRecord(NamedTuple):
    """A project's year as C607 compares it with the year after: its actuals, and its targets."""

    unit: str
    project: str
    year: int
    actuals: tuple[Actual, ...]
    targets: tuple[Actual, ...]


def year_records(spec: ast.Spec, ctx: Context) -> list[YearRecord]:
    out = []
    for project in spec.projects:
        year = spec.year_of(project)
        if year is None:
            continue
        actuals, targets = [], []
        for _, _, ind, name, quantity in ctx.rows(project):
            target = ind.adjusted.target if ind.adjusted is not None else quantity
            if target is None or target.kind != "quantitative":
                continue
            ways = way(ind, target)
            targets.append(Actual(name, ways, target.value, target.unit, target.span))
            if ind.actual is not None and ind.actual.target.kind == "quantitative":
                got = ind.actual.target
                value = convert(got.value, got.unit, target.unit)
                if value is not None:
                    actuals.append(Actual(name, ways, value, target.unit, ind.actual.span))
        out.append(YearRecord(spec.unit_of(project) or "", plain(project.name), year, tuple(actuals), tuple(targets)))
    return out


def below_last_actual(records: Iterable[YearRecord]) -> Iterator[Diagnostic]:
    """C607: a floor set below what the same indicator reached the year before (a cap set above it)."""
    records = list(records)
    # what each project reached per year (the same project twice in a year is C108's to report: both count)
    reached_in: dict[tuple[str, str, int], dict[str, Actual]] = {}
    for r in records:
        if r.actuals:
            found = reached_in.setdefault((r.unit, r.project, r.year), {})
            for a in r.actuals:
                found.setdefault(a.name, a)
    for record in records:
        year = record.year
        reached = reached_in.get((record.unit, record.project, year - 1))
        if reached is None:
            continue
        for target in record.targets:
            last = reached.get(target.name)
            if last is None or last.unit != target.unit or last.way != target.way:
                continue
            looser = (target.value < last.value) if target.way == "positive" else (
                target.value > last.value) if target.way == "reverse" else False
            if looser:
                key = "C607" if target.way == "positive" else "C607.cap"
                yield C607.at(target.span, key, [Related(span=last.span, key="C607.related", args={"year": year - 1})], name=target.name,
                              target=number(target.value) + target.unit, actual=number(last.value) + last.unit,
                              year=year - 1)
