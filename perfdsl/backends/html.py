"""HTML backend: a self-contained page per project that looks like the printed form, and the index page.

The page carries its stylesheet inline and loads nothing (a Content-Security-Policy says so too), so it can be
mailed or archived as one file. Every piece of user text reaches the templates as a variable and is escaped by
Jinja's autoescape.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Iterable

from .. import ast
from ..frameworks import Framework
from .cycle import Sheet
from .env import render as render_template
from ..syntax.values import show_money as money
from .view import IndexEntry, ProjectView, project_view

# Widths (percent) of the indicator table's columns; the 三级 name takes what the others leave. A national
# table's attribute columns take their room from the 一级/二级/target columns.
_WIDTHS = (13, 13, 14)
_NARROW_WIDTHS = (10, 11, 12)
_ATTRIBUTE_WIDTHS = {"weight": 6, "nature": 7, "standard": 12, "explanation": 18}


def column_widths(view: ProjectView) -> list[int]:
    attributes = [_ATTRIBUTE_WIDTHS.get(f, 12) for f in view.attribute_fields]
    level1, level2, target = _NARROW_WIDTHS if attributes else _WIDTHS
    name = max(100 - level1 - level2 - target - sum(attributes), 18)
    return [level1, level2, name, target, *attributes]


def render(spec: ast.Spec, project: ast.Project, *, index_href: str | None = None,
           framework: Framework | None = None) -> str:
    """The project's page; `index_href` (relative) adds a link back to the index page."""
    view = project_view(spec, project, framework)
    return render_template("html", "html/project.html.jinja", view=view, widths=column_widths(view),
                           index_href=index_href)


def _sum(values: Iterable[Decimal | None]) -> str:
    present = [v for v in values if v is not None]
    return money(sum(present, Decimal(0))) if present else ""


def render_index(entries: Iterable[IndexEntry]) -> str:
    """The index page: every project grouped by unit and year, with budget totals and links."""
    groups: dict[tuple[str, int | None], list[IndexEntry]] = defaultdict(list)
    for e in entries:
        groups[(e.unit, e.year)].append(e)
    # Units in name order, the latest year first within a unit, projects in name order.
    keys = sorted(groups, key=lambda k: (k[0], -(k[1] or 0)))
    units: list[dict[str, object]] = []
    for unit, year in keys:
        members = sorted(groups[(unit, year)], key=lambda e: (e.name, e.source))
        if not units or units[-1]["name"] != unit:
            units.append({"name": unit, "years": []})
        units[-1]["years"].append({  # type: ignore[attr-defined]
            "year": year,
            "projects": [{"entry": e, "page": dict(e.links).get("html", ""),
                          "total": money(e.total) if e.total is not None else "",
                          "current": money(e.current) if e.current is not None else ""} for e in members],
            "total": _sum(e.total for e in members),
            "current": _sum(e.current for e in members),
        })
    count = sum(len(v) for v in groups.values())
    return render_template("html", "html/index.html.jinja", units=units, count=count)


def render_sheet(sheet: Sheet, *, index_href: str | None = None) -> str:
    """The 自评表 or the 监控表 (`backends.cycle`) as a page of its own."""
    return render_template("html", "html/sheet.html.jinja", sheet=sheet, index_href=index_href)
