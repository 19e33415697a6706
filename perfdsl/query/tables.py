"""The tables of `perfdsl query` and `perfdsl export`: their columns, and the rows of parsed, checked specs.

Each table is declared once (`TABLES`: name, columns with their SQL type and meaning), and docs/query.md
lists the same columns (a test keeps the two in step). Rows are plain tuples in column order, built from the
AST, the checks' diagnostics (`perfdsl.checks`), the scores of `perfdsl score` (`perfdsl.evaluation`) and the
year-over-year changes of `perfdsl diff` (`perfdsl.diffing`): nothing here computes what those compute.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Iterable, Iterator, Sequence

from .. import ast
from ..diagnostics import Diagnostic
from ..syntax.values import write_target

MONEY = "DECIMAL(24,6)"
"""Every amount, target value and score: exact, with room for the 18 whole digits and 6 decimals the parser
allows (`syntax.values.MAX_WHOLE_DIGITS`, `MAX_DECIMALS`)."""
WIDE = "DECIMAL(38,6)"
"""What is computed from amounts (a difference, a rate, a percentage of a tiny base): DuckDB's widest."""


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    doc: str


def _c(name: str, type: str, doc: str) -> Column:
    return Column(name, type, doc)


_WHERE = (_c("file", "VARCHAR", "the .perf file"), _c("line", "INTEGER", "its line"))
_OWNER = (_c("unit", "VARCHAR", "单位"), _c("year", "INTEGER", "年度"), _c("project", "VARCHAR", "项目 name"))

TABLES: dict[str, tuple[Column, ...]] = {
    "projects": (
        *_WHERE, _c("unit", "VARCHAR", "单位"), _c("year", "INTEGER", "年度"), _c("name", "VARCHAR", "项目 name"),
        _c("framework", "VARCHAR", "框架"), _c("department", "VARCHAR", "主管部门"),
        _c("implementer", "VARCHAR", "实施单位"), _c("lifecycle", "VARCHAR", "项目属性"),
        _c("category", "VARCHAR", "类别"), _c("total", MONEY, "总预算 (元)"), _c("current", MONEY, "当年预算 (元)"),
        _c("prior", MONEY, "上年预算 (元)"), _c("prior_executed", MONEY, "上年执行 (元)"),
        _c("full_year", MONEY, "全年预算数 (自评表, 元)"), _c("executed", MONEY, "全年执行数 (自评表, 元)"),
        _c("indicators", "INTEGER", "number of 三级 indicators"),
        _c("core_indicators", "INTEGER", "number of them marked 核心指标"),
        _c("stated_score", MONEY, "自评得分 as the unit states it"),
        _c("score", WIDE, "the total `perfdsl score` computes (NULL without a self-evaluation)"),
        _c("grade", "VARCHAR", "its grade (优, 良, 中, 差)"),
        _c("execution_rate", WIDE, "执行率 in per cent, as `perfdsl score` computes it"),
        _c("budget_weight", MONEY, "分值 of 预算执行 kept outside the indicators"),
        _c("indicator_weights", MONEY, "the 分值 of the indicators added up (NULL: none given)"),
    ),
    "sources": (
        *_WHERE, *_OWNER, _c("block", "VARCHAR", "sources (年初), adjusted_sources (全年预算) or executed_sources"),
        _c("name", "VARCHAR", "the source (财政拨款, 其他资金 …)"), _c("amount", MONEY, "元"),
    ),
    "indicators": (
        *_WHERE, *_OWNER, _c("level1", "VARCHAR", "一级 as written"), _c("level2", "VARCHAR", "二级 as written"),
        _c("name", "VARCHAR", "三级 indicator name"),
        _c("kind", "VARCHAR", "quantitative, qualitative, deadline, period or pending"),
        _c("comparator", "VARCHAR", "=, >=, <=, > or < (quantitative targets)"),
        _c("value", MONEY, "the target's number"), _c("target_unit", "VARCHAR", "its unit ('' for none)"),
        _c("target", "VARCHAR", "the target as the canonical layout writes it"),
        _c("weight", MONEY, "分值"), _c("nature", "VARCHAR", "性质"), _c("standard", "VARCHAR", "绩效标准"),
        _c("core", "BOOLEAN", "核心指标"), _c("midterm", "VARCHAR", "中期指标值"),
        _c("adjusted", "VARCHAR", "调整后指标值"), _c("actual", "VARCHAR", "实际完成值 as written"),
        _c("actual_value", MONEY, "its number"), _c("actual_unit", "VARCHAR", "its unit"),
        _c("stated_score", MONEY, "得分 as the unit states it"), _c("not_applicable", "BOOLEAN", "不适用"),
        _c("score", WIDE, "the score `perfdsl score` computes"),
        _c("met", "BOOLEAN", "whether the actual reached the target (NULL: unknown)"),
        _c("how", "VARCHAR", "the arithmetic of the score"),
    ),
    "diagnostics": (
        *_WHERE, _c("column", "INTEGER", "its column"), _c("code", "VARCHAR", "rule code (C401, P003 …)"),
        _c("severity", "VARCHAR", "error, warning or info"), _c("message", "VARCHAR", "the message"),
        _c("unit", "VARCHAR", "单位 of the project it is in"), _c("year", "INTEGER", "年度 of that project"),
        _c("project", "VARCHAR", "the project whose lines hold it (NULL: the file's header)"),
    ),
    "opinions": (
        *_WHERE, _c("spec_file", "VARCHAR", "the .perf file of the project"), *_OWNER,
        _c("indicator", "VARCHAR", "the indicator (NULL: the project as a whole)"),
        _c("round", "INTEGER", "审核轮次 (1, 2 …)"), _c("verdict", "VARCHAR", "通过, 修改后通过, 不通过 or 退回"),
        _c("text", "VARCHAR", "the opinion"),
    ),
    "changes": (
        _c("unit", "VARCHAR", "单位"), _c("project", "VARCHAR", "the project (its newer name)"),
        _c("old_year", "INTEGER", "the earlier 年度"), _c("new_year", "INTEGER", "the later 年度"),
        _c("old_file", "VARCHAR", "the earlier file"), _c("new_file", "VARCHAR", "the later file"),
        _c("kind", "VARCHAR", "what `perfdsl diff --format json` calls the edit (target_changed, "
                              "indicator_removed, budget_changed, project_added …)"),
        _c("level1", "VARCHAR", "一级 of the indicator"), _c("level2", "VARCHAR", "二级 of the indicator"),
        _c("indicator", "VARCHAR", "the indicator (its newer name)"),
        _c("field", "VARCHAR", "the field, budget line or attribute changed"),
        _c("old", "VARCHAR", "the earlier value as text"), _c("new", "VARCHAR", "the later value as text"),
        _c("direction", "VARCHAR", "raised (stricter), lowered (looser), changed, unit or word"),
        _c("old_value", MONEY, "the earlier number"), _c("new_value", MONEY, "the later number"),
        _c("delta", WIDE, "new - old (budget lines)"), _c("percent", WIDE, "the change in per cent of old"),
    ),
}


