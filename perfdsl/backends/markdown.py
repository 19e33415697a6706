"""Markdown backend: GitHub-flavoured Markdown that renders on GitHub and GitLab.

The header fields form a two-column table, the prose sections are paragraphs under their labels, and the
indicator table shows each 一级 and 二级 once, on the first row of its group (Markdown tables cannot merge
cells). User text is escaped by the `md_text`/`md_cell` filters: HTML shows as text, `|` cannot end a cell.
"""

from __future__ import annotations

from .. import ast
from ..frameworks import Framework
from .cycle import Sheet
from .env import render as render_template
from .view import project_view


def render(spec: ast.Spec, project: ast.Project, *, framework: Framework | None = None) -> str:
    return render_template("markdown", "markdown/project.md.jinja", view=project_view(spec, project, framework))


def render_sheet(sheet: Sheet) -> str:
    """The 自评表 or the 监控表 (`backends.cycle`)."""
    return render_template("markdown", "markdown/sheet.md.jinja", sheet=sheet)
