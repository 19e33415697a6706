"""Scores of a self-evaluation: every indicator's, 预算执行's, the total and its grade, each with its arithmetic.

One pass over a project (`score_project`); the checks, `perfdsl score` and the 自评表 backends read what it
returns. Figures are Decimals throughout: a score is rounded half up to the rule set's places where the form
prints it, and the total adds the rounded scores, so a clerk's hand-computed table gives the same figures.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from .. import ast
from ..syntax.values import show_money, show_number, write_moment, write_target
from ..syntax.vocab import GRADE_ALIASES, NOT_APPLICABLE
from .figures import convert, way
from .rules import RuleSet

@dataclass(frozen=True)
class Scored:
    """One indicator of the 自评表."""

    level1: str
    level2: str
    indicator: ast.Indicator
    target: ast.Target
    """The target scored against: the 调整后指标值 when there is one, else the 年初指标值."""
    weight: Decimal
    """The points it can earn (its 分值, or its share when none is given)."""
    weight_given: bool
    score: Decimal | None
    """None: not scored (`why` says why); an indicator that is 不适用 scores None too."""
    why: str
    """How it was scored or why not: a catalogue key `score.<why>`."""
    how: str
    """The arithmetic, in figures and symbols (`1150 / 1200 × 20 = 19.17`)."""
    met: bool | None
    """Whether the target was reached (None: unknown, or for a 定性 indicator without a grade)."""
    band: tuple[Decimal, Decimal] | None = None
    """For a 定性 indicator with a grade: the lowest and highest score its band allows."""

    @property
    def not_applicable(self) -> bool:
        return self.why == "not_applicable"


@dataclass(frozen=True)
class BudgetScore:
    full_year: Decimal
    """A: 全年预算数 (当年预算 when the year's budget was not adjusted)."""
    executed: Decimal
    """B: 全年执行数."""
    rate: Decimal | None
    """执行率 B/A in per cent (two places), None when A is 0."""
    weight: Decimal
    score: Decimal
    how: str


@dataclass(frozen=True)
class ProjectScore:
    project: ast.Project
    rules: RuleSet
    budget: BudgetScore | None
    lines: tuple[Scored, ...]
    full: Decimal
    """Every point the table allots: 预算执行's and every indicator's."""
    dropped: Decimal
    """The points of the indicators that are 不适用."""
    raw: Decimal
    """The scores added up, before rescaling."""
    total: Decimal
    """`raw` rescaled to 100 over the points that count (`full - dropped`)."""
    grade: str
    unscored: int
    """Indicators that count but could not be scored (no actual, a unit that does not convert …): the total
    counts them as 0 and is incomplete."""

    @property
    def how(self) -> str:
        """The total's arithmetic: the scores added up, and rescaled when points dropped out."""
        parts = [*([self.budget.score] if self.budget is not None else []),
                 *(s.score for s in self.lines if s.score is not None)]
        added = " + ".join(show_number(p) for p in parts) or "0"
        counted = self.full - self.dropped
        if counted == 100 or counted <= 0:
            return f"{added} = {show_number(self.raw)}"
        return f"({added}) / {show_number(counted)} × 100 = {show_number(self.total)}"


def round_to(value: Decimal, rules: RuleSet) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-rules.decimals), rounding=ROUND_HALF_UP)


def _n(value: Decimal) -> str:
    return show_number(value)


def _weights(project: ast.Project, rules: RuleSet) -> dict[int, tuple[Decimal, bool]]:
    """Each indicator's points: its 分值; without one, an equal share of what its 一级's 分值 leaves, or, when the
    一级 has none either, of what the indicators' points (`rules.indicator_points`) leave."""
    out: dict[int, tuple[Decimal, bool]] = {}
    loose: list[ast.Indicator] = []
    given = Decimal(0)
    for l1 in project.sections:
        inds = [i for l2 in l1.sections for i in l2.indicators]
        bare = [i for i in inds if i.weight is None]
        for i in inds:
            if i.weight is not None:
                out[id(i)] = (i.weight.value, True)
                given += i.weight.value
        if not bare:
            continue
        if l1.weight is not None and l1.weight.upto is None:
            rest = max(l1.weight.value - sum((i.weight.value for i in inds if i.weight is not None), Decimal(0)),
                       Decimal(0))
            given += rest
            for i in bare:
                out[id(i)] = (rest / len(bare), False)
        else:
            loose += bare
    if loose:
        rest = max(rules.indicator_points - given, Decimal(0))
        for i in loose:
            out[id(i)] = (rest / len(loose), False)
    return out


def _moment_day(m: ast.Moment, year: int) -> str:
    return write_moment(m) if m.year else f"{year}-{write_moment(m)}"


