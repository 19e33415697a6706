"""View model shared by the backends: one project of a spec, laid out as the printed form shows it.

Backends only render. Everything the four formats must agree on is decided here once: which labels the form
prints (from `vocab`), the heading a 一级 prints under (from the project's framework), how money (`10,144,000`)
and targets (`=100%`, `>=30000件`, `合理`) are written, and how the indicator table groups and spans its rows.
"""

from __future__ import annotations

import os
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Callable, Iterable, Protocol, TypeVar

from .. import ast
from ..frameworks import DEFAULT_FRAMEWORK, Framework, builtin, builtin_names
from ..syntax.vocab import (FORM_ATTRIBUTE_KEYS, FORM_TEXT_KEYS, BUDGET_HEADING, BUDGET_KEYS, BUDGET_WEIGHT_KEY, COLUMN_HEADINGS,
                            FORM_TITLE, GOALS_HEADING, GOALS_HEADING_NO_YEAR, KEY_BY_FIELD, NATIONAL_BUDGET_HEADING,
                            NATIONAL_LABELS, NATIONAL_COLUMN_HEADINGS, NATIONAL_FORM_TITLE, PROJECT_NAME_LABEL,
                            SOURCES_LABEL, YEAR_LINE, YEAR_TARGET_HEADING)
from ..syntax import values
from ..syntax.values import shown


@dataclass(frozen=True)
class Pair:
    """A `label： value` pair of the form's header or budget block."""

    field: str
    label: str
    value: str


@dataclass(frozen=True)
class Prose:
    """One of the six labelled prose sections."""

    field: str
    label: str
    paragraphs: tuple[str, ...]


@dataclass(frozen=True)
class Row:
    """One row of the indicator table: a 三级 indicator with its 一级 and 二级.

    `level1_span`/`level2_span` are the rowspans of the merged cells: the group's row count on its first row,
    0 on the rows the merged cell covers. A 二级 without indicators (or a 一级 without 二级) still gets one row,
    with empty cells, so that the table shows it.
    """

    level1: str
    level2: str
    name: str
    target: str
    attributes: tuple[tuple[str, ...], ...]
    """One cell per `ProjectView.attribute_columns`: its paragraphs, () when the indicator lacks it."""
    level1_span: int
    level2_span: int


@dataclass(frozen=True)
class ProjectView:
    title: str
    year: int | None
    year_line: str
    unit: str
    name: str
    header: tuple[tuple[Pair, ...], ...]
    """The header lines of the form, each with the pairs it prints (absent values are left out)."""
    prose: tuple[Prose, ...]
    budget_heading: str
    budget: tuple[tuple[Pair, ...], ...]
    goals_heading: str
    columns: tuple[str, ...]
    attribute_columns: tuple[str, ...]
    attribute_fields: tuple[str, ...]
    rows: tuple[Row, ...]
    framework: str
    national: bool

    @property
    def pairs(self) -> tuple[Pair, ...]:
        return tuple(p for line in self.header for p in line)

    @property
    def budget_pairs(self) -> tuple[Pair, ...]:
        return tuple(p for line in self.budget for p in line)


def framework_of(spec: ast.Spec, project: ast.Project) -> Framework | None:
    """The framework `check` reads the project by: its `框架`, else the configured default, among the builtins
    and the files the configuration found from the spec's folder declares; None when it names none (the
    checks report that; the backends then print the names as written). A `框架` never names a file to open:
    `/dev/zero` would be read for ever."""
    from ..config import ConfigError, find_config

    try:
        config = find_config(os.path.dirname(spec.file) or ".")
    except ConfigError:  # reported by check; the builtins still apply
        name = spec.framework_of(project) or DEFAULT_FRAMEWORK
        return builtin(name) if name in builtin_names() else None
    return config.framework(spec.framework_of(project) or config.settings_for(spec.file).framework)


def is_national(framework: Framework | None) -> bool:
    return framework is not None and framework.name.startswith("national")


def _label(field: str) -> str:
    key = KEY_BY_FIELD[field]
    return key.official or key.canonical


def _pairs(*items: tuple[str, str | None]) -> tuple[Pair, ...]:
    return tuple(Pair(field, _label(field) if field != "name" else PROJECT_NAME_LABEL, value)
                 for field, value in items if value is not None)


