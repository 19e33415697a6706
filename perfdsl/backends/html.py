"""HTML backend: a self-contained page per project that looks like the printed form, and the index page.

The page carries its stylesheet inline and loads nothing (a Content-Security-Policy says so too), so it can be
mailed or archived as one file. Every piece of user text reaches the templates as a variable and is escaped by
Jinja's autoescape.
"""

from __future__ import annotations

from typing import Iterable

from .. import ast
from ..frameworks import Framework
from .cycle import Sheet, Table
from .env import render as render_template
from ..syntax.values import show_money as money
from .layout import PAGES, crowded, table_widths, widths
from .view import IndexEntry, by_unit_and_year, project_view


def render(spec: ast.Spec, project: ast.Project, *, index_href: str | None = None,
           framework: Framework | None = None, paged: bool = False) -> str:
    """The project's page; `index_href` (relative) adds a link back to the index page; `paged` adds the
    page rules a paged-media engine reads (page numbers: `backends.pdf`)."""
    view = project_view(spec, project, framework)
    return render_template("html", "html/project.html.jinja", view=view, widths=widths(view),
                           index_href=index_href, paged=paged)


def render_index(entries: Iterable[IndexEntry]) -> str:
    """The index page: every project grouped by unit and year, with budget totals and links."""
    listed = list(entries)
    units = by_unit_and_year(listed, lambda e: {
        "entry": e, "page": dict(e.links).get("html", ""), "total": money(e.total) if e.total is not None else "",
        "current": money(e.current) if e.current is not None else ""}, lambda e: e.source)
    return render_template("html", "html/index.html.jinja", units=units, count=len(listed))


def render_sheet(sheet: Sheet, *, index_href: str | None = None, paged: bool = False) -> str:
    """The 自评表 or the 监控表 (`backends.cycle`) as a page of its own."""
    tables = [(b.columns, [[(c.text, c.span) for c in row] for row in b.rows]) if isinstance(b, Table) else None
              for b in sheet.blocks]
    for landscape, small, page_em in PAGES:  # on its side, in smaller type, when one of its tables needs it
        shares = [table_widths(*t, page_em) if t else () for t in tables]
        if None not in shares:
            break
    fitted = [s if s is not None else crowded(t[0]) if t else () for s, t in zip(shares, tables)]
    return render_template("html", "html/sheet.html.jinja", sheet=sheet, index_href=index_href, paged=paged,
                           shares=fitted, landscape=landscape, small=small)
