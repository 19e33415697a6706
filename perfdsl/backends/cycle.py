"""View model of the year's other two forms: the 项目支出绩效自评表 and the 绩效运行监控表.

Both are tables with a header above and prose below, so one shape serves both (`Sheet`): header pairs, then
blocks, each a table (merged 一级/二级 cells as rowspans) or a labelled prose section, then the signatures.
Every figure comes from `perfdsl.evaluation` (scores, lights, the arithmetic); the templates of each format
only lay the sheet out, and the JSON form of a score is made here from the same objects.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Union

from .. import ast
from ..evaluation.monitor import LIGHT_WORDS, Monitoring, monitor_project
from ..evaluation.rules import RuleSet
from ..evaluation.figures import has_evaluation
from ..evaluation.score import ProjectScore, Scored, grade_of, score_project
from ..syntax import values
from ..syntax.values import show_money, show_number, show_target, shown
from ..syntax.vocab import EXECUTION_HEADING, KEY_BY_FIELD, NOT_APPLICABLE, PROJECT_NAME_LABEL, YEAR_LINE
from .view import Pair

SELF_TITLE = "项目支出绩效自评表"
MONITOR_TITLE = "项目支出绩效运行监控表"
MONITOR_LINE = "（截至{year}年{month}月）"
TOTAL_SOURCE = "年度资金总额"


@dataclass(frozen=True)
class Cell:
    text: str
    span: int = 1
    """Rows the cell covers (a merged 一级 or 二级); 0 for the rows a merged cell above covers."""
    number: bool = False
    """A figure: right-aligned, and a number cell in a workbook."""
    light: str | None = None
    """A traffic light (red, yellow, green, blue) the cell shows."""


@dataclass(frozen=True)
class Table:
    heading: str
    columns: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    name: str = "indicators"
    """`budget` or `indicators` (the HTML form sizes their columns apart)."""
    kind: str = "table"


@dataclass(frozen=True)
class Section:
    label: str
    paragraphs: tuple[str, ...]
    kind: str = "prose"


Block = Union[Table, Section]


@dataclass(frozen=True)
class Sheet:
    form: str
    """`self_evaluation` or `monitoring`."""
    title: str
    year_line: str
    name: str
    header: tuple[Pair, ...]
    blocks: tuple[Block, ...]
    footer: tuple[Pair, ...]


def _label(field: str) -> str:
    key = KEY_BY_FIELD[field]
    return key.official or key.canonical


def _header(spec: ast.Spec, project: ast.Project) -> tuple[Pair, ...]:
    items = (("name", project.name), ("department", shown(project.department)),
             ("implementer", shown(project.implementer) or spec.unit_of(project)),
             ("manager", shown(project.manager)), ("phone", shown(project.phone)))
    return tuple(Pair(f, PROJECT_NAME_LABEL if f == "name" else _label(f), v) for f, v in items if v)


def _money(value: Decimal | None) -> Cell:
    return Cell(show_money(value) if value is not None else "", number=True)


def _figure(value: Decimal | None, suffix: str = "") -> Cell:
    return Cell(show_number(value) + suffix if value is not None else "", number=True)


def _sources(budget: ast.Budget) -> list[str]:
    names: list[str] = []
    for block in (budget.sources, budget.adjusted_sources, budget.executed_sources):
        for s in block.items if block is not None else ():
            if s.name not in names:
                names.append(s.name)
    return names


def _amount(block: ast.Sources | None, name: str) -> Decimal | None:
    return next((s.value for s in block.items if s.name == name), None) if block is not None else None


def _rate(b: Decimal | None, a: Decimal | None) -> Cell:
    if a is None or b is None or a <= 0:
        return Cell("", number=True)
    return Cell(show_number((b / a * 100).quantize(Decimal("0.01"))) + "%", number=True)


def _budget_table(project: ast.Project, score: ProjectScore) -> Table | None:
    budget = project.budget
    if budget is None:
        return None
    s = score.budget
    a = budget.full_year.value if budget.full_year is not None else None
    total = (Cell(TOTAL_SOURCE), _money(budget.current.value if budget.current else None),
             _money(a if a is not None else s.full_year if s else None),
             _money(budget.executed.value if budget.executed else None),
             _figure(s.weight if s else (budget.weight.value if budget.weight else score.rules.budget_points)),
             Cell(show_number(s.rate) + "%" if s is not None and s.rate is not None else "", number=True),
             _figure(s.score if s else None))
    rows = [total]
    for i, name in enumerate(_sources(budget)):
        b_a = _amount(budget.adjusted_sources, name)
        b_b = _amount(budget.executed_sources, name)
        rows.append((Cell(("其中：" if i == 0 else "") + name), _money(_amount(budget.sources, name)), _money(b_a),
                     _money(b_b), Cell(""), _rate(b_b, b_a if b_a is not None else _amount(budget.sources, name)),
                     Cell("")))
    return Table(f"{EXECUTION_HEADING}（元）", ("资金来源", "年初预算数", "全年预算数（A）", "全年执行数（B）", "分值",
                                 "执行率（B/A）", "得分"), tuple(rows), "budget")


def actual_shown(ind: ast.Indicator) -> str:
    """An indicator's 实际完成值 as the forms print it."""
    if ind.actual is None:
        return ""
    t = ind.actual.target
    if t.kind == "deadline":  # an actual date is the day it was done, not a deadline
        return values.show_moment(t.by)
    return show_target(t)


