"""Excel backend: one workbook per spec file, one sheet per project, laid out like the printed form.

Like the other backends it only renders the shared view model (view.py), with openpyxl (the optional extra
`perfdsl[xlsx]`; only `build --format xlsx` imports this module): the title and year line, the header fields
two to a row, the prose sections, the budget figures as numbers, and the indicator table with its 一级/二级
cells merged over their rows, thin borders, wrapped text, fixed column widths and an A4 portrait page set-up.
Every text cell is a string cell, so user text starting with `=` is never taken for a formula. The bytes are
deterministic (fixed document dates and zip times), so an unchanged spec rebuilds to an unchanged file.
`perfdsl.importers.xlsx` reads these workbooks back.
"""

from __future__ import annotations

import datetime
import io
import math
import re
from decimal import Decimal
from typing import Any, Sequence

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from .. import ast
from ..diagnostics import display_width
from ..frameworks import Framework
from .archive import FIXED_TIME, steady
from .cycle import Cell, Sheet as Sheet_, Table
from .view import ProjectView, project_view

FONT = "SimSun"
POINTS_PER_LINE = 15.0
WIDTHS = {"level1": 12.0, "level2": 12.0, "name": 20.0, "name2": 18.0, "target": 16.0}
"""Column widths (characters) of the indicator table. The 三级 name takes two columns (merged on every row):
the header block lays out over the same columns, and so its second label gets a column of its own (D) and
both values get room (B:C and E onwards)."""
NARROW_NAME = (14.0, 14.0)
ATTRIBUTE_WIDTHS = {"weight": 7.0, "nature": 8.0, "standard": 14.0, "explanation": 24.0}
_THIN = Side(style="thin")
BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_UNSAFE_TITLE = re.compile(r"[\[\]:*?/\\]")


def sheet_title(name: str, taken: set[str]) -> str:
    """A sheet name for a project: Excel refuses []:*?/\\ and more than 31 characters, and names must differ
    (case-insensitively)."""
    base = (_UNSAFE_TITLE.sub("_", name).strip("'") or "_")[:31]
    title, n = base, 1
    while title.casefold() in taken:
        n += 1
        suffix = f"({n})"
        title = base[: 31 - len(suffix)] + suffix
    taken.add(title.casefold())
    return title


def _number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def _money_format(value: Decimal) -> str:
    return "#,##0" if value == value.to_integral_value() else "#,##0.00"


class Sheet:
    """Writes one project's form on a worksheet, row by row."""

    def __init__(self, ws: Worksheet, view: ProjectView | None, widths: list[float] | None = None) -> None:
        self.ws, self.row = ws, 1
        if view is None:  # a 自评表 or 监控表: columns of its own
            self.widths = widths or []
        else:
            self.view = view
            fields = ["level1", "level2", "name", "name2", "target", *view.attribute_fields]
            self.widths = [WIDTHS.get(f) or ATTRIBUTE_WIDTHS.get(f, 12.0) for f in fields]
            if view.attribute_fields:  # the attribute columns take their room from the names
                self.widths[2:4] = NARROW_NAME
        self.last = len(self.widths)
        self.half = 4
        """The column of the second label of a header row."""
        for i, width in enumerate(self.widths, 1):
            ws.column_dimensions[get_column_letter(i)].width = width

    def put(self, column: int, value: Any, *, bold: bool = False, center: bool = False, border: bool = True,
            size: float = 11, number_format: str | None = None, to: int | None = None) -> None:
        """A cell (merged up to column `to`), as a string cell unless it is a number or a date."""
        cell = self.ws.cell(row=self.row, column=column)
        cell.value = value
        if isinstance(value, str):
            cell.data_type = "s"  # never a formula, whatever the text starts with
            cell.quotePrefix = value.startswith(("=", "+", "-", "@"))
        cell.font = Font(name=FONT, bold=bold, size=size)
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center" if center else None)
        if number_format:
            cell.number_format = number_format
        end = to or column
        if end > column:
            self.ws.merge_cells(start_row=self.row, start_column=column, end_row=self.row, end_column=end)
        if border:
            for c in range(column, end + 1):
                self.ws.cell(row=self.row, column=c).border = BORDER

    def height(self, texts: Sequence[tuple[str, float]]) -> None:
        """Set the row's height for the tallest of its (text, width in characters) cells."""
        lines = max((sum(max(math.ceil(display_width(part) / max(width - 1, 1)), 1) for part in text.split("\n"))
                     for text, width in texts), default=1)
        self.ws.row_dimensions[self.row].height = POINTS_PER_LINE * max(lines, 1)

    def span(self, first: int, last: int) -> float:
        return sum(self.widths[first - 1:last])

    def band(self, text: str, *, size: float = 11, border: bool = True) -> None:
        self.put(1, text, bold=True, center=True, border=border, size=size, to=self.last)
        self.row += 1

    def pairs(self, line: Sequence[tuple[str, Any, str | None]]) -> None:
        """A header or budget row: one or two (label, value, number format) pairs."""
        slots = [(1, self.half - 1), (self.half, self.last)] if len(line) == 2 else [(1, self.last)]
        texts = []
        for (label, value, fmt), (first, last) in zip(line, slots):
            self.put(first, label, bold=True)
            self.put(first + 1, value, number_format=fmt, to=last)
            texts += [(label, self.widths[first - 1]), (str(value), self.span(first + 1, last))]
        self.height(texts)
        self.row += 1


