"""Budget checks: the figures of the 预算 block against each other and against the cost indicators.

All money is in 元 in the AST (the parser converts 万元), so comparisons need no units; messages show the
figures with thousands commas and the difference, because a reviewer has to see the arithmetic.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Iterator

from .. import ast
from ..diagnostics import Diagnostic, Related, Severity
from ..syntax.vocab import BUDGET_KEYS, MONEY_UNITS, TOTAL_COST_NAMES
from ..syntax.values import show_number as number
from .registry import Context, plain, rule, target_text

C301 = rule("C301", "current-over-total", Severity.error, "budget")
C302 = rule("C302", "executed-over-prior", Severity.warning, "budget")
C303 = rule("C303", "prior-execution-below-target", Severity.info, "budget")
C304 = rule("C304", "cost-over-budget", Severity.error, "budget")
C305 = rule("C305", "cost-under-budget", Severity.info, "budget")
C306 = rule("C306", "negative-amount", Severity.error, "budget")
C307 = rule("C307", "sources-do-not-add-up", Severity.error, "budget")

EXECUTION_RATE = "预算执行率"
_TOTAL_COST = {plain(n) for n in TOTAL_COST_NAMES}


def figures(spec: ast.Spec, ctx: Context) -> Iterator[Diagnostic]:
    """C306 an amount below zero; C307 the sources of the year's funds do not add up to 当年预算; C301 当年预算
    above 总预算; C302 上年执行 above 上年预算."""
    for project in spec.projects:
        b = project.budget
        if b is None:
            continue
        for key in BUDGET_KEYS:
            amount = getattr(b, key.field)
            if amount is not None and amount.value < 0:
                yield C306.at(amount.span, field=key.canonical, amount=number(amount.value))
        sources = b.sources.items if b.sources is not None else ()
        for source in sources:
            if source.value < 0:
                yield C306.at(source.span, field=source.name, amount=number(source.value))
        if _negative(b):
            continue  # compared with a negative figure, every other finding would only repeat C306
        if sources and b.current is not None and b.sources is not None:
            added = sum((s.value for s in sources), Decimal(0))
            if added != b.current.value:
                yield C307.at(b.sources.span, related=[Related(span=b.current.span, key="C307.current")],
                              sum=number(added), current=number(b.current.value),
                              difference=number(abs(added - b.current.value)),
                              parts=" + ".join(f"{s.name} {number(s.value)}" for s in sources))
        if b.current and b.total and b.current.value > b.total.value:
            yield C301.at(b.current.span, related=[Related(span=b.total.span, key="C301.total")],
                          current=number(b.current.value), total=number(b.total.value),
                          excess=number(b.current.value - b.total.value))
        if b.prior_executed and b.prior and b.prior_executed.value > b.prior.value:
            yield C302.at(b.prior_executed.span, related=[Related(span=b.prior.span, key="C302.prior")],
                          executed=number(b.prior_executed.value), prior=number(b.prior.value),
                          excess=number(b.prior_executed.value - b.prior.value))


def prior_execution(spec: ast.Spec, ctx: Context) -> Iterator[Diagnostic]:
    """C303: last year's execution rate was below 100% but this year's target is `= 100%` again."""
    for project in spec.projects:
        b = project.budget
        if b is None or not (b.prior and b.prior_executed) or b.prior.value <= 0 or _negative(b):
            continue
        rate = b.prior_executed.value / b.prior.value * 100
        if rate >= 100:
            continue
        for _, _, ind, name, t in ctx.rows(project):
            if (t is not None and EXECUTION_RATE in name and t.unit == "%"
                    and t.value == 100 and t.comparator in ("=", ">=")):
                yield C303.at(t.span, related=[Related(span=b.prior_executed.span, key="C303.executed")],
                              rate=number(rate.quantize(Decimal("0.1"))) + "%",
                              executed=number(b.prior_executed.value), prior=number(b.prior.value),
                              target=target_text(t))


def cost_in_yuan(ind: ast.Indicator) -> Decimal | None:
    """The amount a total-cost indicator states, in 元; None for any other indicator."""
    t = ind.target
    if plain(ind.name) not in _TOTAL_COST or not isinstance(t, ast.Quantitative):
        return None
    factor = MONEY_UNITS.get(t.unit)
    return None if factor is None else t.value * factor


def total_cost(spec: ast.Spec, ctx: Context) -> Iterator[Diagnostic]:
    """C304 a total-cost indicator above 当年预算; C305 below it."""
    for project in spec.projects:
        b = project.budget
        if b is None or b.current is None or _negative(b):
            continue
        for _, _, ind, name, _ in ctx.rows(project):
            if name not in _TOTAL_COST:
                continue
            cost = cost_in_yuan(ind)
            if cost is None or cost == b.current.value:
                continue
            args = {"name": ind.name, "target": target_text(ind.target), "cost": number(cost),
                    "current": number(b.current.value), "gap": number(abs(cost - b.current.value))}
            related = [Related(span=b.current.span, key="C304.current")]
            if cost > b.current.value:
                yield C304.at(ind.target.span, related=related, **args)
            else:
                yield C305.at(ind.target.span, related=related, **args)


def _negative(b: ast.Budget) -> bool:
    return (any((a := getattr(b, key.field)) is not None and a.value < 0 for key in BUDGET_KEYS)
            or (b.sources is not None and any(s.value < 0 for s in b.sources.items)))


CHECKS = (figures, prior_execution, total_cost)