def _spans(rows: list[tuple[str, str, tuple[Cell, ...]]]) -> tuple[tuple[Cell, ...], ...]:
    """Rows of (一级, 二级, the other cells) with the 一级 and 二级 cells merged over their runs."""
    out: list[tuple[Cell, ...]] = []
    n = len(rows)
    for i, (l1, l2, rest) in enumerate(rows):
        first1 = i == 0 or rows[i - 1][0] != l1
        first2 = first1 or rows[i - 1][1] != l2
        span1 = span2 = 0
        if first1:
            span1 = next((j for j in range(i + 1, n) if rows[j][0] != l1), n) - i
        if first2:
            span2 = next((j for j in range(i + 1, n) if rows[j][0] != l1 or rows[j][1] != l2), n) - i
        out.append((Cell(l1, span1), Cell(l2, span2), *rest))
    return tuple(out)


def _indicator_table(score: ProjectScore) -> Table:
    adjusted = any(s.indicator.adjusted is not None for s in score.lines)
    rows: list[tuple[str, str, tuple[Cell, ...]]] = []
    for s in score.lines:
        ind = s.indicator
        cells = [Cell(ind.name), Cell(show_target(ind.target))]
        if adjusted:
            cells.append(Cell(show_target(ind.adjusted.target) if ind.adjusted is not None else ""))
        cells += [Cell(actual_shown(ind) or (grade_of(ind) or "")), _figure(s.weight.quantize(Decimal("0.01"))
                                                                     if not s.weight_given else s.weight),
                  _score_cell(s), Cell("".join(ind.reason.paragraphs) if ind.reason is not None else "")]
        rows.append((s.level1, s.level2, tuple(cells)))
    columns = ("一级指标", "二级指标", "三级指标", "年度指标值", *(("调整后指标值",) if adjusted else ()),
               "实际完成值", "分值", "得分", "偏差原因分析及改进措施")
    body = _spans(rows)
    blanks = len(columns) - 5
    total = (Cell("总分", 1), Cell(""), Cell(""), *(Cell("") for _ in range(blanks - 1)),
             _figure(score.full - score.dropped), _figure(score.total), Cell(f"自评等级：{score.grade}"))
    return Table("绩效指标", columns, (*body, total))


def _score_cell(s: Scored) -> Cell:
    if s.not_applicable:
        return Cell(NOT_APPLICABLE)
    return _figure(s.score)


def self_evaluation(spec: ast.Spec, project: ast.Project, score: ProjectScore) -> Sheet:
    year = spec.year_of(project)
    blocks: list[Block] = []
    budget = _budget_table(project, score)
    if budget is not None:
        blocks.append(budget)
    goals = project.annual_goals or project.goals
    if goals is not None:
        blocks.append(Section("年度总体目标", goals.paragraphs))
    if project.achieved is not None:
        blocks.append(Section(_label("achieved"), project.achieved.paragraphs))
    blocks.append(_indicator_table(score))
    for field in ("conclusion", "problems", "improvements"):
        node = getattr(project, field)
        if node is not None:
            blocks.append(Section(_label(field), node.paragraphs))
    footer = tuple(Pair(f, _label(f), v) for f, v in (("manager", shown(project.manager)),
                                                      ("finance_manager", shown(project.finance_manager)),
                                                      ("filed", shown(project.filed))) if v)
    footer += (Pair("rules", "评分规则", score.rules.name),)
    return Sheet("self_evaluation", SELF_TITLE, YEAR_LINE.format(year=year) if year else "", project.name,
                 _header(spec, project), tuple(blocks), footer)


def _light(light: str | None) -> Cell:
    return Cell(LIGHT_WORDS[light] if light else "", light=light)


