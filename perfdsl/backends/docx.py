"""Word backend: the form as a .docx a clerk can edit, with python-docx (the optional extra `perfdsl[docx]`).

It lays out the same view model as the HTML page, block for block: the title and year line, then the header
grid, the budget band and the indicator table with the printed form's column shares (`backends.layout`), in
one Word table as `perfdsl import` reads a form, 一级/二级 cells merged down their rows, no row split across
pages; 宋体 10.5 pt on A4 with 15 mm margins (on its side when the printed form is).
`perfdsl import` reads these files back (`importers.docx`) to the same spec. The bytes are deterministic
(fixed document dates and zip times).
"""

from __future__ import annotations

import io
from typing import Any, Sequence

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, Twips
from docx.table import _Cell

from .. import ast
from ..frameworks import Framework
from .archive import FIXED_TIME, steady
from .cycle import Sheet, Table
from .layout import widths
from .view import Pair, ProjectView, project_view

FONT = "SimSun"
"""The form's 宋体; Word substitutes the reader's own serif CJK font when it is missing."""
PAGE = (Mm(210), Mm(297))
MARGIN = Mm(15)
_CENTER = WD_ALIGN_PARAGRAPH.CENTER


def _document(landscape: bool) -> Any:
    doc = Document()
    normal = doc.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(10.5)
    # python-docx sets the Latin font only; Chinese text takes w:eastAsia
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FONT)
    normal.paragraph_format.space_after = Pt(0)
    section = doc.sections[0]
    section.page_width, section.page_height = PAGE[::-1] if landscape else PAGE
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, MARGIN)
    return doc


def _heading(doc: Any, text: str, size: float, *, bold: bool = True) -> None:
    p = doc.add_paragraph()
    p.alignment = _CENTER
    run = p.add_run(text)
    run.bold, run.font.size = bold, Pt(size)


def _table(doc: Any, shares: Sequence[float], rows: int, page_mm: float) -> Any:
    table = doc.add_table(rows=rows, cols=len(shares))
    table.style = doc.styles["Table Grid"]
    table.autofit = False
    for column, share in zip(table.columns, shares):
        width = Mm(page_mm * share / 100)
        column.width = width
        for cell in column.cells:
            cell.width = width
    for row in table.rows:  # a row is never split across pages
        row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
    return table


def _put(cell: Any, text: str | Sequence[str], *, bold: bool = False, align: Any = None) -> None:
    lines = [text] if isinstance(text, str) else list(text) or [""]
    cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    first = cell.paragraphs[0]
    for i, line in enumerate(lines):
        p = first if i == 0 else cell.add_paragraph()
        p.alignment = align
        run = p.add_run(line)
        run.bold = bold


def _repeat(row: Any) -> None:
    row._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))


class _Grid:
    """The whole form as one Word table, as `perfdsl import` reads a form (a table is a grid of its own):
    its columns are every edge of the header grid and of the indicator table, so that each block keeps the
    printed form's widths, a cell spanning the columns between its edges. The cells are written as XML, row
    by row (python-docx's own merge looks the whole table over for every cell: slow for a long form)."""

    def __init__(self, doc: Any, view: ProjectView, label: float, shares: Sequence[float], page_mm: float) -> None:
        edges = [0.0, label, 50.0, 50 + label, 100.0]
        total = 0.0
        for share in shares:
            total += share
            edges.append(min(total, 100.0))
        self.edges = sorted({round(e, 1) for e in edges})
        self.goals = [0.0]
        for share in shares:
            self.goals.append(round(min(self.goals[-1] + share, 100.0), 1))
        self.goals[-1] = 100.0
        self.label = round(label, 1)
        count = len(view.header) + len(view.prose) + (len(view.budget) + 1 if view.budget else 0) + (
            len(view.rows) + 2 if view.rows else 0)
        self.twips = [round(page_mm * (b - a) / 100 * 1440 / 25.4) for a, b in zip(self.edges, self.edges[1:])]
        self.table = doc.add_table(rows=count, cols=len(self.twips))
        self.table.style = doc.styles["Table Grid"]
        self.table.autofit = False
        for column, twips in zip(self.table.columns, self.twips):
            column.width = Twips(twips)
        self.cells: list[list[tuple[int, Any]]] = [[] for _ in range(count)]
        self.row = 0

    def _tc(self, row: int, first: int, last: int, merge: str | None) -> Any:
        tc = OxmlElement("w:tc")
        props = OxmlElement("w:tcPr")
        width = OxmlElement("w:tcW")
        width.set(qn("w:w"), str(sum(self.twips[first:last + 1])))
        width.set(qn("w:type"), "dxa")
        props.append(width)
        if last > first:
            span = OxmlElement("w:gridSpan")
            span.set(qn("w:val"), str(last - first + 1))
            props.append(span)
        if merge:
            vmerge = OxmlElement("w:vMerge")
            if merge == "restart":
                vmerge.set(qn("w:val"), "restart")
            props.append(vmerge)
        tc.append(props)
        tc.append(OxmlElement("w:p"))
        self.cells[row].append((first, tc))
        return tc

    def cell(self, start: float, end: float, rows: int = 1) -> Any:
        """The cell of this row from edge `start` to edge `end` (per cent), merged down `rows` rows."""
        first, last = self.edges.index(round(start, 1)), self.edges.index(round(end, 1)) - 1
        tc = self._tc(self.row, first, last, "restart" if rows > 1 else None)
        for below in range(self.row + 1, self.row + rows):
            self._tc(below, first, last, "continue")
        return _Cell(tc, self.table)

    def finish(self) -> None:
        for tr, cells in zip(self.table._tbl.tr_lst, self.cells):
            for tc in tr.tc_lst:
                tr.remove(tc)
            tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))  # a row is never split across pages
            for _, tc in sorted(cells, key=lambda c: c[0]):
                tr.append(tc)

    def pairs(self, line: Sequence[Pair], numbers: bool = False) -> None:
        slots = [(0.0, self.label, 50.0), (50.0, 50 + self.label, 100.0)] if len(line) == 2 else [
            (0.0, self.label, 100.0)]
        for pair, (start, middle, end) in zip(line, slots):
            _put(self.cell(start, middle), pair.label, align=_CENTER)
            _put(self.cell(middle, end), pair.value, align=WD_ALIGN_PARAGRAPH.RIGHT if numbers else None)
        self.row += 1

    def band(self, text: str) -> None:
        _put(self.cell(0.0, 100.0), text, bold=True, align=_CENTER)
        self.row += 1