def _header_value(node: ast.Node | None, text: str) -> tuple[Any, str | None]:
    if isinstance(node, ast.Day):
        return datetime.datetime.combine(node.value, datetime.time()), "yyyy-mm-dd"
    return text, None


def write_project(ws: Worksheet, spec: ast.Spec, project: ast.Project, framework: Framework | None) -> None:
    view = project_view(spec, project, framework)
    sheet = Sheet(ws, view)
    sheet.band(view.title, size=16, border=False)
    if view.year_line:
        sheet.band(view.year_line, border=False)
    for line in view.header:
        sheet.pairs([(p.label, *_header_value(getattr(project, p.field, None), p.value)) for p in line])
    for prose in view.prose:
        text = "\n".join(prose.paragraphs)
        sheet.put(1, prose.label, bold=True)
        sheet.put(2, text, to=sheet.last)
        sheet.height([(prose.label, sheet.widths[0]), (text, sheet.span(2, sheet.last))])
        sheet.row += 1
    if view.budget and project.budget is not None:
        sheet.band(view.budget_heading)
        sources = iter(project.budget.sources.items if project.budget.sources is not None else ())
        for line in view.budget:
            amounts = [(next(sources) if p.field == "source" else getattr(project.budget, p.field)).value
                       for p in line]
            sheet.pairs([(p.label, _number(a), _money_format(a)) for p, a in zip(line, amounts)])
    if view.rows:
        _table(sheet, project)
    _page_setup(ws)


def _page_setup(ws: Worksheet) -> None:
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.5


def _table(sheet: Sheet, project: ast.Project) -> None:
    view = sheet.view
    sheet.band(view.goals_heading)
    starts = [1, 2, 3, *range(5, sheet.last + 1)]  # 三级 spans the two name columns
    for heading, column in zip(view.columns, starts):
        sheet.put(column, heading, bold=True, center=True, to=4 if column == 3 else None)
    sheet.row += 1
    indicators = iter(ind for l1 in project.sections for l2 in l1.sections for ind in l2.indicators)
    for row in view.rows:
        cells: list[tuple[str, float]] = []
        if row.level1_span:
            _merged(sheet, 1, row.level1, row.level1_span)
        if row.level2_span:
            _merged(sheet, 2, row.level2, row.level2_span)
        indicator = next(indicators) if row.name else None
        sheet.put(3, row.name, to=4)
        sheet.put(5, row.target, center=True)
        cells += [(row.name, sheet.span(3, 4)), (row.target, sheet.widths[4])]
        # a 一级 or 二级 name on one row only needs that row tall enough; a merged one has the rows it covers
        cells += [(text, sheet.widths[i]) for i, (text, rows) in enumerate(((row.level1, row.level1_span),
                                                                          (row.level2, row.level2_span))) if rows == 1]
        for i, field in enumerate(view.attribute_fields):
            node = getattr(indicator, field) if indicator is not None else None
            value: Any = _number(node.value) if isinstance(node, ast.Amount) else "\n".join(row.attributes[i])
            sheet.put(6 + i, value, center=isinstance(node, ast.Amount))
            cells.append(("\n".join(row.attributes[i]), sheet.widths[5 + i]))
        sheet.height(cells)
        sheet.row += 1