def score_indicator(l1: str, l2: str, ind: ast.Indicator, weight: Decimal, given: bool, rules: RuleSet,
                    year: int) -> Scored:
    target = ind.adjusted.target if ind.adjusted is not None else ind.target

    def done(score: Decimal | None, why: str, how: str, met: bool | None,
             band: tuple[Decimal, Decimal] | None = None) -> Scored:
        kept = None if score is None else round_to(score, rules)
        return Scored(l1, l2, ind, target, weight, given, kept, why, how, met, band)

    w = _n(weight)
    if ind.not_applicable is not None and ind.not_applicable.value:
        return done(None, "not_applicable", NOT_APPLICABLE, None)
    if target.kind == "pending":
        return done(None, "pending", "?", None)
    if target.kind == "qualitative":
        return done(*_qualitative(ind, weight, rules))
    if ind.actual is None:
        return done(None, "no_actual", "", None)
    actual = ind.actual.target
    if target.kind in ("deadline", "period"):
        by = target.by if target.kind == "deadline" else target.end
        when = actual.by if actual.kind == "deadline" else actual.end if actual.kind == "period" else None
        if when is None:
            return done(None, "kinds", "", None)
        met = when.last(year) <= by.last(year)
        sign = "≤" if met else ">"
        return done(weight if met else Decimal(0), "deadline",
                    f"{_moment_day(when, year)} {sign} {_moment_day(by, year)} → {_n(weight) if met else '0'}", met)
    if actual.kind != "quantitative" or target.kind != "quantitative":
        return done(None, "kinds", "", None)
    value = convert(actual.value, actual.unit, target.unit)
    if value is None:
        return done(None, "unit", f"{actual.unit} → {target.unit}", None)
    t, u = target.value, target.unit
    shown = f"{_n(value)}{u}"
    if value != actual.value:
        shown = f"{_n(actual.value)}{actual.unit} = {shown}"
    ways = way(ind, target)
    if ways == "equal":
        met = value == t
        return done(weight if met else Decimal(0), "equal",
                    f"{shown} {'=' if met else '≠'} {_n(t)}{u} → {w if met else '0'}", met)
    if ways == "positive":
        met = value > t if target.comparator == ">" else value >= t
        if value >= t:
            return done(weight, "capped", f"{shown} ≥ {_n(t)}{u} → {w}", met)
        if rules.positive == "linear":
            zero = t * rules.positive_zero / 100
            share = max((value - zero) / (t - zero), Decimal(0)) if t != zero else Decimal(0)
            score = share * weight
            return done(score, "positive_linear",
                        f"({_n(value)} − {_n(zero)}) / ({_n(t)} − {_n(zero)}) × {w} = {_n(round_to(score, rules))}",
                        met)
        score = value / t * weight if t > 0 else Decimal(0)
        return done(score, "positive", f"{shown} / {_n(t)}{u} × {w} = {_n(round_to(score, rules))}", met)
    met = value < t if target.comparator == "<" else value <= t
    if value <= t:
        return done(weight, "within_cap", f"{shown} ≤ {_n(t)}{u} → {w}", met)
    if rules.reverse == "linear":
        score = max((2 * t - value) / t, Decimal(0)) * weight if t > 0 else Decimal(0)
        return done(score, "reverse_linear",
                    f"(2 × {_n(t)} − {_n(value)}) / {_n(t)} × {w} = {_n(round_to(score, rules))}", met)
    score = t / value * weight
    return done(score, "reverse", f"{_n(t)}{u} / {shown} × {w} = {_n(round_to(score, rules))}", met)


def grade_of(ind: ast.Indicator) -> str | None:
    if ind.grade is None:
        return None
    return GRADE_ALIASES.get(ind.grade.value, ind.grade.value)


def _qualitative(ind: ast.Indicator, weight: Decimal, rules: RuleSet) -> tuple[
        Decimal | None, str, str, bool | None, tuple[Decimal, Decimal] | None]:
    """A 定性 indicator: the evaluator's 得分 is the score; its grade's band says what it may be."""
    grade = grade_of(ind)
    band = rules.band(grade) if grade is not None else None
    limits = None if band is None else (round_to(weight * band.low / 100, rules),
                                        round_to(weight * band.high / 100, rules))
    met = None if band is None else grade == rules.bands[0].grade
    if ind.score is None:
        return None, "no_score", grade or "", met, limits
    # without a grade, the evaluator's reading is the actual the score stands for (the central form has no
    # grade column)
    seen = grade or (write_target(ind.actual.target) if ind.actual is not None else "?")
    how = f"{seen} → {_n(ind.score.value)}"
    if limits is not None:
        how += f" ({_n(limits[0])}–{_n(limits[1])})"
    return ind.score.value, "qualitative", how, met, limits


def score_budget(budget: ast.Budget | None, rules: RuleSet) -> BudgetScore | None:
    if budget is None or budget.executed is None:
        return None
    a_node = budget.full_year or budget.current
    if a_node is None:
        return None
    a, b = a_node.value, budget.executed.value
    weight = budget.weight.value if budget.weight is not None else rules.budget_points
    if a <= 0:
        return BudgetScore(a, b, None, weight, Decimal(0), f"{show_money(b)} / 0")
    rate = (b / a * 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    score = round_to(min(b / a, Decimal(1)) * weight, rules)
    how = f"{show_money(b)} / {show_money(a)} = {_n(rate)}%"
    how += f" → {_n(weight)}" if b >= a else f" × {_n(weight)} = {_n(score)}"
    return BudgetScore(a, b, rate, weight, score, how)


def score_project(spec: ast.Spec, project: ast.Project, rules: RuleSet) -> ProjectScore:
    year = spec.year_of(project) or 2000
    weights = _weights(project, rules)
    lines = tuple(score_indicator(l1.name, l2.name, ind, *weights[id(ind)], rules, year)
                  for l1 in project.sections for l2 in l1.sections for ind in l2.indicators)
    budget = score_budget(project.budget, rules)
    budget_points = (budget.weight if budget is not None
                     else project.budget.weight.value if project.budget is not None and project.budget.weight
                     else rules.budget_points)
    full = budget_points + sum((s.weight for s in lines), Decimal(0))
    dropped = sum((s.weight for s in lines if s.not_applicable), Decimal(0))
    raw = (budget.score if budget is not None else Decimal(0)) + sum((s.score for s in lines
                                                                      if s.score is not None), Decimal(0))
    counted = full - dropped
    total = round_to(raw * 100 / counted, rules) if counted > 0 else Decimal(0)
    unscored = sum(1 for s in lines if s.score is None and not s.not_applicable) + (budget is None)
    return ProjectScore(project, rules, budget, lines, full, dropped, raw, total, rules.grade(total), unscored)
