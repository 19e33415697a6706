"""Traffic lights of a monitoring record (监控表): how far each indicator and the budget are, as of 监控月份.

Time progress: by the end of month m, a figure that adds up over the year (people served, money spent) is
expected at m/12 of its target; a rate or a level (合格率, 满意度, a cap on 单位成本) is expected at its target
all year. What was done (完成情况) is set against what was expected:

- 正向 (a floor): below `lights[0]` per cent of expected red, below `lights[1]` yellow, up to `lights[2]`
  green, above it blue (far ahead of the plan, which may mean the target was set too low);
- 反向 (a cap): up to 100 % green, up to 100 % + (`lights[2]` − 100) yellow, above it red;
- `=`: met green, else yellow;
- a 定性 target, a date, or a figure not reported: the unit's own 完成目标可能性 decides (确定能 green, 有可能
  yellow, 完全不可能 red), and without one there is no light.

完全不可能 turns any light red: the unit knows better than the arithmetic.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal

from .. import ast
from ..syntax.values import show_money, show_number
from .rules import RuleSet
from .figures import convert, way

Light = Literal["red", "yellow", "green", "blue"]
LIGHT_WORDS: dict[str, str] = {"red": "红", "yellow": "黄", "green": "绿", "blue": "蓝"}
_BY_LIKELIHOOD: dict[str, Light] = {"确定能": "green", "有可能": "yellow", "完全不可能": "red"}
LEVEL_UNITS = ("%", "‰", "分")
"""Units of rates and levels, which do not add up over the year."""


@dataclass(frozen=True)
class Lit:
    level1: str
    level2: str
    indicator: ast.Indicator
    target: ast.Target
    light: Light | None
    expected: Decimal | None
    """What was expected by 监控月份, in the target's unit (None: not a figure)."""
    done: Decimal | None
    """完成情况 against expected, per cent."""
    how: str


@dataclass(frozen=True)
class BudgetLit:
    base: Decimal
    executed: Decimal
    rate: Decimal
    """执行数 against the budget, per cent."""
    expected: Decimal
    """The time progress m/12, per cent."""
    light: Light
    how: str


@dataclass(frozen=True)
class Monitoring:
    month: int
    budget: BudgetLit | None
    lines: tuple[Lit, ...]


def has_monitoring(project: ast.Project) -> bool:
    return project.as_of is not None


def month_of(project: ast.Project) -> int | None:
    """监控月份 when it is a month (1–12; C610 reports any other figure)."""
    if project.as_of is None:
        return None
    value = project.as_of.value
    return int(value) if value == value.to_integral_value() and 1 <= value <= 12 else None


def _pct(a: Decimal, b: Decimal) -> Decimal:
    return (a / b * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _floor_light(share: Decimal, rules: RuleSet) -> Light:
    red, yellow, green = rules.lights
    return "red" if share < red else "yellow" if share < yellow else "green" if share <= green else "blue"


def _cap_light(share: Decimal, rules: RuleSet) -> Light:
    return "green" if share <= 100 else "yellow" if share <= rules.lights[2] else "red"


def light_indicator(l1: str, l2: str, ind: ast.Indicator, month: int, rules: RuleSet) -> Lit:
    target = ind.adjusted.target if ind.adjusted is not None else ind.target
    said = _BY_LIKELIHOOD.get(ind.likelihood.value) if ind.likelihood is not None else None
    light: Light | None = said
    expected = done = None
    how = f"{ind.likelihood.value}" if ind.likelihood is not None else ""
    progress = ind.progress.target if ind.progress is not None else None
    if target.kind == "quantitative" and progress is not None and progress.kind == "quantitative":
        value = convert(progress.value, progress.unit, target.unit)
        if value is not None:
            adds_up = target.unit not in LEVEL_UNITS
            expected = (target.value * month / 12) if adds_up else target.value
            ways = way(ind, target)
            if expected == 0:
                light = "green" if (value <= 0 if ways == "reverse" else value >= 0) else "red"
                how = f"{show_number(value)}{target.unit} / 0"
            else:
                done = _pct(value, expected)
                if ways == "equal":
                    light = "green" if value == target.value else "yellow"
                elif ways == "positive":
                    light = _floor_light(done, rules)
                else:
                    light = _cap_light(done, rules)
                shown_expected = show_number(expected.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))
                against = (f"({show_number(target.value)}{target.unit} × {month}/12 = {shown_expected}{target.unit})"
                           if adds_up else f"{show_number(target.value)}{target.unit}")
                how = f"{show_number(value)}{target.unit} / {against} = {show_number(done)}%"
            if said == "red" and light != "red":
                assert ind.likelihood is not None
                light, how = "red", f"{how}; {ind.likelihood.value}"
    return Lit(l1, l2, ind, target, light, expected, done, how)


def light_budget(budget: ast.Budget | None, month: int, rules: RuleSet) -> BudgetLit | None:
    if budget is None or budget.executed_to_date is None:
        return None
    base = budget.full_year or budget.current
    if base is None or base.value <= 0:
        return None
    executed = budget.executed_to_date.value
    rate = _pct(executed, base.value)
    expected = _pct(Decimal(month), Decimal(12))
    light = _floor_light(_pct(rate, expected), rules) if expected else "green"
    how = f"{show_money(executed)} / {show_money(base.value)} = {show_number(rate)}%（{month}/12 = {show_number(expected)}%）"
    return BudgetLit(base.value, executed, rate, expected, light, how)


def monitor_project(project: ast.Project, rules: RuleSet) -> Monitoring | None:
    month = month_of(project)
    if month is None:
        return None
    lines = tuple(light_indicator(l1.name, l2.name, ind, month, rules)
                  for l1 in project.sections for l2 in l1.sections for ind in l2.indicators)
    return Monitoring(month, light_budget(project.budget, month, rules), lines)
