"""Weight checks: the 分值 of a project's indicators add up to the stated total.

Only projects that give 分值 at all are checked. The total is the configuration's `weight-total` (100 unless
configured); a 分值 in the 预算 block is the weight of 预算执行, which forms keep outside the indicator table
(10 + 90), and counts towards it.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Iterator

from .. import ast
from ..diagnostics import Diagnostic, Severity
from ..syntax.values import show_number as number, write_score
from ..syntax.vocab import BUDGET_WEIGHT_KEY
from .registry import Context, Names, head, rule

C501 = rule("C501", "weights-do-not-add-up", Severity.error, "weights")
C502 = rule("C502", "weight-missing", Severity.warning, "weights")
C503 = rule("C503", "level1-weight-differs", Severity.warning, "weights")


def weights(spec: ast.Spec, ctx: Context) -> Iterator[Diagnostic]:
    """C501 the 分值 sum differs from the total; C502 an indicator without 分值 among weighted ones; C503 a
    一级's indicators against its own 分值."""
    total = ctx.settings.weight_total
    for project in spec.projects:
        found = [ind for _, _, ind, _, _ in ctx.rows(project)]
        weighted = [ind for ind in found if ind.weight is not None]
        yield from _level1(project)
        if not weighted:
            yield from _level1_total(project, total)
            continue
        for ind in found:
            if ind.weight is None:
                yield C502.at(head(ind), name=ind.name)
        outside = project.budget.weight if project.budget is not None else None
        computed = sum((ind.weight.value for ind in weighted if ind.weight), outside.value if outside else Decimal(0))
        if computed != total:
            parts = Names([*([f"{BUDGET_WEIGHT_KEY.official} {number(outside.value)}"] if outside else []),
                           *(f"{ind.name} {number(ind.weight.value)}" for ind in weighted if ind.weight)])
            yield C501.at(head(project), project=project.name, sum=number(computed), total=number(total),
                          difference=number(abs(computed - total)), parts=parts)


def _level1(project: ast.Project) -> Iterator[Diagnostic]:
    """C503: the 分值 of a 一级's indicators against the 一级's own (`产出指标(50分)`, or a range `(40-50)分`)."""
    for l1 in project.sections:
        if l1.weight is None:
            continue
        weights = [ind.weight.value for l2 in l1.sections for ind in l2.indicators if ind.weight is not None]
        if not weights:
            continue
        low, high = l1.weight.value, l1.weight.upto if l1.weight.upto is not None else l1.weight.value
        added = sum(weights, Decimal(0))
        if not low <= added <= high:
            yield C503.at(l1.weight.span, name=l1.name, sum=number(added), score=write_score(l1.weight))


def _level1_total(project: ast.Project, total: Decimal) -> Iterator[Diagnostic]:
    """C501 over the 一级 when only they carry 分值 (each a number, not a range)."""
    scores = [l1 for l1 in project.sections if l1.weight is not None]
    if not scores or len(scores) != len(project.sections) or any(l1.weight.upto is not None for l1 in scores
                                                                   if l1.weight):
        return
    outside = project.budget.weight if project.budget is not None else None
    computed = sum((l1.weight.value for l1 in scores if l1.weight), outside.value if outside else Decimal(0))
    if computed != total:
        parts = Names([*([f"{BUDGET_WEIGHT_KEY.official} {number(outside.value)}"] if outside else []),
                       *(f"{l1.name} {number(l1.weight.value)}" for l1 in scores if l1.weight)])
        yield C501.at(head(project), project=project.name, sum=number(computed), total=number(total),
                      difference=number(abs(computed - total)), parts=parts)


CHECKS = (weights,)
