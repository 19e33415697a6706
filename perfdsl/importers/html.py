"""Reader for HTML pages (a 绩效目标表 published on a government site, or saved from a browser): each table,
with the text before it, as a `Grid`.

Such pages are the other common way the form is published, so this reader turns one into the grid model
every importer shares (perfdsl.importers.grid). Merges have to come back exactly: rowspan and colspan are
laid out the way a browser does it (a cell takes the next free slot of its row, spans stop at the end of
their row group), so a 一级 spanning three rows and a label spanning two columns reach the interpreter as
merged ranges. Text outside tables (the 附件 title, `项目名称：…` header lines, a table's caption) becomes
one-cell rows in document order. Pages come in GBK as often as in UTF-8 and do not always say which, so
bytes are decoded by what they are, not only by what they claim. Needs lxml (the optional extra
`perfdsl[html]`).
"""

from __future__ import annotations

import codecs
import re
from typing import Any

from .. import ast
from ..diagnostics import Diagnostic, Severity, diag
from .grid import Grid

_SKIPPED = {"head", "script", "style", "noscript", "template", "title", "select", "textarea", "object"}
# Elements that start and end a line of text, as a browser lays them out.
_BLOCKS = {"address", "article", "aside", "blockquote", "caption", "center", "dd", "details", "dialog", "div",
           "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6",
           "header", "hr", "legend", "li", "main", "nav", "ol", "p", "pre", "section", "summary", "table",
           "tbody", "tfoot", "thead", "tr", "ul"}
_CELLS = {"td", "th"}
_GROUPS = {"thead", "tbody", "tfoot"}
_SPACE = re.compile(r"[ \t\n\r\f\xa0]+")  # HTML's white space, and &nbsp;, which shows as a space
_META_CHARSET = re.compile(rb"<meta[^>]*?charset\s*=\s*[\"']?\s*([A-Za-z0-9_.:-]+)", re.IGNORECASE)
_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
_GB = {"gb2312", "gbk", "x-gbk", "gb_2312-80", "csgb2312", "chinese", "euc-cn", "cp936"}
_MAX_COLSPAN, _MAX_ROWSPAN = 1000, 65534  # the limits the HTML standard sets
_MAX_SLOTS = 200_000
"""Grid slots one page may fill. A span costs a slot per cell it covers, so a few bytes of crafted HTML
(colspan=1000 on every cell of thousands of rows) would otherwise cost gigabytes; a real form is a few
thousand slots. Past this, cells keep their text but lose their spans."""


def _span(file: str) -> ast.Span:
    return ast.Span(file=file, line=1, column=1, end_line=1, end_column=2)


def _declared(data: bytes) -> str | None:
    """The charset a `<meta>` near the start names, if Python knows it. GB2312 pages hold GBK characters
    in practice, so every GB name reads as GB18030, which contains both."""
    match = _META_CHARSET.search(data[:4096])
    if match is None:
        return None
    name = match.group(1).decode("ascii", "replace").lower()
    if name in _GB:
        return "gb18030"
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def decode(data: bytes) -> str:
    """The page's text: by its BOM; else UTF-8 when the bytes are valid UTF-8 (a page re-saved as UTF-8
    often keeps its old `charset=gb2312`, while GBK text is practically never valid UTF-8); else the
    declared charset; else GB18030, the encoding of most Chinese pages that declare none."""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return data.decode(codec, "replace")
    declared = _declared(data)
    for codec in dict.fromkeys(c for c in ("utf-8", declared, "gb18030") if c):
        try:
            return data.decode(codec)
        except UnicodeDecodeError:
            continue
    return data.decode(declared or "utf-8", "replace")


def _lines(fragments: list[str]) -> list[str]:
    lines = (_SPACE.sub(" ", line).strip() for line in "".join(fragments).split("\n"))
    return [line for line in lines if line]


def _collect(element: Any, out: list[Any], tables: bool) -> None:
    """Append the element's text to `out`, "\\n" where a line ends; with `tables`, a table with no table
    inside is appended as itself, for the caller to lay out, instead of as its text."""
    tag = element.tag if isinstance(element.tag, str) else ""  # comments and processing instructions
    if not tag or tag in _SKIPPED:
        return
    if tag == "table" and tables and not _layout(element):
        out.append(element)
        return
    if tag == "br":
        out.append("\n")
        return
    block = tag in _BLOCKS
    if block:
        out.append("\n")
    out.append(element.text or "")
    for child in element:
        _collect(child, out, tables)
        out.append(child.tail or "")
    if block:
        out.append("\n")
    elif tag in _CELLS:
        out.append(" ")  # the cells of a nested table stay apart on their row's line


def _layout(table: Any) -> bool:
    """A table around a table of three rows or more is the page's layout (government sites wrap their
    content in one), read as if it were not there; a small table inside a cell (two half-years) is that
    cell's text."""
    return any(len(inner.findall(".//tr")) >= 3 for inner in table.iterdescendants("table"))


def _text(element: Any) -> str:
    """A cell's (or caption's) text: its lines joined with "\\n"; a table inside it is read as text."""
    out: list[Any] = []
    out.append(element.text or "")
    for child in element:
        _collect(child, out, tables=False)
        out.append(child.tail or "")
    return "\n".join(_lines(out))


