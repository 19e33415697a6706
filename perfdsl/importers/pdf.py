"""Reader for text PDFs: each ruled table of a page becomes a `Grid`, with the page's lines around it.

A 绩效目标表 is mostly published as a PDF printed from Word or Excel, so its table is drawn with ruling lines
and its text is a text layer. pdfplumber finds the table by those lines; what it gives is not yet the form's
grid, though: a merged cell (a 一级 down its rows, a label across columns) is one cell whose covered places
are None, so the merges are recovered here from the cells' boxes, where the model wants them known. The
title and the `label：value` header lines printed above a table, outside its rules, are one-cell rows before
it (notes below the last table of a page after it), so the one interpreter reads them as it reads a
workbook's. A long indicator table breaks over pages; its parts are joined back into one grid.

What cannot be read is said, never an empty result: a scan (pages with no text layer) is I130, a missing
pdfplumber I131, a file that is not a readable PDF I132. A table printed without ruling lines is read from
the text layer as a table pasted with spaces between its cells is (I134); a text PDF with no table in either
form still gives its lines, one grid a page, with I133 saying no table was found. Needs pdfplumber (the extra
`perfdsl[pdf]`).
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Sequence

from .. import ast
from ..diagnostics import Diagnostic, Severity, diag
from .grid import Grid

if TYPE_CHECKING:
    from .tables import Vocabulary

_TOLERANCE = 1.0
"""Points: cell edges drawn by one rule differ by rounding only."""

_PAGE_NUMBER = re.compile(r"[-—–\s]*(第\s*\d+\s*页(\s*[/，,]?\s*共\s*\d+\s*页)?|\d+(\s*/\s*\d+)?|page\s*\d+"
                          r"(\s*(/|of)\s*\d+)?)[-—–\s]*", re.IGNORECASE)
"""The first or last line of a page that is only a page number (`- 3 -`, `第 3 页 共 5 页`, `3/5`): a
printer's header or footer, not the form; left in, it would keep a table from going on over the page."""


Merge = tuple[tuple[int, int], tuple[int, int]]
"""The first and last cell (1-based) of a merged range."""


def _span(file: str, page: int = 1) -> ast.Span:
    return ast.Span(file=file, line=page, column=1, end_line=page, end_column=2)


@dataclass
class _Part:
    """One table of a page, with the page's lines that go before and after it."""

    page: int
    index: int
    rows: list[list[str | None]]
    merges: list[Merge]
    open_below: set[int] = field(default_factory=set)
    """Columns whose last cell has no rule below it: a merged cell the page's end cut, going on overleaf."""
    before: list[str] = field(default_factory=list)
    after: list[str] = field(default_factory=list)


def read_pdf(data: bytes, file: str, strict: bool = False, vocabulary: Vocabulary | None = None
             ) -> tuple[list[Grid], list[Diagnostic]]:
    """The grids of a text PDF: one a table (`page1-table1`), a table broken over pages being one."""
    try:
        import pdfplumber
    except ImportError:
        return [], [diag("I131", Severity.error, _span(file))]
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            pages = list(pdf.pages)
            if not pages:
                return [], [diag("I132", Severity.error, _span(file), reason="no pages")]
            if not any(page.chars for page in pages):
                return [], [diag("I130", Severity.error, _span(file), pages=len(pages))]
            read = [_read_page(page, number) for number, page in enumerate(pages, 1)]
    except Exception as error:  # pdfminer raises many kinds for a damaged file; all mean "cannot read it"
        return [], [diag("I132", Severity.error, _span(file), reason=_reason(error))]
    if not any(parts for parts, _ in read):
        unruled = _unruled(read, file, strict, vocabulary)
        if unruled is not None:
            return unruled
        grids = [_lines_grid(f"page{number}", lines) for number, (_, lines) in enumerate(read, 1) if lines]
        return grids, [diag("I133", Severity.info, _span(file), pages=len(pages))]
    return _join(read), []


def _unruled(read: list[tuple[list[_Part], list[str]]], file: str, strict: bool, vocabulary: Vocabulary | None
             ) -> tuple[list[Grid], list[Diagnostic]] | None:
    """A table printed without ruling lines: its text layer gives a row a line, cells between spaces, as a
    table pasted so does (perfdsl.importers.unmarked), over all the pages; places name the page."""
    from .unmarked import unmarked_grid

    pages = [number for number, (_, lines) in enumerate(read, 1) for _ in lines]
    found = unmarked_grid("\n".join(line for _, lines in read for line in lines), file, strict, vocabulary)
    if found is None or found.grid.lines is None or not found.rows:
        return None
    grid = found.grid
    grid.lines = on = [pages[line - 1] for line in found.grid.lines]
    grid.name, grid.kind = (f"page{on[0]}-{on[-1]}" if on[0] != on[-1] else f"page{on[0]}"), "table"
    said = [replace(d, span=_span(file, pages[d.span.line - 1])) for d in found.diagnostics]
    return [grid], [diag("I134", Severity.info, _span(file), pages=len(read)), *said]