def _merged(sheet: Sheet, column: int, text: str, rows: int) -> None:
    """A 一级 or 二级 cell over its rows; every covered cell gets the border, as Excel draws them."""
    sheet.put(column, text, center=True)
    if rows > 1:
        _merge_down(sheet, column, rows)


def _cell_value(cell: Cell) -> tuple[Any, str | None]:
    """A figure of a sheet as a number cell (money with commas, a rate as a per cent), other text as text."""
    if not cell.number or not cell.text:
        return cell.text, None
    text = cell.text.replace(",", "")
    try:
        value = Decimal(text.rstrip("%"))
    except ArithmeticError:
        return cell.text, None
    if text.endswith("%"):
        return _number(value / 100), "0.00%"
    return _number(value), _money_format(value) if "," in cell.text else None


def write_sheet(ws: Worksheet, form: Sheet_) -> None:
    """The 自评表 or the 监控表 (`backends.cycle`) on a worksheet: the same cells as the other formats."""
    widest = max((len(b.columns) for b in form.blocks if isinstance(b, Table)), default=4)
    for i in range(1, widest + 1):
        ws.column_dimensions[get_column_letter(i)].width = 14.0
    sheet = Sheet(ws, None, widths=[14.0] * widest)
    sheet.band(form.title, size=16, border=False)
    if form.year_line:
        sheet.band(form.year_line, border=False)
    for pair in form.header:
        sheet.pairs([(pair.label, pair.value, None)])
    for block in form.blocks:
        if isinstance(block, Table):
            sheet.band(block.heading)
            for column, heading in enumerate(block.columns, 1):
                sheet.put(column, heading, bold=True, center=True, to=sheet.last if column == len(
                    block.columns) else None)
            sheet.row += 1
            for row in block.rows:
                for column, cell in enumerate(row, 1):
                    if not cell.span:
                        continue
                    value, fmt = _cell_value(cell)
                    sheet.put(column, value, number_format=fmt, center=column <= 2,
                              to=sheet.last if column == len(row) else None)
                    if cell.span > 1:
                        _merge_down(sheet, column, cell.span)
                sheet.height([(c.text, 14.0) for c in row if c.span])
                sheet.row += 1
        else:
            text = "\n".join(block.paragraphs)
            sheet.put(1, block.label, bold=True)
            sheet.put(2, text, to=sheet.last)
            sheet.height([(text, sheet.span(2, sheet.last))])
            sheet.row += 1
    if form.footer:
        sheet.put(1, "　".join(f"{p.label}：{p.value}" for p in form.footer), border=False, to=sheet.last)
    _page_setup(ws)


def _merge_down(sheet: Sheet, column: int, rows: int) -> None:
    sheet.ws.merge_cells(start_row=sheet.row, start_column=column, end_row=sheet.row + rows - 1, end_column=column)
    for r in range(sheet.row, sheet.row + rows):
        sheet.ws.cell(row=r, column=column).border = BORDER


def workbook(spec: ast.Spec, frameworks: Sequence[Framework | None] | None = None,
             forms: Sequence[tuple[str, Sheet_]] = ()) -> bytes:
    """The spec's workbook: a sheet per project (laid out by `frameworks[i]`, else the project's own), then a
    sheet per 自评表 or 监控表 of `forms` (a sheet name and the form)."""
    wb = Workbook()
    wb.remove(wb.active)
    taken: set[str] = set()
    for i, project in enumerate(spec.projects):
        ws = wb.create_sheet(sheet_title(project.name, taken))
        write_project(ws, spec, project, frameworks[i] if frameworks else None)
    for title, form in forms:
        write_sheet(wb.create_sheet(sheet_title(title, taken)), form)
    if not spec.projects:
        wb.create_sheet("_")
    wb.properties.creator = "perfdsl"
    wb.properties.created = FIXED_TIME
    buffer = io.BytesIO()
    wb.save(buffer)
    return steady(buffer.getvalue())
