"""Reader of Excel workbooks (.xlsx): each sheet as a grid, merged ranges and typed cells as Excel keeps them.

openpyxl reads them (the optional extra `perfdsl[xlsx]`, which also writes `build --format xlsx`): unlike
the readers of other spreadsheet formats it gives each cell's number format, and a target column of
fractions formatted as percentages (1 shown as 100%) must be read as what it shows. perfdsl.importers.tables
interprets the grids, whatever their layout.
"""

from __future__ import annotations

import io
from typing import Any

from .. import ast
from ..diagnostics import Diagnostic, Severity, diag
from .grid import Grid
from .tables import Imported, Mapping, Vocabulary, interpret


def _shown(cell: Any) -> Any:
    """A cell's value as Excel shows it where the number format changes what it means: 1 formatted `0%`
    is 100%."""
    value = cell.value
    if isinstance(value, (int, float)) and not isinstance(value, bool) and "%" in str(cell.number_format):
        from decimal import Decimal

        return format((Decimal(repr(value)) * 100).normalize(), "f") + "%"
    return value


def sheet_grid(ws: Any) -> Grid:
    grid = Grid(name=ws.title, kind="sheet")
    grid.rows = [[_shown(c) for c in row] for row in ws.iter_rows(min_row=1, max_row=ws.max_row,
                                                                      max_col=ws.max_column)]
    for rng in ws.merged_cells.ranges:
        grid.set_merge((rng.min_row, rng.min_col), (rng.max_row, rng.max_col))
    return grid


MONITORING = "项目支出绩效运行监控表"


def workbook_grids(data: bytes, file: str) -> tuple[list[Grid], list[Diagnostic]]:
    from openpyxl import load_workbook

    from .tables import span

    try:
        wb = load_workbook(io.BytesIO(data), data_only=True)
    except Exception as e:  # openpyxl raises many kinds for a file that is not a workbook; all mean the same
        return [], [diag("I104", Severity.error, span(file), reason=f"{type(e).__name__}: {e}")]
    grids, notes = [], []
    for index, ws in enumerate(wb.worksheets):
        first = ws.cell(row=1, column=1).value
        if index and isinstance(first, str) and first.strip() == MONITORING:
            # the 监控表 sheet `build` writes after a project's target sheet: its figures are not read from a
            # workbook yet; said, not read as a target table (a 自评表 sheet is read, and joined to its project)
            notes.append(diag("I156", Severity.warning, span(file), cell=f"{ws.title}!A1", title=first.strip()))
            continue
        grids.append(sheet_grid(ws))
    return grids, notes


def read_workbook_projects(data: bytes, file: str, strict: bool = False, vocabulary: Vocabulary | None = None
                           ) -> tuple[list[Imported], list[Diagnostic], list[Mapping]]:
    grids, diagnostics = workbook_grids(data, file)
    if not grids:
        return [], diagnostics, []
    imported, more, mapping = interpret(grids, file, strict, vocabulary)
    return imported, diagnostics + more, mapping


def read_workbook(data: bytes, file: str, strict: bool = False) -> tuple[list[tuple[str, ast.Spec]], list[Diagnostic]]:
    """Read every form of a workbook: each project's spec with the cell that names it (`Sheet1!B4`), and
    every diagnostic (the projects' own included)."""
    imported, diagnostics, _ = read_workbook_projects(data, file, strict)
    for one in imported:
        diagnostics += one.diagnostics
    return [(one.place, one.spec) for one in imported], diagnostics


def import_workbook(data: bytes, file: str, strict: bool = False) -> tuple[list[ast.Spec], list[Diagnostic]]:
    """Read every form of a workbook: one Spec per project, 单位 and 年度 at file level."""
    sheets, diagnostics = read_workbook(data, file, strict)
    return [spec for _, spec in sheets], diagnostics