def _v(node: Any) -> Any:
    return None if node is None else node.value


def _text(tv: ast.TargetValue | None) -> str | None:
    return None if tv is None else write_target(tv.target)


def project_rows(spec: ast.Spec, project: ast.Project, score: Any) -> tuple[Any, ...]:
    b = project.budget
    inds = [i for l1 in project.sections for l2 in l1.sections for i in l2.indicators]
    budget_score = score.budget if score is not None else None
    return (spec.file, project.span.line, spec.unit_of(project), spec.year_of(project), project.name,
            spec.framework_of(project), _v(project.department), _v(project.implementer), _v(project.lifecycle),
            _v(project.category), *(_v(getattr(b, f)) if b else None for f in
                                    ("total", "current", "prior", "prior_executed", "full_year", "executed")),
            len(inds), sum(1 for i in inds if i.core is not None and i.core.value), _v(project.total_score),
            score.total if score is not None else None, score.grade if score is not None else None,
            budget_score.rate if budget_score is not None else None, _v(b.weight) if b else None,
            sum(weights) if (weights := [i.weight.value for i in inds if i.weight is not None]) else None)


def source_rows(spec: ast.Spec, project: ast.Project) -> Iterator[tuple[Any, ...]]:
    b = project.budget
    if b is None:
        return
    owner = (spec.unit_of(project), spec.year_of(project), project.name)
    for block in ("sources", "adjusted_sources", "executed_sources"):
        sources = getattr(b, block)
        for s in sources.items if sources is not None else ():
            yield (spec.file, s.span.line, *owner, block, s.name, s.value)


def indicator_rows(spec: ast.Spec, project: ast.Project, score: Any) -> Iterator[tuple[Any, ...]]:
    owner = (spec.unit_of(project), spec.year_of(project), project.name)
    scored = {id(s.indicator): s for s in score.lines} if score is not None else {}
    for l1 in project.sections:
        for l2 in l1.sections:
            for ind in l2.indicators:
                t = ind.target
                got = ind.actual.target if ind.actual is not None else None
                s = scored.get(id(ind))
                yield (spec.file, ind.span.line, *owner, l1.name, l2.name, ind.name, t.kind,
                       t.comparator if t.kind == "quantitative" else None,
                       t.value if t.kind == "quantitative" else None, t.unit if t.kind == "quantitative" else None,
                       write_target(t), _v(ind.weight), _v(ind.nature), _v(ind.standard),
                       bool(ind.core and ind.core.value), _text(ind.midterm), _text(ind.adjusted), _text(ind.actual),
                       got.value if got is not None and got.kind == "quantitative" else None,
                       got.unit if got is not None and got.kind == "quantitative" else None, _v(ind.score),
                       bool(ind.not_applicable and ind.not_applicable.value),
                       s.score if s is not None else None, s.met if s is not None else None,
                       s.how if s is not None else None)


