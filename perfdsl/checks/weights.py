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
from ..syntax.values import show_number as number
from ..syntax.vocab import BUDGET_WEIGHT_KEY
from .registry import Context, Names, head, rule

C501 = rule("C501", "weights-do-not-add-up", Severity.error, "weights")
C502 = rule("C502", "weight-missing", Severity.warning, "weights")


def weights(spec: ast.Spec, ctx: Context) -> Iterator[Diagnostic]:
    """C501 the 分值 sum differs from the total; C502 an indicator without 分值 among weighted ones."""
    total = ctx.settings.weight_total
    for project in spec.projects:
        found = [ind for _, _, ind, _, _ in ctx.rows(project)]
        weighted = [ind for ind in found if ind.weight is not None]
        if not weighted:
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


CHECKS = (weights,)