def _row_groups(table: Any) -> list[list[Any]]:
    """The table's rows in document order, in their row groups: thead/tbody/tfoot, and each run of `<tr>`
    directly in the table as the group a browser would wrap it in. Rows of nested tables are not its rows."""
    groups: list[list[Any]] = []
    loose: list[Any] | None = None
    for child in table:
        if child.tag == "tr":
            if loose is None:
                loose = []
                groups.append(loose)
            loose.append(child)
        elif child.tag in _GROUPS:
            loose = None
            groups.append([tr for tr in child if tr.tag == "tr"])
    return groups


def _number(cell: Any, name: str, default: int) -> int:
    match = re.match(r"\s*(\d+)", cell.get(name) or "")
    return int(match.group(1)) if match else default


def _add_table(grid: Grid, table: Any, slots: list[int]) -> None:
    """Append the table's caption and rows to the grid, with every rowspan/colspan recorded as a merge."""
    caption = next((c for c in table if c.tag == "caption"), None)
    if caption is not None and (title := _text(caption)):
        grid.rows.append([title])
    top = len(grid.rows)
    owner: dict[tuple[int, int], tuple[int, int]] = {}
    rows: list[list[str | None]] = []
    for group in _row_groups(table):
        end = top + len(rows) + len(group)  # a span stops at its row group's last row
        for tr in group:
            r = top + len(rows) + 1
            row: dict[int, str | None] = {}
            column = 1
            for cell in (c for c in tr if c.tag in _CELLS):
                while (r, column) in owner:
                    column += 1
                colspan = min(max(_number(cell, "colspan", 1), 1), _MAX_COLSPAN)
                rowspan = _number(cell, "rowspan", 1)
                last = max(end if rowspan == 0 else min(r + min(rowspan, _MAX_ROWSPAN) - 1, end), r)
                slots[0] += (last - r + 1) * colspan
                if slots[0] > _MAX_SLOTS:
                    last, colspan = r, 1
                row[column] = _text(cell) or None
                for rr in range(r, last + 1):
                    for cc in range(column, column + colspan):
                        # overlapping spans are an authoring error: the slot stays with the cell that took it
                        if (rr, cc) not in owner:
                            owner[(rr, cc)] = (r, column)
                            if (rr, cc) != (r, column):
                                grid.merged[(rr, cc)] = (r, column)
                column += colspan
            rows.append([row.get(c) for c in range(1, max(row, default=0) + 1)])
    width = _width(owner, top, len(rows))
    for beyond in [k for k in grid.merged if top < k[0] and k[1] > width]:
        del grid.merged[beyond]
    grid.rows.extend(row[:width] + [None] * (width - len(row)) for row in rows)


def _width(owner: dict[tuple[int, int], tuple[int, int]], top: int, count: int) -> int:
    """The table's columns: up to the last one some cell starts in. Columns only an oversized colspan
    reaches (colspan=10 in a four-column table) are no column of the table, as a browser shows it."""
    return max((c for (r, _), (_, c) in owner.items() if top < r <= top + count), default=0)


def _blocks(root: Any) -> list[Any]:
    """The page's tables (those with no table inside) and lines of text outside them, in document order."""
    out: list[Any] = []
    _collect(root, out, tables=True)
    blocks: list[Any] = []
    text: list[str] = []
    for item in out:
        if isinstance(item, str):
            text.append(item)
        else:
            blocks.extend(_lines(text))
            text = []
            blocks.append(item)
    blocks.extend(_lines(text))
    return blocks


def read_html(data: bytes | str, file: str) -> tuple[list[Grid], list[Diagnostic]]:
    """Every table of an HTML page (a layout table around others is not one) as a Grid (`table1`, `table2`…), each with the lines of text
    before it as one-cell rows; text after the last table ends the last grid, and a page with text but no
    table is one grid of its lines."""
    try:
        import lxml.html  # type: ignore[import-untyped]
    except ImportError:
        return [], [diag("I123", Severity.error, _span(file))]
    text = decode(data) if isinstance(data, bytes) else data
    try:
        # decoded here, so libxml2 must not guess again from the page's (possibly wrong) meta charset
        root = lxml.html.document_fromstring(text.encode("utf-8"), parser=lxml.html.HTMLParser(encoding="utf-8"))
        blocks = _blocks(root)
    except Exception:  # libxml2's "Document is empty": nothing to read, which is what I122 says
        blocks = []
    if not blocks:
        return [], [diag("I122", Severity.error, _span(file))]
    grids: list[Grid] = []
    slots = [0]  # filled so far, for _MAX_SLOTS
    pending = Grid(name="table1", kind="table")
    for block in blocks:
        if isinstance(block, str):
            pending.rows.append([block])
        else:
            _add_table(pending, block, slots)
            grids.append(pending)
            pending = Grid(name=f"table{len(grids) + 1}", kind="table")
    if not grids:
        return [pending], []
    grids[-1].rows.extend(pending.rows)
    return grids, []
