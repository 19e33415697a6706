"""Text backend: a project in the official text layout of the published form (财政项目支出绩效目标表).

The layout follows the seed document (the text of the published PDF) line by line: the label lines, the six
labelled prose sections wrapped at the page width, the budget lines, and the indicator table written one cell
group per line. `perfdsl.importers.text` reads this layout back, so its conventions are the importer's too.
"""

from __future__ import annotations

from typing import Literal

from .. import ast
from ..frameworks import Framework
from ..syntax.textblock import wrap
from .cycle import Sheet
from .env import render as render_template
from .view import ProjectView, Row, project_view

WIDTH = 40
"""Prose line width in full-width characters: the published form's."""

NAME_CELL = 20
"""Characters of the 三级 column: the published table wraps longer indicator names inside the cell and puts
the target on a line of its own (最高院第四届大数据专题协作任务《非法集资 / 案件特征…》完成率 / =100%)."""

Measure = Literal["chars", "columns"]


def _wrap(paragraph: str, width: int, measure: Measure) -> list[str]:
    # The published PDF counts characters: digits and Latin letters take a full cell like CJK ones. Measured
    # on the seed, counting characters makes 320 of its 323 non-blank lines identical (the other three are
    # titles the PDF indented by one space), counting Latin letters and digits as half makes 294. "columns"
    # is kept as the typographic alternative: a narrow character is half a cell.
    if measure == "chars":
        return wrap(paragraph, width, wide=1)
    return wrap(paragraph, width * 2, wide=2)


def _row_lines(row: Row, level2: str | None) -> list[str]:
    """The lines of one indicator: `[二级 ]name target`, or a long name wrapped in its cell, then the target
    (the caller puts the 二级 above a wrapped name)."""
    if len(row.name) <= NAME_CELL:
        return [" ".join(part for part in (level2, row.name, row.target) if part)]
    lines = wrap(row.name, NAME_CELL, wide=1)
    return [*lines, row.target] if row.target else lines


def _attribute_lines(view: ProjectView, row: Row) -> list[str]:
    lines = []
    for label, cell in zip(view.attribute_columns, row.attributes):
        for i, part in enumerate(cell):
            lines.append(f"  {label}：{part}" if i == 0 else f"  {part}")
    return lines


def table(view: ProjectView) -> list[list[str]]:
    """The indicator rows as blocks of lines (a blank line goes between blocks).

    A 一级 heading is a block of its own. A 二级 with exactly one indicator shares its line, as the printed
    table's merged cell is then centred on that one row; with more it stands alone above them. The 一级
    heading always stands alone: the printed table never has a one-row 一级, and the importer reads it so.
    """
    blocks: list[list[str]] = []
    rows = list(view.rows)
    i = 0
    while i < len(rows):
        row = rows[i]
        if row.level1_span:
            blocks.append([row.level1])
        group = rows[i:i + max(row.level2_span, 1)]
        lines: list[str] = []
        single = len(group) == 1 and len(row.name) <= NAME_CELL
        if not single and row.level2:
            lines.append(row.level2)
        for member in group:
            if member.name or member.target:
                lines.extend(_row_lines(member, row.level2 if single else None))
            elif single and row.level2:
                lines.append(row.level2)
            lines.extend(_attribute_lines(view, member))
        blocks.append(lines)
        i += len(group)
    return [b for b in blocks if b]


def render(spec: ast.Spec, project: ast.Project, *, width: int = WIDTH, measure: Measure = "chars",
           framework: Framework | None = None) -> str:
    """The project in the official text layout; prose wrapped at `width` full-width characters."""
    view = project_view(spec, project, framework)
    # a blank line between paragraphs: one whose last line fills the page would run into the next when read back
    prose = [(p.label, [line for i, para in enumerate(p.paragraphs) for line in ([""] if i else []) + _wrap(
        para, width, measure)]) for p in view.prose]
    return render_template("text", "text/project.txt.jinja", view=view, prose=prose, table=table(view))


def render_sheet(sheet: Sheet) -> str:
    """The 自评表 or the 监控表 (`backends.cycle`)."""
    return render_template("text", "text/sheet.txt.jinja", sheet=sheet)
