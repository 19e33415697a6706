"""The one table model every reader produces: a grid of cells as the source shows it.

A workbook sheet, a Word or HTML table, a PDF page's table or rows pasted as text all become a `Grid`; one
interpreter (perfdsl.importers.tables) maps grids to specs. Readers recover the real grid: a merged cell
(rowspan/colspan, a Word merge, an Excel merged range) has its value in its first cell and is known to cover
the others, so the interpreter can read a merged 一级 down its rows and a label across its columns. Text
around a table (a Word paragraph, the lines of a PDF page above the table) is a row of one cell, in document
order, so titles and `label：value` header fields are read the same way wherever they come from.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


def column_letters(column: int) -> str:
    """1 -> A, 27 -> AA: how a spreadsheet names a column."""
    letters = ""
    while column:
        column, rest = divmod(column - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


@dataclass
class Grid:
    """Rows of cell values (1-based row and column numbers in every method). A value is text, or what a
    workbook typed it as (a number, a date, a truth value); None is an empty cell."""

    name: str
    """The table's name for messages: a sheet's name, `table2` (a document's second table), `page3-table1`."""
    rows: list[list[Any]] = field(default_factory=list)
    merged: dict[tuple[int, int], tuple[int, int]] = field(default_factory=dict)
    """A cell a merged range covers (not its first cell) -> the range's first cell."""
    lines: list[int] | None = None
    """The source line of each row, for input that has lines (pasted text); else a row is its own number."""
    wrapped: bool = False
    """A line break inside a cell is where the printed page wrapped it (a PDF), not one its writer typed: a
    prose cell is one paragraph."""
    kind: str = "sheet"
    """How places are named: `sheet` as a spreadsheet does (Sheet1!B4), any other in rows and columns
    (table2!R4C2, page1-table1!R3C5, pasted!R7C2: the line number is in the message's place)."""

    @property
    def max_row(self) -> int:
        return len(self.rows)

    @property
    def max_column(self) -> int:
        return max((len(r) for r in self.rows), default=0)

    def own(self, row: int, column: int) -> Any:
        """The cell's own value: None for a cell a merged range covers."""
        if 1 <= row <= len(self.rows) and 1 <= column <= len(self.rows[row - 1]):
            return self.rows[row - 1][column - 1]
        return None

    def value(self, row: int, column: int) -> Any:
        """The value the cell shows: a covered cell shows its merged range's value."""
        origin = self.merged.get((row, column))
        return self.own(*origin) if origin is not None else self.own(row, column)

    def covered(self, row: int, column: int) -> bool:
        return (row, column) in self.merged

    def end(self, row: int, column: int) -> int:
        """The last column of the merged range that starts (or lies) at this cell, on this row."""
        origin = self.merged.get((row, column), (row, column))
        last = column
        while self.merged.get((row, last + 1)) == origin:
            last += 1
        return last

    def line(self, row: int) -> int:
        return self.lines[row - 1] if self.lines is not None and 0 < row <= len(self.lines) else row

    def where(self, row: int, column: int) -> str:
        if self.kind == "sheet":
            return f"{self.name}!{column_letters(column)}{row}"
        return f"{self.name}!R{row}C{column}"

    def set_merge(self, first: tuple[int, int], last: tuple[int, int]) -> None:
        """Record a merged range from its first to its last cell (inclusive)."""
        for r in range(first[0], last[0] + 1):
            for c in range(first[1], last[1] + 1):
                if (r, c) != first:
                    self.merged[(r, c)] = first