def _reason(error: Exception) -> str:
    text = str(error).strip()
    return f"{type(error).__name__}: {text}" if text else type(error).__name__


def _read_page(page: Any, number: int) -> tuple[list[_Part], list[str]]:
    """The page's tables top to bottom, each with the lines above it (and the last with those below); a
    page without a table gives its lines alone."""
    tables = sorted(page.find_tables(), key=lambda t: (t.bbox[1], t.bbox[0]))
    boxes = [t.bbox for t in tables]
    text = page.filter(lambda obj: obj.get("object_type") != "char" or not _inside(obj, boxes))
    lines = [((line["top"] + line["bottom"]) / 2, str(line["text"]).strip()) for line in text.extract_text_lines()]
    lines = [(middle, words) for middle, words in lines if words]
    if lines and _PAGE_NUMBER.fullmatch(lines[-1][1]):
        lines.pop()
    if lines and _PAGE_NUMBER.fullmatch(lines[0][1]):
        lines.pop(0)
    if not tables:
        return [], [words for _, words in lines]
    parts = [_part(table, number, index) for index, table in enumerate(tables, 1)]
    for middle, words in lines:
        following = [part for part, box in zip(parts, boxes) if middle < box[1]]
        if following:
            following[0].before.append(words)
        else:
            parts[-1].after.append(words)
    return parts, []


def _inside(obj: dict[str, Any], boxes: Sequence[tuple[float, float, float, float]], half_open: bool = False) -> bool:
    """Whether the object's middle lies in one of the boxes; `half_open` as pdfplumber tests a char for a
    cell (a char on a shared edge is in the cell below or right of it)."""
    x = (obj["x0"] + obj["x1"]) / 2
    y = (obj["top"] + obj["bottom"]) / 2
    if half_open:
        return any(x0 <= x < x1 and top <= y < bottom for x0, top, x1, bottom in boxes)
    return any(x0 <= x <= x1 and top <= y <= bottom for x0, top, x1, bottom in boxes)


def _part(table: Any, page: int, index: int) -> _Part:
    rows = [[_cell(text) for text in row] for row in table.extract()]
    merges = _merges(table)
    unclosed, open_below = _unclosed(table, rows, merges)
    return _Part(page, index, rows, merges + unclosed, open_below)


def _cell(text: str | None) -> str | None:
    return (text or "").strip() or None


def _merges(table: Any) -> list[Merge]:
    """Merged ranges from the cells' boxes: a cell whose box reaches past the next column's left edge (or the
    next row's top) covers it. pdfplumber places a covered spot as None; a box that would cover a spot
    holding a cell of its own is cut short there, so no cell's value is ever hidden."""
    lefts, tops = _lines(table)
    merges = []
    for r, row in enumerate(table.rows):
        for c, box in enumerate(row.cells):
            if box is None:
                continue
            last_c = c + sum(1 for x in lefts if box[0] + _TOLERANCE < x < box[2] - _TOLERANCE)
            last_r = r + sum(1 for y in tops if box[1] + _TOLERANCE < y < box[3] - _TOLERANCE)
            last_r, last_c = _uncovered(table.rows, r, c, last_r, last_c)
            if (last_r, last_c) != (r, c):
                merges.append(((r + 1, c + 1), (last_r + 1, last_c + 1)))
    return merges


def _lines(table: Any) -> tuple[list[float], list[float]]:
    """The left edges of the columns and the tops of the rows, as pdfplumber numbers them (its cells share
    them exactly: it snaps the rules before it makes cells)."""
    return sorted({cell[0] for cell in table.cells}), sorted({cell[1] for cell in table.cells})


def _uncovered(rows: Any, r: int, c: int, last_r: int, last_c: int) -> tuple[int, int]:
    """The range from (r, c) cut to spots that have no cell of their own."""
    last_c = min(last_c, len(rows[r].cells) - 1)
    for column in range(c + 1, last_c + 1):
        if rows[r].cells[column] is not None:
            last_c = column - 1
            break
    last_r = min(last_r, len(rows) - 1)
    for row in range(r + 1, last_r + 1):
        if any(rows[row].cells[column] is not None for column in range(c, last_c + 1)):
            last_r = row - 1
            break
    return last_r, last_c


