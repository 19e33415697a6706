"""Tables pasted as text: rows of cells separated by tabs (what Excel, Word and browsers put on the
clipboard) or by `|` (with or without the outer pipes), as grids.

A row that has fewer cells than the row of column headings lost its first cells to merged 一级/二级 cells
when it was copied: its cells are the last ones of the row, and the empty first ones read as the 一级/二级
above, as a merged cell does. Lines without a separator (a title, `项目名称：…`) are rows of one cell.
"""

from __future__ import annotations

import re

from .grid import Grid

_RULE = re.compile(r"\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?")  # a Markdown table's rule line


def separator(lines: list[str]) -> str | None:
    """The separator of a pasted table: a tab or `|` on at least two lines that split into three cells."""
    for sep in ("\t", "|"):
        if sum(1 for line in lines if len(_cells(line, sep)) >= 3) >= 2:
            return sep
    return None


def _cells(line: str, sep: str) -> list[str]:
    if sep == "|":
        # outer pipes come in pairs and open the line (`| a | b |`): a `|` after a space opening it is an
        # empty first cell (` |  | 上门服务次数`), one only at the end an empty last cell (`10 | 10 | `); both
        # keep the row's cells under their headings
        outer = line.startswith("|")
        line = line.strip()
        if outer:
            line = line[1:]
            line = line[:-1] if line.endswith("|") else line
    return [cell.strip() for cell in line.split(sep)]


def pasted_grid(text: str, name: str = "pasted") -> Grid | None:
    """The grid of a pasted table, or None when the text has no tab or `|` table in it."""
    lines = text.split("\n")
    sep = separator(lines)
    if sep is None:
        return None
    grid = Grid(name=name, kind="text", lines=[])
    width = 0
    for number, line in enumerate(lines, 1):
        if not line.strip() or (sep == "|" and _RULE.fullmatch(line.strip())):
            continue
        cells: list[object] = [c or None for c in _cells(line, sep)] if sep in line else [line.strip()]
        if width and 2 <= len(cells) < width:
            cells = [None] * (width - len(cells)) + cells
        elif len(cells) >= 3:
            width = max(width, len(cells))
        grid.rows.append(cells)
        assert grid.lines is not None
        grid.lines.append(number)
    return grid