def monitoring(spec: ast.Spec, project: ast.Project, record: Monitoring) -> Sheet:
    year = spec.year_of(project)
    m = record.month
    blocks: list[Block] = []
    budget = project.budget
    if budget is not None:
        lit = record.budget
        blocks.append(Table(f"{EXECUTION_HEADING}（元）", ("年初预算数", "全年预算数", f"1-{m}月执行数", "执行率",
                                             "时间进度", "全年预计执行数", "监控结果"),
                            ((_money(budget.current.value if budget.current else None),
                              _money(budget.full_year.value if budget.full_year else None),
                              _money(budget.executed_to_date.value if budget.executed_to_date else None),
                              _figure(lit.rate, "%") if lit else Cell(""),
                              _figure(lit.expected, "%") if lit else Cell(""),
                              _money(budget.forecast_executed.value if budget.forecast_executed else None),
                              _light(lit.light if lit else None)),), "budget"))
    rows: list[tuple[str, str, tuple[Cell, ...]]] = []
    for lit_ind in record.lines:
        ind = lit_ind.indicator
        progress = show_target(ind.progress.target) if ind.progress is not None else ""
        forecast = show_target(ind.forecast.target) if ind.forecast is not None else ""
        rows.append((lit_ind.level1, lit_ind.level2, (
            Cell(ind.name), Cell(show_target(lit_ind.target)), Cell(progress), Cell(forecast),
            Cell(shown(ind.cause) or ""), Cell("".join(ind.reason.paragraphs) if ind.reason is not None else ""),
            Cell(shown(ind.likelihood) or ""), Cell(shown(ind.rectify) or ""), _light(lit_ind.light))))
    blocks.append(Table("绩效指标", ("一级指标", "二级指标", "三级指标", "年度指标值", f"1-{m}月完成情况",
                                   "全年预计完成情况", "偏差原因类别", "偏差原因", "完成目标可能性", "是否需要整改",
                                   "监控结果"), _spans(rows)))
    footer = tuple(Pair(f, _label(f), v) for f, v in (("manager", shown(project.manager)),
                                                      ("filer", shown(project.filer))) if v)
    return Sheet("monitoring", MONITOR_TITLE, MONITOR_LINE.format(year=year, month=m) if year else f"（截至{m}月）",
                 project.name, _header(spec, project), tuple(blocks), footer)


MONITOR_SUFFIX = "监控表"
SELF_SUFFIX = "自评表"


def forms(spec: ast.Spec, project: ast.Project, rules: RuleSet) -> list[tuple[str, Sheet, dict[str, Any]]]:
    """The project's forms after the target table, in the order of the year: the 监控表 when it has a 监控月份,
    the 自评表 when it has actuals; each as (its name, the sheet, its JSON data)."""
    out = []
    record = monitor_project(project, rules)
    if record is not None:
        out.append((MONITOR_SUFFIX, monitoring(spec, project, record), monitoring_json(spec, project, record)))
    if has_evaluation(project):
        score = score_project(spec, project, rules)
        out.append((SELF_SUFFIX, self_evaluation(spec, project, score), score_json(spec, project, score)))
    return out


# ---------------------------------------------------------------------------------------------- JSON


def _d(value: Decimal | None) -> str | None:
    return None if value is None else format(value, "f")


def score_json(spec: ast.Spec, project: ast.Project, score: ProjectScore) -> dict[str, Any]:
    """A project's scores as data: every figure as a decimal string (exact), each with its arithmetic."""
    b = score.budget
    return {
        "file": spec.file, "unit": spec.unit_of(project), "year": spec.year_of(project), "project": project.name,
        "rules": score.rules.name,
        "budget": None if b is None else {"full_year": _d(b.full_year), "executed": _d(b.executed),
                                          "rate": _d(b.rate), "weight": _d(b.weight), "score": _d(b.score),
                                          "how": b.how},
        "indicators": [{"level1": s.level1, "level2": s.level2, "name": s.indicator.name,
                        "target": values.write_target(s.target, explicit=True),
                        "actual": values.write_target(s.indicator.actual.target)
                        if s.indicator.actual is not None else None,
                        "weight": _d(s.weight), "score": _d(s.score), "stated": _d(
                            s.indicator.score.value if s.indicator.score is not None else None),
                        "rule": s.why, "how": s.how, "met": s.met} for s in score.lines],
        "full": _d(score.full), "dropped": _d(score.dropped), "raw": _d(score.raw), "total": _d(score.total),
        "how": score.how, "grade": score.grade, "unscored": score.unscored,
    }


def monitoring_json(spec: ast.Spec, project: ast.Project, record: Monitoring) -> dict[str, Any]:
    b = record.budget
    return {
        "file": spec.file, "unit": spec.unit_of(project), "year": spec.year_of(project), "project": project.name,
        "month": record.month,
        "budget": None if b is None else {"base": _d(b.base), "executed": _d(b.executed), "rate": _d(b.rate),
                                          "expected": _d(b.expected), "light": b.light, "how": b.how},
        "indicators": [{"level1": l.level1, "level2": l.level2, "name": l.indicator.name,
                        "target": values.write_target(l.target, explicit=True),
                        "expected": _d(l.expected), "done": _d(l.done), "light": l.light, "how": l.how}
                       for l in record.lines],
    }