def _unclosed(table: Any, rows: list[list[str | None]], merges: list[Merge]) -> tuple[list[Merge], set[int]]:
    """Cells pdfplumber does not see because no rule closes them: a merged cell cut by the end of the page
    (a 一级 down a long table) has no bottom rule there, so its spots come back None and covered by nothing.
    A run of such spots down a column is taken as one merged cell, its text read from its box, so the text
    is neither lost from the table nor taken for a line outside it. Also the columns where such a run ends
    the table: their cell goes on on the next page."""
    from pdfplumber.utils.text import extract_text

    covered = {(r, c) for first, last in merges for r in range(first[0], last[0] + 1)
               for c in range(first[1], last[1] + 1)}
    lefts, tops = _lines(table)
    rights, bottoms = [*lefts[1:], table.bbox[2]], [*tops[1:], table.bbox[3]]
    found: list[Merge] = []
    open_below = set()
    for c in range(len(lefts)):
        r = 0
        while r < len(rows):
            if not _orphan(table, covered, r, c):
                r += 1
                continue
            last = r
            while last + 1 < len(rows) and _orphan(table, covered, last + 1, c):
                last += 1
            box = (lefts[c], tops[r], rights[c], bottoms[last])
            rows[r][c] = _cell(extract_text([ch for ch in table.page.chars if _inside(ch, [box], half_open=True)]))
            if last > r:
                found.append(((r + 1, c + 1), (last + 1, c + 1)))
            if last == len(rows) - 1:
                open_below.add(c + 1)
            r = last + 1
    return found, open_below


def _orphan(table: Any, covered: set[tuple[int, int]], r: int, c: int) -> bool:
    return table.rows[r].cells[c] is None and (r + 1, c + 1) not in covered


def _lines_grid(name: str, lines: list[str]) -> Grid:
    return Grid(name=name, rows=[[line] for line in lines], kind="table", wrapped=True)


def _join(read: list[tuple[list[_Part], list[str]]]) -> list[Grid]:
    """Grids in document order. A page's first table with nothing above it, after a page that ended with a
    table of as many columns, is that table going on; lines of a page without a table go before the next
    table (a title page) or, at the end, after the last."""
    grids: list[Grid] = []
    headers: list[list[str | None]] = []
    last_part: _Part | None = None
    pending: list[str] = []
    ended_with_table = False
    for parts, lines in read:
        if not parts:
            pending.extend(lines)
            ended_with_table = False
            continue
        for position, part in enumerate(parts):
            goes_on = (position == 0 and ended_with_table and not pending and not part.before
                       and last_part is not None and part.rows and len(part.rows[0]) == len(headers[-1]))
            if goes_on and last_part is not None:  # (mypy does not see the test in goes_on)
                _go_on(grids[-1], headers[-1], last_part, part)
            else:
                grid = _lines_grid(f"page{part.page}-table{part.index}", pending + part.before)
                pending = []
                _append(grid, part.rows, part.merges)
                grids.append(grid)
                headers.append(part.rows[0] if part.rows else [])
            last_part = part
            for line in part.after:
                grids[-1].rows.append([line])
        ended_with_table = not parts[-1].after
    for line in pending:
        grids[-1].rows.append([line])
    return grids


def _go_on(grid: Grid, header: list[str | None], above: _Part, part: _Part) -> None:
    """Append a table's part from the next page. A printed table repeats its heading row on each page: the
    grid has it once. A merged cell the page's end cut (no rule below it) goes on in an empty cell at the
    top of its column: the two are one merged range."""
    rows, merges = part.rows, part.merges
    if rows[0] == header and not any(first[0] == 1 < last[0] for first, last in merges):
        rows, merges = rows[1:], [((a[0] - 1, a[1]), (b[0] - 1, b[1])) for a, b in merges if a[0] > 1]
    offset = len(grid.rows)
    _append(grid, rows, merges)
    if not rows:
        return
    for column in sorted(above.open_below):
        top = (offset + 1, column)
        if grid.own(*top) is not None or grid.covered(*top):
            continue
        origin = grid.merged.get((offset, column), (offset, column))
        if grid.end(*top) != column or origin[1] != column or grid.end(offset, column) != column:
            continue  # a range across columns: which part goes on where is not known
        bottom = top[0]
        while grid.merged.get((bottom + 1, column)) == top:
            bottom += 1
        grid.set_merge(origin, (bottom, column))


def _append(grid: Grid, rows: list[list[str | None]], merges: list[Merge]) -> None:
    offset = len(grid.rows)
    grid.rows.extend([list(row) for row in rows])
    for first, last in merges:
        grid.set_merge((first[0] + offset, first[1]), (last[0] + offset, last[1]))