def diagnostic_rows(specs: dict[str, ast.Spec], diagnostics: Iterable[Diagnostic],
                    lang: str) -> Iterator[tuple[Any, ...]]:
    """Each diagnostic with the project whose lines hold it."""
    spans: dict[str, tuple[list[int], list[tuple[int, Any, Any, str]]]] = {}
    for d in diagnostics:
        spec = specs.get(d.span.file)
        owner: tuple[Any, Any, Any] = (None, None, None)
        if spec is not None:
            if d.span.file not in spans:
                ps = sorted(spec.projects, key=lambda p: p.span.line)
                spans[d.span.file] = ([p.span.line for p in ps],
                                      [(p.span.end_line, spec.unit_of(p), spec.year_of(p), p.name) for p in ps])
            starts, ends = spans[d.span.file]
            i = bisect.bisect_right(starts, d.span.line) - 1
            if i >= 0 and d.span.line <= ends[i][0]:
                owner = ends[i][1:]
            elif spec.unit or spec.year:
                owner = (_v(spec.unit), _v(spec.year), None)
        yield (d.span.file, d.span.line, d.span.column, d.code, d.severity.value, d.message(lang), *owner)


def change_rows(diff: Any, old_year: int, new_year: int) -> Iterator[tuple[Any, ...]]:
    """One row per edit of a `perfdsl diff` between two years (a project added or removed is one row)."""
    for p in diff.projects:
        if p.kind != "project_changed":
            year = (None, new_year) if p.kind == "project_added" else (old_year, None)
            files = (None, p.file) if p.kind == "project_added" else (p.file, None)
            # a project added has no earlier number, one removed no later one: 当年预算 on its side
            money = (None, p.budget) if p.kind == "project_added" else (p.budget, None)
            yield (p.unit, p.name, *year, *files, p.kind, None, None, None, "current", None, None, None, *money,
                   None, None)
            continue
        head = (p.unit, p.new_name, old_year, new_year, p.old_file, p.new_file)
        for e in p.edits:
            yield (*head, e.kind, *_edit(e))


def _edit(e: Any) -> tuple[Any, ...]:
    """level1, level2, indicator, field, old, new, direction, old_value, new_value, delta, percent."""
    none4 = (None, None, None, None)
    if e.kind == "budget_changed":
        return (None, None, None, e.field, _s(e.old), _s(e.new), None, e.old, e.new, e.delta, e.percent)
    if e.kind in ("field_changed", "attribute_changed"):
        where = (*e.section, e.name) if e.kind == "attribute_changed" else (None, None, None)
        return (*where, e.field, e.old, e.new, None, *none4)
    if e.kind == "text_changed":
        return (None, None, None, e.field, "".join(o.old for o in e.ops), "".join(o.new for o in e.ops), None,
                *none4)
    if e.kind in ("indicator_added", "indicator_removed"):
        old, new = (None, e.target) if e.kind == "indicator_added" else (e.target, None)
        return (*e.section, e.name, None, old and old.text, new and new.text, None,
                old and old.value, new and new.value, None, None)
    section = e.section if e.kind == "target_changed" else e.new_section
    name = e.new_name if e.kind == "indicator_renamed" else e.name
    field = "name" if e.kind == "indicator_renamed" else "section" if e.kind == "indicator_moved" else "target"
    direction = e.direction.value if e.direction is not None else None
    return (*section, name, field, e.old.text, e.new.text, direction, e.old.value, e.new.value, None, None)


def _s(value: Decimal | None) -> str | None:
    return None if value is None else format(value, "f")


def opinion_rows(opinions: Iterable[Any]) -> Iterator[tuple[Any, ...]]:
    for o in opinions:
        yield (o.file, o.line, o.spec_file, o.unit, o.year, o.project, o.indicator, o.round, o.verdict, o.text)


def year_groups(specs: Sequence[ast.Spec]) -> dict[int, list[ast.Spec]]:
    """The specs by 年度 (the file's, else its first project's); a spec without one takes part in no diff."""
    out: dict[int, list[ast.Spec]] = {}
    for spec in specs:
        year = _v(spec.year) or next((spec.year_of(p) for p in spec.projects if spec.year_of(p)), None)
        if year is not None:
            out.setdefault(year, []).append(spec)
    return out