def _goals(grid: _Grid, view: ProjectView) -> None:
    grid.band(view.goals_heading)
    edges = grid.goals
    for i, heading in enumerate(view.columns):
        _put(grid.cell(edges[i], edges[i + 1]), heading, bold=True, align=_CENTER)
    grid.row += 1
    for row in view.rows:
        for column, (text, span) in enumerate(((row.level1, row.level1_span), (row.level2, row.level2_span))):
            if span:
                _put(grid.cell(edges[column], edges[column + 1], span), text, align=_CENTER)
        _put(grid.cell(edges[2], edges[3]), row.name)
        _put(grid.cell(edges[3], edges[4]), row.target, align=_CENTER)
        for i, (field, paragraphs) in enumerate(zip(view.attribute_fields, row.attributes)):
            _put(grid.cell(edges[4 + i], edges[5 + i]), paragraphs,
                 align=_CENTER if field in ("weight", "nature") else None)
        grid.row += 1


def _save(doc: Any) -> bytes:
    props = doc.core_properties
    props.author = props.last_modified_by = "perfdsl"
    props.created = props.modified = FIXED_TIME
    props.revision = 1
    buffer = io.BytesIO()
    doc.save(buffer)
    return steady(buffer.getvalue())


def render(spec: ast.Spec, project: ast.Project, *, framework: Framework | None = None) -> bytes:
    """The project's target table as a Word document."""
    view = project_view(spec, project, framework)
    shares = widths(view)
    doc = _document(shares.landscape)
    page_mm = (297 if shares.landscape else 210) - 30
    _heading(doc, view.title, 18)
    if view.year_line:
        _heading(doc, view.year_line, 10.5, bold=False)
    grid = _Grid(doc, view, shares.label, shares.columns, page_mm)
    for line in view.header:
        grid.pairs(line)
    for prose in view.prose:
        _put(grid.cell(0.0, grid.label), prose.label, align=_CENTER)
        _put(grid.cell(grid.label, 100.0), prose.paragraphs)
        grid.row += 1
    if view.budget:
        grid.band(view.budget_heading)
        for line in view.budget:
            grid.pairs(line, numbers=True)
    if view.rows:
        _goals(grid, view)
    grid.finish()
    return _save(doc)


def render_sheet(sheet: Sheet) -> bytes:
    """The 自评表 or the 监控表 (`backends.cycle`), the blocks of its HTML page in order."""
    doc = _document(False)
    _heading(doc, sheet.title, 18)
    if sheet.year_line:
        _heading(doc, sheet.year_line, 10.5, bold=False)
    header = _table(doc, (25, 75), len(sheet.header), 180)
    for pair, row in zip(sheet.header, header.rows):
        _put(row.cells[0], pair.label, align=_CENTER)
        _put(row.cells[1], pair.value)
    for block in sheet.blocks:
        p = doc.add_paragraph()
        p.add_run(block.heading if isinstance(block, Table) else block.label).bold = True
        if not isinstance(block, Table):
            for text in block.paragraphs:
                doc.add_paragraph(text).paragraph_format.first_line_indent = Pt(21)
            continue
        table = _table(doc, [100 / len(block.columns)] * len(block.columns), len(block.rows) + 1, 180)
        for cell, column in zip(table.rows[0].cells, block.columns):
            _put(cell, column, bold=True, align=_CENTER)
        _repeat(table.rows[0])
        for r, row in enumerate(block.rows, start=1):
            for c, cell in enumerate(row):
                if cell.span:
                    target = table.cell(r, c)
                    if cell.span > 1:
                        target = target.merge(table.cell(r + cell.span - 1, c))
                    _put(target, cell.text, align=WD_ALIGN_PARAGRAPH.RIGHT if cell.number else _CENTER)
    if sheet.footer:
        doc.add_paragraph("　".join(f"{p.label}：{p.value}" for p in sheet.footer))
    return _save(doc)
