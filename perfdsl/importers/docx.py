"""Reader for Word documents (.docx): each table, with the paragraphs around it, as a `Grid`.

Offices publish 绩效目标表 as Word files far more often than as workbooks, so this reader turns one into the
grid model every importer shares (perfdsl.importers.grid). It reads the document's XML rather than
python-docx's cell lists because merges have to come back exactly: a 一级 merged down three rows and a
label merged across two columns are what let the interpreter tell a heading from a value, and only the
cells' own `w:gridSpan`, `w:vMerge` (and Word 97's `w:hMerge`) say which grid slots one cell covers. The
paragraphs before a table (its 附件 title, `项目名称：…  主管部门：…` header lines) are one-cell rows in the
same grid, in document order. A file that is not a Word document is a diagnostic, never a traceback.
Needs python-docx (the optional extra `perfdsl[docx]`).
"""

from __future__ import annotations

import io
from typing import Any, Iterator

from .. import ast
from ..diagnostics import Diagnostic, Severity, diag
from .grid import Grid

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
# Elements that only wrap content (content controls, custom XML, tracked insertions): what they hold is read
# as if it stood in their place, or a table inside a content control would vanish.
_WRAPPERS = {_W + t for t in ("sdt", "sdtContent", "customXml", "smartTag", "ins", "moveTo", "hyperlink",
                             "fldSimple", "dir", "bdo")}


_MAX_SPAN = 63
"""Word's own limit on a table's columns; a larger gridSpan or gridBefore (a damaged or crafted file) would
otherwise make rows of millions of empty cells."""


def _span(file: str) -> ast.Span:
    return ast.Span(file=file, line=1, column=1, end_line=1, end_column=2)


def _children(element: Any, *tags: str) -> Iterator[Any]:
    """The children with one of `tags`, looking through wrapper elements."""
    wanted = {_W + t for t in tags}
    for child in element:
        if child.tag in wanted:
            yield child
        elif child.tag in _WRAPPERS:
            yield from _children(child, *tags)


def _run_text(run: Any) -> str:
    parts: list[str] = []
    for child in run:
        if child.tag == _W + "t":
            parts.append(child.text or "")
        elif child.tag in (_W + "tab", _W + "ptab"):
            parts.append("\t")
        elif child.tag in (_W + "br", _W + "cr"):
            parts.append("\n")
        elif child.tag == _W + "noBreakHyphen":
            parts.append("-")
    return "".join(parts)


def _paragraph_text(p: Any) -> str:
    # deleted runs (w:del) are not what the document says, so only live runs are read
    return "".join(_run_text(r) for r in _children(p, "r")).strip()


def _block_lines(container: Any) -> list[str]:
    """The text of a cell's (or a nested table cell's) paragraphs and tables, one line per non-empty one."""
    lines: list[str] = []
    for block in _children(container, "p", "tbl"):
        text = _paragraph_text(block) if block.tag == _W + "p" else _nested_text(block)
        if text:
            lines.append(text)
    return lines


def _nested_text(tbl: Any) -> str:
    """A table inside a cell has no place in the grid: its rows become lines of the cell's text."""
    rows = []
    for tr in _children(tbl, "tr"):
        cells = ["\n".join(_block_lines(tc)) for tc in _children(tr, "tc")]
        line = " ".join(c for c in cells if c)
        if line:
            rows.append(line)
    return "\n".join(rows)


def _property(tc: Any, name: str) -> Any:
    """The `w:tcPr/w:<name>` element of a cell, or None."""
    props = tc.find(_W + "tcPr")
    return None if props is None else props.find(_W + name)


def _number(element: Any, default: int) -> int:
    try:
        return max(int(element.get(_W + "val")), 0)
    except (AttributeError, TypeError, ValueError):
        return default


def _continues(tc: Any, name: str) -> bool:
    """Whether the cell continues a merge begun before it (`w:vMerge`/`w:hMerge` without `restart`)."""
    merge = _property(tc, name)
    return merge is not None and merge.get(_W + "val", "continue") != "restart"


def _add_table(grid: Grid, tbl: Any) -> None:
    """Append a table's rows to the grid, with every merged range recorded against its first cell."""
    top = len(grid.rows)
    owner: dict[tuple[int, int], tuple[int, int]] = {}  # every grid slot -> the first slot of its cell
    rows: list[list[str | None]] = []
    for r, tr in enumerate(_children(tbl, "tr"), start=top + 1):
        # a row may start right of the first column, its first slots empty
        before = tr.find(f"{_W}trPr/{_W}gridBefore")
        row: list[str | None] = [None] * min(_number(before, 0), _MAX_SPAN)
        for tc in _children(tr, "tc"):
            column = len(row) + 1
            span = min(max(_number(_property(tc, "gridSpan"), 1), 1), _MAX_SPAN)
            if _continues(tc, "vMerge") and (r - 1, column) in owner:
                origin = owner[(r - 1, column)]
            elif _continues(tc, "hMerge") and (r, column - 1) in owner:
                origin = owner[(r, column - 1)]
            else:
                origin = (r, column)
            row.append(("\n".join(_block_lines(tc)) or None) if origin == (r, column) else None)
            row.extend([None] * (span - 1))
            for c in range(column, column + span):
                owner[(r, c)] = origin
                if (r, c) != origin:
                    grid.merged[(r, c)] = origin
        rows.append(row)
    width = max((len(row) for row in rows), default=0)
    grid.rows.extend(row + [None] * (width - len(row)) for row in rows)


def _body_blocks(body: Any) -> Iterator[Any]:
    """The body's paragraphs and tables in document order (section properties and bookmarks aside)."""
    yield from _children(body, "p", "tbl")


def read_docx(data: bytes, file: str) -> tuple[list[Grid], list[Diagnostic]]:
    """Every table of a Word document as a Grid (`table1`, `table2`…), each with the paragraphs before it
    as one-cell rows; paragraphs after the last table end the last grid, and a document without tables is
    one grid of its paragraphs."""
    try:
        import docx
    except ImportError:
        return [], [diag("I121", Severity.error, _span(file))]
    try:
        body = docx.Document(io.BytesIO(data)).element.body
    except Exception as e:  # a zip error, a missing part, XML that is not WordprocessingML: all mean "not a .docx"
        return [], [diag("I120", Severity.error, _span(file), reason=f"{type(e).__name__}: {e}")]
    if body is None:
        return [], [diag("I120", Severity.error, _span(file), reason="word/document.xml has no w:body")]
    grids: list[Grid] = []
    pending = Grid(name="table1", kind="table")  # the paragraphs since the last table
    for block in _body_blocks(body):
        if block.tag == _W + "tbl":
            _add_table(pending, block)
            grids.append(pending)
            pending = Grid(name=f"table{len(grids) + 1}", kind="table")
        elif text := _paragraph_text(block):
            pending.rows.append([text])
    if not grids:
        return [pending], []
    grids[-1].rows.extend(pending.rows)
    return grids, []