def _header(spec: ast.Spec, project: ast.Project) -> tuple[tuple[Pair, ...], ...]:
    # The printed form puts the unit alone on its line and the other fields two to a line.
    lines = (
        _pairs(("unit", spec.unit_of(project))),
        _pairs(("department", shown(project.department)), ("implementer", shown(project.implementer))),
        _pairs(("name", project.name), ("category", shown(project.category))),
        _pairs(("manager", shown(project.manager)), ("phone", shown(project.phone))),
        _pairs(("lifecycle", shown(project.lifecycle))),
        _pairs(("start", shown(project.start)), ("end", shown(project.end))),
        _pairs(("term", shown(project.term))),
        _pairs(("purchase", shown(project.purchase)), ("type", shown(project.type))),
        _pairs(("filer", shown(project.filer)), ("preparer", shown(project.preparer))),
        _pairs(("filed", shown(project.filed))),
    )
    return tuple(line for line in lines if line)


def _budget(project: ast.Project, national: bool) -> tuple[tuple[Pair, ...], ...]:
    budget = project.budget
    if budget is None:
        return ()
    figures = {k.field: shown(getattr(budget, k.field)) for k in BUDGET_KEYS}
    money = _pairs(("total", figures["total"]), ("current", figures["current"]))
    if national:  # the national forms' own labels: 中期资金总额, 年度资金总额
        money = tuple(Pair(p.field, NATIONAL_LABELS.get(p.field, p.label), p.value) for p in money)
    lines: tuple[tuple[Pair, ...], ...] = (
        money,
        _pairs(("prior", figures["prior"]), ("prior_executed", figures["prior_executed"])),
        (Pair("weight", str(BUDGET_WEIGHT_KEY.official), _cell(budget.weight)[0]),) if budget.weight else ())
    # the sources two to a line, as the other figures, the first after 其中：
    sources = [Pair("source", (SOURCES_LABEL if i == 0 else "") + s.name, values.show_money(s.value))
               for i, s in enumerate(budget.sources.items)] if budget.sources is not None else []
    lines += tuple(tuple(sources[i:i + 2]) for i in range(0, len(sources), 2))
    return tuple(line for line in lines if line)


def _prose(project: ast.Project, national: bool) -> tuple[Prose, ...]:
    out = []
    for key in FORM_TEXT_KEYS:
        node = getattr(project, key.field)
        if node is not None:
            label = NATIONAL_LABELS.get(key.field) if national else None
            out.append(Prose(key.field, label or key.official or key.canonical, node.paragraphs))
    return tuple(out)


def _attribute_fields(project: ast.Project) -> tuple[str, ...]:
    """The national attributes any indicator of the project carries, in the order of the national tables."""
    present = {k.field for l1 in project.sections for l2 in l1.sections for ind in l2.indicators
               for k in FORM_ATTRIBUTE_KEYS if getattr(ind, k.field) is not None}
    return tuple(k.field for k in FORM_ATTRIBUTE_KEYS if k.field in present)


def _cell(node: ast.Node | None) -> tuple[str, ...]:
    if node is None:
        return ()
    if isinstance(node, ast.Text):
        return node.paragraphs
    if isinstance(node, ast.Amount):
        return (values.write_number(node.value),)
    return (shown(node) or "",)


def heading(framework: Framework | None, level1: ast.Level1) -> str:
    """The heading a 一级 prints under (产出 -> 产出目标; with its 分值 as the forms print it: 产出指标（50分）);
    an unknown name prints as written."""
    found = framework.match_level1(level1.name) if framework is not None else None
    title = found.heading if found is not None else level1.name
    return title if level1.weight is None else f"{title}（{values.write_score(level1.weight)}分）"


def _rows(project: ast.Project, framework: Framework | None, fields: tuple[str, ...]) -> tuple[Row, ...]:
    rows: list[Row] = []
    blank = tuple(() for _ in fields)
    for level1 in project.sections:
        title = heading(framework, level1)
        group: list[Row] = []
        for level2 in level1.sections:
            members = [Row(title, level2.name, ind.name, values.show_target(ind.target),
                           tuple(_cell(getattr(ind, f)) for f in fields), 0, 0) for ind in level2.indicators]
            members = members or [Row(title, level2.name, "", "", blank, 0, 0)]
            members[0] = _replace(members[0], level2_span=len(members))
            group.extend(members)
        group = group or [Row(title, "", "", "", blank, 0, 1)]
        group[0] = _replace(group[0], level1_span=len(group))
        rows.extend(group)
    return tuple(rows)


