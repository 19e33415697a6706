"""Old Excel `.xls` and OpenDocument `.ods` workbooks (and whatever else python-calamine reads) as grids.

Many 绩效目标表 still travel as `.xls` (the finance systems export it, WPS saves it by default) or as
`.ods` (LibreOffice). openpyxl reads neither; python-calamine, a binding to a Rust reader, reads both, fast
and without a spreadsheet program. It is an optional dependency (`perfdsl[xls]`): without it the file is
refused with a message saying what to install.

The reader only recovers the grid the sheet shows (see perfdsl.importers.grid): cell values as calamine
types them, merged ranges known, the value of a merged range in its first cell only. calamine gives no
merged ranges for `.ods`, so they are read from the file's content.xml (number-columns-spanned and
number-rows-spanned). A damaged file never ends in a traceback: calamine's errors, and the panics of its
Rust code, become a message.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable, Iterator
from typing import Any
from xml.etree import ElementTree

from .. import ast
from ..diagnostics import Diagnostic, Severity, diag
from .grid import Grid
from .sniff import sniff

# calamine's form of a merged range, kept for the .ods ranges read here too: 0-based first and last
# cell, both inclusive, as ((row, column), (row, column)).
Range = tuple[tuple[int, int], tuple[int, int]]


def read_spreadsheet(data: bytes, file: str) -> tuple[list[Grid], list[Diagnostic]]:
    """One Grid per worksheet, named by the sheet's name; a chart sheet has no cells and gives none."""
    try:
        import python_calamine
    except ImportError:
        return [], [diag("I141", Severity.error, _span(file))]
    try:
        book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    except BaseException as e:
        if not _read_failure(e):
            raise
        return [], [diag("I140", Severity.error, _span(file), reason=_reason(e))]
    ods_ranges = _ods_ranges(data) if sniff(data) == "ods" else {}
    grids: list[Grid] = []
    diagnostics: list[Diagnostic] = []
    with book:
        for meta in book.sheets_metadata:
            if meta.typ != python_calamine.SheetTypeEnum.WorkSheet:
                continue
            try:
                sheet = book.get_sheet_by_name(meta.name)
                # the whole area from A1, so that row and column numbers are the sheet's own and match
                # the merged ranges (the default drops leading empty rows and columns)
                rows = sheet.to_python(skip_empty_area=False)
                ranges = sheet.merged_cell_ranges
            except BaseException as e:
                if not _read_failure(e):
                    raise
                # one unreadable sheet should not hide the others
                diagnostics.append(diag("I142", Severity.warning, _span(file), sheet=meta.name, reason=_reason(e)))
                continue
            grids.append(_grid(meta.name, rows, ods_ranges.get(meta.name, []) if ranges is None else ranges))
    return grids, diagnostics


def _span(file: str) -> ast.Span:
    return ast.Span(file=file, line=1, column=1, end_line=1, end_column=2)


def _reason(e: BaseException) -> str:
    return f"{type(e).__name__}: {e}"


def _read_failure(e: BaseException) -> bool:
    """Whether calamine failed on the file (to report) rather than the process being stopped (to let
    through). A panic in calamine's Rust code reaches Python as pyo3's PanicException, which derives from
    BaseException and cannot be imported by name, so it is known by its name."""
    return isinstance(e, Exception) or type(e).__name__ == "PanicException"


def _grid(name: str, rows: list[list[Any]], ranges: Iterable[Range]) -> Grid:
    cells = [[None if isinstance(v, str) and v == "" else v for v in row] for row in rows]
    ranges = list(ranges)
    # A covered cell shows its range's value; a file may still hold a copy (LibreOffice keeps the text of
    # cells merged into another), which must not read as a second value.
    for (r0, c0), (r1, c1) in ranges:
        for r in range(r0, min(r1 + 1, len(cells))):
            for c in range(c0, min(c1 + 1, len(cells[r]))):
                if (r, c) != (r0, c0):
                    cells[r][c] = None
    height, width = _extent(cells)
    grid = Grid(name=name, rows=[(row[:width] + [None] * width)[:width] for row in cells[:height]])
    for (r0, c0), (r1, c1) in ranges:
        # a range reaching past the last value (a title merged wider than the table) is cut at the grid's
        # edge, so that every covered cell is a cell of the grid
        last = (min(r1, height - 1), min(c1, width - 1))
        if r0 < height and c0 < width and last != (r0, c0):
            grid.set_merge((r0 + 1, c0 + 1), (last[0] + 1, last[1] + 1))
    return grid


def _extent(cells: list[list[Any]]) -> tuple[int, int]:
    """The number of rows and columns up to the last that holds a value."""
    height = width = 0
    for r, row in enumerate(cells):
        filled = [c for c, v in enumerate(row) if v is not None]
        if filled:
            height = r + 1
            width = max(width, filled[-1] + 1)
    return height, width


_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
# A repeated run is how OpenDocument writes a block of identical rows or cells, up to the sheet's last
# row (1048576) for the empty rest of it. A merged cell repeated that often is no table anyone fills in;
# the cap keeps such a file from costing millions of ranges.
_REPEAT_CAP = 1024


def _ods_ranges(data: bytes) -> dict[str, list[Range]]:
    """The merged ranges of each table of an OpenDocument spreadsheet, by table name; empty if the
    content cannot be read (calamine has read the cells, so the grid is still right, only unmerged)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive, archive.open("content.xml") as content:
            return _spans(ElementTree.iterparse(content, events=("start", "end")))
    except (KeyError, OSError, EOFError, RuntimeError, NotImplementedError, zipfile.BadZipFile,
            ElementTree.ParseError):
        return {}


def _count(element: ElementTree.Element, attribute: str) -> int:
    try:
        return max(1, int(element.get(_TABLE + attribute, "1")))
    except ValueError:
        return 1


def _spans(events: Iterator[tuple[str, Any]]) -> dict[str, list[Range]]:
    found: dict[str, list[Range]] = {}
    table: list[Range] = []
    depth = 0  # of tables: a table inside a cell (a rare OpenDocument feature) is not the sheet's grid
    row = column = 0
    starts: list[tuple[int, int, int]] = []  # on the current row: column, rows spanned, columns spanned
    for event, element in events:
        tag = element.tag
        if tag == _TABLE + "table":
            depth += 1 if event == "start" else -1
            if event == "start" and depth == 1:
                table, row = found.setdefault(element.get(_TABLE + "name", ""), []), 0
            continue
        if depth != 1:
            continue
        if tag == _TABLE + "table-row":
            if event == "start":
                column, starts = 0, []
            else:
                repeat = _count(element, "number-rows-repeated")
                for r in range(row, row + min(repeat, _REPEAT_CAP)) if starts else ():
                    table.extend(((r, c), (r + rows - 1, c + columns - 1)) for c, rows, columns in starts)
                row += repeat
                element.clear()  # a sheet's rows are read one at a time, not kept
        elif tag in (_TABLE + "table-cell", _TABLE + "covered-table-cell") and event == "start":
            repeat = _count(element, "number-columns-repeated")
            rows, columns = _count(element, "number-rows-spanned"), _count(element, "number-columns-spanned")
            if tag == _TABLE + "table-cell" and (rows > 1 or columns > 1):
                starts.extend((column + k, rows, columns) for k in range(min(repeat, _REPEAT_CAP)))
            column += repeat
    return found