def _replace(row: Row, **changes: int) -> Row:
    return Row(**{**row.__dict__, **changes})


def project_view(spec: ast.Spec, project: ast.Project, framework: Framework | None = None) -> ProjectView:
    """Everything a backend prints for one project; `framework` is the one the checks used (the build reads it
    from the configuration), else the project's own is looked up."""
    framework = framework or framework_of(spec, project)
    national = is_national(framework)
    year = spec.year_of(project)
    fields = _attribute_fields(project)
    columns = NATIONAL_COLUMN_HEADINGS if national else COLUMN_HEADINGS
    if "midterm" in fields:  # two targets side by side: the year's column says it is the year's
        columns = (*columns[:-1], YEAR_TARGET_HEADING)
    attribute_columns = tuple(_label(f) for f in fields)
    return ProjectView(
        title=NATIONAL_FORM_TITLE if national else FORM_TITLE,
        year=year,
        year_line=YEAR_LINE.format(year=year) if year is not None else "",
        unit=spec.unit_of(project) or "",
        name=project.name,
        header=_header(spec, project),
        prose=_prose(project, national),
        budget_heading=NATIONAL_BUDGET_HEADING if national else BUDGET_HEADING,
        budget=_budget(project, national),
        goals_heading=GOALS_HEADING.format(year=year) if year is not None else GOALS_HEADING_NO_YEAR,
        columns=columns + attribute_columns,
        attribute_columns=attribute_columns,
        attribute_fields=fields,
        rows=_rows(project, framework, fields),
        framework=framework.name if framework is not None else (spec.framework_of(project) or ""),
        national=national,
    )





@dataclass(frozen=True)
class IndexEntry:
    """One project as the index page lists it: where it comes from and where its documents are."""

    unit: str
    year: int | None
    name: str
    category: str
    total: Decimal | None
    current: Decimal | None
    source: str
    links: tuple[tuple[str, str], ...]
    """(format, path relative to the output folder, with `/`), in the order the formats were asked for."""


def index_entry(spec: ast.Spec, project: ast.Project, source: str,
                links: tuple[tuple[str, str], ...]) -> IndexEntry:
    budget = project.budget
    return IndexEntry(
        unit=spec.unit_of(project) or "",
        year=spec.year_of(project),
        name=project.name,
        category=shown(project.category) or "",
        total=budget.total.value if budget is not None and budget.total is not None else None,
        current=budget.current.value if budget is not None and budget.current is not None else None,
        source=source,
        links=links,
    )


class Listing(Protocol):
    """What the index groups a project by and sums: its unit, year, name and budget figures."""

    @property
    def unit(self) -> str: ...
    @property
    def year(self) -> int | None: ...
    @property
    def name(self) -> str: ...
    @property
    def total(self) -> Decimal | None: ...
    @property
    def current(self) -> Decimal | None: ...


Listed = TypeVar("Listed", bound=Listing)


def by_unit_and_year(entries: Iterable[Listed], row: Callable[[Listed], dict[str, Any]],
                     tie: Callable[[Listed], str]) -> list[dict[str, Any]]:
    """Projects (anything with `unit`, `year`, `name`, `total` and `current`) grouped as the index page
    lists them: units in name order, the latest year first within a unit, projects in name order (then
    `tie`), each year with the sums of its 项目总预算 and 当年预算; `row` makes what a project's line shows."""
    groups: dict[tuple[str, int | None], list[Listed]] = defaultdict(list)
    for e in entries:
        groups[(e.unit, e.year)].append(e)
    units: list[dict[str, Any]] = []
    for unit, year in sorted(groups, key=lambda k: (k[0], -(k[1] or 0))):
        members = sorted(groups[(unit, year)], key=lambda e: (e.name, tie(e)))
        if not units or units[-1]["name"] != unit:
            units.append({"name": unit, "years": []})
        units[-1]["years"].append({"year": year, "projects": [row(e) for e in members],
                                   "total": _sum(e.total for e in members),
                                   "current": _sum(e.current for e in members)})
    return units


def _sum(amounts: Iterable[Decimal | None]) -> str:
    present = [v for v in amounts if v is not None]
    return values.show_money(sum(present, Decimal(0))) if present else ""
